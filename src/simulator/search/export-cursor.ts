import { HOUR } from "../clock.js";
import { badRequest, type ZendeskError } from "../errors.js";

// Search export cursors (ZENDESK_API.md 4.3) carry the sort key of the last record sent and the
// clock time they were issued: Zendesk's `after_cursor` expires one hour after it is issued.

export const CURSOR_TTL_MS = HOUR;

export interface ExportCursor {
  /** [created_at, id] of the last record of the previous page. */
  key: [number, number];
  issuedAt: number;
}

export function encodeExportCursor(cursor: ExportCursor): string {
  return Buffer.from(JSON.stringify({ k: cursor.key, i: cursor.issuedAt })).toString("base64url");
}

const invalidCursor = (): ZendeskError =>
  badRequest(
    "InvalidPaginationParameter",
    "page[after] is not a search export cursor; pass the meta.after_cursor of the previous page unchanged.",
  );

/** Decodes page[after]; an expired cursor is refused with a message that says what to do. */
export function decodeExportCursor(raw: string, now: number): ExportCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const { k, i } = (parsed ?? {}) as { k?: unknown; i?: unknown };
  if (
    !Array.isArray(k) ||
    k.length !== 2 ||
    !k.every((n) => typeof n === "number" && Number.isFinite(n)) ||
    typeof i !== "number"
  ) {
    throw invalidCursor();
  }
  if (now - i > CURSOR_TTL_MS) {
    throw badRequest(
      "InvalidPaginationParameter",
      "The search export cursor has expired: cursors are valid for one hour after they are issued. Start the export again without page[after].",
    );
  }
  return { key: [k[0], k[1]], issuedAt: i };
}

import { notFound, recordInvalid } from "./errors.js";
import type { RouteContext } from "./route.js";

/** Reads the `{"<wrapper>": {...}}` object of a request body, or answers like Zendesk when it is missing. */
export function wrapped(ctx: RouteContext, wrapper: string): Record<string, unknown> {
  const body = ctx.body as Record<string, unknown> | undefined;
  const inner = body?.[wrapper];
  if (!inner || typeof inner !== "object" || Array.isArray(inner)) {
    throw recordInvalid({ [wrapper]: [`${wrapper} parameter is missing or not an object`] });
  }
  return inner as Record<string, unknown>;
}

/**
 * Zendesk silently drops read-only keys from a body and says so in `X-Zendesk-API-Warn`
 * (ZENDESK_API.md 1.1). Returns the attributes without them.
 */
export function dropReadOnlyKeys(
  ctx: RouteContext,
  wrapper: string,
  attributes: Record<string, unknown>,
  readOnly: readonly string[],
): Record<string, unknown> {
  const removed = readOnly.filter((key) => key in attributes);
  if (removed.length === 0) return attributes;
  const kept = { ...attributes };
  for (const key of removed) delete kept[key];
  const names = removed.map((k) => `"${wrapper}.${k}"`).join(", ");
  const previous = ctx.headers["x-zendesk-api-warn"];
  const message = `Removed restricted keys [${names}] from parameters according to whitelist`;
  ctx.headers["x-zendesk-api-warn"] = previous ? `${previous}; ${message}` : message;
  return kept;
}

/** Parses `ids=1,2,3` (at most `max`), answering 400 like Zendesk for anything else. */
export function idList(ctx: RouteContext, param = "ids", max = 100): number[] {
  const raw = ctx.query[param];
  if (!raw) throw recordInvalid({ [param]: [`${param} is required`] });
  const ids = raw.split(",").map((s) => Number(s.trim()));
  if (ids.some((n) => !Number.isInteger(n) || n <= 0))
    throw recordInvalid({ [param]: [`${param} must be a comma-separated list of ids`] });
  if (ids.length > max) throw recordInvalid({ [param]: [`at most ${max} ids are allowed`] });
  return ids;
}

export function numericParam(ctx: RouteContext, name: string): number {
  const n = Number(ctx.params[name]);
  // Rails routes only match numeric ids; anything else is an unknown record.
  if (!Number.isInteger(n) || n <= 0) throw notFound();
  return n;
}

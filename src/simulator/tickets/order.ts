import { badRequest } from "../errors.js";
import { compareKeys, type SortKey } from "../pagination.js";

// Sort keys for cursor pagination (ZENDESK_API.md 3.1): ascending keys for any requested order, so
// that cursors (the key of an edge item) work for descending sorts too.

/** Maps a string so that ascending order of the results is descending order of the inputs. */
function descendingString(s: string): string {
  let out = "";
  for (const ch of s) out += String.fromCharCode(0xfffe - (ch.codePointAt(0)! & 0xffff));
  // The terminator sorts after every mapped character, so "ab" comes before its prefix "a".
  return `${out}\uffff`;
}

export type SortValue = number | string;

/** A key function ordering by `valueFor`, then by id, ascending or descending. */
export function ordering<T>(
  valueFor: (item: T) => SortValue,
  idOf: (item: T) => number,
  descending: boolean,
): (item: T) => SortKey {
  if (!descending) return (item) => [valueFor(item), idOf(item)];
  return (item) => {
    const v = valueFor(item);
    return [typeof v === "number" ? -v : descendingString(v), -idOf(item)];
  };
}

export function sortBy<T>(items: readonly T[], keyOf: (item: T) => SortKey): T[] {
  return items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((e) => e.item);
}

/**
 * Reads the requested order: cursor endpoints use `sort=field|-field`, offset ones
 * `sort_by=field&sort_order=asc|desc` (3.1, 3.2). Unknown fields are a 400.
 */
export function requestedOrder(
  query: Record<string, string | undefined>,
  allowed: readonly string[],
  fallback: string,
): { field: string; descending: boolean } {
  const sort = query["sort"];
  const [field, descending] =
    sort !== undefined
      ? sort.startsWith("-")
        ? [sort.slice(1), true]
        : [sort, false]
      : [query["sort_by"] ?? fallback, query["sort_order"]?.toLowerCase() === "desc"];
  if (!allowed.includes(field))
    throw badRequest(
      "InvalidPaginationParameter",
      `sort must be one of ${allowed.join(", ")}; got "${field}"`,
    );
  return { field, descending };
}

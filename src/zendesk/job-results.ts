import { isClosedTicketRefusal, isErrorCode } from "./errors.js";
import type { JobOutcome } from "./jobs.js";
import type { JobResult, JobStatus } from "./types.js";

// The per-item outcome of a bulk job. Zendesk does not guarantee the order of a job's results
// (ZENDESK_API.md 7), so they are matched to the items asked for by index and id.

/** Why one item of a job failed. */
export type ItemFailureKind =
  | "NotFound"
  | "ClosedTicket"
  | "Conflict"
  | "Validation"
  | "Failed"
  /** The job finished without a result for this item. */
  | "NoResult";

/** The outcome of one item of a bulk request, in the order the items were given. */
export interface ItemResult {
  /** Position of the item in the caller's list. */
  index: number;
  /** The record's id: the one asked for, or the created record's for imports. */
  id: number | undefined;
  ok: boolean;
  /** Zendesk's status word (`Updated`, `Deleted`, `Failed`) where it gave one. */
  status?: string;
  failure?: ItemFailure;
}

export interface ItemFailure {
  kind: ItemFailureKind;
  /** Zendesk's error code, e.g. `RecordNotFound`; never its description, which may quote data. */
  code?: string;
}

/**
 * How a job's results name their items: `id` for changes of existing records (results carry the
 * record's id and usually the index), `index` for created records (the id is the new record's),
 * `all` for jobs that report one all-or-nothing `{success}` (permanent ticket deletion, 7).
 */
export type MatchBy = "id" | "index" | "all";

/**
 * The result of each requested item, matched by `index`/`id` since Zendesk does not guarantee the
 * order of results (ZENDESK_API.md 7). `keys` are the requested ids (`undefined` where there is
 * none, e.g. imports). Items the job reports nothing for are failures of kind NoResult, never
 * silently successes.
 */
export function jobItemResults(
  keys: readonly (number | undefined)[],
  outcome: JobOutcome,
  by: MatchBy,
): ItemResult[] {
  if (by === "all") return allOrNothing(keys, outcome.status);
  const matched: (JobResult | undefined)[] = keys.map(() => undefined);
  for (const result of outcome.results) {
    const position = positionOf(result, keys, matched, by);
    if (position !== undefined) matched[position] = result;
  }
  return keys.map((key, index) => {
    const result = matched[index];
    if (!result) return { index, id: key, ok: false, failure: { kind: "NoResult" } };
    return itemResult(index, by === "index" ? numericId(result.id) : key, result);
  });
}

function positionOf(
  result: JobResult,
  keys: readonly (number | undefined)[],
  matched: readonly (JobResult | undefined)[],
  by: "id" | "index",
): number | undefined {
  const index = result.index;
  const free = (i: number) => i >= 0 && i < keys.length && matched[i] === undefined;
  if (typeof index === "number" && Number.isInteger(index) && free(index)) {
    // For changes, the index must agree with the id when both are given.
    if (by === "index" || result.id === undefined || String(result.id) === String(keys[index])) return index;
  }
  if (by === "id" && result.id !== undefined) {
    const found = keys.findIndex((key, i) => free(i) && String(key) === String(result.id));
    if (found >= 0) return found;
  }
  return undefined;
}

function itemResult(index: number, id: number | undefined, result: JobResult): ItemResult {
  const failed = result.success === false || result.error !== undefined || result.status === "Failed";
  const base = { index, id, ...(typeof result.status === "string" ? { status: result.status } : {}) };
  if (!failed) return { ...base, ok: true };
  const code = isErrorCode(result.error) ? result.error : undefined;
  return { ...base, ok: false, failure: { kind: failureKind(result), ...(code ? { code } : {}) } };
}

function failureKind(result: JobResult): ItemFailureKind {
  const code = typeof result.error === "string" ? result.error : "";
  if (code === "ClosedTicket" || isClosedTicketRefusal(String(result.details ?? ""))) return "ClosedTicket";
  if (code === "RecordNotFound" || code === "NotFound") return "NotFound";
  if (code === "UpdateConflict") return "Conflict";
  if (code === "RecordInvalid" || code === "InvalidValue") return "Validation";
  return "Failed";
}

function allOrNothing(keys: readonly (number | undefined)[], status: JobStatus): ItemResult[] {
  const results = status.results;
  const success = status.status === "completed" && !Array.isArray(results) && results?.success === true;
  return keys.map((id, index) =>
    success ? { index, id, ok: true } : { index, id, ok: false, failure: { kind: "Failed" } },
  );
}

const numericId = (id: unknown): number | undefined =>
  typeof id === "number" && Number.isInteger(id) ? id : undefined;

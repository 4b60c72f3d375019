import { canonicalJson } from "../sweep/canonical-json.js";
import {
  type ClusterApi,
  ClusterError,
  isConflict,
  isNotFound,
  type KubeObject,
  keyText,
  type ObjectKey,
} from "./cluster.js";

// Status goes to the status subresource, computed from the object as the server has it now, and
// written with that version's resourceVersion: a write never puts a status computed for an older
// spec over a newer one (observedGeneration stays true, which Argo CD and Flux read through
// kstatus). When the object changed in between (a spec edit, another status write), the write
// conflicts, and the status is computed again from the newer object.

/** Writes after which a status that keeps conflicting is left to the next reconcile. */
export const STATUS_WRITE_ATTEMPTS = 5;

/**
 * Reads the object, asks `compute` for its new status (undefined: leave it), and writes it unless
 * it equals the status there. Returns the object as written (or as read when nothing was
 * written), undefined when it does not exist. A Conflict is retried with a fresh read, up to
 * STATUS_WRITE_ATTEMPTS writes; other errors (Unavailable, Forbidden) are thrown, so that the
 * reconcile is requeued.
 */
export async function writeStatus<T extends KubeObject>(
  api: ClusterApi,
  kind: "ZendeskAccount" | "RedactionPolicy",
  key: ObjectKey,
  compute: (current: T) => unknown | undefined,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await api.get<T>(kind, key);
    if (!current) return undefined;
    const status = compute(current);
    if (status === undefined || sameStatus(current["status"], status)) return current;
    try {
      return await api.replaceStatus<T>({ ...current, status });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      if (!isConflict(error)) throw error;
      if (attempt >= STATUS_WRITE_ATTEMPTS) {
        throw new ClusterError(
          "Conflict",
          (error as ClusterError).code,
          `the status of ${kind} ${keyText(key)} could not be written: the object changed during each of ${STATUS_WRITE_ATTEMPTS} attempts (something else writes it constantly); the reconcile is retried`,
        );
      }
    }
  }
}

/**
 * Equal as the API server stores them: JSON, keys in any order, undefined members absent. (A
 * status that differs only there would otherwise be written on every reconcile.)
 */
function sameStatus(current: unknown, next: unknown): boolean {
  if (current === undefined) return false;
  return (
    canonicalJson(JSON.parse(JSON.stringify(current))) === canonicalJson(JSON.parse(JSON.stringify(next)))
  );
}

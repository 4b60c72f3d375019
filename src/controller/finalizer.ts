import type { ClusterApi, KindName, KubeObject } from "./cluster.js";
import { isNotFound } from "./cluster.js";

// The finalizer that makes deleting a policy wait for the operator: its running sweep is
// cancelled and its sweep state removed before Kubernetes lets the policy go. Finalizers are
// changed with a JSON merge patch carrying the resourceVersion the caller read: the list is
// replaced whole (RFC 7386), so without that precondition a finalizer another controller added
// in between would be dropped. A Conflict reaches the caller, which requeues and reads again.

export const SWEEP_FINALIZER = "hush.dev/sweep";

export function hasFinalizer(object: KubeObject, finalizer: string = SWEEP_FINALIZER): boolean {
  return object.metadata.finalizers?.includes(finalizer) ?? false;
}

/**
 * Adds the finalizer (nothing to do when present). Returns the object as written, or undefined
 * when it no longer exists. The API server refuses new finalizers on an object being deleted:
 * handle deletion first.
 */
export async function addFinalizer<T extends KubeObject>(
  api: ClusterApi,
  kind: KindName,
  object: T,
  finalizer: string = SWEEP_FINALIZER,
): Promise<T | undefined> {
  if (hasFinalizer(object, finalizer)) return object;
  return patchFinalizers(api, kind, object, [...(object.metadata.finalizers ?? []), finalizer]);
}

/**
 * Removes the finalizer (nothing to do when absent). Returns the object as the server answered:
 * after the last finalizer of an object being deleted, that is its final state, and it is gone.
 * Undefined when it did not exist any more.
 */
export async function removeFinalizer<T extends KubeObject>(
  api: ClusterApi,
  kind: KindName,
  object: T,
  finalizer: string = SWEEP_FINALIZER,
): Promise<T | undefined> {
  if (!hasFinalizer(object, finalizer)) return object;
  return patchFinalizers(
    api,
    kind,
    object,
    (object.metadata.finalizers ?? []).filter((f) => f !== finalizer),
  );
}

async function patchFinalizers<T extends KubeObject>(
  api: ClusterApi,
  kind: KindName,
  object: T,
  finalizers: string[],
): Promise<T | undefined> {
  const patch = {
    metadata: {
      // The version the caller decided on: a Conflict if the object changed since.
      resourceVersion: object.metadata.resourceVersion,
      finalizers: finalizers.length > 0 ? finalizers : null,
    },
  };
  try {
    return await api.mergePatch<T>(
      kind,
      { namespace: object.metadata.namespace ?? "", name: object.metadata.name },
      patch,
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

import type { Informer, KubeObject, ObjectKey, WatchEventType } from "./cluster.js";

// The operator watches every namespace or a list of them (--namespaces). With a list it opens one
// list+watch per namespace, which is all that a Role per namespace grants, and the reconcilers
// read them as one cache: get() asks the namespace's own informer, list() joins them.

/** One Informer over the per-namespace informers in `byNamespace`. */
export function informerSet<T extends KubeObject>(
  byNamespace: ReadonlyMap<string, Informer<T>>,
): Informer<T> {
  const informers = [...byNamespace.values()];
  return {
    async start() {
      await Promise.all(informers.map((informer) => informer.start()));
    },
    async stop() {
      await Promise.all(informers.map((informer) => informer.stop()));
    },
    get synced() {
      return informers.every((informer) => informer.synced);
    },
    get(key: ObjectKey) {
      return byNamespace.get(key.namespace)?.get(key);
    },
    list() {
      return informers.flatMap((informer) => informer.list());
    },
    onChange(handler: (type: WatchEventType, object: T) => void) {
      for (const informer of informers) informer.onChange(handler);
    },
  };
}

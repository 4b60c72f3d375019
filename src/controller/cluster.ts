// What the operator needs from a Kubernetes API server, in Hush's own terms. The reconcilers,
// the leader elector and the sweep state speak to this interface only; src/controller/k8s*.ts is
// the one place that implements it on @kubernetes/client-node (STYLE.md: one module per client
// library), so the library's types and its error shapes never leak into the logic.

/** The kinds the operator reads or writes. */
export type KindName = "ZendeskAccount" | "RedactionPolicy" | "Secret" | "ConfigMap" | "Lease";

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

/** Any object as the API server returns it; fields beyond metadata are read by whoever knows the kind. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMetadata;
  [field: string]: unknown;
}

export interface SecretObject extends KubeObject {
  /** Values base64-encoded, as the API server returns them. */
  data?: Record<string, string>;
}

export interface ConfigMapObject extends KubeObject {
  data?: Record<string, string>;
  /** Values base64-encoded. */
  binaryData?: Record<string, string>;
}

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** RFC 3339 with microseconds (metav1.MicroTime). */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface LeaseObject extends KubeObject {
  spec: LeaseSpec;
}

export interface ObjectKey {
  namespace: string;
  name: string;
}

export const keyText = (key: ObjectKey): string => `${key.namespace}/${key.name}`;

/**
 * metav1.MicroTime: RFC 3339 in UTC with exactly six fractional digits, which Lease times and Event
 * eventTime require (the server parses them with a microsecond layout and refuses milliseconds).
 * `epochMs` may carry a fraction of a millisecond (performance.now()).
 */
export function microTime(epochMs: number): string {
  const whole = Math.floor(epochMs);
  // Rounded: a double this large holds the fraction only to a few tenths of a microsecond.
  const micros = Math.min(999, Math.round((epochMs - whole) * 1000));
  return `${new Date(whole).toISOString().slice(0, 23)}${String(micros).padStart(3, "0")}Z`;
}

export function parseKey(text: string): ObjectKey {
  const slash = text.indexOf("/");
  return { namespace: text.slice(0, slash), name: text.slice(slash + 1) };
}

/** The failure kinds a caller can act on; `message` is the API server's Status message (no secrets). */
export type ClusterErrorKind =
  | "NotFound"
  | "Conflict"
  | "AlreadyExists"
  | "Gone"
  | "Invalid"
  | "Forbidden"
  | "Unauthorized"
  | "Unavailable"
  | "Other";

export class ClusterError extends Error {
  constructor(
    readonly kind: ClusterErrorKind,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = "ClusterError";
  }
}

export const isNotFound = (error: unknown): boolean =>
  error instanceof ClusterError && error.kind === "NotFound";
export const isConflict = (error: unknown): boolean =>
  error instanceof ClusterError && error.kind === "Conflict";
export const isAlreadyExists = (error: unknown): boolean =>
  error instanceof ClusterError && error.kind === "AlreadyExists";

/** A Kubernetes Event (events.k8s.io/v1) as Hush writes it; never with personal data. */
export interface EventInput {
  regarding: {
    kind: "ZendeskAccount" | "RedactionPolicy";
    namespace: string;
    name: string;
    uid?: string;
    resourceVersion?: string;
  };
  type: "Normal" | "Warning";
  /** CamelCase, e.g. SweepStarted. */
  reason: string;
  /** What the controller did, CamelCase, e.g. Sweep. */
  action: string;
  /** A sentence with names and counts only; at most 1 kB. */
  note: string;
}

export type WatchEventType = "add" | "update" | "delete";

export interface InformerOptions {
  /** One namespace, or every namespace when undefined. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Called when the watch had to start again (410 Gone, an error, a stalled stream); for metrics. */
  onRestart?: (reason: "Expired" | "Error" | "Stalled" | "Closed") => void;
}

/**
 * A list+watch cache of one kind. Handlers only learn that an object changed; reconcilers read
 * the cache (level-triggered), so a missed or coalesced event costs nothing once the key is queued.
 */
export interface Informer<T extends KubeObject = KubeObject> {
  /** Lists, then watches; resolves once the first list is in the cache. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the first list completed. */
  readonly synced: boolean;
  get(key: ObjectKey): T | undefined;
  list(): T[];
  /** Handlers run synchronously and must not throw; they should only enqueue keys. */
  onChange(handler: (type: WatchEventType, object: T) => void): void;
}

export interface ClusterApi {
  /** undefined when the object does not exist. */
  get<T extends KubeObject = KubeObject>(kind: KindName, key: ObjectKey): Promise<T | undefined>;
  /** Throws ClusterError AlreadyExists when an object of that name exists. */
  create<T extends KubeObject>(object: T): Promise<T>;
  /** PUT with metadata.resourceVersion: throws ClusterError Conflict when the object changed since. */
  replace<T extends KubeObject>(object: T): Promise<T>;
  /**
   * JSON merge patch (RFC 7386) of the object; put metadata.resourceVersion in the patch for an
   * optimistic-concurrency write (Conflict when it changed).
   */
  mergePatch<T extends KubeObject = KubeObject>(kind: KindName, key: ObjectKey, patch: object): Promise<T>;
  /**
   * PUT of the status subresource, with the object's metadata.resourceVersion: throws Conflict
   * when the object changed since it was read. Only `status` is written.
   */
  replaceStatus<T extends KubeObject>(object: T): Promise<T>;
  /** Deletes; resolves when the object is gone or did not exist. */
  delete(kind: KindName, key: ObjectKey): Promise<void>;
  createEvent(event: EventInput): Promise<void>;
  informer<T extends KubeObject = KubeObject>(kind: KindName, options?: InformerOptions): Informer<T>;
}

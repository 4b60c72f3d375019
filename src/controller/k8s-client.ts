// ClusterApi on a real API server: the five kinds the operator touches, by their REST paths.
// Every call goes through k8s-http.ts, so every failure is a ClusterError (k8s-errors.ts).
import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  type ClusterApi,
  ClusterError,
  type EventInput,
  type Informer,
  type InformerOptions,
  type KindName,
  type KubeObject,
  microTime,
  type ObjectKey,
} from "./cluster.js";
import { NotServedError } from "./k8s-errors.js";
import { createTransport, type KubeTransport, type QueryValue } from "./k8s-http.js";
import {
  createInformer,
  type InformerRuntimeOptions,
  type ListPage,
  type ListWatchSource,
  type RawWatchEvent,
} from "./k8s-informer.js";

interface KindInfo {
  apiVersion: string;
  /** Path prefix of the group and version. */
  base: string;
  plural: string;
  /** Whether the kind has a status subresource. */
  status: boolean;
}

const HUSH_API_VERSION = "hush.dev/v1alpha1";

const KINDS: Record<KindName, KindInfo> = {
  ZendeskAccount: {
    apiVersion: HUSH_API_VERSION,
    base: "/apis/hush.dev/v1alpha1",
    plural: "zendeskaccounts",
    status: true,
  },
  RedactionPolicy: {
    apiVersion: HUSH_API_VERSION,
    base: "/apis/hush.dev/v1alpha1",
    plural: "redactionpolicies",
    status: true,
  },
  Secret: { apiVersion: "v1", base: "/api/v1", plural: "secrets", status: false },
  ConfigMap: { apiVersion: "v1", base: "/api/v1", plural: "configmaps", status: false },
  Lease: {
    apiVersion: "coordination.k8s.io/v1",
    base: "/apis/coordination.k8s.io/v1",
    plural: "leases",
    status: false,
  },
};

/** The API server refuses a longer note (events.k8s.io/v1 validation: 1 kB). */
const NOTE_LIMIT_BYTES = 1024;

export interface ClusterApiOptions {
  /** managedFields owner of every write, e.g. hush-operator. */
  fieldManager: string;
  /** Events' reportingController, e.g. hush.dev/operator. */
  component: string;
  /** Events' reportingInstance: this replica, e.g. the pod name. */
  instance: string;
  /** Time limit of one request (not of watches), default 60 s. */
  requestTimeoutMs?: number;
  /** Each informer failure with the server's message, before the informer retries; for logs. */
  onInformerError?: (kind: KindName, error: ClusterError) => void;
  /** Informer timing (tests); see InformerRuntimeOptions. */
  informerRuntime?: Omit<InformerRuntimeOptions, "onError" | "defaults">;
}

export interface KubeClusterApi extends ClusterApi {
  /** Closes idle connections; informers must be stopped first. */
  close(): void;
}

const enc = encodeURIComponent;

function kindInfo(kind: string): KindInfo {
  const info = KINDS[kind as KindName];
  if (!info) {
    throw new ClusterError(
      "Invalid",
      undefined,
      `the operator does not handle objects of kind ${kind}; it knows ${Object.keys(KINDS).join(", ")}`,
    );
  }
  return info;
}

function collectionPath(info: KindInfo, namespace: string | undefined): string {
  return namespace === undefined
    ? `${info.base}/${info.plural}`
    : `${info.base}/namespaces/${enc(namespace)}/${info.plural}`;
}

function objectPath(info: KindInfo, key: ObjectKey): string {
  if (!key.namespace || !key.name) {
    throw new ClusterError(
      "Invalid",
      undefined,
      `an object needs a namespace and a name; got "${key.namespace}/${key.name}"`,
    );
  }
  return `${collectionPath(info, key.namespace)}/${enc(key.name)}`;
}

function keyOf(object: KubeObject): ObjectKey {
  return { namespace: object.metadata.namespace ?? "", name: object.metadata.name };
}

/** The note cut to the API server's limit, on a character boundary, marked with an ellipsis. */
export function truncateNote(note: string): string {
  if (Buffer.byteLength(note, "utf8") <= NOTE_LIMIT_BYTES) return note;
  const ellipsis = "…";
  const budget = NOTE_LIMIT_BYTES - Buffer.byteLength(ellipsis, "utf8");
  let bytes = 0;
  let cut = "";
  for (const char of note) {
    const size = Buffer.byteLength(char, "utf8");
    if (bytes + size > budget) break;
    bytes += size;
    cut += char;
  }
  return cut + ellipsis;
}

/** `<object>.<16 hex>`, as client-go names events; the object part shortened to fit 253 characters. */
function eventName(objectName: string): string {
  const suffix = randomBytes(8).toString("hex");
  return `${objectName.slice(0, 253 - suffix.length - 1)}.${suffix}`;
}

/** Names the kind when its path is not served (a CRD not installed). */
async function named<T>(kind: KindName, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof NotServedError) {
      const info = KINDS[kind];
      throw new NotServedError(
        info.apiVersion === HUSH_API_VERSION
          ? `the Kubernetes API server does not serve ${kind} (${info.apiVersion}); install Hush's CustomResourceDefinitions with \`kubectl apply -f crds/\``
          : `the Kubernetes API server does not serve ${kind} (${info.apiVersion}); it is too old or not a Kubernetes API server`,
      );
    }
    throw error;
  }
}

/**
 * List and watch of one kind over `transport`, scoped by namespace and selectors, for
 * createInformer; the watch asks for bookmarks.
 */
export function kubeListWatchSource<T extends KubeObject>(
  transport: KubeTransport,
  kind: KindName,
  options: Pick<InformerOptions, "namespace" | "labelSelector" | "fieldSelector"> = {},
): ListWatchSource<T> {
  const path = collectionPath(kindInfo(kind), options.namespace);
  const selectors: Record<string, QueryValue> = {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
  };
  return {
    async list({ limit, continue: token, signal }): Promise<ListPage<T>> {
      const list = await named(kind, () =>
        transport.request<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>({
          method: "GET",
          path,
          query: { ...selectors, limit, continue: token },
          signal,
        }),
      );
      return {
        items: list.items ?? [],
        resourceVersion: list.metadata?.resourceVersion ?? "",
        ...(list.metadata?.continue ? { continue: list.metadata.continue } : {}),
      };
    },
    watch({ resourceVersion, timeoutSeconds, signal }, onEvent): Promise<void> {
      return named(kind, () =>
        transport.stream(
          path,
          { ...selectors, watch: true, allowWatchBookmarks: true, resourceVersion, timeoutSeconds },
          (line) => onEvent(line as RawWatchEvent),
          signal,
        ),
      );
    },
  };
}

export function createClusterApi(kubeConfig: KubeConfig, options: ClusterApiOptions): KubeClusterApi {
  const transport: KubeTransport = createTransport(kubeConfig, {
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    userAgent: options.fieldManager,
  });
  const writeQuery = { fieldManager: options.fieldManager };

  return {
    async get<T extends KubeObject = KubeObject>(kind: KindName, key: ObjectKey): Promise<T | undefined> {
      const info = kindInfo(kind);
      try {
        return await named(kind, () => transport.request<T>({ method: "GET", path: objectPath(info, key) }));
      } catch (error) {
        if (
          error instanceof ClusterError &&
          error.kind === "NotFound" &&
          !(error instanceof NotServedError)
        ) {
          return undefined;
        }
        throw error;
      }
    },

    async create<T extends KubeObject>(object: T): Promise<T> {
      const info = kindInfo(object.kind);
      const key = keyOf(object);
      if (!key.namespace) {
        throw new ClusterError("Invalid", undefined, `${object.kind} ${key.name} needs metadata.namespace`);
      }
      return named(object.kind as KindName, () =>
        transport.request<T>({
          method: "POST",
          path: collectionPath(info, key.namespace),
          query: writeQuery,
          body: { ...object, apiVersion: object.apiVersion ?? info.apiVersion },
        }),
      );
    },

    async replace<T extends KubeObject>(object: T): Promise<T> {
      const info = kindInfo(object.kind);
      return named(object.kind as KindName, () =>
        transport.request<T>({
          method: "PUT",
          path: objectPath(info, keyOf(object)),
          query: writeQuery,
          body: object,
        }),
      );
    },

    async mergePatch<T extends KubeObject = KubeObject>(
      kind: KindName,
      key: ObjectKey,
      patch: object,
    ): Promise<T> {
      const info = kindInfo(kind);
      return named(kind, () =>
        transport.request<T>({
          method: "PATCH",
          path: objectPath(info, key),
          query: writeQuery,
          body: patch,
          // Custom resources accept JSON merge patch, not the strategic merge patch of built-ins.
          contentType: "application/merge-patch+json",
        }),
      );
    },

    async replaceStatus<T extends KubeObject>(object: T): Promise<T> {
      const info = kindInfo(object.kind);
      if (!info.status) {
        throw new ClusterError("Invalid", undefined, `${object.kind} has no status subresource; use replace`);
      }
      return named(object.kind as KindName, () =>
        transport.request<T>({
          method: "PUT",
          path: `${objectPath(info, keyOf(object))}/status`,
          query: writeQuery,
          body: object,
        }),
      );
    },

    async delete(kind: KindName, key: ObjectKey): Promise<void> {
      const info = kindInfo(kind);
      try {
        await named(kind, () => transport.request({ method: "DELETE", path: objectPath(info, key) }));
      } catch (error) {
        if (error instanceof ClusterError && error.kind === "NotFound" && !(error instanceof NotServedError))
          return;
        throw error;
      }
    },

    async createEvent(event: EventInput): Promise<void> {
      const { regarding } = event;
      const body = {
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name: eventName(regarding.name), namespace: regarding.namespace },
        eventTime: microTime(performance.timeOrigin + performance.now()),
        reportingController: options.component,
        reportingInstance: options.instance,
        action: event.action,
        reason: event.reason,
        note: truncateNote(event.note),
        type: event.type,
        regarding: {
          apiVersion: HUSH_API_VERSION,
          kind: regarding.kind,
          namespace: regarding.namespace,
          name: regarding.name,
          ...(regarding.uid ? { uid: regarding.uid } : {}),
          ...(regarding.resourceVersion ? { resourceVersion: regarding.resourceVersion } : {}),
        },
      };
      try {
        await transport.request({
          method: "POST",
          path: `/apis/events.k8s.io/v1/namespaces/${enc(regarding.namespace)}/events`,
          query: writeQuery,
          body,
        });
      } catch (error) {
        if (error instanceof NotServedError) {
          throw new NotServedError(
            "the Kubernetes API server does not serve events.k8s.io/v1 (Kubernetes 1.19 or later does); events are not recorded",
          );
        }
        throw error;
      }
    },

    informer<T extends KubeObject = KubeObject>(
      kind: KindName,
      informerOptions: InformerOptions = {},
    ): Informer<T> {
      const info = kindInfo(kind);
      return createInformer<T>(kubeListWatchSource<T>(transport, kind, informerOptions), {
        ...options.informerRuntime,
        ...informerOptions,
        defaults: { apiVersion: info.apiVersion, kind },
        onError: (error) => options.onInformerError?.(kind, error),
      });
    },

    close(): void {
      transport.close();
    },
  };
}

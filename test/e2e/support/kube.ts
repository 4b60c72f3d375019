import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";

// The tests' own client of the Kubernetes API: plain HTTPS requests from a kubeconfig, with no code
// shared with the operator's client (src/controller/k8s*.ts), so that a bug there cannot hide
// itself by also being in what checks it. It speaks the few things the scenarios need: JSON
// requests, the token or client-certificate users of the test clusters and K3s, and their CAs.

export interface KubeResponse<T = any> {
  status: number;
  body: T;
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const message = (body as { message?: string } | undefined)?.message ?? JSON.stringify(body);
    super(`${what}: HTTP ${status}: ${message}`);
    this.name = "KubeApiError";
  }
}

interface Endpoint {
  server: URL;
  agent: Agent;
  headers: Record<string, string>;
}

/** Reads a kubeconfig's current context: the server, how to trust it and how to authenticate. */
function endpointOf(kubeconfigPath: string): Endpoint {
  const config = parse(readFileSync(kubeconfigPath, "utf8")) as any;
  const contextName = config["current-context"];
  const context = (config.contexts ?? []).find((c: any) => c.name === contextName)?.context;
  if (!context) throw new Error(`${kubeconfigPath}: the current context "${contextName}" is not defined`);
  const cluster = (config.clusters ?? []).find((c: any) => c.name === context.cluster)?.cluster;
  const user = (config.users ?? []).find((u: any) => u.name === context.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${kubeconfigPath}: cluster "${context.cluster}" has no server`);
  const base = dirname(kubeconfigPath);
  // Inline data (base64) or a file path relative to the kubeconfig, as kubectl reads them.
  const material = (data: string | undefined, file: string | undefined): Buffer | undefined => {
    if (data) return Buffer.from(data, "base64");
    if (file) return readFileSync(resolve(base, file));
    return undefined;
  };
  const headers: Record<string, string> = {};
  const token =
    user.token ?? (user.tokenFile ? readFileSync(resolve(base, user.tokenFile), "utf8").trim() : "");
  if (token) headers["authorization"] = `Bearer ${token}`;
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 8,
    rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true,
    ca: material(cluster["certificate-authority-data"], cluster["certificate-authority"]),
    cert: material(user["client-certificate-data"], user["client-certificate"]),
    key: material(user["client-key-data"], user["client-key"]),
    // K3s serves its certificate for "localhost" and its node names, not for 127.0.0.1.
    checkServerIdentity: () => undefined,
  });
  return { server: new URL(cluster.server), agent, headers };
}

/** A JSON client of one cluster, as one kubeconfig's current context reaches it. */
export class KubeClient {
  private readonly endpoint: Endpoint;

  constructor(readonly kubeconfigPath: string) {
    this.endpoint = endpointOf(kubeconfigPath);
  }

  /** One request; any status is returned, network errors throw. */
  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<KubeResponse<T>> {
    const { server, agent, headers } = this.endpoint;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolvePromise, reject) => {
      const req = request(
        new URL(path, server),
        {
          method,
          agent,
          headers: {
            ...headers,
            accept: "application/json",
            ...(payload === undefined ? {} : { "content-type": contentType }),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // a plain-text answer (e.g. /readyz) stays a string
            }
            resolvePromise({ status: res.statusCode ?? 0, body: parsed as T });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** The object, or undefined when it does not exist. */
  async get<T = any>(path: string): Promise<T | undefined> {
    const res = await this.request<T>("GET", path);
    if (res.status === 404) return undefined;
    if (res.status >= 300) throw new KubeApiError(res.status, res.body, `GET ${path}`);
    return res.body;
  }

  async list<T = any>(path: string): Promise<T[]> {
    const res = await this.request<{ items: T[] }>("GET", path);
    if (res.status >= 300) throw new KubeApiError(res.status, res.body, `GET ${path}`);
    return res.body.items ?? [];
  }

  async create<T = any>(collectionPath: string, object: unknown): Promise<T> {
    const res = await this.request<T>("POST", collectionPath, object);
    if (res.status >= 300) throw new KubeApiError(res.status, res.body, `POST ${collectionPath}`);
    return res.body;
  }

  /** JSON merge patch (RFC 7386), which custom resources accept. */
  async mergePatch<T = any>(path: string, patch: unknown): Promise<T> {
    const res = await this.request<T>("PATCH", path, patch, "application/merge-patch+json");
    if (res.status >= 300) throw new KubeApiError(res.status, res.body, `PATCH ${path}`);
    return res.body;
  }

  /** Asks for deletion; true when the object existed. Finalizers may keep it a while longer. */
  async delete(path: string): Promise<boolean> {
    const res = await this.request("DELETE", path);
    if (res.status === 404) return false;
    if (res.status >= 300) throw new KubeApiError(res.status, res.body, `DELETE ${path}`);
    return true;
  }

  /** Closes the kept-alive connections, so that a test file's worker can exit. */
  close(): void {
    this.endpoint.agent.destroy();
  }
}

/** Paths of the resources the scenarios touch. */
export const paths = {
  namespaces: "/api/v1/namespaces",
  namespace: (ns: string) => `/api/v1/namespaces/${ns}`,
  secrets: (ns: string) => `/api/v1/namespaces/${ns}/secrets`,
  secret: (ns: string, name: string) => `/api/v1/namespaces/${ns}/secrets/${name}`,
  configMaps: (ns: string) => `/api/v1/namespaces/${ns}/configmaps`,
  configMap: (ns: string, name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`,
  accounts: (ns: string) => `/apis/hush.dev/v1alpha1/namespaces/${ns}/zendeskaccounts`,
  account: (ns: string, name: string) => `/apis/hush.dev/v1alpha1/namespaces/${ns}/zendeskaccounts/${name}`,
  policies: (ns: string) => `/apis/hush.dev/v1alpha1/namespaces/${ns}/redactionpolicies`,
  policy: (ns: string, name: string) => `/apis/hush.dev/v1alpha1/namespaces/${ns}/redactionpolicies/${name}`,
  events: (ns: string) => `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
  leases: (ns: string) => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`,
  lease: (ns: string, name: string) => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${name}`,
  roles: (ns: string) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
  roleBindings: (ns: string) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
  crd: (name: string) => `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
};

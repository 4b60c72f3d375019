import zendesk, { type ZendeskClient, type ZendeskClientOptions } from "node-zendesk";
import type { SimHandle } from "./sim.js";

// node-zendesk, the widely used client nobody on this team wrote, pointed at the simulator by its
// base URL only. Its typings promise more than the library returns, so these helpers name the
// shapes it really resolves with (see the summary at the top of fidelity-node-zendesk.test.ts).

export type Staff = "admin" | "agent" | "deleter";

/** A node-zendesk client for the simulator's account at `accountUrl` (the default account's root by default). */
export function nodeZendesk(
  s: SimHandle,
  options: {
    as?: Staff;
    oauth?: boolean;
    /** Overrides the staff credentials, e.g. to send wrong ones. */
    username?: string;
    token?: string;
    subdomain?: string;
    /** Client options a real user would also set (e.g. `throwOriginalException`). */
    extra?: Partial<ZendeskClientOptions>;
  } = {},
): ZendeskClient {
  const info = s.sim.describe().find((a) => a.subdomain === (options.subdomain ?? s.sim.defaultSubdomain))!;
  const staff = info.credentials[options.as ?? "admin"];
  const auth = options.oauth
    ? { oauth: true, token: options.token ?? staff.oauthToken }
    : { username: options.username ?? staff.email, token: options.token ?? staff.token };
  return zendesk.createClient({ endpointUri: `${info.url}/api/v2`, ...auth, ...options.extra });
}

/** What node-zendesk's single-request methods resolve with: the response and the unwrapped body. */
export interface Answer<T = any> {
  response: { status: number; headers: { get(name: string): string | null } };
  result: T;
}

export const answer = async <T = any>(call: Promise<unknown>): Promise<Answer<T>> =>
  (await call) as Answer<T>;

/** What node-zendesk's `getAll`-style methods resolve with: every page's items, flattened. */
export const every = async <T = any>(call: Promise<unknown>): Promise<T[]> => (await call) as T[];

/** The error node-zendesk throws: `statusCode` and `result` (the body) with `throwOriginalException`. */
export type NodeZendeskError = Error & { statusCode?: number; result?: any };

export async function rejection(call: Promise<unknown>): Promise<NodeZendeskError> {
  try {
    await call;
  } catch (error) {
    return error as NodeZendeskError;
  }
  throw new Error("expected node-zendesk to reject, but the call succeeded");
}

/** Records the URLs a node-zendesk endpoint client requests, from its own debug events. */
export function sentRequests(endpoint: {
  on(type: string, listener: (event: { detail: { uri: string; method: string } }) => void): void;
}): { method: string; uri: string }[] {
  const sent: { method: string; uri: string }[] = [];
  endpoint.on("debug::request", (event) => sent.push({ method: event.detail.method, uri: event.detail.uri }));
  return sent;
}

// Fixtures for sweep tests: resources as users write them, a connection to the in-process
// simulator on virtual time whose client remembers every path it requested, and an audit sink in
// memory.

import {
  type RedactionPolicy,
  type RedactionPolicyInput,
  redactionPolicySchema,
} from "../../src/api/redaction-policy.js";
import { type ZendeskAccount, zendeskAccountSchema } from "../../src/api/zendesk-account.js";
import type { AccountConnection } from "../../src/sweep/connect.js";
import type { AuditRecord, AuditSink } from "../../src/sweep/evidence.js";
import { ZendeskClient, type ZendeskRequest, type ZendeskResponse } from "../../src/zendesk/index.js";
import type { SimHandle } from "../support/sim.js";
import { type VirtualClock, virtualTime } from "../support/virtual-clock.js";

export function accountResource(sim: SimHandle): ZendeskAccount {
  return zendeskAccountSchema.parse({
    apiVersion: "hush.dev/v1alpha1",
    kind: "ZendeskAccount",
    metadata: { name: "acme", namespace: "privacy" },
    spec: {
      subdomain: "acme",
      baseURL: sim.url,
      credentials: { secretRef: { name: "acme-zendesk" } },
      rateLimit: { share: 50 },
      defaultRegion: "DK",
    },
  });
}

export type PolicySpecInput = Omit<RedactionPolicyInput["spec"], "accountRef">;

export function policyResource(
  spec: PolicySpecInput,
  metadata: { name?: string; generation?: number; uid?: string } = {},
): RedactionPolicy {
  return redactionPolicySchema.parse({
    apiVersion: "hush.dev/v1alpha1",
    kind: "RedactionPolicy",
    metadata: {
      name: metadata.name ?? "retention",
      namespace: "privacy",
      generation: metadata.generation ?? 1,
      uid: metadata.uid ?? "3f1c8a52-0000-4000-8000-000000000001",
    },
    spec: { accountRef: { name: "acme" }, mode: "Enforce", ...spec },
  });
}

/** A client that remembers `METHOD path` of every request it was asked to make (ids included). */
export class RecordingClient extends ZendeskClient {
  readonly requests: string[] = [];

  override async request<T>(req: ZendeskRequest): Promise<ZendeskResponse<T>> {
    this.requests.push(`${req.method} ${req.url === undefined ? req.path : new URL(req.url).pathname}`);
    return super.request<T>(req);
  }

  /** Requests whose path names item `id` (e.g. /api/v2/tickets/7, /tickets/7/comments). */
  requestsFor(kind: "tickets" | "users", id: number): string[] {
    const path = new RegExp(`/api/v2/${kind}/${id}(/|$)`);
    return this.requests.filter((r) => path.test(r));
  }
}

export interface SimConnection extends AccountConnection {
  client: RecordingClient;
  clock: VirtualClock;
}

/** A connection to the simulator's default account as its admin, on the simulator's clock. */
export function simConnection(sim: SimHandle, options: { share?: number } = {}): SimConnection {
  const time = virtualTime(sim.sim.clock, { share: options.share ?? 50 });
  const admin = sim.sim.describe()[0]!.credentials.admin;
  const client = new RecordingClient({
    baseUrl: sim.url,
    credentials: { kind: "apiToken", email: admin.email, token: admin.token },
    budget: time.budget,
    clock: time.clock,
    logger: time.logger,
  });
  return {
    client,
    budget: time.budget,
    clock: time.clock,
    region: "DK",
    pseudonymKey: "test-pseudonym-key-not-secret",
    close: () => client.close(),
  };
}

export interface MemoryAudit extends AuditSink {
  readonly records: AuditRecord[];
  /** Makes write() throw from the next call on, as a full disk would. */
  failing: boolean;
}

/**
 * Audit records in memory, kept across "processes" as a file would be. It reads back what it
 * holds (`recorded`) as the file sink does, unless `readBack` is false, as for a stream.
 */
export function memoryAudit(options: { readBack?: boolean } = {}): MemoryAudit {
  const records: AuditRecord[] = [];
  const sink: MemoryAudit = {
    records,
    failing: false,
    write: async (record) => {
      if (sink.failing) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
      records.push(structuredClone(record));
    },
    close: async () => undefined,
  };
  if (options.readBack !== false) {
    sink.recorded = async (sweepId, ids) =>
      new Map(
        records
          .filter((r) => r.sweepId === sweepId && ids.includes(r.item.id))
          .map((r) => [r.item.id, structuredClone(r)]),
      );
  }
  return sink;
}

export interface RequestCounts {
  counts: { method: string; route: string; status: number; count: number }[];
  writes: number;
}

export const requestLog = (sim: SimHandle): Promise<RequestCounts> => sim.inspect("GET", "/__sim/requests");

/** How many requests the simulator answered for `METHOD route` (route template as it logs them). */
export function countOf(log: RequestCounts, method: string, route: string): number {
  return log.counts.filter((c) => c.method === method && c.route === route).reduce((n, c) => n + c.count, 0);
}

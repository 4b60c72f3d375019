import type { SweepResultKind } from "../../src/api/redaction-policy.js";
import type { LocalLoopDeps } from "../../src/local/loop.js";
import type { AccountConnection } from "../../src/sweep/connect.js";
import type { AuditSink } from "../../src/sweep/evidence.js";
import type { SweepReport, SweepRequest } from "../../src/sweep/run-sweep.js";
import { emptyTally, memorySweepState, type SweepStateStore } from "../../src/sweep/sweep-state.js";

// A stand-in for the sweep engine and the account connection, so that the loop's own behaviour
// (scheduling, bounds, status, cancellation) is tested without Zendesk: each sweep is recorded,
// ends with the result a test scripts, and can be held open until the test lets it go.

export interface FakeSweep {
  policy: string;
  generation: number;
  approval: string | undefined;
  signal: AbortSignal;
}

export function fakeEngine() {
  const sweeps: FakeSweep[] = [];
  const results = new Map<string, SweepResultKind>();
  const held = new Set<string>();
  const stubborn = new Set<string>();
  const connections: { closed: boolean }[] = [];
  const releases = new Map<string, () => void>();
  const states = new Map<string, SweepStateStore>();
  let running = 0;
  let maxRunning = 0;
  const runningPolicies = new Map<string, number>();
  let maxPerPolicy = 0;
  let credentials: "ok" | "InvalidCredentials" | "Unreachable" = "ok";
  let checks = 0;

  const report = (request: SweepRequest, result: SweepResultKind): SweepReport => {
    const policy = request.policy;
    const identity = {
      sweepId: `sweep-${sweeps.length}`,
      account: { namespace: "default", name: request.account.metadata.name },
      policy: {
        namespace: "default",
        name: policy.metadata.name,
        generation: policy.metadata.generation ?? 1,
      },
    };
    const acted = result === "Succeeded" || result === "LimitReached" ? 3 : 0;
    const preview =
      result === "AwaitingApproval" || result === "Previewed"
        ? {
            id: `g${identity.policy.generation}-n500-0123abcd`,
            generation: identity.policy.generation,
            time: "2026-05-01T10:00:00Z",
            count: 500,
            sampleIds: [1, 2],
            estimatedRequests: 4500,
            estimatedDurationSeconds: 771,
          }
        : undefined;
    return {
      identity,
      summary: {
        sweepId: identity.sweepId,
        startTime: "2026-05-01T10:00:00.000Z",
        completionTime: "2026-05-01T10:00:01.000Z",
        result,
        counts: { matched: 3, acted, skipped: 0, failed: 0, residual: 0 },
        message: `fake sweep: ${result}.`,
      },
      ...(preview ? { preview } : {}),
      failures: [],
      resumed: false,
    };
  };

  const deps: LocalLoopDeps = {
    async runSweep(request) {
      const key = `${request.policy.metadata.namespace ?? "default"}/${request.policy.metadata.name}`;
      const signal = request.signal ?? new AbortController().signal;
      sweeps.push({
        policy: key,
        generation: request.policy.metadata.generation ?? 1,
        approval: request.approval,
        signal,
      });
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      runningPolicies.set(key, (runningPolicies.get(key) ?? 0) + 1);
      maxPerPolicy = Math.max(maxPerPolicy, runningPolicies.get(key)!);
      try {
        // As the engine does: a sweep leaves its state until it went through all its matches.
        if (!(await request.state.load())) {
          await request.state.begin({
            sweepId: `sweep-${sweeps.length}`,
            startTime: "2026-05-01T10:00:00.000Z",
            policy: { generation: request.policy.metadata.generation ?? 1 },
            planKey: "fake",
            released: 3,
            reported: emptyTally(),
          });
        }
        request.onProgress?.({
          sweepId: "fake",
          startTime: "2026-05-01T10:00:00.000Z",
          matched: 3,
          processed: 1,
          acted: 1,
          failed: 0,
        });
        if (held.has(key)) {
          await new Promise<void>((resolve) => {
            releases.set(key, resolve);
            if (!stubborn.has(key)) signal.addEventListener("abort", () => resolve(), { once: true });
          });
          releases.delete(key);
        }
        if (signal.aborted) return report(request, "Cancelled");
        const result = results.get(key) ?? "Succeeded";
        if (result !== "LimitReached") await request.state.finish();
        return report(request, result);
      } finally {
        running -= 1;
        runningPolicies.set(key, runningPolicies.get(key)! - 1);
      }
    },
    connectAccount: () => {
      const connection = { closed: false };
      connections.push(connection);
      return {
        client: {},
        budget: {
          snapshot: () => ({ limit: 700, limitSource: "configured", allowedPerMinute: 350 }),
        },
        close: async () => {
          connection.closed = true;
        },
      } as unknown as AccountConnection;
    },
    async checkCredentials() {
      checks += 1;
      if (credentials === "ok") return { ok: true };
      return {
        ok: false,
        reason: credentials,
        message:
          credentials === "Unreachable"
            ? "Zendesk could not be reached; check the account's subdomain or baseURL and the network."
            : "Zendesk refused the credentials (401); check the email and API token in the account's Secret.",
      };
    },
    async fileSweepState(_dir, key) {
      let state = states.get(key);
      if (!state) {
        state = memorySweepState();
        states.set(key, state);
      }
      return state;
    },
    async auditSink(): Promise<AuditSink> {
      return { write: async () => {}, close: async () => {} };
    },
  };

  return {
    deps,
    sweeps,
    /** The result the next sweeps of a policy report (default Succeeded). */
    result(policy: string, result: SweepResultKind) {
      results.set(policy, result);
    },
    /** Sweeps of the policy wait until released (or cancelled). */
    hold(policy: string) {
      held.add(policy);
    },
    /** Held sweeps of the policy go on after cancellation until released (a slow wind-down). */
    windDownSlowly(policy: string) {
      stubborn.add(policy);
    },
    release(policy: string) {
      held.delete(policy);
      releases.get(policy)?.();
    },
    /** Lets every held sweep go (a test's cleanup, so that stopping never waits on a hold). */
    releaseAll() {
      for (const policy of [...held]) this.release(policy);
    },
    credentials(answer: "ok" | "InvalidCredentials" | "Unreachable") {
      credentials = answer;
    },
    get running() {
      return running;
    },
    get maxRunning() {
      return maxRunning;
    },
    get maxPerPolicy() {
      return maxPerPolicy;
    },
    get checks() {
      return checks;
    },
    states,
    /** Every connection made, and whether it was closed. */
    connections,
  };
}

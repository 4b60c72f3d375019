import { afterEach, describe, expect, it } from "vitest";
import type { SweepResultKind } from "../../src/api/redaction-policy.js";
import { ClusterError } from "../../src/controller/cluster.js";
import { SweepStateUnwritable } from "../../src/controller/cluster-sweep-state.js";
import type { SweepIdentity } from "../../src/sweep/evidence.js";
import type { SweepReport, SweepRequest } from "../../src/sweep/run-sweep.js";
import { memorySweepState } from "../../src/sweep/sweep-state.js";
import { useSimulator } from "../support/sim.js";
import {
  conditionsOf,
  createAccount,
  type Harness,
  key,
  policyObject,
  SIM_RPM,
  startHarness,
  statusOf,
} from "./controller-harness.js";

// The background sweeps, with the sweep engine replaced by one the test drives: when progress
// reaches the status, how many sweeps run at once, and what cancels them.

const s = useSimulator({
  accounts: [{ subdomain: "acme", tickets: 0, settings: { requestsPerMinute: SIM_RPM } }],
});

interface FakeRun {
  request: SweepRequest;
  identity: SweepIdentity;
  /** Reports progress as the engine would (it throttles to about a second; the runner more). */
  progress(processed: number): void;
  /** Ends the sweep with `result`. */
  end(result: SweepResultKind, acted?: number): void;
  readonly ended: boolean;
}

/**
 * A sweep engine that starts (matching 10 items) and then does what the test says. It ends as
 * Cancelled when cancelled (unless `ignoreCancel`: items in flight that take their grace), and
 * always at once on stopNow.
 */
function fakeEngine(options: { ignoreCancel?: boolean } = {}) {
  const runs: FakeRun[] = [];
  let n = 0;
  const runSweep = (request: SweepRequest): Promise<SweepReport> => {
    n += 1;
    const start = new Date(request.clock!.now());
    const identity: SweepIdentity = {
      sweepId: `20260501T100000Z-${String(n).padStart(8, "0")}`,
      account: { namespace: request.account.metadata.namespace!, name: request.account.metadata.name },
      policy: {
        namespace: request.policy.metadata.namespace!,
        name: request.policy.metadata.name,
        generation: request.policy.metadata.generation!,
      },
    };
    request.observer?.sweepStarted?.(identity, 10);
    return new Promise<SweepReport>((resolve) => {
      let processed = 0;
      const finish = (result: SweepResultKind, acted: number) => {
        if (run.ended) return;
        ended = true;
        resolve({
          identity,
          summary: {
            sweepId: identity.sweepId,
            startTime: start.toISOString(),
            completionTime: new Date(request.clock!.now()).toISOString(),
            result,
            counts: { matched: 10, acted, skipped: 0, failed: 0, residual: 0 },
            message: `${result}: ${acted} acted on.`,
          },
          failures: [],
          resumed: false,
        });
      };
      let ended = false;
      const run: FakeRun = {
        request,
        identity,
        progress(p) {
          processed = p;
          request.onProgress?.({
            sweepId: identity.sweepId,
            startTime: start.toISOString(),
            matched: 10,
            processed,
            acted: processed,
            failed: 0,
          });
        },
        end: (result, acted = 10) => finish(result, acted),
        get ended() {
          return ended;
        },
      };
      if (!options.ignoreCancel)
        request.signal?.addEventListener("abort", () => finish("Cancelled", processed), { once: true });
      request.stopNow?.addEventListener("abort", () => finish("Cancelled", processed), { once: true });
      runs.push(run);
    });
  };
  return { runs, runSweep };
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setup(
  options: {
    maxSweepsPerAccount?: number;
    ignoreCancel?: boolean;
    /** Opening a policy's sweep state throws this. */
    stateFails?: () => Error;
  } = {},
) {
  const engine = fakeEngine(options);
  const states = new Map<string, ReturnType<typeof memorySweepState>>();
  const opened: string[] = [];
  const h = await startHarness(s.current, {
    progressIntervalMs: 5_000,
    ...(options.maxSweepsPerAccount ? { maxSweepsPerAccount: options.maxSweepsPerAccount } : {}),
    overrides: {
      runSweep: engine.runSweep as never,
      sweepState: async (k) => {
        const id = `${k.namespace}/${k.name}`;
        opened.push(id);
        if (options.stateFails) throw options.stateFails();
        if (!states.has(id)) states.set(id, memorySweepState());
        return states.get(id)!;
      },
    },
  });
  cleanups.push(async () => {
    for (const run of engine.runs) run.end("Succeeded");
    await h.stop();
  });
  await createAccount(h, s.current);
  await h.drain();
  return { h, engine, opened };
}

/** Policy status documents as written, oldest first. */
const statusWrites = (h: Harness, name: string) =>
  h.cluster.writeLog.filter(
    (w) => w.method === "replaceStatus" && w.kind === "RedactionPolicy" && w.key.name === name,
  );

const sweepNow = (name: string, spec: Record<string, unknown> = {}) =>
  policyObject(name, { schedule: { cron: "0 3 * * *" }, ...spec }, { "hush.dev/requested-at": "now" });

describe("the sweep runner", () => {
  it("writes the status when a sweep starts, then its progress at most every progressIntervalMs, then how it ended", async () => {
    const { h, engine } = await setup();
    await h.cluster.create(sweepNow("p"));
    await h.until(
      "the sweep started",
      () => engine.runs.length === 1 && statusOf(h, "RedactionPolicy", "p")?.currentSweep,
    );
    const run = engine.runs[0]!;
    let status = statusOf(h, "RedactionPolicy", "p");
    expect(status.currentSweep).toMatchObject({ sweepId: run.identity.sweepId, matched: 10, processed: 0 });
    expect(conditionsOf(status)).toEqual({ Ready: "Unknown/Sweeping", Reconciling: "True/Sweeping" });
    expect(status.lastHandledRequestedAt).toBe("now");
    const writes = statusWrites(h, "p").length;

    await h.advance(1_000);
    run.progress(2);
    await h.drain();
    expect(statusWrites(h, "p").length).toBe(writes);

    await h.advance(4_000);
    run.progress(6);
    await h.until(
      "the progress is written",
      () => statusOf(h, "RedactionPolicy", "p").currentSweep.processed === 6,
    );
    expect(statusWrites(h, "p").length).toBe(writes + 1);

    run.end("Succeeded");
    await h.until("the sweep's end is written", () => statusOf(h, "RedactionPolicy", "p").lastSweep);
    status = statusOf(h, "RedactionPolicy", "p");
    expect(status.currentSweep).toBeUndefined();
    expect(conditionsOf(status)).toEqual({ Ready: "True/Succeeded" });
    expect(status.lastSweep).toMatchObject({ sweepId: run.identity.sweepId, counts: { acted: 10 } });
    expect(status.lastHandledRequestedAt).toBe("now");
    expect(h.cluster.events.map((e) => e.reason)).toEqual([
      "Authenticated",
      "SweepStarted",
      "SweepSucceeded",
    ]);
    expect(h.cluster.events[2]!.note).toBe(
      `Sweep ${run.identity.sweepId} succeeded: 10 tickets matched, 10 acted on, 0 needed no change, 0 failed.`,
    );
  });

  it("runs one sweep per policy, and no more on one account than maxSweepsPerAccount", async () => {
    const { h, engine } = await setup({ maxSweepsPerAccount: 1 });
    await h.cluster.create(sweepNow("first"));
    await h.until("the first sweep started", () => engine.runs.length === 1);
    await h.cluster.create(sweepNow("second"));
    await h.drain();
    // The first policy, reconciled again while it sweeps, starts nothing more.
    await h.reconcile("RedactionPolicy", "first");
    expect(engine.runs.map((r) => r.request.policy.metadata.name)).toEqual(["first"]);

    engine.runs[0]!.end("Succeeded");
    await h.until("the second sweep started", () => engine.runs.length === 2);
    expect(engine.runs[1]!.request.policy.metadata.name).toBe("second");
    // Both sweeps borrowed the account's one connection.
    expect(engine.runs[1]!.request.connection).toBe(engine.runs[0]!.request.connection);
  });

  it("cancels a sweep when the policy's spec changes, and starts the new generation's at once", async () => {
    const { h, engine } = await setup();
    await h.cluster.create(sweepNow("p"));
    await h.until("the sweep started", () => engine.runs.length === 1);
    engine.runs[0]!.progress(3);

    await h.cluster.mergePatch("RedactionPolicy", key("p"), { spec: { concurrency: 3 } });
    await h.until("a sweep of generation 2 started", () => engine.runs.length === 2);
    expect(engine.runs[0]!.request.signal!.aborted).toBe(true);
    expect(engine.runs[1]!.request.policy.metadata.generation).toBe(2);
    const cancelled = h.cluster.events.find((e) => e.reason === "SweepCancelled")!;
    expect(cancelled.note).toBe(
      `Sweep ${engine.runs[0]!.identity.sweepId} was cancelled because the policy's spec changed; a sweep of the new generation starts: 10 tickets matched, 3 acted on, 0 needed no change, 0 failed.`,
    );
    engine.runs[1]!.end("Succeeded");
    await h.until("the new sweep ended", () => statusOf(h, "RedactionPolicy", "p").totals?.sweeps === 2);
    const status = statusOf(h, "RedactionPolicy", "p");
    expect(status.observedGeneration).toBe(2);
    expect(conditionsOf(status)).toEqual({ Ready: "True/Succeeded" });
  });

  it("cancels a sweep when the policy is suspended, and says so", async () => {
    const { h, engine } = await setup();
    await h.cluster.create(sweepNow("p"));
    await h.until("the sweep started", () => engine.runs.length === 1);
    await h.cluster.mergePatch("RedactionPolicy", key("p"), { spec: { suspend: true } });
    await h.until(
      "the policy is suspended",
      () => conditionsOf(statusOf(h, "RedactionPolicy", "p")).Ready === "False/Suspended",
    );
    expect(engine.runs).toHaveLength(1);
    expect(statusOf(h, "RedactionPolicy", "p").lastSweep.result).toBe("Cancelled");
  });

  it("stop(graceMs) cancels every sweep, waits for them, and starts no more", async () => {
    const { h, engine } = await setup();
    await h.cluster.create(sweepNow("a"));
    await h.cluster.create(sweepNow("b"));
    await h.until("both sweeps started", () => engine.runs.length === 2);

    await h.controllers.stop(30_000);
    expect(engine.runs.every((r) => r.ended)).toBe(true);
    for (const name of ["a", "b"]) {
      const status = statusOf(h, "RedactionPolicy", name);
      expect(status.lastSweep.result).toBe("Cancelled");
      expect(status.lastSweep.message).toContain("the operator is shutting down");
    }
    expect(await h.reconcile("RedactionPolicy", "a")).toEqual({});
    expect(engine.runs).toHaveLength(2);
  });

  it("stop(graceMs) returns at the deadline when a sweep does not stop in time, naming it", async () => {
    const { h, engine } = await setup({ ignoreCancel: true });
    await h.cluster.create(sweepNow("p"));
    await h.until("the sweep started", () => engine.runs.length === 1);
    expect(await h.controllers.stop(20)).toEqual({ sweepsRunning: ["privacy/p"] });
    expect(engine.runs[0]!.ended).toBe(false);
    expect(h.logs.some((line) => line.includes("sweeps still stopping at the shutdown deadline"))).toBe(true);
  });

  it("stops sweeps at once when the Lease is lost, and writes nothing more about them", async () => {
    const { h, engine } = await setup({ ignoreCancel: true });
    await h.cluster.create(sweepNow("p"));
    await h.until(
      "the sweep started",
      () => engine.runs.length === 1 && statusOf(h, "RedactionPolicy", "p")?.currentSweep,
    );
    const writes = statusWrites(h, "p").length;
    const events = h.cluster.events.length;

    expect(await h.controllers.stop(5_000, { now: true })).toEqual({ sweepsRunning: [] });
    const run = engine.runs[0]!;
    expect(run.ended).toBe(true);
    expect(run.request.stopNow!.aborted).toBe(true);
    expect(run.request.signal!.aborted).toBe(true);
    await h.drain();
    // The new leader writes this policy's status and Events from now on.
    expect(statusWrites(h, "p").length).toBe(writes);
    expect(h.cluster.events.length).toBe(events);
    expect(statusOf(h, "RedactionPolicy", "p").currentSweep.sweepId).toBe(run.identity.sweepId);
    expect(h.logs.some((line) => line.includes("its status is left to the new leader"))).toBe(true);
  });

  it("stops at once a sweep that a graceful stop is still waiting for when the Lease is lost meanwhile", async () => {
    const { h, engine } = await setup({ ignoreCancel: true });
    await h.cluster.create(sweepNow("p"));
    await h.until("the sweep started", () => engine.runs.length === 1);
    const graceful = h.controllers.stop(60_000);
    await h.drain();
    expect(engine.runs[0]!.ended).toBe(false);

    await h.controllers.stop(0, { now: true });
    expect(await graceful).toEqual({ sweepsRunning: [] });
    expect(engine.runs[0]!.request.stopNow!.aborted).toBe(true);
    expect(h.cluster.events.map((e) => e.reason)).not.toContain("SweepCancelled");
  });

  it("says on the policy why a sweep cannot open its state, and tries again with growing pauses", async () => {
    const { h, engine, opened } = await setup({
      stateFails: () =>
        new SweepStateUnwritable(
          "the sweep state of policy privacy/p (ConfigMap privacy/hush-sweep-p) exists but was not written by Hush; rename or delete that ConfigMap, Hush keeps the policy's sweep state under this name",
        ),
    });
    await h.cluster.create(sweepNow("p"));
    await h.until("the failure is written", () => statusOf(h, "RedactionPolicy", "p")?.lastSweep);
    let status = statusOf(h, "RedactionPolicy", "p");
    expect(status.lastSweep).toMatchObject({ result: "Failed", counts: { matched: 0, acted: 0 } });
    expect(status.lastSweep.message).toBe(
      "The sweep could not start: the sweep state of policy privacy/p (ConfigMap privacy/hush-sweep-p) exists but was not written by Hush; rename or delete that ConfigMap, Hush keeps the policy's sweep state under this name. Nothing was changed; Hush tries again in 1 minute (longer after each failure, up to an hour).",
    );
    expect(status.lastHandledRequestedAt).toBe("now");
    const failed = h.cluster.events.filter((e) => e.reason === "SweepFailed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.type).toBe("Warning");
    expect(failed[0]!.note).toContain("status.lastSweep.message says why");

    // Ten minutes: tries at 1, 3 and 7 minutes (the pause doubles), never in a loop.
    const attempts = () => opened.length - 1; // the first open looked for an unfinished sweep
    expect(attempts()).toBe(1);
    for (let t = 0; t < 60; t++) await h.advance(10_000);
    expect(attempts()).toBe(4);
    expect(h.cluster.events.filter((e) => e.reason === "SweepFailed")).toHaveLength(4);
    status = statusOf(h, "RedactionPolicy", "p");
    expect(status.lastSweep.message).toContain("Hush tries again in 8 minutes");
    expect(engine.runs).toHaveLength(0);
  });

  it("names the missing permission when the API server forbids the sweep state", async () => {
    const { h } = await setup({
      stateFails: () =>
        new SweepStateUnwritable(
          "the sweep state of policy privacy/p could not be read (ConfigMap privacy/hush-sweep-p): Forbidden: configmaps is forbidden",
          { cause: new ClusterError("Forbidden", 403, "configmaps is forbidden") },
        ),
    });
    await h.cluster.create(sweepNow("p"));
    await h.until("the failure is written", () => statusOf(h, "RedactionPolicy", "p")?.lastSweep);
    expect(statusOf(h, "RedactionPolicy", "p").lastSweep.message).toContain(
      "Grant the operator's ServiceAccount get, create, update and delete on ConfigMaps in this namespace",
    );
  });

  it("keeps a final status the API server refused, and writes it on the next reconcile", async () => {
    const { h, engine } = await setup();
    await h.cluster.create(sweepNow("p"));
    await h.until(
      "the sweep started",
      () => engine.runs.length === 1 && statusOf(h, "RedactionPolicy", "p")?.currentSweep,
    );
    h.cluster.failNext("replaceStatus", new ClusterError("Unavailable", 503, "the server is restarting"), {
      kind: "RedactionPolicy",
    });
    engine.runs[0]!.end("Succeeded");
    await h.until("the sweep's end is written", () => statusOf(h, "RedactionPolicy", "p").lastSweep);
    expect(conditionsOf(statusOf(h, "RedactionPolicy", "p"))).toEqual({ Ready: "True/Succeeded" });
    expect(h.logs.some((line) => line.includes("could not write the sweep's final status"))).toBe(true);
  });
});

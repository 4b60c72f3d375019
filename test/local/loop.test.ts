import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalLoop, type LocalLoopOptions, type LoopEvent } from "../../src/local/loop.js";
import { readStatusFile } from "../../src/local/status-files.js";
import { fakeEngine } from "./fake-engine.js";
import {
  ACCOUNT,
  type ManualClock,
  manualClock,
  policyYaml,
  settle,
  tempDir,
  until,
  writeFiles,
} from "./helpers.js";

// The loop of `hush run`, with the sweep engine and Zendesk replaced by a fake (fake-engine.ts) and
// time by a manual clock: what it schedules, how many sweeps it runs at once, the status it writes,
// and how it reacts to edits, approvals and shutdown.

const POLL = 1000;
let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setup(files: Record<string, string>) {
  const { dir, remove } = await tempDir();
  await writeFiles(dir, files);
  const engine = fakeEngine();
  const clock = manualClock();
  const events: LoopEvent[] = [];
  const loops: LocalLoop[] = [];
  const start = async (options: Partial<LocalLoopOptions> = {}) => {
    const loop = await LocalLoop.start({
      dir,
      clock,
      pollIntervalMs: POLL,
      env: {},
      deps: engine.deps,
      onEvent: (event) => events.push(event),
      ...options,
    });
    loops.push(loop);
    return loop;
  };
  cleanups.push(async () => {
    engine.releaseAll();
    for (const loop of loops) await loop.stop();
    await remove();
  });
  return { dir, engine, clock, events, start };
}

const statusIn = async (dir: string, file: string, kind: string, name: string) =>
  (await readStatusFile(join(dir, file)))?.get(`${kind}/default/${name}`)?.status as any;

const readyOf = (status: any) => {
  const ready = status?.conditions?.find((c: any) => c.type === "Ready");
  return ready ? `${ready.status}/${ready.reason}` : undefined;
};

/** Reconciling and Stalled, the conditions kstatus reads, as "type=status/reason". */
const abnormalOf = (status: any) =>
  (status?.conditions ?? [])
    .filter((c: any) => c.type === "Reconciling" || c.type === "Stalled")
    .map((c: any) => `${c.type}=${c.status}/${c.reason}`);

/** Lets the directory watcher see changed files: moves the clock past one poll. */
async function poll(clock: ManualClock): Promise<void> {
  await clock.advance(POLL);
  await settle(20);
}

describe("hush run's loop", () => {
  it("writes each file's status next to it: lastSweep, conditions and nextSweepTime", async () => {
    const { dir, start } = await setup({
      "account.yaml": ACCOUNT,
      "retention.yaml": policyYaml("retention", { extra: '  schedule:\n    cron: "0 3 * * *"\n' }),
    });
    const loop = await start({ sweepNow: true });
    await loop.firstRound;
    await loop.stop();

    const policy = await statusIn(dir, "retention.status.yaml", "RedactionPolicy", "retention");
    expect(policy.lastSweep).toMatchObject({ result: "Succeeded", counts: { acted: 3 } });
    expect(readyOf(policy)).toBe("True/Succeeded");
    // The manual clock stands at 2026-05-01T10:00Z: the next 03:00 UTC is the next day.
    expect(policy.nextSweepTime).toBe("2026-05-02T03:00:00Z");
    expect(policy.observedGeneration).toBe(1);
    const account = await statusIn(dir, "account.status.yaml", "ZendeskAccount", "acme");
    expect(readyOf(account)).toBe("True/Authenticated");
    expect(account.rateLimit).toEqual({
      requestsPerMinute: 700,
      source: "Configured",
      allowedPerMinute: 350,
    });
    const text = await readFile(join(dir, "account.status.yaml"), "utf8");
    expect(text).not.toContain("not-a-real-token");
    expect(text).not.toContain("admin@acme.example.com");
  });

  it("waits for the schedule unless asked to sweep now", async () => {
    const { dir, engine, clock, start } = await setup({
      "account.yaml": ACCOUNT,
      "retention.yaml": policyYaml("retention", { extra: '  schedule:\n    cron: "0 11 * * *"\n' }),
    });
    await start();
    const waiting = await until("the status says when the first sweep is due", async () => {
      const status = await statusIn(dir, "retention.status.yaml", "RedactionPolicy", "retention");
      return status?.nextSweepTime ? status : undefined;
    });
    expect(waiting.nextSweepTime).toBe("2026-05-01T11:00:00Z");
    expect(readyOf(waiting)).toBe("False/NotSwept");
    expect(engine.sweeps).toHaveLength(0);
    await clock.advance(60 * 60_000);
    await until("the sweep at 11:00 ran", () => engine.sweeps.length === 1);
  });

  it("counts an interval from the start of the last sweep", async () => {
    const { dir, engine, clock, start } = await setup({
      "account.yaml": ACCOUNT,
      "spam.yaml": policyYaml("spam", { extra: "  schedule:\n    interval: 1h\n" }),
    });
    await start();
    // Never swept: due at once.
    await until("the first sweep ran", () => engine.sweeps.length === 1);
    const status = await until("the next sweep is scheduled", async () => {
      const s = await statusIn(dir, "spam.status.yaml", "RedactionPolicy", "spam");
      return s?.lastSweep ? s : undefined;
    });
    expect(status.nextSweepTime).toBe("2026-05-01T11:00:00Z");
    await clock.advance(59 * 60_000);
    expect(engine.sweeps).toHaveLength(1);
    await clock.advance(60_000);
    await until("the second sweep ran an hour after the first", () => engine.sweeps.length === 2);
  });

  it("tries a failed sweep again after a minute, then after longer waits, and checks the account again", async () => {
    const { dir, engine, clock, start } = await setup({
      "account.yaml": ACCOUNT,
      "p.yaml": policyYaml("p", { extra: '  schedule:\n    cron: "0 3 * * *"\n' }),
    });
    engine.result("default/p", "Failed");
    await start({ sweepNow: true });
    const nextOf = async () => {
      const s = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
      return s?.lastSweep && !s.currentSweep ? s.nextSweepTime : undefined;
    };
    expect(await until("the first sweep failed", nextOf)).toBe("2026-05-01T10:01:00Z");
    const failed = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
    expect(abnormalOf(failed)).toEqual(["Reconciling=True/RetryScheduled"]);
    expect(failed.conditions.find((c: any) => c.type === "Reconciling").message).toContain(
      "tries again at 2026-05-01T10:01:00Z",
    );
    // The failure may have been the credentials': they are checked again, not trusted for an hour.
    await until("the account was checked again", () => engine.checks === 2);
    await clock.advance(60_000);
    await until("the second sweep ran", () => engine.sweeps.length === 2);
    expect(
      await until("it failed again", async () => (await nextOf()) !== "2026-05-01T10:01:00Z" && nextOf()),
    ).toBe("2026-05-01T10:03:00Z");

    engine.result("default/p", "Succeeded");
    await clock.advance(2 * 60_000);
    await until("the third sweep ran", () => engine.sweeps.length === 3);
    expect(await until("it succeeded", async () => (await nextOf()) === "2026-05-02T03:00:00Z")).toBe(true);
    expect(abnormalOf(await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p"))).toEqual([]);
  });

  it("runs at most one sweep per policy and two per account at once", async () => {
    const names = ["a", "b", "c", "d"];
    const files: Record<string, string> = { "account.yaml": ACCOUNT };
    for (const name of names)
      files[`${name}.yaml`] = policyYaml(name, { extra: "  schedule:\n    interval: 1m\n" });
    const { engine, clock, start } = await setup(files);
    for (const name of names) engine.hold(`default/${name}`);
    await start({ sweepNow: true });
    await until("two sweeps run", () => engine.running === 2);
    // Time passes beyond every interval while the sweeps hang: no policy starts a second sweep.
    await clock.advance(5 * 60_000);
    expect(engine.running).toBe(2);
    expect(engine.sweeps).toHaveLength(2);
    for (const name of names) engine.release(`default/${name}`);
    await until("every policy swept", () => new Set(engine.sweeps.map((s) => s.policy)).size === 4);
    expect(engine.maxRunning).toBe(2);
    expect(engine.maxPerPolicy).toBe(1);
  });

  it("shares one connection and one credentials check among an account's policies", async () => {
    const { engine, start } = await setup({
      "account.yaml": ACCOUNT,
      "a.yaml": policyYaml("a"),
      "b.yaml": policyYaml("b"),
    });
    const loop = await start({ sweepNow: true });
    await loop.firstRound;
    expect(engine.sweeps).toHaveLength(2);
    expect(engine.checks).toBe(1);
  });

  describe("a policy that cannot sweep is Stalled, with the reason", () => {
    it("when its account is not in the directory", async () => {
      const { dir, engine, start } = await setup({ "retention.yaml": policyYaml("retention") });
      const loop = await start({ sweepNow: true });
      const [outcome] = await loop.firstRound;
      expect(outcome?.stalled?.reason).toBe("AccountNotFound");
      await loop.stop();
      const status = await statusIn(dir, "retention.status.yaml", "RedactionPolicy", "retention");
      expect(readyOf(status)).toBe("False/AccountNotFound");
      expect(status.conditions.find((c: any) => c.type === "Stalled").message).toContain(
        "ZendeskAccount default/acme (spec.accountRef.name) is not in",
      );
      expect(engine.sweeps).toHaveLength(0);
    });

    it("when its spec is invalid, naming the field", async () => {
      const { dir, start } = await setup({
        "account.yaml": ACCOUNT,
        "retention.yaml": policyYaml("retention", {
          extra: '  schedule:\n    cron: "0 3 * * *"\n    timeZone: Europe/Copenhagn\n',
        }),
      });
      const loop = await start({ sweepNow: true });
      const [outcome] = await loop.firstRound;
      expect(outcome?.stalled?.reason).toBe("InvalidSpec");
      await loop.stop();
      const status = await statusIn(dir, "retention.status.yaml", "RedactionPolicy", "retention");
      const stalled = status.conditions.find((c: any) => c.type === "Stalled");
      expect(stalled.message).toContain("spec.schedule.timeZone");
      const file = await readFile(join(dir, "retention.status.yaml"), "utf8");
      expect(file).toContain("# Problems in retention.yaml");
    });

    it("when the account's Secret is missing, naming the Secret", async () => {
      const { dir, start } = await setup({
        "account.yaml": ACCOUNT.replace("name: acme-zendesk\nstringData", "name: other\nstringData"),
        "retention.yaml": policyYaml("retention"),
      });
      const loop = await start({ sweepNow: true });
      const [outcome] = await loop.firstRound;
      expect(outcome?.stalled).toMatchObject({ reason: "AccountNotReady" });
      expect(outcome?.stalled?.message).toContain("Secret default/acme-zendesk");
      await loop.stop();
      const account = await statusIn(dir, "account.status.yaml", "ZendeskAccount", "acme");
      expect(readyOf(account)).toBe("False/SecretNotFound");
    });

    it("when Zendesk refuses the credentials", async () => {
      const { dir, engine, start } = await setup({
        "account.yaml": ACCOUNT,
        "retention.yaml": policyYaml("retention"),
      });
      engine.credentials("InvalidCredentials");
      const loop = await start({ sweepNow: true });
      const [outcome] = await loop.firstRound;
      expect(outcome?.stalled?.reason).toBe("InvalidCredentials");
      await loop.stop();
      const account = await statusIn(dir, "account.status.yaml", "ZendeskAccount", "acme");
      expect(account.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual([
        "Ready=False",
        "Stalled=True",
      ]);
      expect(engine.sweeps).toHaveLength(0);
    });
  });

  it("waits and retries, without stalling, while Zendesk is unreachable", async () => {
    const { dir, engine, clock, start } = await setup({
      "account.yaml": ACCOUNT,
      "retention.yaml": policyYaml("retention"),
    });
    engine.credentials("Unreachable");
    await start({ sweepNow: true });
    const waiting = await until("the policy waits for the account", async () => {
      const s = await statusIn(dir, "retention.status.yaml", "RedactionPolicy", "retention");
      return s?.conditions?.some((c: any) => c.type === "Reconciling" && c.reason === "AccountNotReady")
        ? s
        : undefined;
    });
    expect(waiting.conditions.some((c: any) => c.type === "Stalled")).toBe(false);
    engine.credentials("ok");
    await clock.advance(30_000);
    await until("the sweep ran once Zendesk answered", () => engine.sweeps.length === 1);
  });

  it("applies edits without a restart: a changed spec is a new generation", async () => {
    const { dir, engine, clock, start } = await setup({ "account.yaml": ACCOUNT, "p.yaml": policyYaml("p") });
    const loop = await start({ sweepNow: true });
    await loop.firstRound;
    expect(engine.sweeps.map((s) => s.generation)).toEqual([1]);

    await writeFiles(dir, { "p.yaml": policyYaml("p", { extra: "  concurrency: 2\n" }) });
    await poll(clock);
    const status = await until("the status shows generation 2", async () => {
      const s = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
      return s?.observedGeneration === 2 ? s : undefined;
    });
    // No schedule and nothing asked: the new generation has not swept yet.
    expect(readyOf(status)).toBe("False/NotSwept");
    expect(engine.sweeps).toHaveLength(1);

    // A new hush.dev/requested-at asks for a sweep now.
    await writeFiles(dir, {
      "p.yaml": policyYaml("p", {
        extra: "  concurrency: 2\n",
        annotations: { "hush.dev/requested-at": "1" },
      }),
    });
    await poll(clock);
    await until("the requested sweep ran", () => engine.sweeps.length === 2);
    expect(engine.sweeps[1]!.generation).toBe(2);
  });

  it("cancels a running sweep when its policy is suspended", async () => {
    const { dir, engine, clock, start } = await setup({ "account.yaml": ACCOUNT, "p.yaml": policyYaml("p") });
    engine.hold("default/p");
    await start({ sweepNow: true });
    await until("the sweep runs", () => engine.running === 1);
    await writeFiles(dir, { "p.yaml": policyYaml("p", { extra: "  suspend: true\n" }) });
    await poll(clock);
    await until("the sweep was cancelled", () => engine.sweeps[0]!.signal.aborted);
    const status = await until("the status says suspended", async () => {
      const s = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
      return readyOf(s) === "False/Suspended" ? s : undefined;
    });
    expect(status.lastSweep.result).toBe("Cancelled");
    expect(status.lastSweep.message).toContain("suspended");
  });

  it("cancels a running sweep when its policy's file is deleted", async () => {
    const { dir, engine, clock, start } = await setup({ "account.yaml": ACCOUNT, "p.yaml": policyYaml("p") });
    engine.hold("default/p");
    await start({ sweepNow: true });
    await until("the sweep runs", () => engine.running === 1);
    await rm(join(dir, "p.yaml"));
    await poll(clock);
    await until("the sweep was cancelled", () => engine.sweeps[0]!.signal.aborted);
    await until("the sweep ended", () => engine.running === 0);
    expect(engine.sweeps).toHaveLength(1);
  });

  it("starts a policy that comes back only once the sweep cancelled by its removal has ended", async () => {
    const { dir, engine, clock, start, events } = await setup({
      "account.yaml": ACCOUNT,
      "p.yaml": policyYaml("p"),
    });
    engine.hold("default/p");
    engine.windDownSlowly("default/p");
    await start({ sweepNow: true });
    await until("the sweep runs", () => engine.running === 1);
    await rm(join(dir, "p.yaml"));
    await poll(clock);
    await until("the removal was read", () => events.filter((e) => e.type === "loaded").length === 2);
    expect(engine.sweeps[0]!.signal.aborted).toBe(true);

    // Back while the cancelled sweep still winds down: its new sweep waits for the old one.
    await writeFiles(dir, { "p.yaml": policyYaml("p") });
    await poll(clock);
    await until("the policy is read again", () => events.filter((e) => e.type === "loaded").length === 3);
    await clock.advance(60_000);
    await settle(20);
    expect(engine.sweeps).toHaveLength(1);
    engine.release("default/p");
    await until("the policy swept again", () => engine.sweeps.length === 2);
    expect(engine.maxPerPolicy).toBe(1);
  });

  it("closes a removed account's connection once the sweep using it has ended", async () => {
    const { dir, engine, clock, start } = await setup({ "account.yaml": ACCOUNT, "p.yaml": policyYaml("p") });
    engine.hold("default/p");
    engine.windDownSlowly("default/p");
    await start({ sweepNow: true });
    await until("the sweep runs", () => engine.running === 1);
    await rm(join(dir, "account.yaml"));
    await poll(clock);
    await until("the sweep was cancelled", () => engine.sweeps[0]!.signal.aborted);
    // The cancelled sweep finishes its step in flight on a connection that still works.
    expect(engine.connections.map((c) => c.closed)).toEqual([false]);
    engine.release("default/p");
    await until("the connection is closed", () => engine.connections[0]!.closed);
    const status = await until("the policy says its account is missing", async () => {
      const s = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
      return readyOf(s) === "False/AccountNotFound" ? s : undefined;
    });
    expect(status.lastSweep.result).toBe("Cancelled");
  });

  it("runs a sweep that waits for approval once the annotation approves its preview", async () => {
    const { dir, engine, clock, start } = await setup({ "account.yaml": ACCOUNT, "p.yaml": policyYaml("p") });
    engine.result("default/p", "AwaitingApproval");
    await start({ sweepNow: true });
    const waiting = await until("the sweep waits for approval", async () => {
      const s = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
      return s?.lastSweep?.result === "AwaitingApproval" ? s : undefined;
    });
    const condition = waiting.conditions.find((c: any) => c.type === "AwaitingApproval");
    expect(condition.message).toContain("hush.dev/approve: g1-n500-0123abcd");
    expect(abnormalOf(waiting)).toEqual(["Stalled=True/AwaitingApproval"]);

    engine.result("default/p", "Succeeded");
    await writeFiles(dir, {
      "p.yaml": policyYaml("p", { annotations: { "hush.dev/approve": "g1-n500-0123abcd" } }),
    });
    await poll(clock);
    await until("the approved sweep ran", () => engine.sweeps.length === 2);
    // Adding an annotation does not change the spec: the approval is for the same generation.
    expect(engine.sweeps[1]).toMatchObject({ approval: "g1-n500-0123abcd", generation: 1 });
    const done = await until("the approval is no longer awaited", async () => {
      const s = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
      return s?.lastSweep?.result === "Succeeded" ? s : undefined;
    });
    expect(done.conditions.some((c: any) => c.type === "AwaitingApproval")).toBe(false);
    expect(abnormalOf(done)).toEqual([]);
  });

  it("runs an approved sweep at start when the approval was added while hush run was not running", async () => {
    const { dir, engine, start } = await setup({
      "account.yaml": ACCOUNT,
      "p.yaml": policyYaml("p", { extra: '  schedule:\n    cron: "0 3 * * *"\n' }),
    });
    engine.result("default/p", "AwaitingApproval");
    const first = await start({ sweepNow: true });
    await first.firstRound;
    await first.stop();

    engine.result("default/p", "Succeeded");
    await writeFiles(dir, {
      "p.yaml": policyYaml("p", {
        extra: '  schedule:\n    cron: "0 3 * * *"\n',
        annotations: { "hush.dev/approve": "g1-n500-0123abcd" },
      }),
    });
    // Hours before 03:00 and without --sweep-now: only the approval makes it sweep now.
    const second = await start();
    await until("the approved sweep ran", () => engine.sweeps.length === 2);
    expect(engine.sweeps[1]).toMatchObject({ approval: "g1-n500-0123abcd", generation: 1 });
    await second.stop();
  });

  it("does not resume at start a sweep of a spec that was changed while hush run was not running", async () => {
    const { dir, engine, start } = await setup({
      "account.yaml": ACCOUNT,
      "p.yaml": policyYaml("p", { extra: '  schedule:\n    cron: "0 3 * * *"\n' }),
    });
    engine.hold("default/p");
    const first = await start({ sweepNow: true });
    await until("the sweep runs", () => engine.running === 1);
    await first.stop();

    await writeFiles(dir, {
      "p.yaml": policyYaml("p", { extra: '  schedule:\n    cron: "0 3 * * *"\n  concurrency: 2\n' }),
    });
    const second = await start();
    const status = await until("the new generation is scheduled", async () => {
      const s = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
      return s?.observedGeneration === 2 && s.nextSweepTime ? s : undefined;
    });
    expect(status.nextSweepTime).toBe("2026-05-02T03:00:00Z");
    expect(engine.sweeps).toHaveLength(1);
    await second.stop();
  });

  it("cancels sweeps on shutdown, and the next start resumes them", async () => {
    const { dir, engine, start } = await setup({
      "account.yaml": ACCOUNT,
      "p.yaml": policyYaml("p", { extra: '  schedule:\n    cron: "0 3 * * *"\n' }),
    });
    engine.hold("default/p");
    const first = await start({ sweepNow: true });
    await until("the sweep runs", () => engine.running === 1);
    await first.stop();
    const stopped = await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p");
    expect(stopped.lastSweep.result).toBe("Cancelled");
    expect(stopped.lastSweep.message).toContain("the next start resumes the sweep");
    // Work left that Hush takes up again by itself: in progress, not healthy and not stalled.
    expect(abnormalOf(stopped)).toEqual(["Reconciling=True/Cancelled"]);

    engine.release("default/p");
    // Without --sweep-now, and hours before 03:00: only the unfinished sweep makes it run now.
    const second = await start();
    await until("the unfinished sweep resumed", () => engine.sweeps.length === 2);
    await second.stop();
    expect(readyOf(await statusIn(dir, "p.status.yaml", "RedactionPolicy", "p"))).toBe("True/Succeeded");
  });

  it("keeps a second hush run out of the directory", async () => {
    const { start } = await setup({ "account.yaml": ACCOUNT });
    await start();
    await expect(start()).rejects.toThrow(/is already using/);
  });

  it("removes a status file when its resource file is removed", async () => {
    const { dir, clock, start } = await setup({ "account.yaml": ACCOUNT, "p.yaml": policyYaml("p") });
    const loop = await start({ sweepNow: true });
    await loop.firstRound;
    await until("the status file is written", () =>
      stat(join(dir, "p.status.yaml")).then(
        () => true,
        () => false,
      ),
    );
    await rm(join(dir, "p.yaml"));
    await poll(clock);
    await until("the status file is gone", () =>
      stat(join(dir, "p.status.yaml")).then(
        () => false,
        () => true,
      ),
    );
  });

  it("prints status changes as YAML with --status print, and writes no status file", async () => {
    const { dir, start } = await setup({ "account.yaml": ACCOUNT, "p.yaml": policyYaml("p") });
    const printed: string[] = [];
    const loop = await start({ sweepNow: true, status: "print", printStatus: (text) => printed.push(text) });
    await loop.firstRound;
    await loop.stop();
    const all = printed.join("");
    expect(all).toContain("kind: RedactionPolicy");
    expect(all).toContain("result: Succeeded");
    await expect(stat(join(dir, "p.status.yaml"))).rejects.toThrow();
  });
});

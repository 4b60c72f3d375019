import { describe, expect, it } from "vitest";
import type { RedactionPolicy } from "../../src/api/redaction-policy.js";
import { redactionPolicySchema } from "../../src/api/redaction-policy.js";
import { needsAccount, planPolicy, reactionToEdit } from "../../src/local/policy-plan.js";

// The decision a policy's loop takes from what it knows, as a table: the spec, suspension, the
// account, the schedule.

const now = new Date("2026-05-01T10:00:00Z");
const policy = (spec: Record<string, unknown> = {}): RedactionPolicy =>
  redactionPolicySchema.parse({
    apiVersion: "hush.dev/v1alpha1",
    kind: "RedactionPolicy",
    metadata: { name: "p", generation: 1 },
    spec: { accountRef: { name: "acme" }, query: "type:ticket status:closed", ...spec },
  });
const input = (p: RedactionPolicy, extra: Partial<Parameters<typeof planPolicy>[0]> = {}) => ({
  policy: p,
  generation: 1,
  file: "/d/p.yaml",
  problems: [],
  status: undefined,
  now,
  sweepNow: false,
  lastStart: undefined,
  ...extra,
});
const ok = {
  kind: "checked" as const,
  key: "default/acme",
  check: { ok: true as const },
  retryAt: undefined,
};

describe("planPolicy", () => {
  it("stalls an invalid policy without asking for its account, naming the field and the file", () => {
    const i = input(policy(), {
      problems: [{ file: "/d/p.yaml", document: 1, path: "spec.action", message: "must be one of ..." }],
    });
    expect(needsAccount(i)).toBe(false);
    const decision = planPolicy(i, undefined);
    expect(decision).toMatchObject({ kind: "stalled", reason: "InvalidSpec" });
    if (decision.kind === "stalled")
      expect(decision.message).toBe(
        "The policy is invalid (fix it in /d/p.yaml): spec.action: must be one of ...",
      );
  });

  it("leaves a suspended policy alone, without asking for its account", () => {
    const i = input(policy({ suspend: true }));
    expect(needsAccount(i)).toBe(false);
    expect(planPolicy(i, undefined).kind).toBe("suspended");
  });

  it.each([
    [{ kind: "missing", key: "default/acme", dir: "/d" }, "AccountNotFound"],
    [{ kind: "invalid", key: "default/acme", problems: [] }, "AccountNotReady"],
    [
      {
        kind: "checked",
        key: "default/acme",
        check: { ok: false, reason: "Forbidden", message: "403" },
        retryAt: 1,
      },
      "InvalidCredentials",
    ],
    [
      {
        kind: "checked",
        key: "default/acme",
        check: { ok: false, reason: "SecretNotFound", message: "no Secret" },
        retryAt: undefined,
      },
      "AccountNotReady",
    ],
  ] as const)("stalls a policy whose account is %j", (account, reason) => {
    expect(planPolicy(input(policy()), account as any)).toMatchObject({ kind: "stalled", reason });
  });

  it("waits, and retries, while the account is unreachable", () => {
    const decision = planPolicy(input(policy()), {
      kind: "checked",
      key: "default/acme",
      check: { ok: false, reason: "Unreachable", message: "no answer" },
      retryAt: now.getTime() + 30_000,
    });
    expect(decision).toMatchObject({ kind: "waitingForAccount", retry: new Date("2026-05-01T10:00:30Z") });
  });

  it("schedules by cron or interval, or now when asked", () => {
    const cron = policy({ schedule: { cron: "0 3 * * *" } });
    expect(planPolicy(input(cron), ok)).toMatchObject({
      kind: "scheduled",
      due: new Date("2026-05-02T03:00:00Z"),
    });
    expect(planPolicy(input(cron, { sweepNow: true }), ok)).toMatchObject({ due: now });
    const interval = policy({ schedule: { interval: "2h" } });
    expect(planPolicy(input(interval, { lastStart: new Date("2026-05-01T09:00:00Z") }), ok)).toMatchObject({
      due: new Date("2026-05-01T11:00:00Z"),
    });
    expect(planPolicy(input(policy()), ok)).toMatchObject({ kind: "scheduled", due: undefined });
  });

  it("tries a failed sweep again at its retry time, unless the schedule comes first", () => {
    const cron = policy({ schedule: { cron: "0 3 * * *" } });
    const retryAt = new Date("2026-05-01T10:02:00Z");
    expect(planPolicy(input(cron, { retryAt }), ok)).toMatchObject({ due: retryAt });
    expect(planPolicy(input(policy(), { retryAt }), ok)).toMatchObject({ due: retryAt });
    const soon = policy({ schedule: { cron: "1 10 * * *" } });
    expect(planPolicy(input(soon, { retryAt }), ok)).toMatchObject({
      due: new Date("2026-05-01T10:01:00Z"),
    });
  });

  it("counts an interval from the last sweep in the status after a restart", () => {
    const status = {
      conditions: [],
      lastSweep: {
        sweepId: "s",
        startTime: "2026-05-01T09:30:00.000Z",
        completionTime: "2026-05-01T09:40:00.000Z",
        result: "Succeeded" as const,
        counts: { matched: 0, acted: 0, skipped: 0, failed: 0, residual: 0 },
      },
    };
    expect(planPolicy(input(policy({ schedule: { interval: "1h" } }), { status }), ok)).toMatchObject({
      due: new Date("2026-05-01T10:30:00Z"),
    });
  });
});

describe("reactionToEdit", () => {
  const before = { generation: 1 };
  const after = { generation: 1, suspend: false, invalid: false };

  it("does nothing for an edit of something else (a comment, another annotation)", () => {
    expect(reactionToEdit({ before, after })).toEqual({ sweepNow: false });
  });

  it("restarts a running sweep for a new generation", () => {
    expect(reactionToEdit({ before, after: { ...after, generation: 2 } })).toMatchObject({
      cancel: { restart: true },
    });
  });

  it("cancels, without restarting, for a suspension or a problem", () => {
    expect(
      reactionToEdit({ before, after: { ...after, generation: 2, suspend: true } }).cancel,
    ).toMatchObject({
      reason: "the policy was suspended (spec.suspend)",
      restart: false,
    });
    expect(reactionToEdit({ before, after: { ...after, invalid: true } }).cancel?.restart).toBe(false);
  });

  it("sweeps now for a new approval of a waiting sweep, or a new requested-at", () => {
    const waiting = { ...before, lastResult: "AwaitingApproval" };
    expect(reactionToEdit({ before: waiting, after: { ...after, approval: "g1-n5-abc" } }).sweepNow).toBe(
      true,
    );
    expect(
      reactionToEdit({
        before: { ...waiting, approval: "g1-n5-abc" },
        after: { ...after, approval: "g1-n5-abc" },
      }).sweepNow,
    ).toBe(false);
    expect(reactionToEdit({ before, after: { ...after, approval: "g1-n5-abc" } }).sweepNow).toBe(false);
    expect(reactionToEdit({ before, after: { ...after, requestedAt: "now" } }).sweepNow).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { redactionPolicyStatusSchema, type SweepSummary } from "../../src/api/redaction-policy.js";
import { zendeskAccountStatusSchema } from "../../src/api/zendesk-account.js";
import { findCondition } from "../../src/controller/conditions.js";
import {
  accountStatusAfterCheck,
  policyStatusAfterSweep,
  policyStatusScheduled,
  policyStatusStalled,
  policyStatusSuspended,
  policyStatusSweeping,
  policyStatusWaitingForAccount,
} from "../../src/controller/status.js";

const t0 = new Date("2026-05-01T10:00:00Z");
const t1 = new Date("2026-05-01T10:05:00Z");
const t2 = new Date("2026-05-01T11:05:00Z");

const summary = (
  result: SweepSummary["result"],
  counts: Partial<SweepSummary["counts"]> = {},
): SweepSummary => ({
  sweepId: "s-1",
  startTime: "2026-05-01T10:00:00Z",
  completionTime: "2026-05-01T10:05:00Z",
  result,
  counts: { matched: 10, acted: 8, skipped: 2, failed: 0, residual: 0, ...counts },
  message: "10 tickets handled: 8 acted on, 2 needed no change, 0 failed.",
});
const preview = {
  id: "g1-n5000-abcdef12",
  generation: 1,
  time: "2026-05-01T10:00:00Z",
  count: 5000,
  sampleIds: [1, 2, 3],
  estimatedRequests: 45000,
  estimatedDurationSeconds: 7714,
};
const progress = (processed: number) => ({
  sweepId: "s-2",
  startTime: "2026-05-01T11:00:00Z",
  matched: 100,
  processed,
  acted: processed,
  failed: 0,
});
/** Conditions as "type → status/reason", the way `kubectl get` users read them. */
const statusOf = (conditions: { type: string; status: string; reason: string }[] | undefined) =>
  Object.fromEntries((conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

describe("a policy's status after a sweep", () => {
  it("records the last sweep, the totals and the next sweep time, and is Ready after success", () => {
    const status = policyStatusAfterSweep(undefined, { summary: summary("Succeeded") }, 3, t1, t2);
    expect(redactionPolicyStatusSchema.parse(status)).toEqual(status);
    expect(status).toMatchObject({
      observedGeneration: 3,
      lastSweep: { result: "Succeeded", counts: { acted: 8 } },
      nextSweepTime: "2026-05-01T11:05:00Z",
      totals: { sweeps: 1, acted: 8, failed: 0 },
    });
    expect(status.currentSweep).toBeUndefined();
    // kstatus: Reconciling and Stalled are there only while they are True.
    expect(statusOf(status.conditions)).toEqual({ Ready: "True/Succeeded" });
    expect(findCondition(status.conditions, "Ready")).toMatchObject({
      observedGeneration: 3,
      message: "The last sweep succeeded: 10 tickets handled: 8 acted on, 2 needed no change, 0 failed.",
    });
  });

  it("adds up totals over sweeps", () => {
    const first = policyStatusAfterSweep(undefined, { summary: summary("Succeeded") }, 1, t1);
    const second = policyStatusAfterSweep(
      first,
      { summary: summary("PartiallyFailed", { acted: 5, failed: 2 }) },
      1,
      t2,
    );
    expect(second.totals).toEqual({ sweeps: 2, acted: 13, failed: 2 });
  });

  it("keeps Ready's lastTransitionTime while sweeps keep succeeding", () => {
    const first = policyStatusAfterSweep(undefined, { summary: summary("Succeeded") }, 1, t1);
    const again = policyStatusAfterSweep(first, { summary: summary("Succeeded") }, 1, t2);
    expect(findCondition(again.conditions, "Ready")!.lastTransitionTime).toBe("2026-05-01T10:05:00Z");
  });

  it("moves Ready's lastTransitionTime when a sweep in between made it Unknown", () => {
    const first = policyStatusAfterSweep(undefined, { summary: summary("Succeeded") }, 1, t1);
    const sweeping = policyStatusSweeping(first, progress(1), 1, t2);
    const after = policyStatusAfterSweep(sweeping, { summary: summary("Succeeded") }, 1, t2);
    expect(findCondition(after.conditions, "Ready")!.lastTransitionTime).toBe("2026-05-01T11:05:00Z");
  });

  it("is Ready after a dry run, keeps its preview and says how to act", () => {
    const status = policyStatusAfterSweep(
      undefined,
      { summary: summary("Previewed", { acted: 0 }), preview },
      1,
      t1,
    );
    expect(statusOf(status.conditions)).toEqual({ Ready: "True/Previewed" });
    expect(status.preview).toEqual(preview);
    expect(findCondition(status.conditions, "Ready")!.message).toContain("set spec.mode to Enforce");
  });

  it("waits for approval naming the preview id to approve, and is not Ready", () => {
    const status = policyStatusAfterSweep(
      undefined,
      { summary: summary("AwaitingApproval", { acted: 0, matched: 5000 }), preview },
      1,
      t1,
      undefined,
      1000,
    );
    // Stalled, so that kstatus (Flux) and Argo CD show it as needing a person, not as healthy.
    expect(statusOf(status.conditions)).toEqual({
      Ready: "False/AwaitingApproval",
      Stalled: "True/AwaitingApproval",
      AwaitingApproval: "True/ApprovalRequired",
    });
    const message = findCondition(status.conditions, "AwaitingApproval")!.message;
    expect(message).toContain("hush.dev/approve: g1-n5000-abcdef12");
    expect(message).toContain("approvalAbove (1000)");
    expect(findCondition(status.conditions, "Stalled")!.message).toBe(message);
  });

  it("drops AwaitingApproval, Stalled and the preview once an approved sweep acted", () => {
    const waiting = policyStatusAfterSweep(
      undefined,
      { summary: summary("AwaitingApproval"), preview },
      1,
      t1,
    );
    const sweeping = policyStatusSweeping(waiting, progress(1), 1, t1);
    expect(findCondition(sweeping.conditions, "Stalled")).toBeUndefined();
    const done = policyStatusAfterSweep(sweeping, { summary: summary("Succeeded") }, 1, t2);
    expect(statusOf(done.conditions)).toEqual({ Ready: "True/Succeeded" });
    expect(done.preview).toBeUndefined();
  });

  it("is Reconciling with RetryScheduled after a failed sweep, saying when Hush tries again", () => {
    const status = policyStatusAfterSweep(undefined, { summary: summary("Failed") }, 1, t1, t2);
    expect(statusOf(status.conditions)).toEqual({
      Ready: "False/Failed",
      Reconciling: "True/RetryScheduled",
    });
    expect(findCondition(status.conditions, "Reconciling")!.message).toBe(
      "The last sweep failed; Hush tries again at 2026-05-01T11:05:00Z.",
    );
  });

  it("says how Hush retries a failed sweep when the caller gives no time", () => {
    const status = policyStatusAfterSweep(undefined, { summary: summary("Failed") }, 1, t1);
    expect(findCondition(status.conditions, "Reconciling")!.message).toContain("after 1 minute, doubling");
  });

  it("is Reconciling after a cancelled sweep, whose work is taken up again without a person", () => {
    const status = policyStatusAfterSweep(undefined, { summary: summary("Cancelled") }, 1, t1, t2);
    expect(statusOf(status.conditions)).toEqual({ Ready: "False/Cancelled", Reconciling: "True/Cancelled" });
    expect(findCondition(status.conditions, "Reconciling")!.message).toContain(
      "at once after a restart or a new leader, else at 2026-05-01T11:05:00Z",
    );
  });

  it("is Stalled after a sweep that failed on some items, which only a person can get past", () => {
    const status = policyStatusAfterSweep(
      undefined,
      { summary: summary("PartiallyFailed", { acted: 7, failed: 3 }) },
      1,
      t1,
      t2,
    );
    expect(statusOf(status.conditions)).toEqual({
      Ready: "False/PartiallyFailed",
      Stalled: "True/PartiallyFailed",
    });
    const message = findCondition(status.conditions, "Stalled")!.message;
    expect(message).toContain("failed on 3 items");
    expect(message).toContain("the next sweep, at 2026-05-01T11:05:00Z, tries them again");
  });

  it("says that nothing retries a partly failed sweep of a policy without a schedule", () => {
    const status = policyStatusAfterSweep(undefined, { summary: summary("PartiallyFailed") }, 1, t1);
    expect(findCondition(status.conditions, "Stalled")!.message).toContain("hush.dev/requested-at");
  });

  it.each([
    ["Failed", "Reconciling"],
    ["Cancelled", "Reconciling"],
    ["PartiallyFailed", "Stalled"],
  ] as const)(
    "is healthy again, with neither Reconciling nor Stalled, once a sweep after one that %s succeeds",
    (result, abnormal) => {
      const bad = policyStatusAfterSweep(undefined, { summary: summary(result) }, 1, t1, t2);
      expect(findCondition(bad.conditions, abnormal)?.status).toBe("True");
      const good = policyStatusAfterSweep(bad, { summary: summary("Succeeded") }, 1, t2);
      expect(statusOf(good.conditions)).toEqual({ Ready: "True/Succeeded" });
    },
  );

  it("is Ready after a sweep that stopped at its per-sweep limit, saying that the next sweep goes on", () => {
    // A backlog worked through sweep by sweep is the policy working as configured, not a fault.
    const status = policyStatusAfterSweep(undefined, { summary: summary("LimitReached") }, 1, t1);
    expect(statusOf(status.conditions)).toEqual({ Ready: "True/LimitReached" });
    expect(findCondition(status.conditions, "Ready")!.message).toContain(
      "the next sweep goes on with the rest",
    );
  });

  it("keeps the last handled hush.dev/requested-at when a sweep ends", () => {
    const sweeping = { ...policyStatusSweeping(undefined, progress(4), 1, t0), lastHandledRequestedAt: "r1" };
    const after = policyStatusAfterSweep(sweeping, { summary: summary("Succeeded") }, 1, t1);
    expect(after.lastHandledRequestedAt).toBe("r1");
    expect(redactionPolicyStatusSchema.parse(after)).toEqual(after);
  });
});

describe("a policy's status while it sweeps, waits or cannot sweep", () => {
  it("shows progress and Reconciling while a sweep runs", () => {
    const status = policyStatusSweeping(undefined, progress(40), 2, t0);
    expect(redactionPolicyStatusSchema.parse(status)).toEqual(status);
    expect(status.currentSweep?.processed).toBe(40);
    expect(statusOf(status.conditions)).toEqual({ Ready: "Unknown/Sweeping", Reconciling: "True/Sweeping" });
    expect(findCondition(status.conditions, "Reconciling")!.message).toContain("40 of 100");
  });

  it("drops Reconciling and currentSweep once the sweep ended", () => {
    const sweeping = policyStatusSweeping(undefined, progress(4), 1, t0);
    const after = policyStatusAfterSweep(sweeping, { summary: summary("Succeeded") }, 1, t1);
    expect(statusOf(after.conditions)).toEqual({ Ready: "True/Succeeded" });
    expect(after.currentSweep).toBeUndefined();
  });

  it("is not Ready before its first sweep and says when that is due", () => {
    const status = policyStatusScheduled(undefined, 1, t0, t2);
    expect(statusOf(status.conditions)).toEqual({ Ready: "False/NotSwept" });
    expect(status.nextSweepTime).toBe("2026-05-01T11:05:00Z");
    expect(findCondition(status.conditions, "Ready")!.message).toContain("2026-05-01T11:05:00Z");
  });

  it("keeps the last sweep's verdict while waiting for the next one", () => {
    const after = policyStatusAfterSweep(undefined, { summary: summary("Succeeded") }, 1, t1);
    const waiting = policyStatusScheduled(after, 1, t2, new Date("2026-05-02T10:00:00Z"));
    expect(findCondition(waiting.conditions, "Ready")).toEqual(findCondition(after.conditions, "Ready"));
    expect(waiting.nextSweepTime).toBe("2026-05-02T10:00:00Z");
  });

  it("keeps waiting for approval, and Stalled, until a sweep of the same generation ends otherwise", () => {
    const waiting = policyStatusAfterSweep(
      undefined,
      { summary: summary("AwaitingApproval"), preview },
      1,
      t1,
      undefined,
      1000,
    );
    const later = policyStatusScheduled(waiting, 1, t2, undefined);
    expect(statusOf(later.conditions)).toEqual(statusOf(waiting.conditions));
    expect(findCondition(later.conditions, "Stalled")).toEqual(findCondition(waiting.conditions, "Stalled"));
  });

  it("keeps Reconciling RetryScheduled while it waits to retry a failed sweep, with the retry time", () => {
    const failed = policyStatusAfterSweep(undefined, { summary: summary("Failed") }, 1, t1, t2);
    const later = policyStatusScheduled(failed, 1, t1, t2);
    expect(later.conditions).toEqual(failed.conditions);
    expect(later.nextSweepTime).toBe("2026-05-01T11:05:00Z");
  });

  it("keeps Stalled PartiallyFailed while it waits for the next sweep", () => {
    const partly = policyStatusAfterSweep(undefined, { summary: summary("PartiallyFailed") }, 1, t1, t2);
    const later = policyStatusScheduled(partly, 1, t1, t2);
    expect(later.conditions).toEqual(partly.conditions);
  });

  it("forgets the verdict of an older generation: a changed spec has not swept yet", () => {
    const after = policyStatusAfterSweep(undefined, { summary: summary("AwaitingApproval"), preview }, 1, t1);
    const changed = policyStatusScheduled(after, 2, t2, undefined);
    // Nothing runs and nothing is wrong yet: neither Reconciling nor Stalled (kstatus: Current).
    expect(statusOf(changed.conditions)).toEqual({ Ready: "False/NotSwept" });
    expect(changed.lastSweep).toEqual(after.lastSweep);
    expect(changed.observedGeneration).toBe(2);
  });

  it("waits, Reconciling and not Stalled, while the account is unreachable", () => {
    const status = policyStatusWaitingForAccount(undefined, "Zendesk could not be reached.", 1, t0, t1);
    expect(statusOf(status.conditions)).toEqual({
      Ready: "False/AccountNotReady",
      Reconciling: "True/AccountNotReady",
    });
    expect(status.nextSweepTime).toBe("2026-05-01T10:05:00Z");
  });

  it("is Stalled, with the reason and no next sweep, when it cannot sweep", () => {
    const scheduled = policyStatusScheduled(undefined, 1, t0, t2);
    const status = policyStatusStalled(
      scheduled,
      "AccountNotFound",
      "ZendeskAccount default/acme is not in the directory.",
      1,
      t1,
    );
    expect(redactionPolicyStatusSchema.parse(status)).toEqual(status);
    expect(statusOf(status.conditions)).toEqual({
      Ready: "False/AccountNotFound",
      Stalled: "True/AccountNotFound",
    });
    expect(status.nextSweepTime).toBeUndefined();
  });

  it("is no longer Stalled once it can sweep again", () => {
    const stalled = policyStatusStalled(undefined, "InvalidSpec", "The policy is invalid.", 1, t0);
    const fixed = policyStatusScheduled(stalled, 2, t1, t2);
    expect(statusOf(fixed.conditions)).toEqual({ Ready: "False/NotSwept" });
  });

  it("says how to resume a suspended policy", () => {
    const status = policyStatusSuspended(undefined, 1, t0);
    expect(statusOf(status.conditions)).toEqual({ Ready: "False/Suspended" });
    expect(findCondition(status.conditions, "Ready")!.message).toContain("spec.suspend");
  });
});

describe("an account's status", () => {
  it("is Ready when the credentials work, with the rate limit Hush works within", () => {
    const status = accountStatusAfterCheck(
      undefined,
      { ok: true, rateLimit: { requestsPerMinute: 700, source: "Configured", allowedPerMinute: 350 } },
      1,
      t0,
    );
    expect(zendeskAccountStatusSchema.parse(status)).toEqual(status);
    expect(statusOf(status.conditions)).toEqual({ Ready: "True/Authenticated" });
    expect(status).toMatchObject({
      lastCheckedTime: "2026-05-01T10:00:00Z",
      rateLimit: { allowedPerMinute: 350 },
    });
  });

  it("is Stalled by bad credentials, which a person must fix", () => {
    const status = accountStatusAfterCheck(
      undefined,
      { ok: false, reason: "InvalidCredentials", message: "Zendesk refused the token." },
      1,
      t0,
    );
    expect(statusOf(status.conditions)).toEqual({
      Ready: "False/InvalidCredentials",
      Stalled: "True/InvalidCredentials",
    });
  });

  it("is Reconciling, not Stalled, while Zendesk is unreachable, which fixes itself", () => {
    const status = accountStatusAfterCheck(
      undefined,
      { ok: false, reason: "Unreachable", message: "No answer." },
      1,
      t0,
    );
    expect(statusOf(status.conditions)).toEqual({
      Ready: "False/Unreachable",
      Reconciling: "True/Unreachable",
    });
  });
});

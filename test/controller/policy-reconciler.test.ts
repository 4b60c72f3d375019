import { afterEach, describe, expect, it } from "vitest";
import { useSimulator } from "../support/sim.js";
import {
  accountObject,
  adminCredentials,
  conditionsOf,
  createAccount,
  createTickets,
  eventReasons,
  type Harness,
  key,
  NAMESPACE,
  policyObject,
  readyOf,
  SIM_RPM,
  secretObject,
  startHarness,
  statusOf,
  ticketTags,
} from "./controller-harness.js";

// The RedactionPolicy reconciler: what it writes to a policy's status, and when it starts a
// sweep, from the policy, its account and the annotations people set. Sweeps are real (the sweep
// engine against the simulator); time is the simulator's.

const s = useSimulator({
  accounts: [{ subdomain: "acme", tickets: 0, settings: { requestsPerMinute: SIM_RPM } }],
});
let harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses) await h.stop();
  harnesses = [];
});
async function withAccount(): Promise<Harness> {
  const h = await startHarness(s.current);
  harnesses.push(h);
  await createAccount(h, s.current);
  await h.drain();
  expect(readyOf(h, "ZendeskAccount", "acme")).toBe("True/Authenticated");
  return h;
}
let tags = 0;
const newTag = () => `batch-${++tags}`;
const annotate = async (h: Harness, name: string, annotations: Record<string, string>) => {
  await h.cluster.mergePatch("RedactionPolicy", key(name), { metadata: { annotations } });
  await h.drain();
};
const sweeps = (h: Harness) => h.cluster.events.filter((e) => e.reason === "SweepStarted").length;

describe("the RedactionPolicy reconciler", () => {
  it("adds its finalizer as a step of its own, before anything else", async () => {
    const h = await withAccount();
    await h.cluster.create(policyObject("p", { schedule: { cron: "0 3 * * *" } }));
    const result = await h.reconcile("RedactionPolicy", "p");
    expect(result).toEqual({});
    const policy = h.cluster.peek("RedactionPolicy", key("p"))!;
    expect(policy.metadata.finalizers).toEqual(["hush.dev/sweep"]);
    expect(policy["status"]).toBeUndefined();
  });

  it("is Stalled with InvalidSpec, naming the field, for a spec only the operator's checks refuse", async () => {
    const h = await withAccount();
    await h.cluster.create(policyObject("p", { action: "Anonymize", target: "tickets" }));
    await h.drain();
    const status = statusOf(h, "RedactionPolicy", "p");
    expect(conditionsOf(status)).toEqual({ Ready: "False/InvalidSpec", Stalled: "True/InvalidSpec" });
    expect(status.observedGeneration).toBe(1);
    expect(status.conditions[0].message).toContain(
      "spec.action: Anonymize works on users, but target is tickets",
    );
    expect(sweeps(h)).toBe(0);
  });

  it("is Stalled with AccountNotFound until the account exists, then goes on by itself", async () => {
    const h = await startHarness(s.current);
    harnesses.push(h);
    await h.cluster.create(policyObject("p", { schedule: { cron: "0 3 * * *" } }));
    await h.drain();
    const status = statusOf(h, "RedactionPolicy", "p");
    expect(conditionsOf(status)).toEqual({ Ready: "False/AccountNotFound", Stalled: "True/AccountNotFound" });
    expect(status.conditions[0].message).toBe(
      `ZendeskAccount ${NAMESPACE}/acme (spec.accountRef.name) does not exist in namespace ${NAMESPACE}; create it, or correct spec.accountRef.name (a policy uses an account of its own namespace).`,
    );

    await createAccount(h, s.current);
    await h.drain();
    expect(conditionsOf(statusOf(h, "RedactionPolicy", "p"))).toEqual({ Ready: "False/NotSwept" });
  });

  it("is Stalled with InvalidCredentials while Zendesk refuses the account's token", async () => {
    const h = await startHarness(s.current);
    harnesses.push(h);
    await h.cluster.create(
      secretObject("acme-zendesk", { email: adminCredentials(s.current).email, token: "no" }),
    );
    await h.cluster.create(accountObject(s.current));
    await h.cluster.create(policyObject("p"));
    await h.drain();
    const status = statusOf(h, "RedactionPolicy", "p");
    expect(conditionsOf(status)).toEqual({
      Ready: "False/InvalidCredentials",
      Stalled: "True/InvalidCredentials",
    });
    expect(status.conditions[0].message).toMatch(
      /^ZendeskAccount privacy\/acme is not usable: Zendesk refused/,
    );
  });

  it("says when the first sweep is due and comes back then; reconciling again writes nothing", async () => {
    const h = await withAccount();
    await h.cluster.create(policyObject("p", { schedule: { cron: "0 3 * * *" } }));
    await h.drain();
    const status = statusOf(h, "RedactionPolicy", "p");
    const due = new Date(status.nextSweepTime).getTime();
    expect(conditionsOf(status)).toEqual({ Ready: "False/NotSwept" });
    expect(status.conditions[0].message).toContain(`the first sweep is due at ${status.nextSweepTime}`);
    expect(due).toBeGreaterThan(h.clock.now());

    const writes = h.cluster.writes.total;
    const result = await h.reconcile("RedactionPolicy", "p");
    expect(result.requeueAfterMs).toBe(Math.min(due - h.clock.now(), 60 * 60_000));
    expect(h.cluster.writes.total).toBe(writes);
    expect(sweeps(h)).toBe(0);
  });

  it("is not Ready while suspended, and sweeps nothing", async () => {
    const h = await withAccount();
    await h.cluster.create(policyObject("p", { suspend: true, schedule: { interval: "1h" } }));
    await h.drain();
    const status = statusOf(h, "RedactionPolicy", "p");
    expect(conditionsOf(status)).toEqual({ Ready: "False/Suspended" });
    expect(status.nextSweepTime).toBeUndefined();
    expect(sweeps(h)).toBe(0);
  });

  it("sweeps once for each new value of hush.dev/requested-at, and records the value it handled", async () => {
    const h = await withAccount();
    const tag = newTag();
    const ids = await createTickets(s.current, 3, tag);
    await h.cluster.create(policyObject("p", { query: `type:ticket tags:${tag}` }));
    await h.drain();
    expect(statusOf(h, "RedactionPolicy", "p").conditions[0].message).toContain(
      "the policy has no spec.schedule, so it sweeps only when asked",
    );

    await annotate(h, "p", { "hush.dev/requested-at": "2026-05-01T10:00:00Z" });
    const done = await h.until(
      "the requested sweep ended",
      () => statusOf(h, "RedactionPolicy", "p")?.lastSweep,
    );
    expect(done).toMatchObject({ result: "Succeeded", counts: { matched: 3, acted: 3 } });
    const status = statusOf(h, "RedactionPolicy", "p");
    expect(status.lastHandledRequestedAt).toBe("2026-05-01T10:00:00Z");
    expect(conditionsOf(status)).toEqual({ Ready: "True/Succeeded" });
    for (const id of ids) expect(await ticketTags(s.current, id)).toContain("hush-redacted");

    await h.reconcile("RedactionPolicy", "p");
    await h.drain();
    expect(sweeps(h)).toBe(1);

    await annotate(h, "p", { "hush.dev/requested-at": "2026-05-01T11:00:00Z" });
    await h.until(
      "the second requested sweep ended",
      () => statusOf(h, "RedactionPolicy", "p")?.totals?.sweeps === 2,
    );
    expect(statusOf(h, "RedactionPolicy", "p").lastHandledRequestedAt).toBe("2026-05-01T11:00:00Z");
    expect(sweeps(h)).toBe(2);
  });

  it("waits for approval above the ceiling, ignores a stale approval and sweeps once the shown preview is approved", async () => {
    const h = await withAccount();
    const tag = newTag();
    const ids = await createTickets(s.current, 4, tag);
    await h.cluster.create(
      policyObject(
        "p",
        { query: `type:ticket tags:${tag}`, limits: { approvalAbove: 2 } },
        { "hush.dev/requested-at": "1" },
      ),
    );
    await h.until("the sweep waits for approval", () => statusOf(h, "RedactionPolicy", "p")?.lastSweep);
    let status = statusOf(h, "RedactionPolicy", "p");
    const preview = status.preview.id as string;
    expect(preview).toMatch(/^g1-n4-[0-9a-f]{8}$/);
    expect(conditionsOf(status)).toEqual({
      Ready: "False/AwaitingApproval",
      Stalled: "True/AwaitingApproval",
      AwaitingApproval: "True/ApprovalRequired",
    });
    expect(status.conditions.find((c: { type: string }) => c.type === "AwaitingApproval").message).toContain(
      `approve with the annotation hush.dev/approve: ${preview}`,
    );
    const approvalEvent = h.cluster.events.find((e) => e.reason === "ApprovalRequired")!;
    expect(approvalEvent.type).toBe("Warning");
    expect(approvalEvent.note).toContain(`hush.dev/approve=${preview}`);

    // An approval of something else releases nothing, and does not even start a sweep.
    await annotate(h, "p", { "hush.dev/approve": "g1-n4-00000000" });
    expect(sweeps(h)).toBe(1);

    // More items match than the preview that is approved: the sweep refuses and previews again.
    const more = await createTickets(s.current, 1, tag);
    await annotate(h, "p", { "hush.dev/approve": preview });
    await h.until(
      "the approved sweep refused the larger match",
      () => statusOf(h, "RedactionPolicy", "p").totals.sweeps === 2,
    );
    status = statusOf(h, "RedactionPolicy", "p");
    expect(status.lastSweep.result).toBe("AwaitingApproval");
    expect(status.lastSweep.message).toContain("5 items match now, more than the 4 approved");
    expect(status.preview.id).toMatch(/^g1-n5-/);
    for (const id of [...ids, ...more])
      expect(await ticketTags(s.current, id)).not.toContain("hush-redacted");

    await annotate(h, "p", { "hush.dev/approve": status.preview.id });
    await h.until(
      "the approved sweep ended",
      () => statusOf(h, "RedactionPolicy", "p").lastSweep.result === "Succeeded",
    );
    status = statusOf(h, "RedactionPolicy", "p");
    expect(status.lastSweep.counts).toMatchObject({ matched: 5, acted: 5 });
    expect(conditionsOf(status)).toEqual({ Ready: "True/Succeeded" });
    expect(status.preview).toBeUndefined();
    for (const id of [...ids, ...more]) expect(await ticketTags(s.current, id)).toContain("hush-redacted");
    // Nothing asks for another sweep: the approval stays, but no preview waits for it.
    await h.reconcile("RedactionPolicy", "p");
    await h.drain();
    expect(sweeps(h)).toBe(3);
  });

  it("previews a DryRun policy and stays Ready, acting on nothing", async () => {
    const h = await withAccount();
    const tag = newTag();
    const ids = await createTickets(s.current, 2, tag);
    await h.cluster.create(
      policyObject(
        "p",
        { query: `type:ticket tags:${tag}`, mode: "DryRun" },
        { "hush.dev/requested-at": "1" },
      ),
    );
    await h.until("the dry run ended", () => statusOf(h, "RedactionPolicy", "p")?.lastSweep);
    const status = statusOf(h, "RedactionPolicy", "p");
    expect(conditionsOf(status)).toEqual({ Ready: "True/Previewed" });
    expect(status.preview).toMatchObject({ count: 2 });
    expect(eventReasons(h)).toContain("SweepPreviewed");
    for (const id of ids) expect(await ticketTags(s.current, id)).not.toContain("hush-redacted");
  });
});

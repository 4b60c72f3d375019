import { expect } from "vitest";
import { condition, type HushObject, openScenario, type Scenario } from "../harness.js";
import { successfulWrites, total } from "../zendesk.js";
import type { ScenarioDef } from "./types.js";

// The safety ceiling: a sweep over spec.limits.approvalAbove changes nothing until a person
// approves the preview it names, and an approval releases only the sweep it was made for.

const APPROVE = "hush.dev/approve";
const REQUESTED_AT = "hush.dev/requested-at";
/** What the query `status<solved` matches. */
const UNSOLVED = new Set(["new", "open", "pending", "hold"]);

/** Waits for the next sweep after `previous` (by sweep id: start times have second precision). */
function nextSweep(s: Scenario, previous: HushObject, what: string): Promise<HushObject> {
  const before = previous.status?.lastSweep?.sweepId;
  return s.waitForObject(
    "RedactionPolicy",
    "ceiling",
    what,
    (p) =>
      p.status?.lastSweep !== undefined &&
      p.status.lastSweep.sweepId !== before &&
      p.status.currentSweep === undefined,
    90_000,
  );
}

export const approvalFlow: ScenarioDef = {
  title:
    "holds a sweep over its approvalAbove until the preview it names is approved; a wrong or stale approval releases nothing",
  timeoutMs: 240_000,
  async run(cluster) {
    await cluster.prepare();
    const s = await openScenario(cluster, { name: "approval", tickets: 30, seed: 5 });
    const matching = [...s.zendesk.account().tickets.values()].filter((t) => UNSOLVED.has(t.status)).length;
    expect(matching).toBeGreaterThan(2);
    const operator = await s.startOperator("op-approval");
    await operator.ready();
    await s.createSecret();
    await s.createAccount();
    await s.createPolicy("ceiling", {
      accountRef: { name: s.accountName },
      query: "type:ticket status<solved",
      mode: "Enforce",
      limits: { approvalAbove: 2 },
      schedule: { interval: "1h" },
    });

    // 1. The first sweep stops before acting and says what to approve.
    const held = await s.waitForCondition(
      "RedactionPolicy",
      "ceiling",
      "AwaitingApproval",
      "True",
      "ApprovalRequired",
    );
    const first = held.status!.preview!;
    expect(first.count).toBe(matching);
    expect(condition(held, "AwaitingApproval")!.message).toContain(first.id);
    expect(condition(held, "Ready")).toMatchObject({ status: "False", reason: "AwaitingApproval" });
    expect(held.status!.lastSweep.result).toBe("AwaitingApproval");
    const asked = await s.waitForEvent("ceiling", "ApprovalRequired");
    expect(asked.type).toBe("Warning");
    expect(asked.note).toContain(first.id);
    expect(asked.note).toContain(APPROVE);
    expect(total(successfulWrites(s.zendesk.sim))).toBe(0);

    // 2. A wrong approval (a preview id that was never made) releases nothing, even with a sweep asked for.
    const wrong = first.id.replace(/[0-9a-f]{8}$/, "00000000");
    await s.annotatePolicy("ceiling", { [APPROVE]: wrong, [REQUESTED_AT]: "wrong-approval" });
    const afterWrong = await nextSweep(s, held, "to sweep again with the wrong approval");
    expect(afterWrong.status!.lastSweep.result).toBe("AwaitingApproval");
    expect(condition(afterWrong, "AwaitingApproval")).toMatchObject({ status: "True" });
    expect(afterWrong.status!.preview!.id).toBe(first.id);
    expect(total(successfulWrites(s.zendesk.sim))).toBe(0);

    // 3. A stale approval: more tickets match now than the approved preview counted.
    for (const n of [1, 2]) {
      const created = await s.zendesk.handle.api("POST", "/api/v2/tickets", {
        ticket: {
          subject: `Late arrival ${n}`,
          status: "open",
          comment: { body: `Please call me back, order ${n}.` },
          requester: { name: `Late Requester ${n}`, email: `late.${n}@customers.example.com` },
        },
      });
      expect(created.status).toBe(201);
    }
    const ourWrites = total(successfulWrites(s.zendesk.sim));
    await s.annotatePolicy("ceiling", { [APPROVE]: first.id });
    const afterStale = await nextSweep(s, afterWrong, "to sweep with the stale approval");
    expect(afterStale.status!.lastSweep.result).toBe("AwaitingApproval");
    const second = afterStale.status!.preview!;
    expect(second.count).toBe(matching + 2);
    expect(second.id).not.toBe(first.id);
    expect(condition(afterStale, "AwaitingApproval")!.message).toContain(second.id);
    expect(total(successfulWrites(s.zendesk.sim))).toBe(ourWrites);

    // 4. The approval of the current preview releases the sweep, which acts on every match.
    await s.annotatePolicy("ceiling", { [APPROVE]: second.id });
    const released = await s.waitForObject(
      "RedactionPolicy",
      "ceiling",
      "to act on the approved sweep",
      (p) => (p.status?.totals?.acted ?? 0) > 0 && p.status?.currentSweep === undefined,
      90_000,
    );
    expect(released.status!.lastSweep).toMatchObject({ result: "Succeeded", counts: { failed: 0 } });
    expect(released.status!.totals).toMatchObject({ acted: matching + 2, failed: 0 });
    expect(condition(released, "AwaitingApproval")).toBeUndefined();
    expect(condition(released, "Ready")).toMatchObject({ status: "True", reason: "Succeeded" });
    expect(total(successfulWrites(s.zendesk.sim))).toBeGreaterThan(ourWrites);
    const stillOpen = [...s.zendesk.account().tickets.values()].filter(
      (t) => UNSOLVED.has(t.status) && !t.tags.includes("hush-redacted"),
    );
    expect(stillOpen.map((t) => t.id)).toEqual([]);
  },
};

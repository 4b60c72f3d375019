import { describe, expect, it } from "vitest";
import type { Condition } from "../../src/api/conditions.js";
import { conditionSchema } from "../../src/api/conditions.js";
import {
  findCondition,
  removeCondition,
  setCondition,
  setConditions,
} from "../../src/controller/conditions.js";

const t0 = new Date("2026-05-01T10:00:00.123Z");
const t1 = new Date("2026-05-01T11:00:00Z");

describe("setCondition", () => {
  it("adds a condition with the transition time at second precision, as Kubernetes writes it", () => {
    const conditions = setCondition(
      [],
      { type: "Ready", status: "True", reason: "Succeeded", message: "ok" },
      t0,
    );
    expect(conditions).toEqual([
      {
        type: "Ready",
        status: "True",
        reason: "Succeeded",
        message: "ok",
        lastTransitionTime: "2026-05-01T10:00:00Z",
      },
    ]);
    expect(conditionSchema.safeParse(conditions[0]).success).toBe(true);
  });

  it("keeps lastTransitionTime when the status is unchanged, even if reason and message change", () => {
    const first = setCondition([], { type: "Ready", status: "False", reason: "NotSwept", message: "a" }, t0);
    const second = setCondition(
      first,
      { type: "Ready", status: "False", reason: "Failed", message: "b" },
      t1,
    );
    expect(second[0]).toMatchObject({
      reason: "Failed",
      message: "b",
      lastTransitionTime: "2026-05-01T10:00:00Z",
    });
  });

  it("moves lastTransitionTime when the status changes", () => {
    const first = setCondition([], { type: "Ready", status: "False", reason: "NotSwept", message: "" }, t0);
    const second = setCondition(
      first,
      { type: "Ready", status: "True", reason: "Succeeded", message: "" },
      t1,
    );
    expect(second[0]!.lastTransitionTime).toBe("2026-05-01T11:00:00Z");
  });

  it("replaces only the condition of the same type and keeps the order of the others", () => {
    const start = setConditions(
      [],
      [
        { type: "Ready", status: "True", reason: "Succeeded", message: "" },
        { type: "Reconciling", status: "False", reason: "Idle", message: "" },
        { type: "Stalled", status: "False", reason: "Idle", message: "" },
      ],
      t0,
    );
    const next = setCondition(
      start,
      { type: "Reconciling", status: "True", reason: "Sweeping", message: "" },
      t1,
    );
    expect(next.map((c) => c.type)).toEqual(["Ready", "Reconciling", "Stalled"]);
    expect(next[0]).toBe(start[0]);
    expect(findCondition(next, "Reconciling")).toMatchObject({
      status: "True",
      lastTransitionTime: "2026-05-01T11:00:00Z",
    });
  });

  it("does not change the list it is given", () => {
    const start: Condition[] = [
      {
        type: "Ready",
        status: "True",
        reason: "Succeeded",
        message: "",
        lastTransitionTime: "2026-01-01T00:00:00Z",
      },
    ];
    setCondition(start, { type: "Ready", status: "False", reason: "Failed", message: "" }, t1);
    expect(start[0]!.status).toBe("True");
  });

  it("removes a condition by type", () => {
    const start = setCondition(
      [],
      { type: "AwaitingApproval", status: "True", reason: "ApprovalRequired", message: "" },
      t0,
    );
    expect(removeCondition(start, "AwaitingApproval")).toEqual([]);
  });
});

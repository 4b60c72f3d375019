import type { Condition } from "../api/conditions.js";

// Status conditions are built here and nowhere else (STYLE.md: one helper, never by hand), so that
// every writer keeps lastTransitionTime the same way and Ready/Reconciling/Stalled stay consistent.

export type ConditionStatus = Condition["status"];

/** The condition types Hush writes; kstatus reads Ready, Reconciling and Stalled. */
export const CONDITION = {
  Ready: "Ready",
  Reconciling: "Reconciling",
  Stalled: "Stalled",
  AwaitingApproval: "AwaitingApproval",
} as const;

/** A condition as a writer describes it; the transition time is the helper's business. */
export type ConditionUpdate = Omit<Condition, "lastTransitionTime">;

/**
 * Returns `conditions` with `next` in place of the condition of the same type. lastTransitionTime
 * moves to `now` only when the status changes, as metav1.Condition requires: a reason or message
 * that changes under the same status is news, not a transition. The order of existing conditions
 * is kept and a new type is appended, so repeated writes produce the same document.
 */
export function setCondition(
  conditions: readonly Condition[],
  next: ConditionUpdate,
  now: Date,
): Condition[] {
  const previous = conditions.find((c) => c.type === next.type);
  const lastTransitionTime =
    previous && previous.status === next.status ? previous.lastTransitionTime : isoSeconds(now);
  const updated: Condition = { ...withoutUndefined(next), lastTransitionTime };
  return previous ? conditions.map((c) => (c.type === next.type ? updated : c)) : [...conditions, updated];
}

/** Applies several updates in order. */
export function setConditions(
  conditions: readonly Condition[],
  updates: readonly ConditionUpdate[],
  now: Date,
): Condition[] {
  return updates.reduce<Condition[]>((acc, update) => setCondition(acc, update, now), [...conditions]);
}

/** Removes the condition of a type, e.g. AwaitingApproval once nothing waits any more. */
export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === "True";
}

/**
 * Kubernetes writes times in RFC 3339 at second precision (metav1.Time); so does Hush, which also
 * keeps status files free of millisecond noise.
 */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

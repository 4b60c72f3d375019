import type { SweepResultKind } from "../api/redaction-policy.js";
import type { SweepReport } from "../sweep/run-sweep.js";
import type { EventInput, KubeObject } from "./cluster.js";
import type { ControllerContext } from "./context.js";
import { APPROVE_ANNOTATION } from "./policy-plan.js";

// Kubernetes Events (events.k8s.io/v1) the operator writes: a sweep started, how it ended, an
// approval it needs, and changes of an account's usability. `kubectl describe` and `kubectl events`
// show them next to the resource. Notes are built here from names, sweep ids and counts only,
// never from a sweep's message or anything read from Zendesk, so an Event cannot carry personal
// data whatever a sweep met.

export const EVENT_REASON = {
  SweepStarted: "SweepStarted",
  SweepSucceeded: "SweepSucceeded",
  SweepPreviewed: "SweepPreviewed",
  SweepLimitReached: "SweepLimitReached",
  SweepFailed: "SweepFailed",
  SweepPartiallyFailed: "SweepPartiallyFailed",
  SweepCancelled: "SweepCancelled",
  ApprovalRequired: "ApprovalRequired",
} as const;

const ENDED: Record<SweepResultKind, { reason: string; type: "Normal" | "Warning" }> = {
  Succeeded: { reason: EVENT_REASON.SweepSucceeded, type: "Normal" },
  Previewed: { reason: EVENT_REASON.SweepPreviewed, type: "Normal" },
  LimitReached: { reason: EVENT_REASON.SweepLimitReached, type: "Normal" },
  Failed: { reason: EVENT_REASON.SweepFailed, type: "Warning" },
  PartiallyFailed: { reason: EVENT_REASON.SweepPartiallyFailed, type: "Warning" },
  Cancelled: { reason: EVENT_REASON.SweepCancelled, type: "Normal" },
  AwaitingApproval: { reason: EVENT_REASON.ApprovalRequired, type: "Warning" },
};

type Regarded = Pick<KubeObject, "kind" | "metadata">;

function regarding(object: Regarded): EventInput["regarding"] {
  return {
    kind: object.kind as EventInput["regarding"]["kind"],
    namespace: object.metadata.namespace ?? "default",
    name: object.metadata.name,
    ...(object.metadata.uid ? { uid: object.metadata.uid } : {}),
    ...(object.metadata.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
  };
}

const plural = (n: number, noun: string) => `${n} ${n === 1 ? noun.replace(/s$/, "") : noun}`;

export function sweepStartedEvent(
  policy: Regarded,
  sweep: { sweepId: string; matched: number; target: "tickets" | "users"; generation: number },
): EventInput {
  return {
    regarding: regarding(policy),
    type: "Normal",
    reason: EVENT_REASON.SweepStarted,
    action: "Sweep",
    note: `Sweep ${sweep.sweepId} of generation ${sweep.generation} started: ${plural(sweep.matched, sweep.target)} match.`,
  };
}

/** How the sweep ended; for AwaitingApproval, what to approve and with which annotation. */
export function sweepEndedEvent(
  policy: Regarded,
  report: SweepReport,
  target: "tickets" | "users",
  why?: string,
): EventInput {
  const { summary } = report;
  const c = summary.counts;
  const { reason, type } = ENDED[summary.result];
  const id = summary.sweepId;
  const counts = `${plural(c.matched, target)} matched, ${c.acted} acted on, ${c.skipped} needed no change, ${c.failed} failed`;
  let note: string;
  switch (summary.result) {
    case "AwaitingApproval":
      note = report.preview
        ? `Sweep ${id} changed nothing: ${plural(report.preview.count, target)} match, more than spec.limits.approvalAbove. Check status.preview, then approve with the annotation ${APPROVE_ANNOTATION}=${report.preview.id}.`
        : `Sweep ${id} changed nothing: it needs approval; see status.preview and the AwaitingApproval condition.`;
      break;
    case "Previewed":
      note = `Sweep ${id} was a dry run (spec.mode DryRun): ${plural(c.matched, target)} match${report.preview ? `; preview ${report.preview.id} in status.preview` : ""}.`;
      break;
    case "LimitReached":
      note = `Sweep ${id} stopped at spec.limits.maxItemsPerSweep: ${counts}; the next sweep goes on with the rest.`;
      break;
    case "Cancelled":
      note = `Sweep ${id} was cancelled${why ? ` because ${why}` : ""}: ${counts}.`;
      break;
    case "Failed":
    case "PartiallyFailed":
      note = `Sweep ${id} ${summary.result === "Failed" ? "failed" : "partly failed"}: ${counts}; status.lastSweep.message says why.`;
      break;
    default:
      note = `Sweep ${id} succeeded: ${counts}.`;
  }
  return { regarding: regarding(policy), type, reason, action: "Sweep", note: note.slice(0, 1024) };
}

/** An account became usable or unusable: the Ready reason, and where the message is. */
export function accountCheckedEvent(account: Regarded, ok: boolean, reason: string): EventInput {
  return {
    regarding: regarding(account),
    type: ok ? "Normal" : "Warning",
    reason,
    action: "CheckCredentials",
    note: ok
      ? "Hush authenticated with the account's credentials (GET /api/v2/users/me)."
      : `The account cannot be used (${reason}); its Ready condition says what to fix.`,
  };
}

/**
 * Writes an Event without letting a failure stop the caller: Events are for people, and a
 * sweep or a reconcile must not fail because the API server refused one.
 */
export async function emitEvent(
  ctx: Pick<ControllerContext, "api" | "logger">,
  event: EventInput,
): Promise<void> {
  try {
    await ctx.api.createEvent(event);
  } catch (error) {
    ctx.logger.warn(
      {
        kind: event.regarding.kind,
        resource: `${event.regarding.namespace}/${event.regarding.name}`,
        reason: event.reason,
        error: errorKind(error),
      },
      "could not write an Event",
    );
  }
}

/** An error's name and kind, never its message (a client library's may embed headers). */
export function errorKind(error: unknown): string {
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    return typeof kind === "string" ? `${error.name}/${kind}` : error.name;
  }
  return typeof error;
}

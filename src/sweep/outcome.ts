import { emptyFindingCounts } from "../redaction/spec.js";
import type { DetectorName } from "../redaction/types.js";
import { ZendeskError, type ZendeskErrorKind } from "../zendesk/index.js";
import { JobTimeoutError } from "../zendesk/jobs.js";

// What happened to one item (a ticket or a user) in a sweep. Outcomes carry ids, counts and
// CamelCase reasons only, never text from Zendesk, so they can be logged, exported as metrics and
// written into status without leaking what they describe.

export interface ItemRef {
  kind: "ticket" | "user";
  id: number;
}

/** The changes Hush makes in Zendesk; an outcome counts how many of each it made. */
export type ActionName =
  | "RedactComment"
  | "RedactAttachment"
  | "UpdateTicket"
  | "AddMarkerTag"
  | "ImportCopy"
  | "DeleteDuplicateCopy"
  | "DeleteOriginal"
  | "PermanentlyDeleteOriginal"
  | "UpdateIdentity"
  | "DeleteIdentity"
  | "CreateIdentity"
  | "UpdateUser"
  | "DeleteUser"
  | "PermanentlyDeleteUser"
  | "DeleteTicket"
  | "PermanentlyDeleteTicket";

export type Actions = Partial<Record<ActionName, number>>;

/** A field the policy names that Zendesk does not let anyone change here (closed tickets, 5.7). */
export interface Unchangeable {
  field: string;
  reason: string;
}

export type SkipReason =
  /** No such live item (deleted, or never existed). */
  | "NotFound"
  /** The item holds nothing the policy removes (it may carry the marker from an earlier sweep). */
  | "NothingToRedact"
  /** What the policy names is left only where Zendesk allows no change (listed in `unchangeable`). */
  | "OnlyUnchangeableLeft"
  /** The ticket is a redacted copy Hush imported to replace an original. */
  | "IsReplacementCopy"
  /** The original is gone and its confirmed copy exists: an earlier sweep finished the work. */
  | "AlreadyReplaced"
  /** The user is already deleted (permanently, where that was asked). */
  | "AlreadyDeleted"
  /**
   * The record carries one of the policy's exemption tags (or, for bulk deletion, its marker tag),
   * which the query leaves out: search showed an older version of it.
   */
  | "Exempt";

/** Why Hush itself refused to act on an item (a Zendesk refusal is a failure of that error's kind). */
export type RefusalReason =
  /** Replace cannot carry attachments into the copy, and the policy keeps them. */
  | "ReplaceWouldLoseAttachments"
  /** Hush anonymizes and deletes end users only; agents and admins are managed by people. */
  | "NotAnEndUser"
  /** Only closed tickets are replaced; open ones are redacted in place. */
  | "NotClosed";

export type FailureKind =
  | ZendeskErrorKind
  | "Refused"
  | "CopyIncomplete"
  /** Replace: a recent import's copy is not findable yet (search lag); a later sweep finishes. */
  | "CopyNotYetFindable"
  | "JobTimeout";

/** The step a failure happened in, for the reader of a report. */
export type Step =
  | "ReadTicket"
  | "ReadComments"
  | "ReadPeople"
  | "Plan"
  | "RedactComments"
  | "UpdateTicket"
  | "AddMarker"
  | "FindCopy"
  | "ImportCopy"
  | "ConfirmCopy"
  | "DeleteDuplicateCopy"
  | "DeleteOriginal"
  | "PermanentlyDeleteOriginal"
  | "ReadUser"
  | "UpdateIdentities"
  | "UpdateUser"
  | "DeleteUser"
  | "PermanentlyDeleteUser"
  | "DeleteTicket"
  | "PermanentlyDeleteTicket"
  | "Verify";

export interface Failure {
  kind: FailureKind;
  /** HTTP status of the failed request; null when none arrived or Hush refused. */
  status: number | null;
  /** Route template of the failed request. */
  route?: string;
  /** Zendesk's error code (e.g. `RecordInvalid`) or Hush's refusal reason. */
  code?: string;
  /** A sentence for people: what went wrong and what to do; never personal data. */
  message: string;
}

interface OutcomeBase {
  item: ItemRef;
  /** What Hush changed. */
  actions: Actions;
  /** Personal data the plan found, by detector (Detected mode; zero in Full mode). */
  findings: Record<DetectorName, number>;
  /** Fields the policy names that could not be changed, reported rather than skipped silently. */
  unchangeable: Unchangeable[];
  /** Findings left after acting, by re-reading and re-detecting; null when not verified. */
  residual: number | null;
  /** For Replace: the copy that stands for the original. */
  copyId?: number;
  /** For Replace: what of the original its copy does not carry (field names, e.g. "via"). */
  dropped?: string[];
}

export interface Acted extends OutcomeBase {
  result: "acted";
}

export interface Skipped extends OutcomeBase {
  result: "skipped";
  reason: SkipReason;
}

export interface Failed extends OutcomeBase {
  result: "failed";
  step: Step;
  error: Failure;
}

export type ItemOutcome = Acted | Skipped | Failed;

/** Collects an item's outcome while it is worked on; every path ends in one of its three endings. */
export class OutcomeBuilder {
  readonly actions: Actions = {};
  findings: Record<DetectorName, number> = emptyFindingCounts();
  unchangeable: Unchangeable[] = [];
  residual: number | null = null;
  copyId: number | undefined;
  dropped: string[] | undefined;
  step: Step;

  constructor(
    readonly item: ItemRef,
    firstStep: Step,
  ) {
    this.step = firstStep;
  }

  /** Whether anything was changed in Zendesk so far. */
  get changedSomething(): boolean {
    return Object.keys(this.actions).length > 0;
  }

  did(action: ActionName, times = 1): void {
    if (times > 0) this.actions[action] = (this.actions[action] ?? 0) + times;
  }

  acted(): Acted | Skipped {
    // An item worked on without a single change is a no-op, as a second run must be.
    if (!this.changedSomething) {
      return this.skipped(this.unchangeable.length > 0 ? "OnlyUnchangeableLeft" : "NothingToRedact");
    }
    return { result: "acted", ...this.base() };
  }

  skipped(reason: SkipReason): Skipped {
    return { result: "skipped", reason, ...this.base() };
  }

  refused(reason: RefusalReason, message: string): Failed {
    return this.failed({ kind: "Refused", status: null, code: reason, message });
  }

  failed(error: Failure): Failed {
    return { result: "failed", step: this.step, error, ...this.base() };
  }

  private base(): OutcomeBase {
    return {
      item: this.item,
      actions: { ...this.actions },
      findings: { ...this.findings },
      unchangeable: [...this.unchangeable],
      residual: this.residual,
      ...(this.copyId === undefined ? {} : { copyId: this.copyId }),
      ...(this.dropped === undefined ? {} : { dropped: [...this.dropped] }),
    };
  }
}

/**
 * Turns a Zendesk error into a failure; anything else (a bug, an abort) is rethrown, so that it is
 * not mistaken for Zendesk's answer. Zendesk errors' messages carry no personal data (errors.ts).
 */
export function failureOf(error: unknown): Failure {
  if (error instanceof ZendeskError) {
    return {
      kind: error.kind,
      status: error.status,
      route: error.route,
      ...(error.code === undefined ? {} : { code: error.code }),
      message: error.message,
    };
  }
  if (error instanceof JobTimeoutError) {
    return { kind: "JobTimeout", status: null, message: error.message };
  }
  throw error;
}

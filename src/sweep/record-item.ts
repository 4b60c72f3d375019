import { ZendeskError } from "../zendesk/errors.js";
import { PaginationError } from "../zendesk/paginate.js";
import { auditRecord } from "./audit-record.js";
import type { AuditSink, SweepIdentity } from "./evidence.js";
import type { ItemOutcome } from "./outcome.js";
import type { SweepAction } from "./sweep-plan.js";
import type { DoneItem, SweepStateStore } from "./sweep-state.js";

// What a sweep writes down for each item, in an order that survives a crash anywhere: the item's
// work in Zendesk, then its audit record (for items acted on), then the journal line that marks it
// done. An item is never journalled as done before its evidence is durable; one that a crash
// interrupted anywhere after its `t` line is settled by the next run (recover.ts).

export interface Evidence {
  audit: AuditSink;
  state: SweepStateStore;
  identity: SweepIdentity;
  action: SweepAction;
}

/**
 * Records an item's outcome. `recovered`: an earlier run was working on the item when it stopped
 * (recover.ts), and its record says so.
 */
export async function recordItem(
  evidence: Evidence,
  outcome: ItemOutcome,
  time: Date,
  recovered = false,
): Promise<void> {
  if (outcome.result === "acted") {
    const record = auditRecord(evidence.identity, evidence.action, outcome, time, recovered);
    try {
      await evidence.audit.write(record);
    } catch (error) {
      // The item is changed and its redo would find nothing to do: keep the record for the next run.
      await evidence.state.owe(record).catch(() => undefined);
      throw new EvidenceUnwritable("the audit stream", error);
    }
  }
  await journal(() => evidence.state.markDone(doneItem(outcome)));
}

/** A journal write; its failure stops the sweep. */
export async function journal(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw new EvidenceUnwritable("the sweep's journal", error);
  }
}

export function doneItem(outcome: ItemOutcome): DoneItem {
  return {
    id: outcome.item.id,
    result: outcome.result,
    residual: outcome.residual,
    ...(outcome.result === "failed" ? { failureKind: outcome.error.kind } : {}),
  };
}

/** A file system error's code (ENOSPC, EACCES), else the error's name; never its message (paths, data). */
export function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.name : "unknown error";
}

/** Writing (or reading back) evidence failed: the sweep stops, so that no change goes unrecorded. */
export class EvidenceUnwritable extends Error {
  constructor(
    readonly what: string,
    cause: unknown,
    verb: "written" | "read" = "written",
  ) {
    super(`${what} could not be ${verb} (${errorCode(cause)})`, { cause });
    this.name = "EvidenceUnwritable";
  }
}

/** Zendesk refused the credentials mid-sweep: every further item would fail the same way. */
export class CredentialsRefused extends Error {
  constructor() {
    super("Zendesk refused the account's credentials (401); fix the account's Secret");
    this.name = "CredentialsRefused";
  }
}

/**
 * Failures that end a sweep with a report (and its state kept); anything else is a bug and is
 * thrown. Zendesk's errors and a list it cannot page through name the route, never the query.
 */
export const isKnownStop = (error: unknown): boolean =>
  error instanceof EvidenceUnwritable ||
  error instanceof CredentialsRefused ||
  error instanceof ZendeskError ||
  error instanceof PaginationError;

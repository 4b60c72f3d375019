import type { AuditRecord } from "./evidence.js";
import type { Acted, ItemOutcome, SkipReason } from "./outcome.js";
import { type Evidence, EvidenceUnwritable, journal } from "./record-item.js";
import {
  addToTally,
  type DoneItem,
  emptyTally,
  type SweepTally,
  type UnfinishedSweep,
} from "./sweep-state.js";

// What an earlier run of a sweep left unfinished when it stopped (a crash, a cancellation, an
// audit stream that failed), settled before the run takes new items, so that every item Hush
// changed ends up with exactly one audit record:
// - records the audit stream refused (owed) are written, unless the stream holds them after all;
// - items in flight (taken, not journalled as done) whose record the stream holds are done: the
//   crash came between the record and the journal line;
// - the other items in flight are redone, and their records say `recovered`: the earlier run may
//   have changed them before it stopped, and only their redo can tell that the work is done.

/**
 * Settles an earlier run's owed records and in-flight items; returns the in-flight items to redo.
 * Items settled here are journalled, counted in `tally` and added to `seen`.
 */
export async function settleEarlierRun(
  evidence: Pick<Evidence, "audit" | "state">,
  earlier: Pick<UnfinishedSweep, "owed" | "inFlight" | "checkpoint">,
  tally: SweepTally,
  seen: Set<number>,
): Promise<number[]> {
  const { owed, inFlight } = earlier;
  if (owed.length === 0 && inFlight.length === 0) return [];
  const held = await heldRecords(evidence, [...owed.map((r) => r.item.id), ...inFlight], earlier);
  const done = async (id: number, residual: number | null) => {
    const item: DoneItem = { id, result: "acted", residual };
    await journal(() => evidence.state.markDone(item));
    addToTally(tally, item);
    seen.add(id);
  };
  for (const record of owed) {
    if (!held.has(record.item.id)) await writeRecord(evidence, record);
    await done(record.item.id, record.residual);
  }
  const redo: number[] = [];
  for (const id of inFlight) {
    const record = held.get(id);
    if (record) await done(id, record.residual);
    else redo.push(id);
  }
  return redo;
}

/** Writes the records an unfinished sweep owes before its state is discarded (another plan begins). */
export async function settleOwed(
  evidence: Pick<Evidence, "audit" | "state">,
  earlier: Pick<UnfinishedSweep, "owed" | "checkpoint">,
): Promise<void> {
  await settleEarlierRun(evidence, { ...earlier, inFlight: [] }, emptyTally(), new Set());
}

/**
 * Skips that mean the item is already as the policy wants it: for an item an earlier run was
 * working on, most likely that run's doing. (Exempt and IsReplacementCopy say Hush leaves the
 * item alone, so they stay skips.)
 */
const WORK_FOUND_DONE: ReadonlySet<SkipReason> = new Set<SkipReason>([
  "NothingToRedact",
  "OnlyUnchangeableLeft",
  "AlreadyReplaced",
  "AlreadyDeleted",
  "NotFound",
]);

/**
 * The outcome of redoing an item an earlier run left in flight, as it is recorded: work found
 * done counts as acted (with no changes of this run's), so that it gets its audit record.
 */
export function recoveredOutcome(outcome: ItemOutcome): ItemOutcome {
  if (outcome.result !== "skipped" || !WORK_FOUND_DONE.has(outcome.reason)) return outcome;
  const { reason: _reason, ...rest } = outcome;
  const acted: Acted = { ...rest, result: "acted" };
  return acted;
}

async function heldRecords(
  evidence: Pick<Evidence, "audit">,
  ids: readonly number[],
  earlier: Pick<UnfinishedSweep, "checkpoint">,
): Promise<Map<number, AuditRecord>> {
  if (!evidence.audit.recorded) return new Map();
  try {
    return await evidence.audit.recorded(
      earlier.checkpoint.sweepId,
      ids,
      new Date(earlier.checkpoint.startTime),
    );
  } catch (error) {
    throw new EvidenceUnwritable("the audit stream", error, "read");
  }
}

async function writeRecord(evidence: Pick<Evidence, "audit">, record: AuditRecord): Promise<void> {
  try {
    await evidence.audit.write(record);
  } catch (error) {
    throw new EvidenceUnwritable("the audit stream", error);
  }
}

import type { AuditRecord } from "./evidence.js";
import { memoryReplaceJournal, type ReplaceJournal } from "./replace-journal.js";

// What a sweep keeps between runs of one policy, so that a run after a crash, a cancellation or
// the per-sweep limit continues the same sweep and never repeats finished work: a checkpoint
// (which sweep, for which generation and plan, what earlier runs already reported) and a journal
// of the items handled so far. The Replace journal lives here too; it outlives sweeps, because an
// entry for an import of unknown outcome must be seen by whichever sweep comes next.

/** Counts of handled items; `failures` by failure kind. */
export interface SweepTally {
  acted: number;
  skipped: number;
  failed: number;
  residual: number;
  failures: Record<string, number>;
}

export interface SweepCheckpoint {
  sweepId: string;
  /** ISO time the sweep's first run started. */
  startTime: string;
  policy: { generation: number; uid?: string };
  /** Hash of what the sweep does (query, action, redaction settings): another plan is another sweep. */
  planKey: string;
  /** The largest match count this sweep was released for (under the approval ceiling, or approved). */
  released: number;
  /** What runs of this sweep that ended (limit, cancellation) already reported. */
  reported: SweepTally;
}

/** One handled item as the journal keeps it: no personal data, only ids, results and counts. */
export interface DoneItem {
  id: number;
  result: "acted" | "skipped" | "failed";
  residual: number | null;
  failureKind?: string;
}

export interface UnfinishedSweep {
  checkpoint: SweepCheckpoint;
  /** Ids handled by earlier runs of the sweep. */
  done: Set<number>;
  /** Their counts. */
  tally: SweepTally;
  /** Audit records the audit stream refused, for items changed but not yet journalled as done. */
  owed: AuditRecord[];
  /**
   * Items taken but not handled when the last run ended: in flight at a crash. The next run settles
   * them first (recover.ts): search may no longer show them (a deleted original waiting for its
   * permanent deletion, say) while their work is unfinished or unrecorded.
   */
  inFlight: number[];
}

export interface SweepStateStore {
  /** Durable across restarts when the store is; kept across sweeps. */
  readonly replaceJournal: ReplaceJournal;
  /** The unfinished sweep, if one was left. */
  load(): Promise<UnfinishedSweep | undefined>;
  /** Starts a sweep: forgets any earlier one and its journal, then writes the checkpoint. */
  begin(checkpoint: SweepCheckpoint): Promise<void>;
  /** Rewrites the checkpoint of the running sweep. */
  update(checkpoint: SweepCheckpoint): Promise<void>;
  /** Records that work on these items begins; durable when it resolves. */
  markTaken(ids: readonly number[]): Promise<void>;
  /** Records an item as handled; durable when it resolves. */
  markDone(item: DoneItem): Promise<void>;
  /**
   * Keeps the audit record of an item the audit stream refused, so that the next run writes it
   * before anything else (the item's redo would find nothing left to do, and could only leave a
   * `recovered` record that does not say what was changed).
   */
  owe(record: AuditRecord): Promise<void>;
  /** The sweep went through all its matches: nothing is left to resume. */
  finish(): Promise<void>;
  close(): Promise<void>;
}

export const emptyTally = (): SweepTally => ({ acted: 0, skipped: 0, failed: 0, residual: 0, failures: {} });

export function addToTally(tally: SweepTally, item: DoneItem): void {
  if (item.result === "acted") tally.acted += 1;
  else if (item.result === "skipped") tally.skipped += 1;
  else {
    tally.failed += 1;
    const kind = item.failureKind ?? "Unknown";
    tally.failures[kind] = (tally.failures[kind] ?? 0) + 1;
  }
  tally.residual += item.residual ?? 0;
}

/** What `later` holds beyond `earlier` (counts of one run from the sweep's running totals). */
export function tallySince(later: SweepTally, earlier: SweepTally): SweepTally {
  const failures: Record<string, number> = {};
  for (const [kind, count] of Object.entries(later.failures)) {
    const more = count - (earlier.failures[kind] ?? 0);
    if (more > 0) failures[kind] = more;
  }
  return {
    acted: later.acted - earlier.acted,
    skipped: later.skipped - earlier.skipped,
    failed: later.failed - earlier.failed,
    residual: later.residual - earlier.residual,
    failures,
  };
}

export const copyTally = (tally: SweepTally): SweepTally => ({ ...tally, failures: { ...tally.failures } });

/** The journal's line for an item: `a 123 0`, `s 124 -`, `f 125 - RateLimited`. */
export function doneLine(item: DoneItem): string {
  const code = item.result === "acted" ? "a" : item.result === "skipped" ? "s" : "f";
  const residual = item.residual === null ? "-" : String(item.residual);
  const kind = item.result === "failed" && item.failureKind ? ` ${item.failureKind}` : "";
  return `${code} ${item.id} ${residual}${kind}\n`;
}

const LINE = /^([asf]) (\d+) (-|\d+)(?: ([A-Za-z]+))?$/;
const RESULTS = { a: "acted", s: "skipped", f: "failed" } as const;

/** The journal's line for items taken: `t 123 124`. */
export const takenLine = (ids: readonly number[]): string => `t ${ids.join(" ")}\n`;

const TAKEN = /^t( \d+)+$/;

/** The journal's line for an owed audit record: `o {json}` (JSON escapes line breaks). */
export const owedLine = (record: AuditRecord): string => `o ${JSON.stringify(record)}\n`;

/** Reads a journal's complete lines: handled items, and owed records of items not handled since. */
export function readJournal(
  lines: Iterable<string>,
): Pick<UnfinishedSweep, "done" | "tally" | "owed" | "inFlight"> {
  const done = new Set<number>();
  const tally = emptyTally();
  const owed = new Map<number, AuditRecord>();
  const taken = new Set<number>();
  for (const line of lines) {
    if (TAKEN.test(line)) {
      for (const id of line.slice(2).split(" ")) taken.add(Number(id));
      continue;
    }
    if (line.startsWith("o ")) {
      const record = parseOwed(line.slice(2));
      if (record) owed.set(record.item.id, record);
      continue;
    }
    const item = parseDoneLine(line);
    if (!item || done.has(item.id)) continue;
    done.add(item.id);
    addToTally(tally, item);
  }
  const owing = [...owed.values()].filter((r) => !done.has(r.item.id));
  const settled = new Set([...done, ...owing.map((r) => r.item.id)]);
  return { done, tally, owed: owing, inFlight: [...taken].filter((id) => !settled.has(id)) };
}

function parseOwed(json: string): AuditRecord | undefined {
  try {
    const record = JSON.parse(json) as AuditRecord;
    return typeof record?.item?.id === "number" ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Parses one complete journal line; undefined for anything else. */
export function parseDoneLine(line: string): DoneItem | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const item: DoneItem = {
    id: Number(m[2]),
    result: RESULTS[m[1] as keyof typeof RESULTS],
    residual: m[3] === "-" ? null : Number(m[3]),
  };
  if (m[4]) item.failureKind = m[4];
  return item;
}

/** State in memory: for tests and one-off runs; a restart forgets it. */
export function memorySweepState(): SweepStateStore & {
  readonly doneLines: readonly DoneItem[];
  readonly checkpoint: SweepCheckpoint | undefined;
} {
  let checkpoint: SweepCheckpoint | undefined;
  let done: DoneItem[] = [];
  let lines: string[] = [];
  const replaceJournal = memoryReplaceJournal();
  const clone = (c: SweepCheckpoint): SweepCheckpoint => structuredClone(c);
  return {
    replaceJournal,
    get doneLines() {
      return done;
    },
    get checkpoint() {
      return checkpoint && clone(checkpoint);
    },
    load: async () => {
      if (!checkpoint) return undefined;
      return { checkpoint: clone(checkpoint), ...readJournal(lines) };
    },
    begin: async (next) => {
      checkpoint = clone(next);
      done = [];
      lines = [];
    },
    update: async (next) => {
      checkpoint = clone(next);
    },
    markTaken: async (ids) => {
      lines.push(takenLine(ids).trimEnd());
    },
    markDone: async (item) => {
      done.push({ ...item });
      lines.push(doneLine(item).trimEnd());
    },
    owe: async (record) => {
      lines.push(owedLine(record).trimEnd());
    },
    finish: async () => {
      checkpoint = undefined;
      done = [];
      lines = [];
    },
    close: async () => undefined,
  };
}

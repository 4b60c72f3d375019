import { readdir, readFile, truncate } from "node:fs/promises";
import { join } from "node:path";
import { AppendLog, ensureDirectory, removeFile, writeFileAtomic } from "./durable-file.js";
import type { AuditRecord } from "./evidence.js";
import type { ReplaceEntry, ReplaceJournal } from "./replace-journal.js";
import {
  type DoneItem,
  doneLine,
  owedLine,
  readJournal,
  type SweepCheckpoint,
  type SweepStateStore,
  takenLine,
  type UnfinishedSweep,
} from "./sweep-state.js";

// Sweep state in files, one directory per policy (`<dir>/<namespace>/<name>/`):
//   sweep.json           the unfinished sweep's checkpoint, replaced atomically
//   done-<sweepId>.log   the journal: items taken, items handled, audit records owed (sweep-state.ts),
//                        appended and flushed before the sweep moves on
//   replace/<id>.json    the Replace journal's entry for original ticket <id>, replaced atomically
// The journal is named after its sweep, so a checkpoint never meets another sweep's journal, even
// when a crash comes between starting a sweep and removing the last one's files.

const CHECKPOINT = "sweep.json";
const DNS = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SWEEP_ID = /^[A-Za-z0-9-]+$/;

/**
 * The state of policy `policyKey` (`namespace/name`) under `dir`. One process sweeps a policy at
 * a time; two processes sharing a directory must not run the same policy together.
 */
export async function fileSweepState(dir: string, policyKey: string): Promise<SweepStateStore> {
  const [namespace, name, ...rest] = policyKey.split("/");
  if (!namespace || !name || rest.length > 0 || !DNS.test(namespace) || !DNS.test(name)) {
    throw new TypeError(
      `the policy key "${policyKey}" must be namespace/name, both lower-case letters, digits, '-' and '.'`,
    );
  }
  const home = join(dir, namespace, name);
  await ensureDirectory(join(home, "replace"));
  // Temporary files of atomic writes a crash interrupted; the files they were to replace are intact.
  for (const folder of [home, join(home, "replace")]) {
    for (const entry of await readdir(folder))
      if (entry.endsWith(".tmp")) await removeFile(join(folder, entry));
  }
  return new FileSweepState(home);
}

class FileSweepState implements SweepStateStore {
  readonly replaceJournal: ReplaceJournal;
  /** The sweep whose journal items are appended to: the one begun or loaded. */
  private sweepId: string | undefined;
  private log: Promise<AppendLog> | undefined;

  constructor(private readonly home: string) {
    this.replaceJournal = fileReplaceJournal(join(home, "replace"));
  }

  async load(): Promise<UnfinishedSweep | undefined> {
    const checkpoint = await readJson<SweepCheckpoint>(join(this.home, CHECKPOINT));
    if (!checkpoint || !SWEEP_ID.test(checkpoint.sweepId)) return undefined;
    await this.closeLog();
    const path = this.journalPath(checkpoint.sweepId);
    const bytes = await readFile(path).catch(ifMissing(Buffer.alloc(0)));
    // A crash during an append leaves a partial last line: it never counted, and it goes, so that
    // the next append starts on a line of its own.
    const complete = bytes.lastIndexOf(0x0a) + 1;
    if (complete < bytes.length) await truncate(path, complete);
    this.sweepId = checkpoint.sweepId;
    return { checkpoint, ...readJournal(bytes.subarray(0, complete).toString("utf8").split("\n")) };
  }

  async begin(checkpoint: SweepCheckpoint): Promise<void> {
    if (!SWEEP_ID.test(checkpoint.sweepId)) throw new TypeError(`invalid sweep id "${checkpoint.sweepId}"`);
    await this.closeLog();
    await removeFile(join(this.home, CHECKPOINT));
    await this.removeJournals();
    await writeFileAtomic(join(this.home, CHECKPOINT), `${JSON.stringify(checkpoint, null, 2)}\n`);
    this.sweepId = checkpoint.sweepId;
  }

  async update(checkpoint: SweepCheckpoint): Promise<void> {
    await writeFileAtomic(join(this.home, CHECKPOINT), `${JSON.stringify(checkpoint, null, 2)}\n`);
  }

  async markTaken(ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await this.append(takenLine(ids));
  }

  async markDone(item: DoneItem): Promise<void> {
    await this.append(doneLine(item));
  }

  async owe(record: AuditRecord): Promise<void> {
    await this.append(owedLine(record));
  }

  async finish(): Promise<void> {
    await this.closeLog();
    this.sweepId = undefined;
    // The checkpoint goes first: without it, a leftover journal is never read.
    await removeFile(join(this.home, CHECKPOINT));
    await this.removeJournals();
  }

  async close(): Promise<void> {
    await this.closeLog();
  }

  private async append(line: string): Promise<void> {
    const sweepId = this.sweepId;
    if (!sweepId)
      throw new Error("no sweep is running for this policy: begin or load one before journalling items");
    this.log ??= AppendLog.open(this.journalPath(sweepId));
    await (await this.log).append(line);
  }

  private journalPath(sweepId: string): string {
    return join(this.home, `done-${sweepId}.log`);
  }

  private async closeLog(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    await (await log)?.close();
  }

  private async removeJournals(): Promise<void> {
    for (const entry of await readdir(this.home)) {
      if (entry.startsWith("done-") && entry.endsWith(".log")) await removeFile(join(this.home, entry));
    }
  }
}

/** One file per original, so that workers on different tickets never wait for each other. */
function fileReplaceJournal(dir: string): ReplaceJournal {
  const path = (id: number): string => {
    if (!Number.isSafeInteger(id) || id < 1) throw new TypeError(`invalid ticket id ${id}`);
    return join(dir, `${id}.json`);
  };
  return {
    get: async (id) => readJson<ReplaceEntry>(path(id)),
    set: async (id, entry) => writeFileAtomic(path(id), `${JSON.stringify(entry)}\n`),
    delete: async (id) => removeFile(path(id)),
  };
}

async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readFile(path, "utf8").catch(ifMissing(undefined));
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

const ifMissing =
  <T>(value: T) =>
  (error: unknown): T => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return value;
    throw error;
  };

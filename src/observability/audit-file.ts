import { constants } from "node:fs";
import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import type { AuditRecord, AuditSink } from "../sweep/evidence.js";
import { type ChainHead, chainRecord, GENESIS, nextHead } from "./audit-chain.js";
import { auditRecordProblems } from "./audit-check.js";
import { recordsInTail } from "./audit-lookback.js";

// The audit file: JSON lines, appended, one hash chain across restarts (audit-chain.ts). A write
// resolves once its line is on disk (fdatasync), so that the sweep marks an item done only after
// its evidence is durable. Writes arriving while a sync runs are written and synced together
// (group commit): one sync per batch, not per record, keeps sweeps with many workers fast.

export interface FileAuditSink extends AuditSink {
  readonly path: string;
  /** Records in the file so far (the last seq). */
  readonly records: number;
  /** Bytes of a torn last line removed when the file was opened (a crash in the middle of a write). */
  readonly repairedBytes: number;
}

/** The longest line the tail reader looks back for; records are a few hundred bytes. */
const MAX_LINE = 1 << 20;
const CHUNK = 64 * 1024;

interface Pending {
  record: AuditRecord;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Opens (or creates) the audit file at `path` and continues its chain. A last line without its
 * newline is the write a crash interrupted: kept (completed with its newline) when it is a whole
 * record that continues the chain, else cut off, so that the chain never contains half a record.
 * One process writes a file at a time.
 */
export async function fileAuditSink(path: string): Promise<FileAuditSink> {
  await mkdir(dirname(path), { recursive: true });
  const fd = await openAppending(path);
  let head: ChainHead;
  let repairedBytes: number;
  try {
    ({ head, repairedBytes } = await resume(fd, path));
  } catch (error) {
    await fd.close();
    throw error;
  }

  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let failure: Error | undefined;
  let closed = false;

  const flush = async (): Promise<void> => {
    while (queue.length > 0 && !failure) {
      const batch = queue;
      queue = [];
      let next = head;
      const lines: string[] = [];
      for (const { record } of batch) {
        const chained = chainRecord(record, next);
        lines.push(chained.line);
        next = chained.head;
      }
      try {
        await writeAll(fd, Buffer.from(lines.join(""), "utf8"));
        await fd.datasync();
        head = next;
        for (const p of batch) p.resolve();
      } catch (error) {
        // The file may now end in part of a line; only reopening (which repairs it) may go on.
        failure = new Error(
          `writing the audit file ${path} failed (${(error as NodeJS.ErrnoException).code ?? String(error)}); fix the disk and restart, the file is repaired on open`,
          { cause: error },
        );
        for (const p of [...batch, ...queue]) p.reject(failure);
        queue = [];
      }
    }
    flushing = undefined;
  };

  return {
    path,
    get records() {
      return head.seq;
    },
    repairedBytes,
    write(record) {
      if (closed)
        return Promise.reject(new Error(`the audit file ${path} is closed; open it again to write`));
      if (failure) return Promise.reject(failure);
      const problems = auditRecordProblems(record);
      if (problems.length > 0) {
        return Promise.reject(new TypeError(`refusing to write an audit record: ${problems.join("; ")}`));
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ record, resolve, reject });
        flushing ??= flush();
      });
    },
    async recorded(sweepId, ids, since) {
      if (closed) throw new Error(`the audit file ${path} is closed; open it again to read it`);
      // Records this process queued are in the file once their flush is over.
      await flushing;
      const { size } = await fd.stat();
      return recordsInTail(fd, size, { sweepId, ids, since });
    },
    async close() {
      if (closed) return;
      closed = true;
      await flushing;
      await fd.close();
    },
  };
}

async function openAppending(path: string): Promise<FileHandle> {
  // Create first with O_EXCL to learn whether the file is new: a new file's directory entry
  // must be synced too, or a crash could lose the whole file.
  try {
    const created = await open(
      path,
      constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_APPEND,
      0o640,
    );
    await syncDirectory(dirname(path));
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return open(path, "a+");
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch {
    // Some file systems do not sync directories; the file's own syncs still hold.
  } finally {
    await handle.close();
  }
}

/** Reads the chain head from the file's end, repairing a torn last line. */
async function resume(fd: FileHandle, path: string): Promise<{ head: ChainHead; repairedBytes: number }> {
  const { size } = await fd.stat();
  if (size === 0) return { head: GENESIS, repairedBytes: 0 };
  const lastNewline = await findLastNewline(fd, size, size);
  const completeEnd = lastNewline + 1; // bytes [0, completeEnd) are complete lines
  let head = GENESIS;
  if (completeEnd > 0) {
    const lineStart = (await findLastNewline(fd, lastNewline, lastNewline)) + 1;
    const line = await readText(fd, lineStart, lastNewline);
    // The last line must verify on its own; it continues whatever chain came before it.
    const verified = nextHead(line, startOf(line));
    if (typeof verified === "string") {
      throw new Error(
        `${path} does not end in a valid Hush audit record (${verified}); check it with verifyAuditChain, then move it away or restore it from a copy to start a new file`,
      );
    }
    head = verified;
  }
  if (completeEnd === size) return { head, repairedBytes: 0 };

  const torn = await readText(fd, completeEnd, size);
  const continued = nextHead(torn, head);
  if (typeof continued !== "string") {
    // The whole record reached the disk, only its newline did not: keep the evidence.
    await writeAll(fd, Buffer.from("\n"));
    await fd.datasync();
    return { head: continued, repairedBytes: 0 };
  }
  await fd.truncate(completeEnd);
  await fd.datasync();
  return { head, repairedBytes: size - completeEnd };
}

/** The head a line claims to follow, so that it can be checked on its own. */
function startOf(line: string): ChainHead {
  try {
    const { seq, prevHash } = JSON.parse(line) as { seq?: unknown; prevHash?: unknown };
    if (typeof seq === "number" && typeof prevHash === "string") return { seq: seq - 1, hash: prevHash };
  } catch {
    // nextHead() reports what is wrong with the line.
  }
  return GENESIS;
}

/** Offset of the last "\n" before `before`, or -1; looks back at most MAX_LINE bytes before `limitFrom`. */
async function findLastNewline(fd: FileHandle, before: number, limitFrom: number): Promise<number> {
  const buffer = Buffer.alloc(CHUNK);
  let end = before;
  while (end > 0) {
    if (limitFrom - end > MAX_LINE) {
      throw new Error(
        `the audit file's last line is longer than ${MAX_LINE} bytes: it is not a Hush audit file`,
      );
    }
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await fd.read(buffer, 0, end - start, start);
    const at = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at >= 0) return start + at;
    end = start;
  }
  return -1;
}

async function readText(fd: FileHandle, start: number, end: number): Promise<string> {
  const buffer = Buffer.alloc(end - start);
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesRead } = await fd.read(buffer, offset, buffer.length - offset, start + offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return buffer.subarray(0, offset).toString("utf8");
}

async function writeAll(fd: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    // The file is opened with O_APPEND: every write lands at its end, whatever the position.
    const { bytesWritten } = await fd.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

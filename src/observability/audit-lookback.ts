import type { FileHandle } from "node:fs/promises";
import type { AuditRecord } from "../sweep/evidence.js";

// Reading an audit file back from its end, for the one question a sweep asks after a crash: does
// the file already hold the record of an item whose journal line never became durable? Those
// records were written during the sweep, so the search goes back from the end of the file and
// stops at records older than the sweep, however long the file is.

/**
 * Records are stamped just before they are queued, and a batch's records can wait behind a slow
 * sync or another sweep's writes, so the file is only roughly in time order: the search goes on
 * this long before `since`. Clocks that step back further than this can hide a record.
 */
export const LOOK_BACK_SLACK_MS = 60 * 60_000;

const CHUNK = 64 * 1024;
/** Longer than any audit record; a "line" longer than this is not one. */
const MAX_LINE = 1 << 20;

/** The latest record of each of `ids` in sweep `sweepId`, looking back from byte `end`. */
export async function recordsInTail(
  fd: FileHandle,
  end: number,
  query: { sweepId: string; ids: readonly number[]; since: Date },
): Promise<Map<number, AuditRecord>> {
  const wanted = new Set(query.ids);
  const found = new Map<number, AuditRecord>();
  if (wanted.size === 0) return found;
  const stopBefore = query.since.getTime() - LOOK_BACK_SLACK_MS;
  // Most lines belong to other items or other sweeps: look for the sweep id before parsing.
  const needle = `"sweepId":${JSON.stringify(query.sweepId)}`;
  for await (const line of linesBackward(fd, end)) {
    const record = parseRecord(line);
    // A line that is not a record (a write in progress at the end) tells nothing.
    if (!record) continue;
    if (line.includes(needle) && record.sweepId === query.sweepId) {
      const id = record.item?.id;
      if (wanted.has(id) && !found.has(id)) {
        found.set(id, record);
        if (found.size === wanted.size) break;
      }
    }
    if (Date.parse(record.time) < stopBefore) break;
  }
  return found;
}

function parseRecord(line: string): AuditRecord | undefined {
  try {
    const {
      seq: _s,
      prevHash: _p,
      hash: _h,
      ...record
    } = JSON.parse(line) as AuditRecord & {
      seq?: number;
      prevHash?: string;
      hash?: string;
    };
    return typeof record.time === "string" && typeof record.sweepId === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}

/** The lines of bytes [0, end) of the file, last first, without their newlines; empty lines left out. */
export async function* linesBackward(fd: FileHandle, end: number): AsyncGenerator<string> {
  const buffer = Buffer.alloc(CHUNK);
  // The start of the line being read: bytes after the chunk being read, before the next newline.
  let partial = Buffer.alloc(0);
  let position = end;
  while (position > 0) {
    const start = Math.max(0, position - CHUNK);
    const length = position - start;
    let read = 0;
    while (read < length) {
      const { bytesRead } = await fd.read(buffer, read, length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    const bytes = Buffer.concat([buffer.subarray(0, read), partial]);
    let lineEnd = bytes.length;
    let newline = bytes.lastIndexOf(0x0a, lineEnd - 1);
    while (newline >= 0) {
      if (lineEnd > newline + 1) yield bytes.subarray(newline + 1, lineEnd).toString("utf8");
      lineEnd = newline;
      newline = lineEnd > 0 ? bytes.lastIndexOf(0x0a, lineEnd - 1) : -1;
    }
    partial = Buffer.from(bytes.subarray(0, lineEnd));
    if (partial.length > MAX_LINE) {
      throw new Error(
        `a line of the audit file is longer than ${MAX_LINE} bytes: it is not a Hush audit file`,
      );
    }
    position = start;
  }
  if (partial.length > 0) yield partial.toString("utf8");
}

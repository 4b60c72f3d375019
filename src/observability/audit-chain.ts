import { createHash } from "node:crypto";
import { canonicalJson } from "../sweep/canonical-json.js";
import type { AuditRecord } from "../sweep/evidence.js";

export { canonicalJson };

// The hash chain of audit records (docs/audit.md). Each line is the record plus `seq` (1, 2, ...),
// `prevHash` (the previous line's hash; 64 zeros for the first) and `hash` = sha256 hex of
// prevHash followed by the canonical JSON of the record with its seq. The hash covers only what
// the record holds (ids, names of resources, counts, fixed words), never content from Zendesk; it
// makes the file tamper-evident: changing, removing or reordering a line breaks every later hash.

export interface ChainedAuditRecord extends AuditRecord {
  seq: number;
  prevHash: string;
  hash: string;
}

/** Where a chain stands: the last record's seq and hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export const GENESIS: ChainHead = { seq: 0, hash: "0".repeat(64) };

export interface AuditChainCheck {
  ok: boolean;
  /** Records that verified, in order, before the first broken one. */
  records: number;
  /** 1-based line number of the first line that does not verify. */
  brokenAt?: number;
  /** Why that line does not verify. */
  reason?: string;
  /** The last verified record's seq and hash. */
  head: ChainHead;
}

/** The hash of a line: covers the previous hash and everything in the line but the two hashes. */
export function recordHash(prevHash: string, body: Record<string, unknown>): string {
  const { prevHash: _p, hash: _h, ...rest } = body;
  return createHash("sha256").update(prevHash).update(canonicalJson(rest)).digest("hex");
}

/** The record as the next line after `head`: the line's text (with its newline) and the new head. */
export function chainRecord(record: AuditRecord, head: ChainHead): { line: string; head: ChainHead } {
  const seq = head.seq + 1;
  const body = { seq, ...record };
  const hash = recordHash(head.hash, body);
  const chained: ChainedAuditRecord = { ...body, prevHash: head.hash, hash };
  return { line: `${JSON.stringify(chained)}\n`, head: { seq, hash } };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks that `line` is the record after `head`; returns the new head, or why it is not. A line
 * that verifies alone (its own hash is right) but does not follow `head` was moved or a line
 * before it was removed.
 */
export function nextHead(line: string, head: ChainHead): ChainHead | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return "the line is not JSON (a torn write, or not an audit file)";
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    return "the line is not a JSON object";
  const body = parsed as Record<string, unknown>;
  const { seq, prevHash, hash } = body;
  if (typeof seq !== "number" || typeof prevHash !== "string" || typeof hash !== "string") {
    return "the line has no seq, prevHash and hash: it is not a Hush audit record";
  }
  if (!HEX64.test(prevHash) || !HEX64.test(hash)) return "prevHash or hash is not a sha256 hex digest";
  if (recordHash(prevHash, body) !== hash)
    return `record ${seq}: its hash does not match its content (changed)`;
  if (seq !== head.seq + 1) return `record ${seq} follows record ${head.seq} (records removed or reordered)`;
  if (prevHash !== head.hash) return `record ${seq}: prevHash is not the previous record's hash`;
  return { seq, hash };
}

/** Verifies a whole chain from its first record; trailing empty lines (a final newline) are ignored. */
export function verifyAuditChain(lines: readonly string[]): AuditChainCheck {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === "") end -= 1;
  const verifier = chainVerifier();
  for (let i = 0; i < end; i++) {
    if (!verifier.add(lines[i] as string)) break;
  }
  return verifier.result();
}

/** A verifier fed one line at a time, for files read as a stream. */
export function chainVerifier(start: ChainHead = GENESIS) {
  let head = start;
  let records = 0;
  let broken: { at: number; reason: string } | undefined;
  let lineNumber = 0;
  return {
    /** Checks the next line; false once the chain is broken (later lines are not checked). */
    add(line: string): boolean {
      if (broken) return false;
      lineNumber += 1;
      const next = nextHead(line, head);
      if (typeof next === "string") {
        broken = { at: lineNumber, reason: next };
        return false;
      }
      head = next;
      records += 1;
      return true;
    },
    result(): AuditChainCheck {
      return broken
        ? { ok: false, records, brokenAt: broken.at, reason: broken.reason, head }
        : { ok: true, records, head };
    },
  };
}

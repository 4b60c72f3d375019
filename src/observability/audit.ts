import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { AuditRecord, AuditSink } from "../sweep/evidence.js";
import { type AuditChainCheck, type ChainHead, chainRecord, chainVerifier, GENESIS } from "./audit-chain.js";
import { auditRecordProblems } from "./audit-check.js";

// Audit sinks: JSON lines with a hash chain (audit-chain.ts, docs/audit.md). The file sink is the
// durable one (audit-file.ts); the stream sink writes the same lines to stdout or any stream, for
// a log pipeline that keeps them.

export type { AuditChainCheck, ChainedAuditRecord, ChainHead } from "./audit-chain.js";
export { canonicalJson, verifyAuditChain } from "./audit-chain.js";
export { auditRecordProblems } from "./audit-check.js";
export { type FileAuditSink, fileAuditSink } from "./audit-file.js";

export interface StreamAuditSinkOptions {
  /** End the stream on close(); leave false for stdout and stderr. Default false. */
  end?: boolean;
}

/**
 * Writes chained audit lines to `stream`, starting a new chain (seq 1). A write resolves when the
 * stream has handed its line on (to the pipe or file), which is as durable as a stream gets.
 */
export function streamAuditSink(
  stream: NodeJS.WritableStream,
  options: StreamAuditSinkOptions = {},
): AuditSink {
  let head: ChainHead = GENESIS;
  let failure: Error | undefined;
  let closed = false;
  const pending = new Set<Promise<void>>();

  return {
    write(record: AuditRecord) {
      if (closed) return Promise.reject(new Error("the audit stream is closed"));
      if (failure) return Promise.reject(failure);
      const problems = auditRecordProblems(record);
      if (problems.length > 0) {
        return Promise.reject(new TypeError(`refusing to write an audit record: ${problems.join("; ")}`));
      }
      // Chained in call order: the stream keeps the order of its writes.
      const chained = chainRecord(record, head);
      head = chained.head;
      const written = new Promise<void>((resolve, reject) => {
        stream.write(chained.line, (error?: Error | null) => {
          if (!error) return resolve();
          failure ??= new Error(`writing the audit stream failed: ${error.message}`, { cause: error });
          reject(failure);
        });
      });
      pending.add(written);
      const settled = (): void => {
        pending.delete(written);
      };
      written.then(settled, settled);
      return written;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...pending]);
      if (options.end) await new Promise<void>((resolve) => stream.end(resolve));
    },
  };
}

/** Verifies an audit file line by line, without reading it into memory. */
export async function verifyAuditFile(path: string): Promise<AuditChainCheck> {
  const verifier = chainVerifier();
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!verifier.add(line)) {
      lines.close();
      break;
    }
  }
  return verifier.result();
}

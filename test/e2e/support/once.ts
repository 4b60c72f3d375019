import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { verifyAuditFile } from "../../../src/observability/index.js";
import { spawnSweep, summaryOf, writeSweepFiles } from "../../cli/sweep-fixtures.js";
import type { PolicySpec } from "./resources.js";
import {
  changeCounts,
  type ExpectedWork,
  expectedWork,
  FAST_RATE_LIMIT,
  notDone,
  type SeededZendesk,
  startZendesk,
  successfulWrites,
  total,
} from "./zendesk.js";

// "Every item done, none twice", measured as issue 4's kill test measures it: what one
// uninterrupted sweep of the same data changes in Zendesk (successful writes per route, and each
// ticket's change count), against what the interrupted sweep changed over all the processes that
// worked on it; plus one intact audit chain per process and one audit record per item.

export interface Baseline {
  writes: Map<string, number>;
  changes: Map<string, number>;
  expected: ExpectedWork;
}

/**
 * One uninterrupted sweep of the same seeded data by `hush sweep` (the same sweep engine, state in
 * files, no cluster) against a simulator of its own.
 */
export async function uninterruptedBaseline(
  seed: { tickets: number; seed: number },
  spec: PolicySpec,
): Promise<Baseline> {
  const z = await startZendesk(seed);
  try {
    const expected = expectedWork(z.account());
    const { accountRef: _accountRef, ...policySpec } = spec;
    const files = await writeSweepFiles(z.sim, policySpec, { rateLimit: FAST_RATE_LIMIT });
    const run = await spawnSweep(files.args, files.dir).finished;
    const summary = summaryOf(run).summary;
    if (summary.result !== "Succeeded")
      throw new Error(`the baseline sweep ended ${summary.result}: ${summary.message ?? run.stderr}`);
    const problems = notDone(z.account(), expected);
    if (problems.length > 0) throw new Error(`the baseline sweep left work undone: ${problems.join("; ")}`);
    return { writes: successfulWrites(z.sim), changes: changeCounts(z.account()), expected };
  } finally {
    await z.sim.close();
  }
}

/** Everything that shows an item missed or done twice, compared with the baseline; empty when none. */
export async function doneOnce(
  z: SeededZendesk,
  baseline: Baseline,
  auditFiles: string[],
  options: { separateAuditStreams?: boolean } = {},
): Promise<string[]> {
  const problems = notDone(z.account(), baseline.expected);

  const writes = successfulWrites(z.sim);
  for (const route of new Set([...baseline.writes.keys(), ...writes.keys()])) {
    const made = writes.get(route) ?? 0;
    const once = baseline.writes.get(route) ?? 0;
    if (made !== once) problems.push(`${made} successful ${route}, ${once} in one uninterrupted sweep`);
  }
  if (total(writes) === 0) problems.push("no write reached Zendesk");

  const changes = changeCounts(z.account());
  for (const key of new Set([...baseline.changes.keys(), ...changes.keys()])) {
    const made = changes.get(key) ?? 0;
    const once = baseline.changes.get(key) ?? 0;
    if (made !== once) problems.push(`${key} changed ${made} times, ${once} in one uninterrupted sweep`);
  }

  const recordsOf = new Map<number, AuditLine[]>();
  for (const file of auditFiles.filter((f) => existsSync(f))) {
    const chain = await verifyAuditFile(file);
    if (!chain.ok) problems.push(`the audit chain of ${file} breaks at line ${chain.brokenAt}`);
    for (const record of await auditRecords(file))
      recordsOf.set(record.item.id, [...(recordsOf.get(record.item.id) ?? []), record]);
  }
  for (const id of [...baseline.expected.inPlace, ...baseline.expected.replaced]) {
    const records = recordsOf.get(id) ?? [];
    if (records.length === 1) continue;
    // Replicas write their own audit streams, and one cannot read back what another wrote: an
    // item the killed replica had recorded, but not yet journalled as done, is redone by the
    // next and recorded again, as `recovered` with nothing changed (docs/audit.md). Anything
    // more is an item recorded (or changed) twice.
    const recovered = records.filter((r) => r.recovered);
    const explained =
      options.separateAuditStreams === true &&
      records.length === 2 &&
      recovered.length === 1 &&
      recovered[0]!.fieldsChanged.length === 0;
    if (!explained)
      problems.push(
        `ticket ${id} has ${records.length} audit records: ${JSON.stringify(records.map(brief))}`,
      );
  }
  return problems;
}

export interface AuditLine {
  sweepId: string;
  item: { kind: string; id: number };
  fieldsChanged: string[];
  recovered?: true;
}

const brief = (r: AuditLine) => ({
  sweepId: r.sweepId,
  fieldsChanged: r.fieldsChanged,
  recovered: r.recovered,
});

export async function auditRecords(file: string): Promise<AuditLine[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

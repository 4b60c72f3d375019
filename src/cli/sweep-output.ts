import type { Preview, SweepResultKind, SweepSummary } from "../api/index.js";
import { formatDuration } from "./progress.js";

// What `hush sweep` prints when a sweep ends: a few lines for people on a terminal, one JSON object
// for programs otherwise, and the exit code. Ids, counts, resource names and CamelCase words only:
// nothing read from Zendesk.

/** The parts of the sweep's report printed (run-sweep.ts's SweepReport has them). */
export interface ReportLike {
  identity: { sweepId: string };
  summary: SweepSummary;
  preview?: Preview;
  failures: { kind: string; count: number }[];
  resumed: boolean;
}

export interface SummaryContext {
  /** `namespace/name` of the policy and of its account. */
  policy: string;
  account: string;
  dryRun: boolean;
  /** The command that approves the preview (AwaitingApproval). */
  approveCommand?: string;
  /** Where the audit records went: a path, or "stdout". */
  audit?: string;
  maxItemsPerSweep?: number;
  approvalAbove?: number;
}

/** 0 done (or previewed, or stopped at the per-sweep limit), 1 the work failed, 3 awaiting approval. */
export function exitCodeFor(result: SweepResultKind): number {
  switch (result) {
    case "Succeeded":
    case "Previewed":
    case "LimitReached":
      return 0;
    case "Failed":
    case "PartiallyFailed":
    case "Cancelled":
      return 1;
    case "AwaitingApproval":
      return 3;
  }
}

const number = new Intl.NumberFormat("en-US");
const fmt = (n: number): string => number.format(n);

/** The sweep as one JSON object: the report plus where to look next. */
export function jsonSummary(report: ReportLike, context: SummaryContext): Record<string, unknown> {
  return {
    policy: context.policy,
    account: context.account,
    dryRun: context.dryRun,
    ...report,
    exitCode: exitCodeFor(report.summary.result),
    ...(context.approveCommand === undefined ? {} : { approveCommand: context.approveCommand }),
    ...(context.audit === undefined ? {} : { audit: context.audit }),
  };
}

function previewLines(preview: Preview): string[] {
  const sample = preview.sampleIds.length > 0 ? `; e.g. ${preview.sampleIds.join(", ")}` : "";
  return [
    `  ${fmt(preview.count)} ${preview.count === 1 ? "item matches" : "items match"}${sample}`,
    `  a sweep of them would make about ${fmt(preview.estimatedRequests)} API requests, about ${formatDuration(preview.estimatedDurationSeconds)} within Hush's share of the rate limit`,
    `  preview ${preview.id} (generation ${preview.generation})`,
  ];
}

/** A few lines for people. */
export function humanSummary(report: ReportLike, context: SummaryContext): string {
  const { summary } = report;
  const c = summary.counts;
  const lines = [
    `${context.policy} on ${context.account}: ${summary.result}${summary.message ? ` — ${summary.message}` : ""}`,
  ];
  if (summary.result === "Previewed" || summary.result === "AwaitingApproval") {
    if (report.preview) lines.push(...previewLines(report.preview));
    lines.push("  nothing was changed in Zendesk");
    if (summary.result === "AwaitingApproval" && context.approveCommand) {
      const above =
        context.approvalAbove === undefined ? "" : ` (limits.approvalAbove is ${fmt(context.approvalAbove)})`;
      lines.push(
        `  more items match than the policy lets a sweep handle unapproved${above}; to run it, approve this preview:`,
      );
      lines.push(`    ${context.approveCommand}`);
    } else if (context.dryRun) {
      lines.push("  to act, set spec.mode: Enforce in the policy and run without --dry-run");
    }
    return lines.join("\n");
  }
  lines.push(
    `  matched ${fmt(c.matched)} · acted ${fmt(c.acted)} · skipped ${fmt(c.skipped)} · failed ${fmt(c.failed)} · residual ${fmt(c.residual)}`,
  );
  if (report.failures.length > 0) {
    const kinds = report.failures.map((f) => `${f.kind} ${fmt(f.count)}`).join(", ");
    lines.push(`  failures: ${kinds}; the next sweep tries these items again`);
  }
  if (c.residual > 0) {
    lines.push("  residual: personal data left where Zendesk allows no change (see docs/redaction.md)");
  }
  if (summary.result === "LimitReached") {
    const limit = context.maxItemsPerSweep === undefined ? "" : ` (${fmt(context.maxItemsPerSweep)} items)`;
    lines.push(`  stopped at limits.maxItemsPerSweep${limit}; run again to go on with the rest`);
  }
  if (summary.result === "Cancelled")
    lines.push("  cancelled; run the same command again to continue where it stopped");
  const took = (Date.parse(summary.completionTime) - Date.parse(summary.startTime)) / 1000;
  const resumed = report.resumed ? ", continuing an unfinished sweep" : "";
  lines.push(
    `  sweep ${report.identity.sweepId}${resumed}; took ${formatDuration(Number.isFinite(took) ? took : 0)}`,
  );
  if (context.audit) lines.push(`  audit records: ${context.audit}`);
  return lines.join("\n");
}

/** `arg` as a POSIX shell word. */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The command line that runs the same sweep with `previewId` approved. */
export function approveCommandLine(args: readonly string[], previewId: string): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--approve") {
      i += 1;
      continue;
    }
    if (arg.startsWith("--approve=")) continue;
    kept.push(arg);
  }
  return ["hush", "sweep", ...kept, "--approve", previewId].map(shellWord).join(" ");
}

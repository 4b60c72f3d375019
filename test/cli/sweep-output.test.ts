import { describe, expect, it } from "vitest";
import {
  approveCommandLine,
  exitCodeFor,
  humanSummary,
  jsonSummary,
  type ReportLike,
  shellWord,
} from "../../src/cli/sweep-output.js";

// What `hush sweep` prints at the end and the exit code it ends with.

const report = (
  overrides: Partial<ReportLike["summary"]> = {},
  rest: Partial<ReportLike> = {},
): ReportLike => ({
  identity: { sweepId: "20261123T100000Z-0a1b2c3d" },
  summary: {
    sweepId: "20261123T100000Z-0a1b2c3d",
    startTime: "2026-11-23T10:00:00.000Z",
    completionTime: "2026-11-23T10:02:05.000Z",
    result: "Succeeded",
    counts: { matched: 1200, acted: 1190, skipped: 10, failed: 0, residual: 0 },
    message: "1200 tickets handled: 1190 acted on, 10 needed no change, 0 failed.",
    ...overrides,
  },
  failures: [],
  resumed: false,
  ...rest,
});

const preview = {
  id: "g3-n1200-0123abcd",
  generation: 3,
  time: "2026-11-23T10:00:00.000Z",
  count: 1200,
  sampleIds: [4, 8, 15],
  estimatedRequests: 9600,
  estimatedDurationSeconds: 1646,
};

const context = {
  policy: "privacy/gdpr",
  account: "privacy/acme",
  dryRun: false,
  audit: "/var/hush/audit.jsonl",
};

describe("the exit code", () => {
  it("is 0 for work done, 1 for work failed or cancelled, 3 for work awaiting approval", () => {
    expect(exitCodeFor("Succeeded")).toBe(0);
    expect(exitCodeFor("Previewed")).toBe(0);
    expect(exitCodeFor("LimitReached")).toBe(0);
    expect(exitCodeFor("Failed")).toBe(1);
    expect(exitCodeFor("PartiallyFailed")).toBe(1);
    expect(exitCodeFor("Cancelled")).toBe(1);
    expect(exitCodeFor("AwaitingApproval")).toBe(3);
  });
});

describe("the summary for people", () => {
  it("gives the result, the counts, the sweep and where the audit records are", () => {
    expect(humanSummary(report(), context)).toBe(
      [
        "privacy/gdpr on privacy/acme: Succeeded — 1200 tickets handled: 1190 acted on, 10 needed no change, 0 failed.",
        "  matched 1,200 · acted 1,190 · skipped 10 · failed 0 · residual 0",
        "  sweep 20261123T100000Z-0a1b2c3d; took 2m 5s",
        "  audit records: /var/hush/audit.jsonl",
      ].join("\n"),
    );
  });

  it("names failures by kind, says that the next sweep retries them and that this one continued an earlier one", () => {
    const text = humanSummary(
      report(
        { result: "PartiallyFailed", counts: { matched: 10, acted: 7, skipped: 0, failed: 3, residual: 2 } },
        {
          failures: [
            { kind: "RateLimited", count: 2 },
            { kind: "NotFound", count: 1 },
          ],
          resumed: true,
        },
      ),
      context,
    );
    expect(text).toContain("  failures: RateLimited 2, NotFound 1; the next sweep tries these items again");
    expect(text).toContain(
      "  residual: personal data left where Zendesk allows no change (see docs/redaction.md)",
    );
    expect(text).toContain("  sweep 20261123T100000Z-0a1b2c3d, continuing an unfinished sweep; took 2m 5s");
  });

  it("tells how to go on after the per-sweep limit and after a cancellation", () => {
    expect(
      humanSummary(report({ result: "LimitReached" }), { ...context, maxItemsPerSweep: 1000 }),
    ).toContain("  stopped at limits.maxItemsPerSweep (1,000 items); run again to go on with the rest");
    expect(humanSummary(report({ result: "Cancelled" }), context)).toContain(
      "  cancelled; run the same command again to continue where it stopped",
    );
  });

  it("shows a dry run's preview and how to act on it", () => {
    const text = humanSummary(report({ result: "Previewed", message: "Dry run." }, { preview }), {
      ...context,
      dryRun: true,
    });
    expect(text).toBe(
      [
        "privacy/gdpr on privacy/acme: Previewed — Dry run.",
        "  1,200 items match; e.g. 4, 8, 15",
        "  a sweep of them would make about 9,600 API requests, about 27m 26s within Hush's share of the rate limit",
        "  preview g3-n1200-0123abcd (generation 3)",
        "  nothing was changed in Zendesk",
        "  to act, set spec.mode: Enforce in the policy and run without --dry-run",
      ].join("\n"),
    );
  });

  it("shows a sweep awaiting approval with the command that approves it", () => {
    const text = humanSummary(report({ result: "AwaitingApproval", message: "Too many." }, { preview }), {
      ...context,
      approvalAbove: 1000,
      approveCommand: "hush sweep -f all.yaml --approve g3-n1200-0123abcd",
    });
    expect(text).toContain("  1,200 items match; e.g. 4, 8, 15");
    expect(text).toContain(
      "  more items match than the policy lets a sweep handle unapproved (limits.approvalAbove is 1,000); to run it, approve this preview:\n    hush sweep -f all.yaml --approve g3-n1200-0123abcd",
    );
  });
});

describe("the JSON summary", () => {
  it("holds the report, the exit code and what comes next", () => {
    const json = jsonSummary(report({ result: "AwaitingApproval" }, { preview }), {
      ...context,
      approveCommand: "hush sweep -f all.yaml --approve g3-n1200-0123abcd",
    });
    expect(json).toMatchObject({
      policy: "privacy/gdpr",
      account: "privacy/acme",
      dryRun: false,
      summary: { result: "AwaitingApproval" },
      preview,
      failures: [],
      resumed: false,
      exitCode: 3,
      approveCommand: "hush sweep -f all.yaml --approve g3-n1200-0123abcd",
      audit: "/var/hush/audit.jsonl",
    });
  });
});

describe("the approve command", () => {
  it("repeats the command line with --approve and the preview id, replacing an earlier approval", () => {
    expect(
      approveCommandLine(["-f", "a.yaml", "--approve", "g1-n5-00000000", "--json"], "g1-n9-11111111"),
    ).toBe("hush sweep -f a.yaml --json --approve g1-n9-11111111");
    expect(approveCommandLine(["-f", "my files/a b.yaml", "--approve=old"], "g2-n3-22222222")).toBe(
      "hush sweep -f 'my files/a b.yaml' --approve g2-n3-22222222",
    );
  });

  it("quotes words a shell would split or expand", () => {
    expect(shellWord("policy.yaml")).toBe("policy.yaml");
    expect(shellWord("it's $HOME")).toBe("'it'\\''s $HOME'");
  });
});

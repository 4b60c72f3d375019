import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { SweepSummary } from "../../src/api/redaction-policy.js";
import { createMetrics, type HushMetrics } from "../../src/observability/index.js";
import type { SweepIdentity } from "../../src/sweep/evidence.js";
import { type ItemOutcome, OutcomeBuilder } from "../../src/sweep/outcome.js";
import { RateBudget } from "../../src/zendesk/budget.js";
import type { RequestLogEntry } from "../../src/zendesk/request-log.js";

// Metrics are read from the exposition text Prometheus scrapes, as a dashboard would see them.

const SWEEP: SweepIdentity = {
  sweepId: "20261124T101500Z-7f3a",
  account: { namespace: "support", name: "acme" },
  policy: { namespace: "support", name: "gdpr-retention", generation: 3, uid: "0c1d" },
};

/** Ids and personal data the outcomes and request entries carry or could leak. */
const TICKET_ID = 987_654_321;
const USER_ID = 123_456_789;
const EMAIL = "ingrid.bergstrom@example.net";

function acted(id = TICKET_ID): ItemOutcome {
  const builder = new OutcomeBuilder({ kind: "ticket", id }, "ReadTicket");
  builder.did("RedactComment", 2);
  builder.findings.email = 3;
  builder.findings.phone = 1;
  return builder.acted();
}

function skipped(): ItemOutcome {
  return new OutcomeBuilder({ kind: "ticket", id: TICKET_ID + 1 }, "ReadTicket").skipped("NothingToRedact");
}

function failed(): ItemOutcome {
  const builder = new OutcomeBuilder({ kind: "ticket", id: TICKET_ID + 2 }, "UpdateTicket");
  return builder.failed({
    kind: "Validation",
    status: 422,
    route: "/api/v2/tickets/{id}",
    code: "RecordInvalid",
    message: "Zendesk refused the update of a ticket; check the policy's fields.",
  });
}

function summary(result: SweepSummary["result"], counts: Partial<SweepSummary["counts"]> = {}): SweepSummary {
  return {
    sweepId: SWEEP.sweepId,
    startTime: "2026-11-24T10:15:00.000Z",
    completionTime: "2026-11-24T10:45:00.000Z",
    result,
    counts: { matched: 3, acted: 1, skipped: 1, failed: 1, residual: 2, ...counts },
  };
}

function entry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    method: "GET",
    route: "/api/v2/tickets/{id}",
    status: 200,
    durationMs: 120,
    attempt: 1,
    willRetry: false,
    ...overrides,
  };
}

async function exposition(metrics: HushMetrics): Promise<string> {
  return metrics.registry.metrics();
}

/** The value of one sample line, e.g. sample(text, 'hush_sweeps_total{namespace="a",...}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const P = 'namespace="support",policy="gdpr-retention"';
const A = 'namespace="support",account="acme"';

describe("sweep metrics", () => {
  it("counts sweeps, items by action and result, failures, skips and findings", async () => {
    const metrics = createMetrics();
    const observer = metrics.sweepObserverFor("Redact");
    observer.sweepStarted?.(SWEEP, 3);
    expect(sample(await exposition(metrics), `hush_sweep_in_progress{${P}}`)).toBe(1);
    observer.itemDone?.(SWEEP, acted(), 1500);
    observer.itemDone?.(SWEEP, skipped(), 80);
    observer.itemDone?.(SWEEP, failed(), 300);
    observer.sweepEnded?.(SWEEP, summary("PartiallyFailed"), 1_800_000);

    const text = await exposition(metrics);
    expect(sample(text, `hush_sweeps_total{${P},result="PartiallyFailed"}`)).toBe(1);
    expect(sample(text, `hush_sweep_duration_seconds_sum{${P},result="PartiallyFailed"}`)).toBe(1800);
    expect(sample(text, `hush_sweep_duration_seconds_count{${P},result="PartiallyFailed"}`)).toBe(1);
    expect(sample(text, `hush_sweep_items_total{${P},action="Redact",result="acted"}`)).toBe(1);
    expect(sample(text, `hush_sweep_items_total{${P},action="Redact",result="skipped"}`)).toBe(1);
    expect(sample(text, `hush_sweep_items_total{${P},action="Redact",result="failed"}`)).toBe(1);
    expect(sample(text, `hush_sweep_item_duration_seconds_count{${P},action="Redact"}`)).toBe(3);
    expect(sample(text, `hush_sweep_item_duration_seconds_sum{${P},action="Redact"}`)).toBeCloseTo(1.88);
    expect(sample(text, `hush_item_failures_total{${P},kind="Validation"}`)).toBe(1);
    expect(sample(text, `hush_sweep_skips_total{${P},reason="NothingToRedact"}`)).toBe(1);
    expect(sample(text, `hush_findings_total{${P},detector="email"}`)).toBe(3);
    expect(sample(text, `hush_findings_total{${P},detector="phone"}`)).toBe(1);
    // Detectors that found nothing make no series.
    expect(text).not.toContain('detector="iban"');
    expect(sample(text, `hush_sweep_in_progress{${P}}`)).toBe(0);
    expect(sample(text, `hush_sweep_matched_items{${P}}`)).toBe(3);
    expect(sample(text, `hush_sweep_residual_findings{${P}}`)).toBe(2);
    expect(sample(text, `hush_sweep_last_completion_timestamp_seconds{${P},result="PartiallyFailed"}`)).toBe(
      Date.parse("2026-11-24T10:45:00.000Z") / 1000,
    );
  });

  it("takes the action from the sweep identity when the engine names it there", async () => {
    const metrics = createMetrics();
    const identity = { ...SWEEP, policy: { ...SWEEP.policy, action: "Anonymize" } } as SweepIdentity;
    metrics.sweepObserver.itemDone?.(identity, acted(), 10);
    metrics.sweepObserver.itemDone?.(SWEEP, acted(), 10);
    const text = await exposition(metrics);
    expect(sample(text, `hush_sweep_items_total{${P},action="Anonymize",result="acted"}`)).toBe(1);
    // Without it the action is a fixed word, never a guess.
    expect(sample(text, `hush_sweep_items_total{${P},action="Other",result="acted"}`)).toBe(1);
  });

  it("keeps ids and personal data out of every label, whatever the inputs carry", async () => {
    const metrics = createMetrics();
    const leaky: SweepIdentity = {
      sweepId: EMAIL,
      account: { namespace: "support", name: EMAIL },
      policy: { namespace: "support", name: `erase ${EMAIL}`, generation: 1 },
    };
    const observer = metrics.sweepObserverFor(`Redact ${EMAIL}`);
    observer.sweepStarted?.(leaky, 1);
    observer.itemDone?.(leaky, acted(USER_ID), 10);
    const odd = failed() as ItemOutcome & { error: { kind: string } };
    odd.error.kind = EMAIL;
    observer.itemDone?.(leaky, odd, 10);
    observer.sweepEnded?.(leaky, summary("Succeeded"), 10);
    const requests = metrics.requestLogger({ namespace: "support", name: EMAIL });
    requests.request(entry({ route: `/api/v2/users/${USER_ID}` }));
    requests.request(entry({ route: `/api/v2/search?query=${EMAIL}` }));
    requests.request(entry({ status: null, errorCode: EMAIL }));
    metrics.setNextSweepTime({ namespace: "support", name: EMAIL }, Date.parse("2026-11-25T00:00:00Z"));
    metrics.setAccountReady({ namespace: "support", name: EMAIL }, true);

    const text = await exposition(metrics);
    for (const secret of [EMAIL, "ingrid", "@", String(USER_ID), String(TICKET_ID)]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('policy="InvalidName"');
    expect(text).toContain('account="InvalidName"');
    expect(text).toContain('route="Other"');
    expect(text).toContain('kind="Other"');
    expect(text).toContain('error_code="Other"');
    expect(text).toContain('action="Other"');
  });

  it("removes a deleted policy's series and leaves the others", async () => {
    const metrics = createMetrics();
    const other: SweepIdentity = { ...SWEEP, policy: { ...SWEEP.policy, name: "spam" } };
    for (const sweep of [SWEEP, other]) {
      const observer = metrics.sweepObserverFor("Delete");
      observer.sweepStarted?.(sweep, 1);
      observer.itemDone?.(sweep, acted(), 10);
      observer.itemDone?.(sweep, failed(), 10);
      observer.sweepEnded?.(sweep, summary("Succeeded"), 10);
      metrics.setNextSweepTime(sweep.policy, Date.parse("2026-11-25T00:00:00Z"));
    }
    metrics.forgetPolicy(SWEEP.policy);
    const text = await exposition(metrics);
    expect(text).not.toContain('policy="gdpr-retention"');
    expect(sample(text, 'hush_sweeps_total{namespace="support",policy="spam",result="Succeeded"}')).toBe(1);
    expect(sample(text, 'hush_policy_next_sweep_timestamp_seconds{namespace="support",policy="spam"}')).toBe(
      Date.parse("2026-11-25T00:00:00Z") / 1000,
    );
  });

  it("sets and clears the next sweep time", async () => {
    const metrics = createMetrics();
    metrics.setNextSweepTime(SWEEP.policy, 1_795_000_000_000);
    expect(sample(await exposition(metrics), `hush_policy_next_sweep_timestamp_seconds{${P}}`)).toBe(
      1_795_000_000,
    );
    metrics.setNextSweepTime(SWEEP.policy, undefined);
    expect(
      sample(await exposition(metrics), `hush_policy_next_sweep_timestamp_seconds{${P}}`),
    ).toBeUndefined();
  });
});

describe("Zendesk request metrics", () => {
  it("counts attempts by route template and code, with retries, 429s and network errors", async () => {
    const metrics = createMetrics();
    const logger = metrics.requestLogger(SWEEP.account);
    logger.request(entry());
    logger.request(entry({ method: "PUT", status: 429, durationMs: 40, willRetry: true }));
    logger.request(entry({ method: "PUT", status: 200, durationMs: 60, attempt: 2 }));
    logger.request(entry({ status: null, errorCode: "ECONNRESET", durationMs: 5, willRetry: true }));

    const text = await exposition(metrics);
    const get = `${A},method="GET",route="/api/v2/tickets/{id}"`;
    const put = `${A},method="PUT",route="/api/v2/tickets/{id}"`;
    expect(sample(text, `hush_zendesk_requests_total{${get},code="200"}`)).toBe(1);
    expect(sample(text, `hush_zendesk_requests_total{${get},code="error"}`)).toBe(1);
    expect(sample(text, `hush_zendesk_requests_total{${put},code="429"}`)).toBe(1);
    expect(sample(text, `hush_zendesk_requests_total{${put},code="200"}`)).toBe(1);
    expect(sample(text, `hush_zendesk_retries_total{${put}}`)).toBe(1);
    expect(sample(text, `hush_zendesk_rate_limited_total{${put}}`)).toBe(1);
    expect(sample(text, `hush_zendesk_network_errors_total{${A},error_code="ECONNRESET"}`)).toBe(1);
    expect(sample(text, `hush_zendesk_request_duration_seconds_count{${put}}`)).toBe(2);
    expect(sample(text, `hush_zendesk_request_duration_seconds_sum{${put}}`)).toBeCloseTo(0.1);
  });

  it("marks accounts ready or not, and forgets a deleted account", async () => {
    const metrics = createMetrics();
    metrics.setAccountReady(SWEEP.account, false);
    expect(sample(await exposition(metrics), `hush_account_ready{${A}}`)).toBe(0);
    metrics.setAccountReady(SWEEP.account, true);
    metrics.requestLogger(SWEEP.account).request(entry());
    expect(sample(await exposition(metrics), `hush_account_ready{${A}}`)).toBe(1);
    metrics.forgetAccount(SWEEP.account);
    expect(await exposition(metrics)).not.toContain('account="acme"');
  });
});

describe("rate budget metrics", () => {
  it("reads the budget on every scrape until it is unwatched", async () => {
    const metrics = createMetrics();
    const budget = new RateBudget({ requestsPerMinute: 700, share: 50 });
    const unwatch = metrics.watchBudget(SWEEP.account, budget);
    for (let i = 0; i < 3; i++) await budget.acquire();

    let text = await exposition(metrics);
    expect(sample(text, `hush_rate_limit_requests_per_minute{${A},source="configured"}`)).toBe(700);
    expect(sample(text, `hush_rate_budget_share_ratio{${A}}`)).toBe(0.5);
    expect(sample(text, `hush_rate_budget_allowed_per_minute{${A}}`)).toBe(350);
    expect(sample(text, `hush_rate_budget_peak_per_minute{${A}}`)).toBe(3);
    expect(sample(text, `hush_rate_budget_in_flight{${A}}`)).toBe(3);
    expect(sample(text, `hush_rate_budget_requests_total{${A}}`)).toBe(3);
    expect(sample(text, `hush_rate_budget_waits_total{${A}}`)).toBe(0);
    expect(sample(text, `hush_rate_budget_waited_seconds_total{${A}}`)).toBe(0);
    expect(sample(text, `hush_rate_budget_max_jobs_in_flight{${A}}`)).toBe(15);

    budget.settle();
    await budget.acquire();
    text = await exposition(metrics);
    expect(sample(text, `hush_rate_budget_requests_total{${A}}`)).toBe(4);
    expect(sample(text, `hush_rate_budget_in_flight{${A}}`)).toBe(3);

    unwatch();
    expect(await exposition(metrics)).not.toContain('account="acme"');
  });

  it("keeps reporting a newer budget of the account when an older one is unwatched", async () => {
    const metrics = createMetrics();
    const unwatchOld = metrics.watchBudget(SWEEP.account, new RateBudget({ requestsPerMinute: 200 }));
    metrics.watchBudget(SWEEP.account, new RateBudget({ requestsPerMinute: 2500 }));
    unwatchOld();
    const text = await exposition(metrics);
    expect(sample(text, `hush_rate_limit_requests_per_minute{${A},source="configured"}`)).toBe(2500);
  });
});

describe("the registry", () => {
  it("names every Hush metric hush_* and documents each in docs/metrics.md", async () => {
    const { readFile } = await import("node:fs/promises");
    const docs = await readFile(new URL("../../docs/metrics.md", import.meta.url), "utf8");
    const metrics = createMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      expect(name).toMatch(/^hush_[a-z_]+$/);
      expect(docs, `${name} is missing from docs/metrics.md`).toContain(`\`${name}\``);
    }
  });

  it("registers into a registry it is given, alongside process metrics when asked", async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, { processMetrics: true });
    expect(metrics.registry).toBe(registry);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain("hush_sweeps_total");
    expect(names).toContain("process_cpu_seconds_total");
  });
});

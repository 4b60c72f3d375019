import { beforeEach, describe, expect, it } from "vitest";
import { TooManyJobsError } from "../../src/zendesk/errors.js";
import { jobItemResults } from "../../src/zendesk/job-results.js";
import { type JobOutcome, JobTimeoutError, runJob, submitJob } from "../../src/zendesk/jobs.js";
import type { JobResult, JobStatus } from "../../src/zendesk/types.js";
import { useSimulator } from "../support/sim.js";
import { answered, simClient } from "./endpoint-support.js";

const completed = (results: JobStatus["results"]): JobOutcome => {
  const status: JobStatus = { id: "j1", total: 3, progress: 3, status: "completed", message: null, results };
  return { status, results: Array.isArray(results) ? results : [] };
};

describe("matching job results to the items asked for", () => {
  it("matches results by index and id whatever order Zendesk lists them in", () => {
    const results: JobResult[] = [
      { id: 30, index: 2, action: "update", success: true, status: "Updated" },
      { id: 10, index: 0, action: "update", success: true, status: "Updated" },
      { id: 20, index: 1, success: false, status: "Failed", error: "RecordNotFound", details: "Not found" },
    ];
    expect(jobItemResults([10, 20, 30], completed(results), "id")).toEqual([
      { index: 0, id: 10, ok: true, status: "Updated" },
      {
        index: 1,
        id: 20,
        ok: false,
        status: "Failed",
        failure: { kind: "NotFound", code: "RecordNotFound" },
      },
      { index: 2, id: 30, ok: true, status: "Updated" },
    ]);
  });

  it("matches by id alone, including ids Zendesk reports as strings", () => {
    const results: JobResult[] = [
      // Bulk user jobs give the raw requested key for a missing user.
      { id: "20", success: false, status: "Failed", error: "RecordNotFound" },
      { id: 10, success: true, status: "Deleted" },
    ];
    const matched = jobItemResults([10, 20], completed(results), "id");
    expect(matched.map((r) => [r.id, r.ok])).toEqual([
      [10, true],
      [20, false],
    ]);
  });

  it("keeps a failure's error code but never a free-text error, which may quote personal data", () => {
    const results: JobResult[] = [
      { id: 10, index: 0, success: false, error: "Email: jane@example.com is already being used" },
      { id: 20, index: 1, success: false, error: "DuplicateValue" },
    ];
    expect(jobItemResults([10, 20], completed(results), "id").map((r) => r.failure)).toEqual([
      { kind: "Failed" },
      { kind: "Failed", code: "DuplicateValue" },
    ]);
  });

  it("does not trust an index that names another id", () => {
    const results: JobResult[] = [{ id: 20, index: 0, success: true }];
    const matched = jobItemResults([10, 20], completed(results), "id");
    expect(matched.map((r) => [r.id, r.ok, r.failure?.kind])).toEqual([
      [10, false, "NoResult"],
      [20, true, undefined],
    ]);
  });

  it("reports an item the job says nothing about as a failure, never as done", () => {
    const matched = jobItemResults([10, 20], completed([{ id: 10, index: 0, success: true }]), "id");
    expect(matched[1]).toEqual({ index: 1, id: 20, ok: false, failure: { kind: "NoResult" } });
  });

  it("recognises a closed ticket among the failures", () => {
    const results: JobResult[] = [
      {
        id: 10,
        index: 0,
        success: false,
        status: "Failed",
        error: "RecordInvalid",
        details: "Status: closed prevents ticket update",
      },
    ];
    expect(jobItemResults([10], completed(results), "id")[0]?.failure).toEqual({
      kind: "ClosedTicket",
      code: "RecordInvalid",
    });
  });

  it("takes the created record's id from results matched by index", () => {
    const results: JobResult[] = [
      { id: 502, index: 1 },
      { index: 0, success: false, status: "Failed", error: "RecordInvalid" },
    ];
    expect(jobItemResults([undefined, undefined], completed(results), "index")).toEqual([
      {
        index: 0,
        id: undefined,
        ok: false,
        status: "Failed",
        failure: { kind: "Validation", code: "RecordInvalid" },
      },
      { index: 1, id: 502, ok: true },
    ]);
  });

  it("applies an all-or-nothing success flag to every item", () => {
    expect(jobItemResults([1, 2], completed({ success: true }), "all").map((r) => r.ok)).toEqual([
      true,
      true,
    ]);
    expect(jobItemResults([1, 2], completed({ success: false }), "all").map((r) => r.failure?.kind)).toEqual([
      "Failed",
      "Failed",
    ]);
  });
});

describe("running a job", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 60 }] });
  const account = () => s.current.sim.account("acme")!;
  const openTicketIds = (n: number) =>
    [...account().tickets.values()]
      .filter((t) => t.status !== "closed")
      .slice(0, n)
      .map((t) => t.id);
  const tagJob = (ids: number[]) => ({
    method: "PUT" as const,
    path: "/api/v2/tickets/update_many",
    route: "/api/v2/tickets/update_many",
    query: { ids: ids.join(",") },
    body: { ticket: { additional_tags: ["hush-job-test"] } },
    idempotent: true,
  });

  beforeEach(async () => {
    await s.current.inspect("POST", "/__sim/reset");
  });

  it("polls a slow job on the client's clock until it completes, then frees its job slot", async () => {
    await s.current.inspect("PUT", "/__sim/settings", { jobStartDelayMs: 3_000, jobMsPerItem: 2_000 });
    const client = simClient(s.current);
    const ids = openTicketIds(4);
    const outcome = await runJob(client, submitJob(client, tagJob(ids)), { pollMs: 1_000 });
    expect(outcome.status.status).toBe("completed");
    expect(outcome.results).toHaveLength(4);
    expect(jobItemResults(ids, outcome, "id").every((r) => r.ok)).toBe(true);
    for (const id of ids) expect(account().tickets.get(id)!.tags).toContain("hush-job-test");
    expect(await answered(s.current, "GET", "/api/v2/job_statuses/:id", 200)).toBeGreaterThan(1);
    expect(client.budget.snapshot().jobsInFlight).toBe(0);
  });

  it("waits out TooManyJobs caused by other apps' jobs and submits again", async () => {
    // Other apps fill Zendesk's 30 job slots with jobs that start in a minute.
    await s.current.inspect("PUT", "/__sim/settings", { jobStartDelayMs: 60_000 });
    const [other, ...ids] = openTicketIds(4);
    for (let i = 0; i < 30; i++) {
      const res = await s.current.api("PUT", `/api/v2/tickets/update_many?ids=${other}`, {
        ticket: { additional_tags: [`other-app-${i}`] },
      });
      expect(res.status).toBe(200);
    }
    // No retries inside the client: runJob itself must handle the refusal.
    const client = simClient(s.current, { maxRetries: 0 });
    const outcome = await runJob(client, submitJob(client, tagJob(ids)));
    expect(jobItemResults(ids, outcome, "id").every((r) => r.ok)).toBe(true);
    expect(await answered(s.current, "PUT", "/api/v2/tickets/update_many", 429)).toBeGreaterThan(0);
    expect(client.budget.snapshot().jobsInFlight).toBe(0);
  });

  it("gives up after the configured number of TooManyJobs refusals", async () => {
    await s.current.inspect("PUT", "/__sim/settings", { jobStartDelayMs: 24 * 3_600_000 });
    const [first] = openTicketIds(1);
    for (let i = 0; i < 30; i++)
      await s.current.api("PUT", `/api/v2/tickets/update_many?ids=${first}`, { ticket: {} });
    const client = simClient(s.current, { maxRetries: 0 });
    const run = runJob(client, submitJob(client, tagJob([first!])), { maxSubmitAttempts: 3 });
    await expect(run).rejects.toBeInstanceOf(TooManyJobsError);
    expect(await answered(s.current, "PUT", "/api/v2/tickets/update_many", 429)).toBe(3);
    expect(client.budget.snapshot().jobsInFlight).toBe(0);
  });

  it("stops waiting after the timeout with an error naming the job", async () => {
    await s.current.inspect("PUT", "/__sim/settings", { jobStartDelayMs: 24 * 3_600_000 });
    const client = simClient(s.current);
    const run = runJob(client, submitJob(client, tagJob(openTicketIds(1))), { timeoutMs: 120_000 });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as JobTimeoutError).jobId).toMatch(/^[0-9a-f]+$/);
    expect(client.budget.snapshot().jobsInFlight).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { checkApproval, previewId } from "../../src/sweep/approval.js";
import { auditRecord } from "../../src/sweep/audit-record.js";
import type { SweepIdentity } from "../../src/sweep/evidence.js";
import type { Acted } from "../../src/sweep/outcome.js";
import {
  PolicySpecProblem,
  ticketRedactionSpec,
  userAnonymizationSpec,
} from "../../src/sweep/policy-spec.js";
import { estimatedSeconds } from "../../src/sweep/preview.js";
import { ProgressReporter } from "../../src/sweep/progress.js";
import { effectiveQuery, QueryProblem } from "../../src/sweep/query.js";
import { planSweep } from "../../src/sweep/sweep-plan.js";
import type { Clock } from "../../src/zendesk/clock.js";
import type { RateBudgetSnapshot } from "../../src/zendesk/index.js";
import { type PolicySpecInput, policyResource } from "./sweep-fixtures.js";

// The parts of a sweep decided before its first request: the query it runs, the engine's spec,
// the key that names its plan, approvals, audit records, progress and estimates.

const specOf = (spec: PolicySpecInput) => policyResource(spec).spec;

describe("the effective query", () => {
  const base = { markerTag: "hush-redacted", exemptions: { tags: ["legal-hold", "vip"] } };

  it("leaves out the marker and every exemption, with type: for search and without it for export", () => {
    const q = effectiveQuery({
      ...base,
      target: "tickets",
      query: "type:ticket status:closed updated<90days",
    });
    expect(q).toEqual({
      type: "ticket",
      search: "type:ticket status:closed updated<90days -tags:hush-redacted -tags:legal-hold -tags:vip",
      export: "status:closed updated<90days -tags:hush-redacted -tags:legal-hold -tags:vip",
    });
  });

  it("keeps records with the marker in a deletion's query: redacted records are still due for deletion", () => {
    const q = effectiveQuery({ ...base, action: "Delete", target: "tickets", query: "status:closed" });
    expect(q.export).toBe("status:closed -tags:legal-hold -tags:vip");
  });

  it("adds role:end-user to user queries that name no role", () => {
    expect(effectiveQuery({ ...base, target: "users", query: "tags:inactive" }).export).toBe(
      "tags:inactive role:end-user -tags:hush-redacted -tags:legal-hold -tags:vip",
    );
    expect(effectiveQuery({ ...base, target: "users", query: "role:agent" }).export).not.toContain(
      "end-user",
    );
  });

  it("refuses a type: that disagrees with the target, and leaves quoted text alone", () => {
    expect(() => effectiveQuery({ ...base, target: "tickets", query: "type:user tags:x" })).toThrow(
      QueryProblem,
    );
    expect(() => effectiveQuery({ ...base, target: "tickets", query: "-type:ticket" })).toThrow(
      "the query's \"-type:ticket\" disagrees with the policy's target tickets",
    );
    const quoted = effectiveQuery({ ...base, target: "tickets", query: 'subject:"type:user guide"' });
    expect(quoted.export.startsWith('subject:"type:user guide"')).toBe(true);
  });

  it("quotes tags the query language would misread, and refuses those it cannot express", () => {
    const odd = effectiveQuery({
      target: "tickets",
      query: "status:closed",
      markerTag: "hush-redacted",
      exemptions: { tags: ["hold(2024)", "legal:hold", "-x", "case_12/b"] },
    });
    expect(odd.export).toBe(
      'status:closed -tags:hush-redacted -tags:"hold(2024)" -tags:"legal:hold" -tags:"-x" -tags:case_12/b',
    );
    for (const tag of ["legal*", 'a"b']) {
      expect(() =>
        effectiveQuery({ ...base, target: "tickets", query: "x", exemptions: { tags: [tag] } }),
      ).toThrow(/cannot be excluded in a Zendesk query/);
    }
  });

  it("refuses a phrase that is never closed, which would swallow the exclusions", () => {
    expect(() =>
      effectiveQuery({ ...base, target: "tickets", query: 'status:closed subject:"refund' }),
    ).toThrow("the query has a double quote that is never closed");
  });

  it("never puts the query's personal data into its problems", () => {
    const email = "jane.doe@example.com";
    for (const query of [`type:"${email}"`, `requester:"${email}`]) {
      let message = "";
      try {
        effectiveQuery({ ...base, target: "tickets", query });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).not.toBe("");
      expect(message).not.toContain(email);
    }
  });
});

describe("the engine's spec from a policy", () => {
  it("maps the resource's words to the engine's", () => {
    const spec = ticketRedactionSpec(
      specOf({
        query: "status:closed",
        redact: {
          comments: { visibility: "Public", authorRoles: ["EndUser", "Admin"] },
          attachmentMethod: "Redact",
          masking: "Detected",
          replacement: { type: "Text", text: "[removed]" },
          detectors: ["email", "phone"],
          patterns: [{ name: "orderNumber", regex: "ORD-[0-9]{6}" }],
          closedTickets: "Replace",
        },
      }),
      { region: "DK" },
    );
    expect(spec).toMatchObject({
      comments: { visibility: "public", authorRoles: ["end-user", "admin"] },
      attachments: "redact",
      masking: { mode: "Detected", replacement: { kind: "text", text: "[removed]" } },
      detection: { detectors: ["email", "phone", "custom"], region: "DK" },
      closedTickets: "Replace",
      markerTag: "hush-redacted",
    });
    expect(spec.detection.patterns?.[0]?.test("order ORD-123456")).toBe(true);
  });

  it("says which field needs the account's pseudonym key", () => {
    const pseudonyms = specOf({ query: "x", redact: { replacement: { type: "Pseudonym" } } });
    expect(() => ticketRedactionSpec(pseudonyms, {})).toThrow(PolicySpecProblem);
    expect(() => ticketRedactionSpec(pseudonyms, {})).toThrow(
      /^spec\.redact\.replacement\.type: Pseudonym needs/,
    );
    expect(ticketRedactionSpec(pseudonyms, { pseudonymKey: "k" }).masking.replacement).toEqual({
      kind: "pseudonym",
      key: "k",
    });
    const phones = specOf({
      target: "users",
      action: "Anonymize",
      query: "x",
      anonymize: { phones: "Replace" },
    });
    expect(() => userAnonymizationSpec(phones, {})).toThrow(/^spec\.anonymize\.phones: Replace needs/);
    expect(
      userAnonymizationSpec(specOf({ target: "users", action: "Anonymize", query: "x" }), {}),
    ).toMatchObject({
      phones: "remove",
      externalId: "clear",
      emailDomain: "anonymized.invalid",
    });
  });

  it("refuses an action that does not apply to the target", () => {
    expect(() => planSweep(specOf({ target: "users", query: "x", action: "Redact" }), {})).toThrow(
      "spec.action: Redact does not apply to users; use one of Anonymize, Delete, PermanentlyDelete",
    );
  });
});

describe("the plan key", () => {
  const key = (spec: PolicySpecInput) => planSweep(specOf(spec), {}).planKey;
  const base: PolicySpecInput = { query: "status:closed", redact: { masking: "Detected" } };

  it("changes with what is done to an item, not with when or how fast", () => {
    expect(key(base)).toBe(
      key({ ...base, concurrency: 9, limits: { maxItemsPerSweep: 5 }, schedule: { interval: "1h" } }),
    );
    expect(key(base)).not.toBe(key({ ...base, query: "status:solved" }));
    expect(key(base)).not.toBe(key({ ...base, redact: { masking: "Full" } }));
    expect(key(base)).not.toBe(key({ ...base, action: "Delete" }));
    expect(key(base)).not.toBe(key({ ...base, exemptions: { tags: ["legal-hold"] } }));
  });
});

describe("approvals", () => {
  const subject = { namespace: "privacy", name: "retention", uid: "u1", generation: 3, planKey: "abc" };

  it("releases the previewed sweep, and smaller ones of it", () => {
    const id = previewId(subject, 1200);
    expect(id).toMatch(/^g3-n1200-[0-9a-f]{8}$/);
    expect(checkApproval(id, subject, 1200)).toEqual({ valid: true, approvedCount: 1200 });
    expect(checkApproval(id, subject, 900)).toEqual({ valid: true, approvedCount: 1200 });
  });

  it("refuses what it was not made for", () => {
    const id = previewId(subject, 1200);
    expect(checkApproval(undefined, subject, 10)).toMatchObject({
      valid: false,
      reason: /no approval was given/,
    });
    expect(checkApproval("yes please", subject, 10)).toMatchObject({
      valid: false,
      reason: /is not a preview id/,
    });
    expect(checkApproval(id, subject, 1201)).toMatchObject({
      valid: false,
      reason: /more than the 1200 approved/,
    });
    expect(checkApproval(id, { ...subject, planKey: "def" }, 10)).toMatchObject({ valid: false });
    expect(checkApproval(id, { ...subject, uid: "u2" }, 10)).toMatchObject({ valid: false });
    expect(checkApproval(id, { ...subject, name: "other" }, 10)).toMatchObject({ valid: false });
  });
});

describe("audit records", () => {
  const identity: SweepIdentity = {
    sweepId: "20261123T100000Z-00c0ffee",
    account: { namespace: "privacy", name: "acme" },
    policy: { namespace: "privacy", name: "retention", generation: 2 },
  };
  const acted = (outcome: Partial<Acted>): Acted => ({
    result: "acted",
    item: { kind: "ticket", id: 7 },
    actions: {},
    findings: {
      email: 0,
      phone: 0,
      paymentCard: 0,
      iban: 0,
      ipAddress: 0,
      nationalId: 0,
      postalAddress: 0,
      knownIdentifiers: 0,
      custom: 0,
    },
    unchangeable: [],
    residual: 0,
    ...outcome,
  });

  it("names the fields changed and the detectors that found something", () => {
    const record = auditRecord(
      identity,
      "Redact",
      acted({
        actions: { RedactComment: 3, UpdateTicket: 1, AddMarkerTag: 1 },
        findings: { ...acted({}).findings, email: 2, phone: 1 },
      }),
      new Date("2026-11-23T10:00:05Z"),
    );
    expect(record).toEqual({
      time: "2026-11-23T10:00:05.000Z",
      sweepId: identity.sweepId,
      account: "privacy/acme",
      policy: "privacy/retention",
      generation: 2,
      item: { kind: "ticket", id: 7 },
      action: "Redact",
      changes: { RedactComment: 3, UpdateTicket: 1, AddMarkerTag: 1 },
      fieldsChanged: ["comments", "tags", "ticket"],
      detectorCounts: { email: 2, phone: 1 },
      residual: 0,
    });
  });

  it("records a redaction carried out by a copy as Replace, with the copy's id", () => {
    const record = auditRecord(
      identity,
      "Redact",
      acted({ actions: { ImportCopy: 1, DeleteOriginal: 1 }, copyId: 99 }),
      new Date(),
    );
    expect(record).toMatchObject({ action: "Replace", copyId: 99, fieldsChanged: ["replace"] });
  });
});

describe("progress", () => {
  it("reports about once a second of the clock, and always at the end, with an estimated end", () => {
    let now = Date.parse("2026-11-23T10:00:00Z");
    const clock: Clock = { now: () => now, sleep: async () => undefined };
    const seen: { processed: number; eta?: string }[] = [];
    const progress = new ProgressReporter(
      (p) =>
        seen.push({
          processed: p.processed,
          ...(p.estimatedCompletionTime ? { eta: p.estimatedCompletionTime } : {}),
        }),
      clock,
      { sweepId: "s", startTime: new Date(now), matched: 100, target: 100 },
    );
    const at = (ms: number, processed: number, final = false) => {
      now = Date.parse("2026-11-23T10:00:00Z") + ms;
      progress.report({ processed, acted: processed, failed: 0, processedByRun: processed }, final);
    };
    at(0, 0);
    at(400, 4);
    at(1000, 10);
    at(1500, 15);
    at(1600, 16, true);
    expect(seen).toEqual([
      { processed: 0 },
      // 10 items in 1 s: the other 90 take 9 s more.
      { processed: 10, eta: "2026-11-23T10:00:10.000Z" },
      { processed: 16, eta: "2026-11-23T10:00:10.000Z" },
    ]);
  });
});

describe("estimated duration", () => {
  const budget = { allowedPerMinute: 350, limit: 700, share: 50 } as RateBudgetSnapshot;

  it("is the account limit's, unless an endpoint bucket holds the items back", () => {
    // 700 requests at 350 a minute: two minutes.
    expect(estimatedSeconds(700, 100, { requests: 7, buckets: {} }, budget)).toBe(120);
    // 300 ticket updates at Hush's 50 a minute (half of 100, ZENDESK_API.md 2.4): six minutes.
    expect(estimatedSeconds(700, 100, { requests: 7, buckets: { "tickets-update": 3 } }, budget)).toBe(360);
  });
});

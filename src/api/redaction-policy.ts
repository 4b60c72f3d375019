import { z } from "zod";
import { DETECTOR_NAMES, type DetectorName } from "../redaction/types.js";
import { conditionsSchema } from "./conditions.js";
import { API_VERSION, localObjectReferenceSchema, objectMetaSchema } from "./meta.js";

// RedactionPolicy: which records of an account (a Zendesk search query), what to do with them,
// when, and within which safety limits. The defaults are the cautious ones: a policy previews
// (DryRun) until it says Enforce, and closed tickets are redacted in place unless it says Replace.

export const REDACTION_POLICY_KIND = "RedactionPolicy";

export const TARGETS = ["tickets", "users"] as const;
export const ACTIONS = ["Redact", "Anonymize", "Delete", "PermanentlyDelete"] as const;
export const TICKET_FIELDS = ["subject", "comments", "customFields", "tags", "attachments"] as const;
/** The engine's detectors a policy may name; `custom` is not one: a policy adds `patterns` instead. */
export const DETECTORS: readonly Exclude<DetectorName, "custom">[] = DETECTOR_NAMES.filter(
  (name): name is Exclude<DetectorName, "custom"> => name !== "custom",
);
export const DEFAULT_DETECTORS = [
  "email",
  "phone",
  "paymentCard",
  "iban",
  "ipAddress",
  "nationalId",
  "knownIdentifiers",
] as const satisfies readonly (typeof DETECTORS)[number][];
export const AUTHOR_ROLES = ["EndUser", "Agent", "Admin"] as const;
export const SWEEP_RESULTS = [
  "Succeeded",
  "PartiallyFailed",
  "Failed",
  "LimitReached",
  "AwaitingApproval",
  "Cancelled",
  "Previewed",
] as const;
export type SweepResultKind = (typeof SWEEP_RESULTS)[number];

/** Zendesk tags: lower-case, no whitespace or commas (Zendesk lower-cases and splits on them). */
export const TAG = /^[^\sA-Z,]+$/;
/** A Go-style duration of hours, minutes and seconds, e.g. 1h, 30m, 1h30m, 90s. */
export const DURATION = /^([0-9]+(h|m|s))+$/;

const tag = z.string().min(1).max(80).regex(TAG, "must be a Zendesk tag: lower-case, no spaces or commas");

/** A list without duplicates: Kubernetes refuses a repeated item and merges such lists item by item. */
const SET = { "x-kubernetes-list-type": "set" } as const;

export const customPatternSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(/^[a-z][a-zA-Z0-9]*$/, "must be a camelCase name, e.g. orderNumber")
      .describe("Name of the pattern, as counted in findings and audit records."),
    regex: z
      .string()
      .min(1)
      .max(1000)
      .describe(
        "JavaScript regular expression (Unicode mode, no flags) matching the personal data, e.g. `CUST-[0-9]{6}`. Nested repetition such as (a+)+ is refused.",
      ),
  })
  .describe("A pattern of personal data specific to this account.");

export const redactSpecSchema = z
  .strictObject({
    fields: z
      .array(z.enum(TICKET_FIELDS))
      .min(1)
      .default(["subject", "comments", "customFields", "attachments"])
      .describe(
        "What of a ticket is redacted; anything not named is kept. `tags` removes the tags matching tagPatterns; `customFields` masks the fields in customFieldIds.",
      )
      .meta(SET),
    comments: z
      .strictObject({
        visibility: z
          .enum(["All", "Public", "Private"])
          .default("All")
          .describe("Which comments: all, public replies only, or internal notes only."),
        authorRoles: z
          .array(z.enum(AUTHOR_ROLES))
          .optional()
          .describe("Only comments written by people with one of these roles; all comments when left out.")
          .meta(SET),
      })
      .prefault({})
      .describe("Which comments are redacted (with `comments` or `attachments` in fields)."),
    customFieldIds: z
      .array(z.number().int().min(1))
      .default([])
      .describe("Ids of the custom ticket fields that hold personal data (text fields).")
      .meta(SET),
    tagPatterns: z
      .array(z.string().min(1).max(200))
      .default([])
      .describe(
        "Regular expressions; tags matching one are removed (with `tags` in fields), e.g. `^customer-`.",
      )
      .meta(SET),
    attachmentMethod: z
      .enum(["Remove", "Redact"])
      .default("Remove")
      .describe(
        "How files are removed: Remove through the comment redaction (any ticket), or Redact through the attachment redaction endpoint (open tickets only; closed tickets always use Remove).",
      ),
    masking: z
      .enum(["Full", "Detected"])
      .default("Full")
      .describe(
        "Full masks all of a selected text; Detected masks only the personal data the detectors find.",
      ),
    replacement: z
      .strictObject({
        type: z
          .enum(["Blocks", "Text", "Pseudonym"])
          .default("Blocks")
          .describe(
            "Blocks writes one ▇ per character; Text writes `text`; Pseudonym writes a stable keyed token (needs the account's pseudonymKey).",
          ),
        text: z.string().min(1).max(200).optional().describe("The replacement text, with type Text."),
      })
      .prefault({})
      .describe("What masked text becomes."),
    detectors: z
      .array(z.enum(DETECTORS))
      .min(1)
      .default([...DEFAULT_DETECTORS])
      .describe(
        "Detectors for Detected masking; knownIdentifiers finds the names, emails and phones of the people on the ticket.",
      )
      .meta(SET),
    patterns: z
      .array(customPatternSchema)
      .max(50)
      .default([])
      .describe("Extra patterns of personal data for Detected masking.")
      .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] }),
    closedTickets: z
      .enum(["InPlace", "Replace"])
      .default("InPlace")
      .describe(
        "Closed tickets cannot be edited (ZENDESK_API.md 5.7). InPlace redacts what Zendesk allows (comments, attachments) and reports the rest; Replace imports a redacted copy and deletes the original.",
      ),
    permanentlyDeleteOriginals: z
      .boolean()
      .default(false)
      .describe(
        "With Replace: permanently delete each original once its copy is confirmed, instead of leaving it in Deleted tickets for Zendesk to scrub after 30 days.",
      ),
  })
  .describe("What Redact removes from a ticket.");

export const anonymizeSpecSchema = z
  .strictObject({
    emailDomain: z
      .string()
      .min(1)
      .max(253)
      .regex(
        /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/,
        "must be a domain name, e.g. anonymized.invalid",
      )
      .default("anonymized.invalid")
      .describe("Domain of the replacement email addresses; .invalid can never receive mail."),
    phones: z
      .enum(["Remove", "Replace"])
      .default("Remove")
      .describe("Remove phone identities, or replace them with fictional numbers."),
    externalId: z
      .enum(["Clear", "Pseudonymize"])
      .default("Clear")
      .describe(
        "Clear the external id, or replace it with a keyed pseudonym (needs the account's pseudonymKey).",
      ),
    userFieldKeys: z
      .array(z.string().min(1).max(100))
      .default([])
      .describe("Keys of user fields that hold personal data; they are cleared.")
      .meta(SET),
  })
  .describe("How Anonymize replaces a user's identity.");

export const scheduleSchema = z
  .strictObject({
    cron: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        "Five-field cron expression (minute hour day-of-month month day-of-week), e.g. `0 3 * * *` for 03:00 daily, or @hourly, @daily, @weekly, @monthly or @yearly.",
      ),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("IANA time zone of cron, e.g. Europe/Copenhagen; UTC when left out."),
    interval: z
      .string()
      .regex(DURATION, "must be a duration such as 30m, 1h or 1h30m")
      .optional()
      .describe("Time between the start of one sweep and the next, e.g. 1h. Use either cron or interval."),
  })
  .describe(
    "When sweeps run: cron (with a time zone) or interval. Without a schedule a policy sweeps only when asked.",
  )
  .meta({ oneOf: [{ required: ["cron"] }, { required: ["interval"] }] });

export const limitsSchema = z
  .strictObject({
    maxItemsPerSweep: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(10000)
      .describe("A sweep stops after this many items; the next sweep goes on with the rest."),
    approvalAbove: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        "When more items than this match, a sweep does nothing until its preview is approved (annotation hush.dev/approve: <preview id>).",
      ),
  })
  .describe("Safety limits of one sweep.");

export const exemptionsSchema = z
  .strictObject({
    tags: z
      .array(tag)
      .default([])
      .describe("Records with any of these tags are never touched, e.g. legal-hold.")
      .meta(SET),
  })
  .describe("Records no sweep of this policy may touch.");

export const redactionPolicySpecSchema = z
  .strictObject({
    accountRef: localObjectReferenceSchema.describe("The ZendeskAccount, in the policy's namespace."),
    target: z.enum(TARGETS).default("tickets").describe("What the query finds: tickets or users."),
    query: z
      .string()
      .min(1)
      .max(2000)
      .describe(
        "Zendesk search query selecting the records, e.g. `type:ticket status:closed updated<90days` (updated more than 90 days ago). Hush adds the exclusion of the marker and exemption tags.",
      ),
    action: z
      .enum(ACTIONS)
      .default("Redact")
      .describe(
        "Redact (tickets): mask personal data. Anonymize (users): replace the identity. Delete: soft delete. PermanentlyDelete: delete, then delete permanently.",
      ),
    redact: redactSpecSchema.prefault({}),
    anonymize: anonymizeSpecSchema.prefault({}),
    schedule: scheduleSchema.optional(),
    mode: z
      .enum(["DryRun", "Enforce"])
      .default("DryRun")
      .describe("DryRun previews what a sweep would do and writes nothing; Enforce acts."),
    limits: limitsSchema.prefault({}),
    exemptions: exemptionsSchema.prefault({}),
    markerTag: tag
      .default("hush-redacted")
      .describe(
        "Tag Hush adds to every record it redacted or anonymised; Redact and Anonymize leave records with it out of their query. Deletions do not: a record redacted earlier is still deleted when a Delete policy matches it.",
      ),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(32)
      .default(4)
      .describe("Items worked on at the same time; all of them share the account's rate limit."),
    suspend: z.boolean().default(false).describe("Stops scheduling sweeps, and cancels a running one."),
  })
  .describe("Which records of an account to redact, anonymise or delete, when, and within which limits.");

export const sweepCountsSchema = z
  .strictObject({
    matched: z.number().int().min(0).describe("Items the query matched when the sweep started."),
    acted: z.number().int().min(0).describe("Items changed in Zendesk."),
    skipped: z.number().int().min(0).describe("Items that needed no change (already done, or gone)."),
    failed: z.number().int().min(0).describe("Items that could not be handled; the next sweep tries again."),
    residual: z
      .number()
      .int()
      .min(0)
      .describe("Personal data found again after acting, where Zendesk allows no change."),
  })
  .describe("What a sweep did, by item.");

export const sweepSummarySchema = z
  .strictObject({
    sweepId: z.string().describe("Identifies the sweep in audit records and logs."),
    startTime: z.iso.datetime().describe("When the sweep started."),
    completionTime: z.iso.datetime().describe("When the sweep ended."),
    result: z
      .enum(SWEEP_RESULTS)
      .describe(
        "Succeeded, PartiallyFailed (some items failed), Failed, LimitReached (more remain for the next sweep), AwaitingApproval, Cancelled, or Previewed (dry run).",
      ),
    counts: sweepCountsSchema,
    message: z.string().max(2000).optional().describe("What happened, for people; never personal data."),
  })
  .describe("The last sweep that ended.");

export const previewSchema = z
  .strictObject({
    id: z.string().describe("Names this preview; approve it with the annotation hush.dev/approve: <id>."),
    generation: z.number().int().min(0).describe("The policy generation previewed."),
    time: z.iso.datetime().describe("When the preview was made."),
    count: z.number().int().min(0).describe("Items the query matches."),
    sampleIds: z.array(z.number().int()).max(20).describe("Ids of some of the matching items."),
    estimatedRequests: z.number().int().min(0).describe("API requests a sweep of all matches would make."),
    estimatedDurationSeconds: z
      .number()
      .int()
      .min(0)
      .describe("How long that takes within Hush's share of the rate limit."),
  })
  .describe("What a sweep would do: made by dry runs, and by sweeps that wait for approval.");

export const currentSweepSchema = z
  .strictObject({
    sweepId: z.string().describe("Identifies the sweep in audit records and logs."),
    startTime: z.iso.datetime().describe("When the sweep started."),
    matched: z.number().int().min(0).describe("Items the query matched when the sweep started."),
    processed: z.number().int().min(0).describe("Items handled so far (acted, skipped or failed)."),
    acted: z.number().int().min(0).describe("Items changed so far."),
    failed: z.number().int().min(0).describe("Items that failed so far."),
    estimatedCompletionTime: z.iso
      .datetime()
      .optional()
      .describe("When the sweep should end at its current rate."),
  })
  .describe("Progress of the sweep that is running.");

export const redactionPolicyStatusSchema = z
  .strictObject({
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("The metadata.generation the status was computed from."),
    conditions: conditionsSchema,
    lastSweep: sweepSummarySchema.optional(),
    currentSweep: currentSweepSchema.optional(),
    nextSweepTime: z.iso.datetime().optional().describe("When the next sweep is due."),
    totals: z
      .strictObject({
        sweeps: z.number().int().min(0).describe("Sweeps ended."),
        acted: z.number().int().min(0).describe("Items changed, over all sweeps."),
        failed: z.number().int().min(0).describe("Item failures, over all sweeps."),
      })
      .optional()
      .describe("Over the policy's lifetime."),
    preview: previewSchema.optional(),
    lastHandledRequestedAt: z
      .string()
      .max(256)
      .optional()
      .describe(
        "The value of the annotation hush.dev/requested-at that Hush last started a sweep for; a different value asks for a sweep now.",
      ),
  })
  .describe("What Hush observed and did for the policy.");

export const redactionPolicySchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION).describe(`Always ${API_VERSION}.`),
    kind: z.literal(REDACTION_POLICY_KIND).describe(`Always ${REDACTION_POLICY_KIND}.`),
    metadata: objectMetaSchema,
    spec: redactionPolicySpecSchema,
    status: redactionPolicyStatusSchema.optional(),
  })
  .describe("Which records of a Zendesk account to redact, anonymise or delete, and when.");

export type RedactionPolicySpec = z.infer<typeof redactionPolicySpecSchema>;
export type RedactionPolicyStatus = z.infer<typeof redactionPolicyStatusSchema>;
export type RedactionPolicy = z.infer<typeof redactionPolicySchema>;
export type RedactionPolicyInput = z.input<typeof redactionPolicySchema>;
export type SweepCounts = z.infer<typeof sweepCountsSchema>;
export type SweepSummary = z.infer<typeof sweepSummarySchema>;
export type Preview = z.infer<typeof previewSchema>;
export type CurrentSweep = z.infer<typeof currentSweepSchema>;

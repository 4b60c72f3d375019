import { z } from "zod";
import { conditionsSchema } from "./conditions.js";
import { API_VERSION, DNS_SUBDOMAIN, objectMetaSchema } from "./meta.js";

// ZendeskAccount: one Zendesk Support account, the Secret that holds its credentials, and the share
// of the account's API rate limit Hush may use (the rest stays for agents and apps).

export const ZENDESK_ACCOUNT_KIND = "ZendeskAccount";

/** Zendesk subdomains: lower-case letters, digits and hyphens (acme for acme.zendesk.com). */
export const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Zendesk plans and their account-wide requests a minute (ZENDESK_API.md 2.1). */
export const PLAN_REQUESTS_PER_MINUTE = {
  Team: 200,
  Growth: 400,
  Professional: 400,
  Enterprise: 700,
  EnterprisePlus: 2500,
} as const;
export type Plan = keyof typeof PLAN_REQUESTS_PER_MINUTE;
/** The High Volume API add-on raises the account limit to this (2.1). */
export const HIGH_VOLUME_REQUESTS_PER_MINUTE = 2500;

const secretKeyName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[-._a-zA-Z0-9]+$/, "must be a Secret data key: letters, digits, '-', '_' and '.'");

export const credentialsSchema = z
  .strictObject({
    secretRef: z
      .strictObject({
        name: z
          .string()
          .min(1)
          .max(253)
          .regex(DNS_SUBDOMAIN, "must be the name of a Secret in the account's namespace")
          .describe(
            "Secret in the account's namespace. Its data holds `email` and `token` (an API token) or `oauthToken` (an OAuth access token with read and write scopes).",
          ),
      })
      .describe("The Secret with the credentials."),
  })
  .describe("Where Hush finds the credentials it authenticates with.");

export const rateLimitSchema = z
  .strictObject({
    plan: z
      .enum(Object.keys(PLAN_REQUESTS_PER_MINUTE) as [Plan, ...Plan[]])
      .optional()
      .describe(
        "The account's Zendesk plan, which sets its requests a minute. Leave out plan and requestsPerMinute to learn the limit from Zendesk's X-Rate-Limit header.",
      ),
    highVolume: z
      .boolean()
      .default(false)
      .describe("Whether the account has the High Volume API add-on (2,500 requests a minute)."),
    requestsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(100000)
      .optional()
      .describe("The account's requests a minute, when known; overrides plan."),
    share: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(50)
      .describe("Percent of the account's limits Hush may use; the rest stays for agents and apps."),
  })
  .describe("How much of the account's API rate limit Hush may use.");

export const pseudonymKeySchema = z
  .strictObject({
    secretRef: z
      .strictObject({
        name: z
          .string()
          .min(1)
          .max(253)
          .regex(DNS_SUBDOMAIN, "must be the name of a Secret in the account's namespace")
          .describe("Secret in the account's namespace."),
        key: secretKeyName.default("pseudonymKey").describe("Data key of the Secret that holds the key."),
      })
      .describe("The Secret with the key."),
  })
  .describe(
    "Secret key for pseudonyms (HMAC-SHA256), so the same person gets the same pseudonym across sweeps. Keep it secret: whoever has it can test guesses.",
  );

export const zendeskAccountSpecSchema = z
  .strictObject({
    subdomain: z
      .string()
      .min(1)
      .max(63)
      .regex(
        SUBDOMAIN,
        "must be the account's subdomain only (acme for acme.zendesk.com): lower-case letters, digits and '-'",
      )
      .describe("The account's subdomain: acme for https://acme.zendesk.com."),
    baseURL: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL, e.g. http://127.0.0.1:8080" })
      .optional()
      .describe(
        "Only for simulators and proxies: the URL Hush sends API requests to instead of https://<subdomain>.zendesk.com.",
      ),
    credentials: credentialsSchema,
    rateLimit: rateLimitSchema.prefault({}),
    defaultRegion: z
      .string()
      .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code in capitals, e.g. DK")
      .optional()
      .describe(
        "Country whose national phone number formats the phone detector accepts (ISO 3166-1 alpha-2, e.g. DK). International numbers (+45 ...) are found without it.",
      ),
    pseudonymKey: pseudonymKeySchema.optional(),
  })
  .describe("A Zendesk Support account Hush works on.");

export const zendeskAccountStatusSchema = z
  .strictObject({
    observedGeneration: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("The metadata.generation the status was computed from."),
    conditions: conditionsSchema,
    rateLimit: z
      .strictObject({
        requestsPerMinute: z.number().int().min(0).describe("The account's requests a minute in use."),
        source: z
          .enum(["Configured", "Learnt", "Assumed"])
          .describe(
            "Where the limit came from: the spec, Zendesk's X-Rate-Limit header, or the smallest plan.",
          ),
        allowedPerMinute: z.number().int().min(0).describe("Hush's own requests allowed in any 60 s."),
      })
      .optional()
      .describe("The rate limit Hush works within."),
    lastCheckedTime: z.iso.datetime().optional().describe("When the credentials were last checked."),
  })
  .describe("What Hush observed of the account.");

export const zendeskAccountSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION).describe(`Always ${API_VERSION}.`),
    kind: z.literal(ZENDESK_ACCOUNT_KIND).describe(`Always ${ZENDESK_ACCOUNT_KIND}.`),
    metadata: objectMetaSchema,
    spec: zendeskAccountSpecSchema,
    status: zendeskAccountStatusSchema.optional(),
  })
  .describe("A Zendesk Support account Hush works on, and its credentials.");

export type ZendeskAccountSpec = z.infer<typeof zendeskAccountSpecSchema>;
export type ZendeskAccountStatus = z.infer<typeof zendeskAccountStatusSchema>;
export type ZendeskAccount = z.infer<typeof zendeskAccountSchema>;
/** What users write: defaults not yet applied. */
export type ZendeskAccountInput = z.input<typeof zendeskAccountSchema>;

import type { RedactionPolicySpec } from "../api/redaction-policy.js";
import { compileCustomPattern } from "../redaction/detectors/custom.js";
import type { TicketRedactionSpec, UserAnonymizationSpec } from "../redaction/spec.js";
import type { DetectorName, Masking } from "../redaction/types.js";
import type { UserRole } from "../zendesk/types.js";

// From a RedactionPolicy's spec (the resource's vocabulary: CamelCase enums, camelCase fields) to
// the redaction engine's specs. The account contributes its default region (national phone
// formats) and its pseudonym key.

export interface AccountSettings {
  /** ISO 3166-1 alpha-2 region of national phone formats, e.g. DK. */
  region?: string;
  /** Secret key of pseudonyms; needed by Pseudonym replacement, Replace phones and Pseudonymize. */
  pseudonymKey?: string;
}

/** A policy that cannot be carried out as written; the message names the field and the fix. */
export class PolicySpecProblem extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "PolicySpecProblem";
  }
}

const ROLES: Record<"EndUser" | "Agent" | "Admin", UserRole> = {
  EndUser: "end-user",
  Agent: "agent",
  Admin: "admin",
};

const VISIBILITY = { All: "all", Public: "public", Private: "private" } as const;

const NEEDS_KEY =
  "needs the account's pseudonym key: set spec.pseudonymKey.secretRef on the ZendeskAccount and put the key in that Secret";

export function ticketRedactionSpec(
  spec: RedactionPolicySpec,
  account: AccountSettings,
): TicketRedactionSpec {
  const r = spec.redact;
  const detectors: DetectorName[] = [...r.detectors];
  const patterns = r.patterns.map((p, index) => {
    try {
      return compileCustomPattern(p.regex);
    } catch (error) {
      throw new PolicySpecProblem(`spec.redact.patterns[${index}].regex`, (error as Error).message);
    }
  });
  if (patterns.length > 0) detectors.push("custom");
  return {
    fields: [...r.fields],
    comments: {
      visibility: VISIBILITY[r.comments.visibility],
      ...(r.comments.authorRoles?.length
        ? { authorRoles: r.comments.authorRoles.map((role) => ROLES[role]) }
        : {}),
    },
    customFieldIds: [...r.customFieldIds],
    tagPatterns: [...r.tagPatterns],
    attachments: r.attachmentMethod === "Redact" ? "redact" : "remove",
    masking: masking(r.masking, r.replacement, account, "spec.redact.replacement"),
    detection: {
      detectors,
      ...(account.region ? { region: account.region } : {}),
      ...(patterns.length > 0 ? { patterns } : {}),
    },
    closedTickets: r.closedTickets,
    markerTag: spec.markerTag,
  };
}

/**
 * Users: names are always replaced whole, in the policy's replacement style. Without a key, the
 * pseudonym key is empty and the engine refuses to use it (pseudonym.ts), which only the options
 * checked here would do.
 */
export function userAnonymizationSpec(
  spec: RedactionPolicySpec,
  account: AccountSettings,
): UserAnonymizationSpec {
  const a = spec.anonymize;
  if (!account.pseudonymKey) {
    if (a.phones === "Replace") throw new PolicySpecProblem("spec.anonymize.phones", `Replace ${NEEDS_KEY}`);
    if (a.externalId === "Pseudonymize")
      throw new PolicySpecProblem("spec.anonymize.externalId", `Pseudonymize ${NEEDS_KEY}`);
  }
  return {
    masking: masking("Full", spec.redact.replacement, account, "spec.redact.replacement"),
    emailDomain: a.emailDomain,
    phones: a.phones === "Replace" ? "replace" : "remove",
    externalId: a.externalId === "Pseudonymize" ? "pseudonymize" : "clear",
    userFieldKeys: [...a.userFieldKeys],
    pseudonymKey: account.pseudonymKey ?? "",
    markerTag: spec.markerTag,
  };
}

function masking(
  mode: "Full" | "Detected",
  replacement: RedactionPolicySpec["redact"]["replacement"],
  account: AccountSettings,
  path: string,
): Masking {
  if (replacement.type === "Pseudonym") {
    if (!account.pseudonymKey) throw new PolicySpecProblem(`${path}.type`, `Pseudonym ${NEEDS_KEY}`);
    return { mode, replacement: { kind: "pseudonym", key: account.pseudonymKey } };
  }
  if (replacement.type === "Text") {
    if (!replacement.text)
      throw new PolicySpecProblem(`${path}.text`, "type Text needs the text masked data is replaced with");
    return { mode, replacement: { kind: "text", text: replacement.text } };
  }
  return { mode, replacement: { kind: "blocks" } };
}

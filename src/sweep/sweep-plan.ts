import { createHash } from "node:crypto";
import type { RedactionPolicySpec } from "../api/redaction-policy.js";
import type { TicketRedactionSpec, UserAnonymizationSpec } from "../redaction/spec.js";
import { MAX_BULK_ITEMS } from "../zendesk/jobs.js";
import { canonicalJson } from "./canonical-json.js";
import {
  type AccountSettings,
  PolicySpecProblem,
  ticketRedactionSpec,
  userAnonymizationSpec,
} from "./policy-spec.js";
import { type EffectiveQuery, effectiveQuery } from "./query.js";

// What a sweep of a policy does, worked out before the first request: the effective query, the
// engine's spec for the action, how many items a worker takes at once, and a key that names all
// of it (a sweep resumed, or an approval given, for one plan never applies to another).

export type SweepAction = RedactionPolicySpec["action"];

export interface SweepPlan {
  target: RedactionPolicySpec["target"];
  action: SweepAction;
  query: EffectiveQuery;
  /** Redact. */
  ticketSpec?: TicketRedactionSpec;
  permanentlyDeleteOriginals: boolean;
  /** Anonymize. */
  userSpec?: UserAnonymizationSpec;
  markerTag: string;
  exemptTags: string[];
  /** Items a worker takes at once: one, or a bulk request's worth for deletions (ZENDESK_API.md 5.9, 8.2). */
  batchSize: number;
  /** sha256 over what the sweep does; changes when the query, action or redaction settings do. */
  planKey: string;
}

const ACTIONS_OF: Record<SweepPlan["target"], readonly SweepAction[]> = {
  tickets: ["Redact", "Delete", "PermanentlyDelete"],
  users: ["Anonymize", "Delete", "PermanentlyDelete"],
};

/** The plan of a policy's sweeps; throws PolicySpecProblem or QueryProblem saying what to fix. */
export function planSweep(spec: RedactionPolicySpec, account: AccountSettings): SweepPlan {
  if (!ACTIONS_OF[spec.target].includes(spec.action)) {
    throw new PolicySpecProblem(
      "spec.action",
      `${spec.action} does not apply to ${spec.target}; use one of ${ACTIONS_OF[spec.target].join(", ")}`,
    );
  }
  const query = effectiveQuery(spec);
  const bulk = spec.action === "Delete" || spec.action === "PermanentlyDelete";
  const plan: SweepPlan = {
    target: spec.target,
    action: spec.action,
    query,
    permanentlyDeleteOriginals: spec.redact.permanentlyDeleteOriginals,
    markerTag: spec.markerTag,
    exemptTags: spec.exemptions.tags.map((t) => t.toLowerCase()),
    batchSize: bulk ? MAX_BULK_ITEMS : 1,
    planKey: planKey(spec, query),
  };
  if (spec.action === "Redact") plan.ticketSpec = ticketRedactionSpec(spec, account);
  if (spec.action === "Anonymize") plan.userSpec = userAnonymizationSpec(spec, account);
  return plan;
}

/** Only what changes the work done on an item: not the schedule, limits, mode or concurrency. */
function planKey(spec: RedactionPolicySpec, query: EffectiveQuery): string {
  const what = {
    target: spec.target,
    action: spec.action,
    query: query.search,
    markerTag: spec.markerTag,
    ...(spec.action === "Redact" ? { redact: spec.redact } : {}),
    ...(spec.action === "Anonymize"
      ? { anonymize: spec.anonymize, replacement: spec.redact.replacement }
      : {}),
  };
  return createHash("sha256").update(canonicalJson(what)).digest("hex");
}

import type { AuditAction, AuditRecord, SweepIdentity } from "./evidence.js";
import type { Acted, ActionName } from "./outcome.js";
import type { SweepAction } from "./sweep-plan.js";

// The audit record of an item acted on, made from its outcome alone: ids, counts and field names,
// never anything read from Zendesk.

/** Which fields of a record a change touches, as named in audit records. */
const FIELDS_OF: Record<ActionName, readonly string[]> = {
  RedactComment: ["comments"],
  RedactAttachment: ["attachments"],
  // The outcome counts the update, not which fields it set (subject, custom fields, tags).
  UpdateTicket: ["ticket"],
  AddMarkerTag: ["tags"],
  ImportCopy: ["replace"],
  DeleteDuplicateCopy: ["replace"],
  DeleteOriginal: ["replace"],
  PermanentlyDeleteOriginal: ["replace"],
  UpdateIdentity: ["identities"],
  DeleteIdentity: ["identities"],
  CreateIdentity: ["identities"],
  UpdateUser: ["profile"],
  DeleteUser: ["record"],
  PermanentlyDeleteUser: ["record"],
  DeleteTicket: ["record"],
  PermanentlyDeleteTicket: ["record"],
};

export function auditRecord(
  identity: SweepIdentity,
  action: SweepAction,
  outcome: Acted,
  time: Date,
  recovered = false,
): AuditRecord {
  const fields = new Set<string>();
  for (const [name, times] of Object.entries(outcome.actions) as [ActionName, number][]) {
    if (times > 0) for (const field of FIELDS_OF[name] ?? [name]) fields.add(field);
  }
  const detectorCounts: Record<string, number> = {};
  for (const [detector, count] of Object.entries(outcome.findings))
    if (count > 0) detectorCounts[detector] = count;
  const replaced = (outcome.actions.ImportCopy ?? 0) > 0 || outcome.copyId !== undefined;
  const recorded: AuditAction = action === "Redact" && replaced ? "Replace" : action;
  return {
    time: time.toISOString(),
    sweepId: identity.sweepId,
    account: `${identity.account.namespace}/${identity.account.name}`,
    policy: `${identity.policy.namespace}/${identity.policy.name}`,
    generation: identity.policy.generation,
    item: { ...outcome.item },
    action: recorded,
    changes: { ...outcome.actions },
    fieldsChanged: [...fields].sort(),
    detectorCounts,
    ...(outcome.copyId === undefined ? {} : { copyId: outcome.copyId }),
    residual: outcome.residual,
    ...(recovered ? { recovered: true } : {}),
  };
}

import type { UserAnonymizationSpec } from "../redaction/spec.js";
import type { KnownIdentifiers } from "../redaction/types.js";
import {
  type IdentityChange,
  planUserAnonymization,
  type UserAnonymizationPlan,
} from "../redaction/user-plan.js";
import { residualFindings } from "../redaction/verify.js";
import { NotFoundError, ValidationError } from "../zendesk/errors.js";
import { createIdentity, deleteIdentity, listIdentities, updateIdentity } from "../zendesk/identities.js";
import type { Identity, User } from "../zendesk/types.js";
import { getUser, updateUser } from "../zendesk/users.js";
import type { SweepContext } from "./context.js";
import { readEndUser } from "./end-user.js";
import { isExempt } from "./exemption.js";
import { failureOf, type ItemOutcome, OutcomeBuilder } from "./outcome.js";

// Anonymising a user who cannot be deleted (ZENDESK_API.md 8.4): identities first (so the user is
// never left without an address: creates, updates, then deletes), the profile with the marker
// last, then a re-read to count what is left. Every run plans from what it reads, so a run cut
// short is finished by the next and an anonymised user is a no-op.

export async function anonymizeUser(
  ctx: SweepContext,
  userId: number,
  spec: UserAnonymizationSpec,
): Promise<ItemOutcome> {
  const { client, signal } = ctx;
  const out = new OutcomeBuilder({ kind: "user", id: userId }, "ReadUser");
  try {
    const read = await readEndUser(ctx, out, userId, "anonymizes");
    if ("refusal" in read) return read.refusal;
    const { user } = read;
    if (isExempt(ctx, user.tags)) return out.skipped("Exempt");
    // Soft-deleted users refuse changes; Zendesk deletes them permanently within 30 days (8.4).
    if (!user.active) return out.skipped("AlreadyDeleted");
    const identities = await collect(listIdentities(client, userId, signal));
    out.step = "Plan";
    const plan = planUserAnonymization({ user, identities, spec });

    out.step = "UpdateIdentities";
    for (const change of ordered(plan.identityChanges, identities))
      await applyIdentityChange(ctx, userId, change, out);
    if (Object.keys(plan.update).length > 0) {
      out.step = "UpdateUser";
      await updateUser(client, userId, { ...plan.update }, signal);
      out.did("UpdateUser");
    }

    out.step = "Verify";
    const known = replacedIdentifiers(user, identities, plan);
    const after = out.changedSomething ? await readUser(ctx, userId) : { user, identities };
    out.residual = residualOfUser(after.user, after.identities, known);
    return out.acted();
  } catch (error) {
    if (error instanceof NotFoundError && out.step === "ReadUser") return out.skipped("NotFound");
    return out.failed(failureOf(error));
  }
}

/** Deletes go non-primary first: Zendesk refuses a primary identity while another of its type exists. */
function ordered(changes: readonly IdentityChange[], identities: readonly Identity[]): IdentityChange[] {
  const primary = new Set(identities.filter((i) => i.primary).map((i) => i.id));
  const rank = (c: IdentityChange) => (c.op === "delete" ? (primary.has(c.id) ? 2 : 1) : 0);
  return [...changes].sort((a, b) => rank(a) - rank(b));
}

async function applyIdentityChange(
  ctx: SweepContext,
  userId: number,
  change: IdentityChange,
  out: OutcomeBuilder,
): Promise<void> {
  const { client, signal } = ctx;
  if (change.op === "create") {
    await createIdentity(
      client,
      userId,
      { type: change.type, value: change.value, verified: true },
      { skipVerifyEmail: true, ...(signal ? { signal } : {}) },
    );
    out.did("CreateIdentity");
  } else if (change.op === "update") {
    try {
      await updateIdentity(client, userId, change.id, { value: change.value }, signal);
      out.did("UpdateIdentity");
    } catch (error) {
      // A fictional number another user already holds: the identity goes instead.
      if (!(error instanceof ValidationError) || change.ifTaken !== "delete") throw error;
      if ((await deleteIdentity(client, userId, change.id, signal)) === "deleted") out.did("DeleteIdentity");
    }
  } else if ((await deleteIdentity(client, userId, change.id, signal)) === "deleted") {
    out.did("DeleteIdentity");
  }
}

async function readUser(ctx: SweepContext, userId: number): Promise<{ user: User; identities: Identity[] }> {
  const user = await getUser(ctx.client, userId, ctx.signal);
  return { user, identities: await collect(listIdentities(ctx.client, userId, ctx.signal)) };
}

/**
 * The person's identifiers that the plan replaces or removes: what must not be found afterwards.
 * Values the plan leaves alone are already anonymous (an earlier run's address or masked name).
 */
export function replacedIdentifiers(
  user: User,
  identities: readonly Identity[],
  plan: UserAnonymizationPlan,
): KnownIdentifiers {
  const changed = new Set(plan.identityChanges.flatMap((c) => (c.op === "create" ? [] : [c.id])));
  const values = (type: string) =>
    identities.filter((i) => i.type === type && changed.has(i.id)).map((i) => i.value);
  const emails = values("email");
  const phones = values("phone_number");
  if (user.email && emails.some((e) => e.toLowerCase() === user.email?.toLowerCase()))
    emails.push(user.email);
  if (user.phone && plan.update.phone !== undefined) phones.push(user.phone);
  const names = [
    plan.update.name === undefined ? null : user.name,
    plan.update.alias === undefined ? null : user.alias,
  ];
  return {
    names: names.filter((n): n is string => typeof n === "string" && n.trim() !== ""),
    emails: [...new Set(emails)],
    phones: [...new Set(phones)],
  };
}

/** What the user's record still shows of the person: known identifiers in its texts and identities. */
export function residualOfUser(user: User, identities: readonly Identity[], known: KnownIdentifiers): number {
  const texts = [
    user.name,
    user.alias,
    user.details,
    user.notes,
    user.signature,
    user.email,
    user.phone,
    user.external_id,
    ...Object.values(user.user_fields ?? {}).map((v) => (typeof v === "string" ? v : null)),
    ...identities.map((i) => i.value),
  ].filter((t): t is string => typeof t === "string" && t !== "");
  return residualFindings(texts, { detectors: ["knownIdentifiers"], known }).length;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

import { destroyDeletedTicket, destroyManyDeletedTickets } from "../zendesk/deleted-tickets.js";
import { NotFoundError } from "../zendesk/errors.js";
import type { ItemFailure, ItemResult } from "../zendesk/job-results.js";
import { destroyManyTickets, showManyTickets } from "../zendesk/tickets.js";
import type { Ticket, User } from "../zendesk/types.js";
import { destroyDeletedUser, destroyManyUsers, showManyUsers } from "../zendesk/users.js";
import type { SweepContext } from "./context.js";
import { isExempt } from "./exemption.js";
import { type Failure, failureOf, type ItemOutcome, OutcomeBuilder } from "./outcome.js";
import { identifiersOf } from "./people.js";
import { PermanentDeletionFailed } from "./replace-ticket.js";

// Deletion in bulk: up to 100 records a request, as Zendesk allows (ZENDESK_API.md 5.9, 8.2).
// Search can be stale (4.1), so each batch is read first (show_many, one request per 100) and
// records that carry an exemption tag or the policy's marker, or that are not end users, are left
// alone. Every step is safe to repeat: a batch cut short by a crash is finished by the next sweep,
// which finds deleted records gone (or, for permanent deletion, waiting in the deleted lists).

export interface BulkDeleteOptions {
  permanently: boolean;
}

/** Zendesk's name for a permanently deleted user (8.4). */
const PERMANENTLY_DELETED = "Permanently Deleted User";

/** Soft-deletes a batch of tickets (destroy_many), then permanently deletes them where asked. */
export async function deleteTickets(
  ctx: SweepContext,
  ids: readonly number[],
  options: BulkDeleteOptions,
): Promise<ItemOutcome[]> {
  const outs = new Map(ids.map((id) => [id, new OutcomeBuilder({ kind: "ticket", id }, "ReadTicket")]));
  const ended = new Map<number, ItemOutcome>();
  const end = (id: number, outcome: ItemOutcome) => ended.set(id, outcome);
  let tickets: Ticket[];
  try {
    tickets = await showManyTickets(ctx.client, ids, ctx.signal);
  } catch (error) {
    return failAll(ids, outs, failureOf(error));
  }
  const live = new Map(tickets.map((t) => [t.id, t]));
  const toDelete: number[] = [];
  // Not live: deleted already, maybe by a run that stopped before the permanent deletion.
  const maybeSoftDeleted: number[] = [];
  for (const id of ids) {
    const ticket = live.get(id);
    const out = outs.get(id) as OutcomeBuilder;
    if (!ticket) {
      if (options.permanently) maybeSoftDeleted.push(id);
      else end(id, out.skipped("NotFound"));
    } else if (isExempt(ctx, ticket.tags)) {
      end(id, out.skipped("Exempt"));
    } else toDelete.push(id);
  }

  const softDeleted: number[] = [];
  if (toDelete.length > 0) {
    for (const id of toDelete) (outs.get(id) as OutcomeBuilder).step = "DeleteTicket";
    let results: ItemResult[];
    try {
      results = await destroyManyTickets(ctx.client, toDelete, jobOptions(ctx));
    } catch (error) {
      return failRest(ids, outs, ended, failureOf(error));
    }
    for (const result of results) {
      const id = toDelete[result.index] as number;
      const out = outs.get(id) as OutcomeBuilder;
      if (result.ok) {
        out.did("DeleteTicket");
        softDeleted.push(id);
      } else if (result.failure?.kind === "NotFound") {
        if (options.permanently) maybeSoftDeleted.push(id);
        else end(id, out.skipped("NotFound"));
      } else end(id, out.failed(jobItemFailure(result.failure, "/api/v2/tickets/destroy_many")));
    }
  }

  if (options.permanently) {
    await permanentlyDeleteTickets(ctx, softDeleted, outs, end, true);
    await permanentlyDeleteTickets(ctx, maybeSoftDeleted, outs, end, false);
  }
  for (const id of ids) if (!ended.has(id)) end(id, (outs.get(id) as OutcomeBuilder).acted());
  return ids.map((id) => ended.get(id) as ItemOutcome);
}

/**
 * Permanent deletion of soft-deleted tickets: one destroy_many job for those just deleted; its
 * result is one all-or-nothing flag (7), so when it fails, or for tickets that were not live when
 * the batch was read, each ticket is deleted on its own and a 404 tells that it is gone already.
 */
async function permanentlyDeleteTickets(
  ctx: SweepContext,
  ids: readonly number[],
  outs: ReadonlyMap<number, OutcomeBuilder>,
  end: (id: number, outcome: ItemOutcome) => void,
  justDeleted: boolean,
): Promise<void> {
  if (ids.length === 0) return;
  for (const id of ids) (outs.get(id) as OutcomeBuilder).step = "PermanentlyDeleteTicket";
  if (justDeleted && ids.length > 1) {
    try {
      const results = await destroyManyDeletedTickets(ctx.client, ids, jobOptions(ctx));
      if (results.every((r) => r.ok)) {
        for (const id of ids) (outs.get(id) as OutcomeBuilder).did("PermanentlyDeleteTicket");
        return;
      }
    } catch (error) {
      failureOf(error); // rethrows what is not Zendesk's answer; otherwise go ticket by ticket
    }
  }
  for (const id of ids) {
    const out = outs.get(id) as OutcomeBuilder;
    try {
      const result = await destroyDeletedTicket(ctx.client, id, jobOptions(ctx));
      if (!result.ok) throw new PermanentDeletionFailed(id);
      out.did("PermanentlyDeleteTicket");
    } catch (error) {
      if (error instanceof NotFoundError) {
        // Gone for good already, or never soft-deleted (then search showed a ticket that is not there).
        if (!justDeleted && !out.changedSomething) end(id, out.skipped("NotFound"));
        continue;
      }
      end(id, out.failed(failureOf(error)));
    }
  }
}

/**
 * Soft-deletes a batch of users (destroy_many), then permanently deletes each where asked; there
 * is no bulk endpoint for that (8.2). Only end users are deleted, as deleteUser does: staff own
 * tickets, views and macros.
 */
export async function deleteUsers(
  ctx: SweepContext,
  ids: readonly number[],
  options: BulkDeleteOptions,
): Promise<ItemOutcome[]> {
  const outs = new Map(ids.map((id) => [id, new OutcomeBuilder({ kind: "user", id }, "ReadUser")]));
  const ended = new Map<number, ItemOutcome>();
  const end = (id: number, outcome: ItemOutcome) => ended.set(id, outcome);
  let users: User[];
  try {
    users = await showManyUsers(ctx.client, ids, ctx.signal);
  } catch (error) {
    return failAll(ids, outs, failureOf(error));
  }
  const byId = new Map(users.map((u) => [u.id, u]));
  const toDelete: number[] = [];
  const toDestroy: number[] = [];
  for (const id of ids) {
    const user = byId.get(id);
    const out = outs.get(id) as OutcomeBuilder;
    if (!user) end(id, out.skipped("NotFound"));
    else if (user.role !== "end-user") {
      end(
        id,
        out.refused(
          "NotAnEndUser",
          "The user is an agent or admin; Hush deletes end users only. Downgrade or remove staff accounts in Zendesk.",
        ),
      );
    } else if (isExempt(ctx, user.tags)) {
      end(id, out.skipped("Exempt"));
    } else if (user.active) toDelete.push(id);
    else if (options.permanently && user.name !== PERMANENTLY_DELETED) toDestroy.push(id);
    else end(id, out.skipped("AlreadyDeleted"));
  }

  if (toDelete.length > 0) {
    for (const id of toDelete) (outs.get(id) as OutcomeBuilder).step = "DeleteUser";
    let results: ItemResult[];
    try {
      results = await destroyManyUsers(ctx.client, toDelete, jobOptions(ctx));
    } catch (error) {
      return failRest(ids, outs, ended, failureOf(error));
    }
    for (const result of results) {
      const id = toDelete[result.index] as number;
      const out = outs.get(id) as OutcomeBuilder;
      if (result.ok) {
        out.did("DeleteUser");
        if (options.permanently) toDestroy.push(id);
      } else if (result.failure?.kind === "NotFound") end(id, out.skipped("NotFound"));
      else if (result.failure?.kind === "Validation") {
        end(
          id,
          out.failed({
            ...jobItemFailure(result.failure, "/api/v2/users/destroy_many"),
            message: REQUESTER_REFUSAL,
          }),
        );
      } else end(id, out.failed(jobItemFailure(result.failure, "/api/v2/users/destroy_many")));
    }
  }

  for (const id of toDestroy) {
    const out = outs.get(id) as OutcomeBuilder;
    out.step = "PermanentlyDeleteUser";
    try {
      if ((await destroyDeletedUser(ctx.client, id, ctx.signal)) === "deleted")
        out.did("PermanentlyDeleteUser");
    } catch (error) {
      end(id, out.failed(failureOf(error)));
    }
  }
  if (options.permanently)
    await verifyUsersGone(
      ctx,
      toDestroy.filter((id) => !ended.has(id)),
      outs,
    );
  for (const id of ids) {
    if (ended.has(id)) continue;
    const out = outs.get(id) as OutcomeBuilder;
    end(id, out.changedSomething ? out.acted() : out.skipped("AlreadyDeleted"));
  }
  return ids.map((id) => ended.get(id) as ItemOutcome);
}

/** What the skeletons of permanently deleted users still show of the people (one read per 100). */
async function verifyUsersGone(
  ctx: SweepContext,
  ids: readonly number[],
  outs: ReadonlyMap<number, OutcomeBuilder>,
): Promise<void> {
  if (ids.length === 0) return;
  let after: User[];
  try {
    after = await showManyUsers(ctx.client, ids, ctx.signal);
  } catch (error) {
    failureOf(error); // rethrows what is not Zendesk's answer; the deletions stand unverified
    return;
  }
  const byId = new Map(after.map((u) => [u.id, u]));
  for (const id of ids) {
    const out = outs.get(id) as OutcomeBuilder;
    out.step = "Verify";
    const user = byId.get(id);
    if (!user) out.residual = 0;
    else if (user.name === PERMANENTLY_DELETED) {
      const left = identifiersOf([user]);
      out.residual = left.emails.length + left.phones.length;
    } else out.residual = 1;
  }
}

const REQUESTER_REFUSAL =
  "Zendesk refused to delete the user; a user who requests tickets that are not closed cannot be deleted (ZENDESK_API.md 8.4). Anonymize the user instead, or delete them once those tickets are closed.";

function jobItemFailure(failure: ItemFailure | undefined, route: string): Failure {
  const code = failure?.code;
  const kind = failure?.kind;
  const base = { status: null, route, ...(code ? { code } : {}) };
  if (kind === "ClosedTicket")
    return { ...base, kind: "ClosedTicket", message: "Zendesk refused the change of a closed ticket." };
  if (kind === "Conflict")
    return {
      ...base,
      kind: "Conflict",
      message: "The record changed while Zendesk's job ran; a later sweep tries again.",
    };
  if (kind === "Validation")
    return {
      ...base,
      kind: "Validation",
      message: "Zendesk's job refused the record as invalid for this change.",
    };
  return {
    ...base,
    kind: "UnexpectedResponse",
    message: "Zendesk's job reported this record as failed without saying why; a later sweep tries again.",
  };
}

function failAll(
  ids: readonly number[],
  outs: ReadonlyMap<number, OutcomeBuilder>,
  failure: Failure,
): ItemOutcome[] {
  return ids.map((id) => (outs.get(id) as OutcomeBuilder).failed(failure));
}

/** A bulk request failed as a whole: every item of the batch not ended before fails with it. */
function failRest(
  ids: readonly number[],
  outs: ReadonlyMap<number, OutcomeBuilder>,
  ended: ReadonlyMap<number, ItemOutcome>,
  failure: Failure,
): ItemOutcome[] {
  return ids.map((id) => ended.get(id) ?? (outs.get(id) as OutcomeBuilder).failed(failure));
}

function jobOptions(ctx: SweepContext) {
  return { ...ctx.jobs, ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

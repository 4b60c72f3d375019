import { anonymizeUser } from "./anonymize-user.js";
import { deleteTickets, deleteUsers } from "./bulk-delete.js";
import type { SweepContext } from "./context.js";
import type { ItemOutcome } from "./outcome.js";
import type { SweepPlan } from "./sweep-plan.js";
import { redactTicket } from "./ticket.js";

/** Acts on a batch of ids as the plan says: one item at a time, or deletions in bulk. */
export async function act(
  plan: SweepPlan,
  ctx: SweepContext,
  ids: readonly number[],
): Promise<ItemOutcome[]> {
  const permanently = plan.action === "PermanentlyDelete";
  if (plan.action === "Delete" || permanently) {
    const options = { permanently };
    return plan.target === "tickets" ? deleteTickets(ctx, ids, options) : deleteUsers(ctx, ids, options);
  }
  const outcomes: ItemOutcome[] = [];
  for (const id of ids) {
    if (plan.ticketSpec) {
      const options = { permanentlyDeleteOriginals: plan.permanentlyDeleteOriginals };
      outcomes.push(await redactTicket(ctx, id, plan.ticketSpec, options));
    } else if (plan.userSpec) outcomes.push(await anonymizeUser(ctx, id, plan.userSpec));
    else throw new TypeError(`a ${plan.action} plan has no spec for ${plan.target}`);
  }
  return outcomes;
}

/** Items an earlier run left in flight, then the matches. */
export async function* withFirst(
  first: readonly number[],
  rest: AsyncIterable<number>,
): AsyncGenerator<number> {
  yield* first;
  yield* rest;
}

import type { User } from "../zendesk/types.js";
import { getUser } from "../zendesk/users.js";
import type { SweepContext } from "./context.js";
import type { ItemOutcome, OutcomeBuilder } from "./outcome.js";

/**
 * Reads a user that Hush may act on: end users only, because staff accounts own tickets, views
 * and macros that an anonymisation or deletion would break. Otherwise the refusal is the outcome.
 */
export async function readEndUser(
  ctx: SweepContext,
  out: OutcomeBuilder,
  userId: number,
  action: "anonymizes" | "deletes",
): Promise<{ user: User } | { refusal: ItemOutcome }> {
  const user = await getUser(ctx.client, userId, ctx.signal);
  if (user.role === "end-user") return { user };
  return {
    refusal: out.refused(
      "NotAnEndUser",
      `The user is an agent or admin; Hush ${action} end users only. Downgrade or remove staff accounts in Zendesk.`,
    ),
  };
}

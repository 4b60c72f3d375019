import { NotFoundError, ValidationError } from "../zendesk/errors.js";
import { destroyDeletedUser, getUser, deleteUser as softDeleteUser } from "../zendesk/users.js";
import type { SweepContext } from "./context.js";
import { readEndUser } from "./end-user.js";
import { isExempt } from "./exemption.js";
import { failureOf, type ItemOutcome, OutcomeBuilder } from "./outcome.js";
import { identifiersOf } from "./people.js";

// Deleting a user: soft delete, then optionally permanent deletion (ZENDESK_API.md 8.2, 8.4).
// Zendesk refuses to delete a user who requests tickets that are not closed; that refusal is the
// user's outcome (anonymising is what works for such users).

export interface DeleteUserOptions {
  permanently: boolean;
}

/** Zendesk's name for a permanently deleted user (8.4). */
const PERMANENTLY_DELETED = "Permanently Deleted User";

export async function deleteUser(
  ctx: SweepContext,
  userId: number,
  options: DeleteUserOptions,
): Promise<ItemOutcome> {
  const { client, signal } = ctx;
  const out = new OutcomeBuilder({ kind: "user", id: userId }, "ReadUser");
  try {
    const read = await readEndUser(ctx, out, userId, "deletes");
    if ("refusal" in read) return read.refusal;
    const { user } = read;
    if (isExempt(ctx, user.tags)) return out.skipped("Exempt");
    if (user.active) {
      out.step = "DeleteUser";
      if ((await softDeleteUser(client, userId, signal)) === "deleted") out.did("DeleteUser");
    }
    if (options.permanently && user.name !== PERMANENTLY_DELETED) {
      out.step = "PermanentlyDeleteUser";
      if ((await destroyDeletedUser(client, userId, signal)) === "deleted") out.did("PermanentlyDeleteUser");
    }
    if (options.permanently) {
      // What the remaining skeleton still shows of the person; soft-deleted users keep their
      // profile until the permanent deletion, so only that is verified.
      out.step = "Verify";
      const after = out.changedSomething ? await getUser(client, userId, signal) : user;
      const left = identifiersOf([after]);
      out.residual = after.name === PERMANENTLY_DELETED ? left.emails.length + left.phones.length : 1;
    }
    return out.changedSomething ? out.acted() : out.skipped("AlreadyDeleted");
  } catch (error) {
    if (error instanceof NotFoundError && out.step === "ReadUser") return out.skipped("NotFound");
    if (error instanceof ValidationError && out.step === "DeleteUser") {
      return out.failed({
        ...failureOf(error),
        message:
          "Zendesk refused to delete the user; a user who requests tickets that are not closed cannot be deleted (ZENDESK_API.md 8.4). Anonymize the user instead, or delete them once those tickets are closed.",
      });
    }
    return out.failed(failureOf(error));
  }
}

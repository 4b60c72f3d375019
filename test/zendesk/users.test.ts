import { beforeEach, describe, expect, it, vi } from "vitest";
import { addTicket, addUser } from "../../src/simulator/factory.js";
import { ValidationError } from "../../src/zendesk/errors.js";
import {
  deleteUser,
  destroyDeletedUser,
  destroyManyUsers,
  getUser,
  searchUsers,
  showManyUsers,
  updateManyUsers,
  updateUser,
} from "../../src/zendesk/users.js";
import { useSimulator } from "../support/sim.js";
import { collect, simClient } from "./endpoint-support.js";

describe("user endpoints", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 10 }] });
  const account = () => s.current.sim.account("acme")!;
  const customer = (fields: { external_id?: string; email?: string } = {}) =>
    addUser(account(), { name: "Jane Customer", ...fields });
  const withOpenTicket = () => {
    const user = customer();
    addTicket(account(), { requester_id: user.id, status: "open" }, [{ body: "help" }]);
    return user;
  };

  beforeEach(async () => {
    await s.current.inspect("POST", "/__sim/reset");
  });

  it("reads one user and many users by id, leaving out unknown ones", async () => {
    const client = simClient(s.current);
    const [a, b] = [customer(), customer()];
    expect((await getUser(client, a.id)).id).toBe(a.id);
    const shown = await showManyUsers(client, [a.id, 88_888, b.id]);
    expect(shown.map((u) => u.id).sort((x, y) => x - y)).toEqual([a.id, b.id]);
  });

  it("finds users by external_id", async () => {
    const client = simClient(s.current);
    const user = customer({ external_id: "crm-77" });
    expect((await collect(searchUsers(client, { externalId: "crm-77" }))).map((u) => u.id)).toEqual([
      user.id,
    ]);
  });

  it("updates a user, paced by the account's and that user's update buckets", async () => {
    const client = simClient(s.current);
    const acquire = vi.spyOn(client.budget, "acquire");
    const user = customer();
    const updated = await updateUser(client, user.id, { name: "▇▇▇▇ ▇▇▇▇▇▇▇▇", notes: null, photo: null });
    expect(updated.name).toBe("▇▇▇▇ ▇▇▇▇▇▇▇▇");
    expect(acquire).toHaveBeenCalledWith(
      [{ bucket: "user-updates" }, { bucket: "user-updates-per-user", key: user.id }],
      undefined,
    );
  });

  it("updates many users in a job and reports a missing one by its id", async () => {
    await s.current.inspect("PUT", "/__sim/settings", { reverseJobResults: true });
    const client = simClient(s.current);
    const [a, b] = [customer(), customer()];
    const results = await updateManyUsers(client, { ids: [a.id, 77_777, b.id], changes: { notes: "" } });
    expect(results.map((r) => [r.id, r.ok, r.failure?.kind])).toEqual([
      [a.id, true, undefined],
      [77_777, false, "NotFound"],
      [b.id, true, undefined],
    ]);
  });

  it("updates a batch of users with a change each", async () => {
    const client = simClient(s.current);
    const [a, b] = [customer(), customer()];
    const results = await updateManyUsers(client, {
      users: [
        { id: a.id, name: "A" },
        { id: b.id, name: "B" },
      ],
    });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(account().users.get(b.id)!.name).toBe("B");
  });

  it("soft-deletes many users and reports Zendesk's refusal for one who requests open tickets", async () => {
    const client = simClient(s.current);
    const free = customer();
    const busy = withOpenTicket();
    const results = await destroyManyUsers(client, [busy.id, free.id, 66_666]);
    expect(results.map((r) => [r.id, r.ok, r.failure?.kind])).toEqual([
      [busy.id, false, "Validation"],
      [free.id, true, undefined],
      [66_666, false, "NotFound"],
    ]);
    expect(account().users.get(free.id)!.deleted_at).not.toBeNull();
    expect(account().users.get(busy.id)!.deleted_at).toBeNull();
  });

  it("soft-deletes and then permanently deletes a user, telling a repeat apart as notFound", async () => {
    const client = simClient(s.current);
    const user = customer({ email: "jane@example.org" });
    expect(await destroyDeletedUser(client, user.id)).toBe("notFound");
    expect(await deleteUser(client, user.id)).toBe("deleted");
    expect(await deleteUser(client, user.id)).toBe("notFound");
    expect(await destroyDeletedUser(client, user.id)).toBe("deleted");
    expect(await destroyDeletedUser(client, user.id)).toBe("notFound");
    expect(account().users.get(user.id)!.email).toBeNull();
  });

  it("passes on Zendesk's refusal to delete a user who requests open tickets", async () => {
    const client = simClient(s.current);
    const error = await deleteUser(client, withOpenTicket().id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields).toEqual(["base"]);
  });
});

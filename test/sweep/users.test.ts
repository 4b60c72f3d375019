import { describe, expect, it } from "vitest";
import { anonymizeUser } from "../../src/sweep/anonymize-user.js";
import { deleteUser } from "../../src/sweep/delete-user.js";
import { useSimulator } from "../support/sim.js";
import {
  AGENT_ID,
  context,
  createCustomer,
  createOpenTicket,
  importClosedTicket,
  useHush,
  userSpec,
} from "./fixtures.js";

interface SimUser {
  user: {
    name: string;
    email: string | null;
    phone: string | null;
    notes: string | null;
    tags: string[];
    active: boolean;
    permanently_deleted_at: number | null;
  };
  identities: { id: number; type: string; value: string; primary: boolean }[];
}

describe("anonymizing and deleting users", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const hush = useHush(s);
  const simUser = (id: number): Promise<SimUser> => s.current.inspect("GET", `/__sim/users/${id}`);
  const writes = async (): Promise<number> => (await s.current.inspect("GET", "/__sim/requests")).writes;

  /** A customer with a note, a second address and a Twitter handle besides email and phone. */
  async function wellKnownCustomer() {
    const ingrid = await createCustomer(s.current);
    await s.current.api("PUT", `/api/v2/users/${ingrid.id}`, {
      user: { notes: `Prefers calls on ${ingrid.phone}` },
    });
    for (const identity of [
      { type: "email", value: `ingrid.${ingrid.id}@private.example` },
      { type: "twitter", value: `ingrid_b_${ingrid.id}` },
    ]) {
      const res = await s.current.api("POST", `/api/v2/users/${ingrid.id}/identities`, { identity });
      expect(res.status).toBe(201);
    }
    return ingrid;
  }

  it("anonymizes an end user: unique unroutable addresses, phones and other identities gone, profile masked", async () => {
    const ingrid = await wellKnownCustomer();
    await createOpenTicket(s.current, ingrid); // why anonymizing, not deleting

    const outcome = await anonymizeUser(context(hush.client), ingrid.id, userSpec());

    expect(outcome).toMatchObject({ result: "acted", residual: 0 });
    expect(outcome.actions).toMatchObject({ UpdateIdentity: 2, DeleteIdentity: 2, UpdateUser: 1 });
    const { user, identities } = await simUser(ingrid.id);
    expect(user.name).toMatch(/^▇+ ▇+$/);
    expect(user).toMatchObject({ notes: null, phone: null, active: true });
    expect(user.tags).toContain("hush-redacted");
    expect(identities.map((i) => i.type)).toEqual(["email", "email"]);
    for (const identity of identities) expect(identity.value).toMatch(/@anonymized\.invalid$/);
    expect(new Set(identities.map((i) => i.value)).size).toBe(2);
    expect(JSON.stringify({ user, identities })).not.toMatch(/ingrid|Bergström|\+4520/i);
  });

  it("replaces phone numbers by fictional ones where the policy asks", async () => {
    const ingrid = await createCustomer(s.current);

    const outcome = await anonymizeUser(context(hush.client), ingrid.id, userSpec({ phones: "replace" }));

    expect(outcome).toMatchObject({ result: "acted", residual: 0 });
    const { user, identities } = await simUser(ingrid.id);
    const phone = identities.find((i) => i.type === "phone_number");
    expect(phone?.value).not.toBe(ingrid.phone);
    expect(user.phone).toBe(phone?.value);
  });

  it("does nothing the second time", async () => {
    const ingrid = await wellKnownCustomer();
    await anonymizeUser(context(hush.client), ingrid.id, userSpec());
    const before = await simUser(ingrid.id);
    await s.current.inspect("DELETE", "/__sim/requests");

    const again = await anonymizeUser(context(hush.client), ingrid.id, userSpec());

    expect(again).toMatchObject({ result: "skipped", reason: "NothingToRedact", actions: {}, residual: 0 });
    expect(await writes()).toBe(0);
    expect(await simUser(ingrid.id)).toEqual(before);
  });

  it("soft-deletes a user whose tickets are all closed", async () => {
    const ingrid = await createCustomer(s.current);
    await importClosedTicket(s.current, ingrid);

    const outcome = await deleteUser(context(hush.client), ingrid.id, { permanently: false });

    expect(outcome).toMatchObject({ result: "acted", actions: { DeleteUser: 1 } });
    const { user } = await simUser(ingrid.id);
    expect(user).toMatchObject({ active: false, permanently_deleted_at: null });
  });

  it("deletes a user permanently when asked, and does nothing the second time", async () => {
    const ingrid = await createCustomer(s.current);

    const outcome = await deleteUser(context(hush.client), ingrid.id, { permanently: true });

    expect(outcome).toMatchObject({
      result: "acted",
      residual: 0,
      actions: { DeleteUser: 1, PermanentlyDeleteUser: 1 },
    });
    const { user } = await simUser(ingrid.id);
    expect(user).toMatchObject({ name: "Permanently Deleted User", email: null, phone: null });
    expect(await deleteUser(context(hush.client), ingrid.id, { permanently: true })).toMatchObject({
      result: "skipped",
      reason: "AlreadyDeleted",
      actions: {},
    });
  });

  it("reports Zendesk's refusal to delete the requester of an open ticket, for that user", async () => {
    const ingrid = await createCustomer(s.current);
    await createOpenTicket(s.current, ingrid);

    const outcome = await deleteUser(context(hush.client), ingrid.id, { permanently: true });

    expect(outcome).toMatchObject({
      result: "failed",
      step: "DeleteUser",
      item: { kind: "user", id: ingrid.id },
      error: { kind: "Validation", status: 422, route: "/api/v2/users/{id}" },
      actions: {},
    });
    expect(outcome.result === "failed" && outcome.error.message).toMatch(/not closed.*Anonymize/);
    expect((await simUser(ingrid.id)).user.active).toBe(true);
  });

  it("refuses to anonymize or delete an agent", async () => {
    const anonymized = await anonymizeUser(context(hush.client), AGENT_ID, userSpec());
    const deleted = await deleteUser(context(hush.client), AGENT_ID, { permanently: true });

    for (const outcome of [anonymized, deleted]) {
      expect(outcome).toMatchObject({
        result: "failed",
        error: { kind: "Refused", code: "NotAnEndUser" },
        actions: {},
      });
    }
    expect((await simUser(AGENT_ID)).user.active).toBe(true);
  });

  it("skips a user that does not exist", async () => {
    expect(await anonymizeUser(context(hush.client), 987_654, userSpec())).toMatchObject({
      result: "skipped",
      reason: "NotFound",
    });
  });
});

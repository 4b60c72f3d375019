import { isValidPhoneNumber } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { isPseudonym } from "../../src/redaction/pseudonym.js";
import type { UserAnonymizationSpec } from "../../src/redaction/spec.js";
import {
  anonymisedEmail,
  FICTIONAL_PHONE_NUMBERS,
  fictionalPhone,
  type IdentityChange,
  planUserAnonymization,
} from "../../src/redaction/user-plan.js";
import type { Account } from "../../src/simulator/account.js";
import { addUser } from "../../src/simulator/factory.js";
import type { Identity, User } from "../../src/zendesk/types.js";
import { useSimulator } from "../support/sim.js";

const M = "\u2587";
const KEY = "account-pseudonym-key-0123456789";
/** Ofcom's drama numbers that libphonenumber accepts as valid fixed lines. */
const DRAMA_NUMBER =
  /^\+44(113496|114496|116496|117496|118496|121496|131496|141496|151496|161496|207946|191498|289018|292018)\d{4}$/;

function user(fields: Partial<User> = {}): User {
  return {
    id: 42,
    name: "Anna Berg",
    email: "anna@example.com",
    phone: "+4523456789",
    alias: "Annie",
    details: "Lives in Aarhus",
    notes: "Prefers phone calls",
    signature: null,
    external_id: "crm-77",
    role: "end-user",
    active: true,
    organization_id: 7,
    tags: ["vip"],
    user_fields: { birthday: "1990-01-01", plan: "gold" },
    photo: { id: 9, content_url: "https://acme.zendesk.com/photos/9.png" },
    locale: "da",
    time_zone: "Copenhagen",
    created_at: "2023-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    ...fields,
  };
}

const identity = (id: number, type: string, value: string, primary = false): Identity => ({
  id,
  user_id: 42,
  type,
  value,
  primary,
  verified: true,
});

const IDENTITIES = [
  identity(1, "email", "anna@example.com", true),
  identity(2, "email", "anna.berg@work.example", false),
  identity(3, "phone_number", "+4523456789", true),
  identity(4, "twitter", "annaberg", true),
];

function spec(fields: Partial<UserAnonymizationSpec> = {}): UserAnonymizationSpec {
  return {
    masking: { mode: "Full", replacement: { kind: "blocks" } },
    emailDomain: "anonymized.invalid",
    phones: "remove",
    externalId: "clear",
    userFieldKeys: ["birthday"],
    pseudonymKey: KEY,
    markerTag: "hush-redacted",
    ...fields,
  };
}

const plan = (u = user(), identities = IDENTITIES, s = spec()) =>
  planUserAnonymization({ user: u, identities, spec: s });

describe("planUserAnonymization", () => {
  it("masks the name and clears alias, notes, details, photo and the personal user fields", () => {
    const { update } = plan();
    expect(update).toMatchObject({
      name: `${M.repeat(4)} ${M.repeat(4)}`,
      alias: null,
      details: null,
      notes: null,
      photo: null,
      user_fields: { birthday: null },
      external_id: null,
    });
    expect(update).not.toHaveProperty("signature");
    expect(update.user_fields).not.toHaveProperty("plan");
  });

  it("keeps role, organisation, locale and time zone, and never sends email in the update", () => {
    const { update } = plan();
    for (const key of ["role", "organization_id", "locale", "time_zone", "email"])
      expect(update).not.toHaveProperty(key);
  });

  it("replaces the name by a fixed text or by a stable pseudonym", () => {
    expect(
      plan(
        user(),
        [],
        spec({ masking: { mode: "Full", replacement: { kind: "text", text: "Former customer" } } }),
      ).update.name,
    ).toBe("Former customer");
    const pseudonymised = spec({ masking: { mode: "Full", replacement: { kind: "pseudonym", key: KEY } } });
    const name = plan(user(), [], pseudonymised).update.name!;
    expect(isPseudonym(name)).toBe(true);
    expect(plan(user({ id: 43, name: "anna  berg" }), [], pseudonymised).update.name).toBe(name);
  });

  it("replaces every email identity by an address of the policy's domain, unique per identity", () => {
    const changes = plan().identityChanges.filter((c) => c.type === "email");
    expect(changes).toEqual([
      { op: "update", id: 1, type: "email", value: "anon-42-1@anonymized.invalid" },
      { op: "update", id: 2, type: "email", value: "anon-42-2@anonymized.invalid" },
    ]);
    const other = plan(user({ id: 43 }), [identity(1, "email", "x@y.z")]).identityChanges;
    expect(other).toEqual([{ op: "update", id: 1, type: "email", value: "anon-43-1@anonymized.invalid" }]);
  });

  it("uses the policy's own domain", () => {
    const change = plan(user(), [IDENTITIES[0]!], spec({ emailDomain: "void.acme.example" }))
      .identityChanges[0];
    expect(change).toMatchObject({ value: "anon-42-1@void.acme.example" });
  });

  it("refuses a domain that cannot make valid addresses, naming it", () => {
    expect(() => plan(user(), [], spec({ emailDomain: "not a domain" }))).toThrow(
      /email domain "not a domain"/,
    );
    expect(() => plan(user(), [], spec({ emailDomain: "localhost" }))).toThrow(
      /is not a lower-case domain name/,
    );
  });

  it("removes phone identities and clears the profile phone when phones are removed", () => {
    const p = plan();
    expect(p.identityChanges).toContainEqual({ op: "delete", id: 3, type: "phone_number" });
    expect(p.update.phone).toBe("");
  });

  it("replaces phone identities by valid fictional numbers that fall back to deletion when taken", () => {
    const p = plan(user(), IDENTITIES, spec({ phones: "replace" }));
    const change = p.identityChanges.find((c) => c.type === "phone_number") as Extract<
      IdentityChange,
      { op: "update" }
    >;
    expect(change).toMatchObject({ op: "update", id: 3, ifTaken: "delete" });
    expect(change.value).toMatch(DRAMA_NUMBER);
    expect(isValidPhoneNumber(change.value)).toBe(true);
    // The profile phone gets the same number as its identity.
    expect(p.update.phone).toBe(change.value);
  });

  it("replaces a shared profile phone that has no identity directly", () => {
    const p = plan(user({ phone: "+4511111111" }), [], spec({ phones: "replace" }));
    expect(isValidPhoneNumber(p.update.phone!)).toBe(true);
    expect(p.update.phone).toBe(fictionalPhone(KEY, 42, "profile"));
  });

  it("spreads fictional numbers over the reserved ranges, which are too few to be unique for many users", () => {
    const numbers = new Set(
      Array.from({ length: 100 }, (_, i) => fictionalPhone(KEY, 1000 + i, "identity-1")),
    );
    expect(numbers.size).toBeGreaterThan(95);
    expect(FICTIONAL_PHONE_NUMBERS).toBe(14_000);
  });

  it("deletes other identities such as Twitter, deleting a primary identity after the others of its type", () => {
    const p = plan(user(), [
      identity(3, "phone_number", "+4523456789", true),
      identity(5, "phone_number", "+4587654321", false),
      identity(4, "twitter", "annaberg", true),
    ]);
    expect(p.identityChanges.filter((c) => c.op === "delete").map((c) => "id" in c && c.id)).toEqual([
      5, 3, 4,
    ]);
  });

  it("gives a user whose only identities go an address that reaches nobody", () => {
    const p = plan(user({ email: null }), [identity(4, "twitter", "annaberg", true)]);
    expect(p.identityChanges[0]).toEqual({
      op: "create",
      type: "email",
      value: "anon-42@anonymized.invalid",
    });
  });

  it("pseudonymises the external id when asked, stably and distinctly per id", () => {
    const s = spec({ externalId: "pseudonymize" });
    const first = plan(user(), [], s).update.external_id!;
    expect(isPseudonym(first)).toBe(true);
    expect(plan(user(), [], s).update.external_id).toBe(first);
    expect(plan(user({ external_id: "crm-78" }), [], s).update.external_id).not.toBe(first);
    expect(plan(user({ external_id: first }), [], s).update).not.toHaveProperty("external_id");
  });

  it("adds the marker tag to a user it changes", () => {
    expect(plan().update.tags).toEqual(["vip", "hush-redacted"]);
  });

  it("holds none of the user's personal data in the plan", () => {
    const json = JSON.stringify(
      plan(user(), IDENTITIES, spec({ phones: "replace", externalId: "pseudonymize" })),
    );
    for (const value of ["Anna", "anna@", "23456789", "Annie", "Aarhus", "crm-77", "annaberg", "1990"]) {
      expect(json).not.toContain(value);
    }
  });

  it("changes nothing, not even the marker, for a user already anonymised", () => {
    const done = user({
      name: `${M.repeat(4)} ${M.repeat(4)}`,
      email: "anon-42-1@anonymized.invalid",
      phone: null,
      alias: null,
      details: null,
      notes: null,
      external_id: null,
      photo: null,
      tags: ["vip"],
      user_fields: { birthday: null, plan: "gold" },
    });
    const p = plan(done, [identity(1, "email", anonymisedEmail(42, 1, "anonymized.invalid"), true)]);
    expect(p).toEqual({ userId: 42, identityChanges: [], update: {}, changed: false });
  });
});

describe("planUserAnonymization against the simulator", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acme = (): Account => s.current.sim.account("acme")!;

  async function apply(userId: number, p: ReturnType<typeof plan>): Promise<void> {
    const base = `/api/v2/users/${userId}/identities`;
    for (const change of p.identityChanges) {
      const res =
        change.op === "create"
          ? await s.current.api("POST", `${base}.json`, {
              identity: { type: change.type, value: change.value },
            })
          : change.op === "update"
            ? await s.current.api("PUT", `${base}/${change.id}.json`, { identity: { value: change.value } })
            : await s.current.api("DELETE", `${base}/${change.id}.json`);
      expect(res.status, `${change.op} ${change.type}`).toBeLessThan(300);
    }
    const res = await s.current.api("PUT", `/api/v2/users/${userId}.json`, { user: p.update });
    expect(res.status).toBe(200);
  }

  const read = async (id: number) => ({
    user: (await s.current.api("GET", `/api/v2/users/${id}.json`)).body.user as User,
    identities: (await s.current.api("GET", `/api/v2/users/${id}/identities.json`)).body
      .identities as Identity[],
  });

  it.each(["remove", "replace"] as const)(
    "is accepted by Zendesk's identity and user endpoints (phones: %s), and finds nothing to do the second time",
    async (phones) => {
      const created = addUser(acme(), {
        name: "Anna Berg",
        email: `anna.${phones}@example.com`,
        phone: phones === "remove" ? "+4523456780" : "+4523456781",
        notes: "Prefers phone calls",
        external_id: `crm-${phones}`,
      });
      const before = await read(created.id);
      const s1 = spec({ phones, externalId: "pseudonymize" });
      const first = planUserAnonymization({ ...before, spec: s1 });
      await apply(created.id, first);

      const after = await read(created.id);
      expect(after.user.email).toBe(`anon-${created.id}-${before.identities[0]!.id}@anonymized.invalid`);
      expect(after.user.name).toBe(`${M.repeat(4)} ${M.repeat(4)}`);
      expect(after.user.notes).toBeNull();
      expect(after.user.tags).toContain("hush-redacted");
      if (phones === "remove") expect(after.user.phone).toBeNull();
      else expect(after.user.phone).toMatch(DRAMA_NUMBER);
      const second = planUserAnonymization({ ...after, spec: s1 });
      expect(second.changed).toBe(false);
    },
  );
});

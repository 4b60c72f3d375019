import { beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../src/simulator/account.js";
import { DAY, MINUTE } from "../../src/simulator/clock.js";
import { addTicket, addUser } from "../../src/simulator/factory.js";
import type { User } from "../../src/simulator/model.js";
import { type ApiResponse, useSimulator } from "../support/sim.js";

describe("users, identities and deleted users", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acme = (): Account => s.current.sim.account("acme")!;
  let n = 0;
  const customer = (fields: Partial<User> = {}): User => {
    n += 1;
    return addUser(acme(), { name: `Customer ${n}`, email: `customer${n}@example.org`, ...fields });
  };
  const jobResults = async (id: string) => (await s.current.api("GET", `/api/v2/job_statuses/${id}`)).body;

  beforeEach(() => {
    // Each test starts with fresh rate-limit windows.
    s.current.sim.limiter(acme()).reset();
  });

  describe("reading users", () => {
    it("shows a user, and show_many by ids and by external ids", async () => {
      const a = customer({ external_id: "EXT-A" });
      const b = customer();
      const one = await s.current.api("GET", `/api/v2/users/${a.id}.json`);
      expect(one.status).toBe(200);
      expect(one.body.user).toMatchObject({ id: a.id, email: a.email, active: true, role: "end-user" });
      const many = await s.current.api("GET", `/api/v2/users/show_many?ids=${a.id},${b.id},999999`);
      expect(many.body.users.map((u: { id: number }) => u.id)).toEqual([a.id, b.id]);
      const byExt = await s.current.api("GET", "/api/v2/users/show_many?external_ids=ext-a");
      expect(byExt.body.users.map((u: { id: number }) => u.id)).toEqual([a.id]);
      expect((await s.current.api("GET", "/api/v2/users/999999")).status).toBe(404);
    });

    it("walks every live user exactly once with cursor pagination", async () => {
      for (let i = 0; i < 7; i++) customer();
      const expected = [...acme().users.values()].filter((u) => u.deleted_at === null).map((u) => u.id);
      const seen: number[] = [];
      let path: string | null = "/api/v2/users?page[size]=3";
      while (path) {
        const res: ApiResponse = await s.current.api("GET", path);
        expect(res.status).toBe(200);
        seen.push(...res.body.users.map((u: { id: number }) => u.id));
        path = res.body.meta.has_more ? res.body.links.next.replace(s.current.url, "") : null;
      }
      expect(seen).toEqual(expected.sort((x, y) => x - y));
    });

    it("filters the list by role and role[] and offers offset pagination", async () => {
      const agents = await s.current.api("GET", "/api/v2/users?role=agent");
      expect(agents.body.users.every((u: { role: string }) => u.role === "agent")).toBe(true);
      expect(agents.body.count).toBe(
        [...acme().users.values()].filter((u) => u.role === "agent" && u.deleted_at === null).length,
      );
      const staff = await s.current.api("GET", "/api/v2/users?role[]=agent&role[]=admin");
      const staffCount = [...acme().users.values()].filter(
        (u) => u.role !== "end-user" && u.deleted_at === null,
      ).length;
      expect(staff.body.users).toHaveLength(staffCount);
      expect(new Set(staff.body.users.map((u: { role: string }) => u.role))).toEqual(
        new Set(["agent", "admin"]),
      );
      const page = await s.current.api("GET", "/api/v2/users?per_page=2&page=1");
      expect(page.body.users).toHaveLength(2);
      expect(page.body.next_page).toContain("page=2");
    });

    it("lists the tickets a user requests", async () => {
      const c = customer();
      const t1 = addTicket(acme(), { requester_id: c.id, status: "open" });
      addTicket(acme(), { requester_id: 1 });
      const t2 = addTicket(acme(), { requester_id: c.id, status: "solved" });
      const res = await s.current.api("GET", `/api/v2/users/${c.id}/tickets/requested?page[size]=10`);
      expect(res.body.tickets.map((t: { id: number }) => t.id)).toEqual([t1.id, t2.id]);
    });
  });

  describe("creating users", () => {
    it("creates a user whose email becomes its primary identity", async () => {
      const res = await s.current.api("POST", "/api/v2/users", {
        user: { name: "New Person", email: "new.person@example.org", id: 5 },
      });
      expect(res.status).toBe(201);
      expect(res.body.user).toMatchObject({ name: "New Person", email: "new.person@example.org" });
      expect(res.headers.get("x-zendesk-api-warn")).toContain('"user.id"');
      const ids = await s.current.api("GET", `/api/v2/users/${res.body.user.id}/identities`);
      expect(ids.body.identities).toEqual([
        expect.objectContaining({ type: "email", value: "new.person@example.org", primary: true }),
      ]);
    });

    it("refuses a missing name and a duplicate email with 422", async () => {
      const noName = await s.current.api("POST", "/api/v2/users", { user: { email: "x@example.org" } });
      expect(noName.status).toBe(422);
      expect(noName.body.details.name).toBeDefined();
      const taken = customer();
      const dup = await s.current.api("POST", "/api/v2/users", {
        user: { name: "Copy", email: taken.email!.toUpperCase() },
      });
      expect(dup.status).toBe(422);
      expect(dup.body.details.email[0].description).toContain("already being used");
    });
  });

  describe("updating users", () => {
    it("updates profile fields, merges user_fields and drops read-only keys with a warning", async () => {
      const c = customer({ user_fields: { plan: "gold", region: "eu" } });
      const res = await s.current.api("PUT", `/api/v2/users/${c.id}`, {
        user: {
          name: "Renamed",
          alias: "R",
          notes: "vip",
          details: "lives in Paris",
          tags: ["a", "b"],
          user_fields: { region: "us" },
          active: false,
          created_at: "2001-01-01T00:00:00Z",
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({
        name: "Renamed",
        alias: "R",
        notes: "vip",
        details: "lives in Paris",
        tags: ["a", "b"],
        user_fields: { plan: "gold", region: "us" },
        active: true,
      });
      expect(res.headers.get("x-zendesk-api-warn")).toContain('"user.active"');
    });

    it("adds an email sent on update as a secondary identity and keeps the primary email", async () => {
      const c = customer();
      const primary = c.email;
      const res = await s.current.api("PUT", `/api/v2/users/${c.id}`, {
        user: { email: "second@example.org" },
      });
      expect(res.body.user.email).toBe(primary);
      const ids = await s.current.api("GET", `/api/v2/users/${c.id}/identities?type[]=email`);
      expect(
        ids.body.identities.map((i: { value: string; primary: boolean }) => [i.value, i.primary]),
      ).toEqual([
        [primary, true],
        ["second@example.org", false],
      ]);
    });

    it("gives a unique phone an identity, and clears the profile phone with an empty string", async () => {
      const c = customer();
      const set = await s.current.api("PUT", `/api/v2/users/${c.id}`, { user: { phone: "+15550001111" } });
      expect(set.body.user.phone).toBe("+15550001111");
      const phones = await s.current.api("GET", `/api/v2/users/${c.id}/identities?type[]=phone_number`);
      expect(phones.body.identities.map((i: { value: string }) => i.value)).toEqual(["+15550001111"]);
      const cleared = await s.current.api("PUT", `/api/v2/users/${c.id}`, { user: { phone: "" } });
      expect(cleared.body.user.phone).toBeNull();
      // A number someone else already has is a shared number: no identity for the second user.
      const other = customer();
      await s.current.api("PUT", `/api/v2/users/${other.id}`, { user: { phone: "+15550001111" } });
      const none = await s.current.api("GET", `/api/v2/users/${other.id}/identities?type[]=phone_number`);
      expect(none.body.identities).toEqual([]);
    });

    it("refuses an external_id another user has, compared case-insensitively", async () => {
      customer({ external_id: "CRM-42" });
      const c = customer();
      const res = await s.current.api("PUT", `/api/v2/users/${c.id}`, { user: { external_id: "crm-42" } });
      expect(res.status).toBe(422);
      expect(res.body.details.external_id).toBeDefined();
    });

    it("sets a photo from remote_photo_url and removes it with photo: null", async () => {
      const c = customer();
      const set = await s.current.api("PUT", `/api/v2/users/${c.id}`, {
        user: { remote_photo_url: "https://cdn.example.org/me.jpg" },
      });
      expect(set.body.user.photo).toMatchObject({ file_name: "me.jpg", content_type: "image/jpeg" });
      const removed = await s.current.api("PUT", `/api/v2/users/${c.id}`, { user: { photo: null } });
      expect(removed.body.user.photo).toBeNull();
    });

    it("lets agents update end users but not admins, and only admins change roles", async () => {
      const c = customer();
      const ok = await s.current.api(
        "PUT",
        `/api/v2/users/${c.id}`,
        { user: { notes: "n" } },
        s.current.agentAuth,
      );
      expect(ok.status).toBe(200);
      const admin = await s.current.api(
        "PUT",
        "/api/v2/users/1",
        { user: { notes: "n" } },
        s.current.agentAuth,
      );
      expect(admin.status).toBe(403);
      expect(admin.body.error).toBe("Forbidden");
      const promote = await s.current.api(
        "PUT",
        `/api/v2/users/${c.id}`,
        { user: { role: "agent" } },
        s.current.agentAuth,
      );
      expect(promote.status).toBe(403);
      const byAdmin = await s.current.api("PUT", `/api/v2/users/${c.id}`, { user: { role: "agent" } });
      expect(byAdmin.body.user.role).toBe("agent");
    });

    it("allows 5 updates a minute per user; the 6th is a plain-text 429 naming the user without Retry-After", async () => {
      const clock = s.current.sim.clock;
      clock.set(Math.ceil(clock.now() / MINUTE) * MINUTE + 1000);
      const c = customer({ external_id: "rl-1" });
      for (let i = 0; i < 5; i++) {
        const res = await s.current.api("PUT", `/api/v2/users/${c.id}`, { user: { notes: `n${i}` } });
        expect(res.status).toBe(200);
      }
      const limited = await s.current.api("PUT", `/api/v2/users/${c.id}`, { user: { notes: "n5" } });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("content-type")).toContain("text/plain");
      expect(limited.headers.get("retry-after")).toBeNull();
      expect(limited.text).toBe(
        `You have exceeded the rate limit for updating a single unique user. user email: ${c.email} id: ${c.id} external_id: rl-1`,
      );
      // Other users are not affected.
      const other = customer();
      expect((await s.current.api("PUT", `/api/v2/users/${other.id}`, { user: { notes: "x" } })).status).toBe(
        200,
      );
      clock.advance(60_000);
      const again = await s.current.api("PUT", `/api/v2/users/${c.id}`, { user: { notes: "n6" } });
      expect(again.status).toBe(200);
    });

    it("updates many users through a job", async () => {
      const a = customer();
      const b = customer();
      const bulk = await s.current.api("PUT", `/api/v2/users/update_many?ids=${a.id},${b.id}`, {
        user: { notes: "bulk" },
      });
      expect(bulk.body.job_status.id).toBeTruthy();
      const job = await jobResults(bulk.body.job_status.id);
      expect(job.job_status.status).toBe("completed");
      expect(job.job_status.results).toEqual([
        { id: a.id, action: "update", success: true, status: "Updated" },
        { id: b.id, action: "update", success: true, status: "Updated" },
      ]);
      expect(acme().users.get(a.id)!.notes).toBe("bulk");
      const batch = await s.current.api("PUT", "/api/v2/users/update_many", {
        users: [
          { id: a.id, alias: "A" },
          { id: 999999, alias: "nobody" },
        ],
      });
      const batchJob = await jobResults(batch.body.job_status.id);
      expect(batchJob.job_status.results[0]).toMatchObject({ id: a.id, success: true });
      expect(batchJob.job_status.results[1]).toMatchObject({ success: false });
      expect(acme().users.get(a.id)!.alias).toBe("A");
    });
  });

  describe("identities", () => {
    it("creates, reads, updates, makes primary and deletes identities, keeping user.email in step", async () => {
      const c = customer();
      const base = `/api/v2/users/${c.id}/identities`;
      const created = await s.current.api("POST", base, {
        identity: { type: "email", value: "alt@example.org" },
      });
      expect(created.status).toBe(201);
      expect(created.body.identity).toMatchObject({ type: "email", primary: false });
      const id = created.body.identity.id;
      expect((await s.current.api("GET", `${base}/${id}`)).body.identity.value).toBe("alt@example.org");

      const dup = await s.current.api("POST", base, {
        identity: { type: "email", value: "ALT@example.org" },
      });
      expect(dup.status).toBe(422);

      const updated = await s.current.api("PUT", `${base}/${id}`, {
        identity: { value: "alt2@example.org", verified: true, primary: true },
      });
      expect(updated.body.identity).toMatchObject({
        value: "alt2@example.org",
        verified: true,
        primary: false,
      });

      const made = await s.current.api("PUT", `${base}/${id}/make_primary`);
      expect(made.status).toBe(200);
      expect(made.body.identities.find((i: { id: number }) => i.id === id).primary).toBe(true);
      expect((await s.current.api("GET", `/api/v2/users/${c.id}`)).body.user.email).toBe("alt2@example.org");

      const oldPrimary = made.body.identities.find((i: { id: number }) => i.id !== id).id;
      expect((await s.current.api("DELETE", `${base}/${oldPrimary}`)).status).toBe(204);
      const left = await s.current.api("GET", base);
      expect(left.body.identities.map((i: { id: number }) => i.id)).toEqual([id]);
    });

    it("refuses to delete a primary email while another email could replace it, and clears the email for the last one", async () => {
      const c = customer();
      const base = `/api/v2/users/${c.id}/identities`;
      const primaryId = acme().identities.get(c.id)![0]!.id;
      await s.current.api("POST", base, { identity: { type: "email", value: `second.${c.id}@example.org` } });
      const refused = await s.current.api("DELETE", `${base}/${primaryId}`);
      expect(refused.status).toBe(422);
      const secondId = acme().identities.get(c.id)![1]!.id;
      expect((await s.current.api("DELETE", `${base}/${secondId}`)).status).toBe(204);
      expect((await s.current.api("DELETE", `${base}/${primaryId}`)).status).toBe(204);
      expect((await s.current.api("GET", `/api/v2/users/${c.id}`)).body.user.email).toBeNull();
    });

    it("makes a phone identity primary and mirrors it in user.phone", async () => {
      const c = customer();
      const created = await s.current.api("POST", `/api/v2/users/${c.id}/identities`, {
        identity: { type: "phone_number", value: "+15557778888" },
      });
      await s.current.api("PUT", `/api/v2/users/${c.id}/identities/${created.body.identity.id}/make_primary`);
      expect((await s.current.api("GET", `/api/v2/users/${c.id}`)).body.user.phone).toBe("+15557778888");
    });
  });

  describe("deleting users", () => {
    it("refuses to soft-delete the requester of a ticket that is not closed, and allows it once closed", async () => {
      const c = customer();
      const ticket = addTicket(acme(), { requester_id: c.id, status: "solved" });
      const refused = await s.current.api("DELETE", `/api/v2/users/${c.id}`);
      expect(refused.status).toBe(422);
      expect(refused.body.details.base[0].description).toBe(
        "User is requester on 1 tickets that are not closed.",
      );
      ticket.status = "closed";
      const deleted = await s.current.api("DELETE", `/api/v2/users/${c.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body.user).toMatchObject({ id: c.id, active: false });
      // Still shown, inactive, with its identities until permanent deletion.
      expect((await s.current.api("GET", `/api/v2/users/${c.id}`)).body.user.active).toBe(false);
      expect((await s.current.api("GET", `/api/v2/users/${c.id}/identities`)).body.identities).toHaveLength(
        1,
      );
      expect((await s.current.api("DELETE", `/api/v2/users/${c.id}`)).status).toBe(404);
    });

    it("forbids the plain agent to delete users; the agent with delete permission deletes end users only", async () => {
      const c = customer();
      expect(
        (await s.current.api("DELETE", `/api/v2/users/${c.id}`, undefined, s.current.agentAuth)).status,
      ).toBe(403);
      expect(
        (await s.current.api("DELETE", "/api/v2/users/2", undefined, s.current.deleterAuth)).status,
      ).toBe(403);
      expect(
        (await s.current.api("DELETE", `/api/v2/users/${c.id}`, undefined, s.current.deleterAuth)).status,
      ).toBe(200);
    });

    it("lists, counts and shows deleted users, and permanently deletes them to a skeleton", async () => {
      const c = customer({ phone: "+15551230000" });
      const before = (await s.current.api("GET", "/api/v2/deleted_users/count")).body.count.value;
      expect((await s.current.api("DELETE", `/api/v2/deleted_users/${c.id}`)).status).toBe(404);
      await s.current.api("DELETE", `/api/v2/users/${c.id}`);
      expect((await s.current.api("GET", "/api/v2/deleted_users/count")).body.count.value).toBe(before + 1);
      const shown = await s.current.api("GET", `/api/v2/deleted_users/${c.id}`);
      expect(shown.body.deleted_user).toMatchObject({ id: c.id, email: c.email, active: false });

      const byAgent = await s.current.api(
        "DELETE",
        `/api/v2/deleted_users/${c.id}`,
        undefined,
        s.current.deleterAuth,
      );
      expect(byAgent.status).toBe(403);
      const gone = await s.current.api("DELETE", `/api/v2/deleted_users/${c.id}`);
      expect(gone.status).toBe(200);
      expect(gone.body.deleted_user).toMatchObject({
        id: c.id,
        name: "Permanently Deleted User",
        email: null,
        phone: null,
      });
      expect((await s.current.api("GET", `/api/v2/users/${c.id}/identities`)).body.identities).toEqual([]);
      expect((await s.current.api("GET", `/api/v2/users/${c.id}`)).body.user.name).toBe(
        "Permanently Deleted User",
      );
      expect((await s.current.api("GET", `/api/v2/deleted_users/${c.id}`)).status).toBe(404);
      const list = await s.current.api("GET", "/api/v2/deleted_users?page[size]=100");
      expect(list.body.deleted_users.find((u: { id: number }) => u.id === c.id).name).toBe(
        "Permanently Deleted User",
      );
    });

    it("permanently deletes soft-deleted users automatically after 30 days", async () => {
      const c = customer();
      await s.current.api("DELETE", `/api/v2/users/${c.id}`);
      await s.current.inspect("POST", "/__sim/clock", { advance: "29d" });
      expect((await s.current.api("GET", `/api/v2/users/${c.id}`)).body.user.name).toBe(c.name);
      s.current.sim.clock.advance(DAY + MINUTE);
      const res = await s.current.api("GET", `/api/v2/users/${c.id}`);
      expect(res.body.user).toMatchObject({ name: "Permanently Deleted User", email: null, active: false });
      expect(acme().identities.has(c.id)).toBe(false);
    });

    it("deletes many users through a job, reporting users that cannot be deleted", async () => {
      const a = customer();
      const b = customer();
      addTicket(acme(), { requester_id: b.id, status: "open" });
      const res = await s.current.api("DELETE", `/api/v2/users/destroy_many?ids=${a.id},${b.id}`);
      const job = await jobResults(res.body.job_status.id);
      expect(job.job_status.results[0]).toEqual({
        id: a.id,
        action: "delete",
        success: true,
        status: "Deleted",
      });
      expect(job.job_status.results[1]).toMatchObject({ id: b.id, success: false });
      expect(acme().users.get(a.id)!.active).toBe(false);
      expect(acme().users.get(b.id)!.active).toBe(true);
      const byAgent = await s.current.api(
        "DELETE",
        `/api/v2/users/destroy_many?ids=${b.id}`,
        undefined,
        s.current.deleterAuth,
      );
      expect(byAgent.status).toBe(403);
    });
  });

  describe("organizations", () => {
    it("shows, lists and show_many organizations", async () => {
      const now = s.current.sim.clock.now();
      const ids: number[] = [];
      for (const name of ["Org A", "Org B"]) {
        const id = acme().nextId("organization");
        acme().organizations.set(id, { id, name, domain_names: [], created_at: now, updated_at: now });
        ids.push(id);
      }
      const one = await s.current.api("GET", `/api/v2/organizations/${ids[0]}`);
      expect(one.body.organization.name).toBe("Org A");
      const many = await s.current.api("GET", `/api/v2/organizations/show_many?ids=${ids.join(",")}`);
      expect(many.body.organizations).toHaveLength(ids.length);
      const list = await s.current.api("GET", "/api/v2/organizations?page[size]=1");
      expect(list.body.organizations).toHaveLength(1);
      expect(list.body.meta.has_more).toBe(acme().organizations.size > 1);
      expect((await s.current.api("GET", "/api/v2/organizations/999999")).status).toBe(404);
      const c = customer();
      const moved = await s.current.api("PUT", `/api/v2/users/${c.id}`, {
        user: { organization_id: ids[0] },
      });
      expect(moved.body.user.organization_id).toBe(ids[0]);
    });
  });
});

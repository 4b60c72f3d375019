import { afterAll, describe, expect, it } from "vitest";
import { RateBudget } from "../../src/zendesk/budget.js";
import { ZendeskClient, type ZendeskClientOptions } from "../../src/zendesk/client.js";
import type { ZendeskCredentials } from "../../src/zendesk/credentials.js";
import {
  AuthenticationError,
  ClosedTicketError,
  ConflictError,
  NotFoundError,
  PermissionError,
  ValidationError,
} from "../../src/zendesk/errors.js";
import { useSimulator } from "../support/sim.js";
import { adminCredentials, simulatorClock } from "./client-support.js";

// Authentication, addressing and typed errors against the simulator (ZENDESK_API.md 1, 5.7).

describe("ZendeskClient requests", () => {
  const s = useSimulator({
    accounts: [
      { subdomain: "acme", tickets: 5 },
      { subdomain: "globex", tickets: 0 },
    ],
  });
  const clients: ZendeskClient[] = [];
  const client = (options: Partial<ZendeskClientOptions> = {}): ZendeskClient => {
    const created = new ZendeskClient({
      baseUrl: s.current.url,
      credentials: adminCredentials(s.current),
      clock: simulatorClock(s.current),
      ...options,
    });
    clients.push(created);
    return created;
  };
  afterAll(() => Promise.all(clients.map((c) => c.close())));
  const staff = () => s.current.sim.describe()[0]!.credentials;
  /** A seeded ticket that is not closed, so that updates reach validation. */
  const openTicketId = async (): Promise<number> => {
    const res = await s.current.api("GET", "/api/v2/tickets.json");
    return res.body.tickets.find((t: { status: string }) => t.status !== "closed").id;
  };
  const me = { method: "GET", path: "/api/v2/users/me", route: "/api/v2/users/me" } as const;
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error("the request was expected to fail");
      },
      (error: unknown) => error,
    );

  it("authenticates with an API token on behalf of the admin", async () => {
    const res = await client().request<{ user: { id: number; role: string } }>(me);
    expect(res.body.user).toMatchObject({ id: staff().admin.userId, role: "admin" });
  });

  it("authenticates with an OAuth access token", async () => {
    const credentials: ZendeskCredentials = { kind: "oauth", accessToken: staff().agent.oauthToken };
    const res = await client({ credentials }).request<{ user: { id: number } }>(me);
    expect(res.body.user.id).toBe(staff().agent.userId);
  });

  it("reaches a further simulator account under /accounts/<subdomain>", async () => {
    const globex = s.current.sim.describe()[1]!.credentials.admin;
    const res = await client({
      baseUrl: `${s.current.url}/accounts/globex`,
      credentials: { kind: "apiToken", email: globex.email, token: globex.token },
    }).request<{ user: { email: string } }>(me);
    expect(res.body.user.email).toBe(globex.email);
  });

  it("sends list query values comma-separated and leaves out undefined ones", async () => {
    const res = await client().request<{ tickets: { id: number }[] }>({
      method: "GET",
      path: "/api/v2/tickets/show_many",
      route: "/api/v2/tickets/show_many",
      query: { ids: [1, 3], include: undefined },
    });
    expect(res.body.tickets.map((t) => t.id).sort()).toEqual([1, 3]);
  });

  it("follows a next-page link that Zendesk returned", async () => {
    const c = client();
    const first = await c.request<{ links: { next: string }; tickets: { id: number }[] }>({
      method: "GET",
      path: "/api/v2/tickets",
      route: "/api/v2/tickets",
      query: { "page[size]": 2 },
    });
    const second = await c.request<{ tickets: { id: number }[] }>({
      method: "GET",
      path: "/api/v2/tickets",
      route: "/api/v2/tickets",
      url: first.body.links.next,
    });
    const firstIds = first.body.tickets.map((t) => t.id);
    expect(second.body.tickets.length).toBeGreaterThan(0);
    for (const ticket of second.body.tickets) expect(firstIds).not.toContain(ticket.id);
  });

  it("refuses to send the account's credentials to a link on another host", async () => {
    const request = client().request({
      method: "GET",
      path: "/api/v2/tickets",
      route: "/api/v2/tickets",
      url: "https://evil.example.com/api/v2/tickets?page[after]=x",
    });
    await expect(request).rejects.toThrow(/not under the account's base URL/);
  });

  it("learns the account's limit from the first response", async () => {
    const budget = new RateBudget({ clock: simulatorClock(s.current) });
    expect(budget.snapshot().limitSource).toBe("assumed");
    await client({ budget }).request(me);
    expect(budget.snapshot()).toMatchObject({ limit: 700, limitSource: "learnt", allowedPerMinute: 350 });
  });

  describe("typed errors", () => {
    it("reports a wrong API token as an authentication error without the token", async () => {
      const credentials: ZendeskCredentials = {
        kind: "apiToken",
        email: staff().admin.email,
        token: "wrong-token",
      };
      const error = await failure(client({ credentials }).request(me));
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ kind: "Authentication", status: 401, route: "/api/v2/users/me" });
      expect(String(error)).not.toContain("wrong-token");
      expect(String(error)).not.toContain(staff().admin.email);
    });

    it("reports an unknown OAuth token as an authentication error", async () => {
      const error = await failure(
        client({ credentials: { kind: "oauth", accessToken: "nope" } }).request(me),
      );
      expect(error).toBeInstanceOf(AuthenticationError);
    });

    it("reports a write with a read-only OAuth scope as a permission error", async () => {
      const credentials: ZendeskCredentials = { kind: "oauth", accessToken: staff().readOnlyOAuthToken };
      const error = await failure(
        client({ credentials }).request({
          method: "PUT",
          path: "/api/v2/tickets/1",
          route: "/api/v2/tickets/{id}",
          body: { ticket: { priority: "low" } },
        }),
      );
      expect(error).toBeInstanceOf(PermissionError);
      expect(error).toMatchObject({ status: 403, method: "PUT", route: "/api/v2/tickets/{id}" });
    });

    it("reports a delete by an agent without the delete permission as a permission error", async () => {
      const agent = staff().agent;
      const credentials: ZendeskCredentials = { kind: "apiToken", email: agent.email, token: agent.token };
      const error = await failure(
        client({ credentials }).request({
          method: "DELETE",
          path: "/api/v2/tickets/2",
          route: "/api/v2/tickets/{id}",
        }),
      );
      expect(error).toBeInstanceOf(PermissionError);
    });

    it("reports a missing ticket as not found", async () => {
      const asking = client();
      const error = await failure(
        asking.request({ method: "GET", path: "/api/v2/tickets/987654", route: "/api/v2/tickets/{id}" }),
      );
      expect(error).toBeInstanceOf(NotFoundError);
      expect(asking.budget.snapshot().requestsInFlight).toBe(0);
      expect(error).toMatchObject({ code: "RecordNotFound", route: "/api/v2/tickets/{id}" });
      expect(String(error)).not.toContain("987654");
    });

    it("reports an update of a closed ticket as a closed-ticket error", async () => {
      const c = client();
      const imported = await c.request<{ ticket: { id: number } }>({
        method: "POST",
        path: "/api/v2/imports/tickets",
        route: "/api/v2/imports/tickets",
        body: {
          ticket: {
            subject: "Old",
            requester_id: 1,
            status: "closed",
            comments: [{ author_id: 1, value: "x" }],
          },
        },
      });
      const error = await failure(
        c.request({
          method: "PUT",
          path: `/api/v2/tickets/${imported.body.ticket.id}`,
          route: "/api/v2/tickets/{id}",
          body: { ticket: { subject: "New" } },
        }),
      );
      expect(error).toBeInstanceOf(ClosedTicketError);
      expect(error).toMatchObject({ kind: "ClosedTicket", status: 422 });
    });

    it("reports a lost safe update as a conflict", async () => {
      const error = await failure(
        client().request({
          method: "PUT",
          path: `/api/v2/tickets/${await openTicketId()}`,
          route: "/api/v2/tickets/{id}",
          body: { ticket: { priority: "low", safe_update: true, updated_stamp: "2001-01-01T00:00:00Z" } },
        }),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ status: 409, code: "UpdateConflict" });
    });

    it("reports offset pagination past Zendesk's page limit as a validation error with its code", async () => {
      const error = await failure(
        client().request({
          method: "GET",
          path: "/api/v2/tickets",
          route: "/api/v2/tickets",
          query: { page: 101, per_page: 100 },
        }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ status: 400, codes: ["InvalidPaginationParameter"] });
    });

    it("reports an invalid field value as a validation error naming the field, not its value", async () => {
      const error = await failure(
        client().request({
          method: "PUT",
          path: `/api/v2/tickets/${await openTicketId()}`,
          route: "/api/v2/tickets/{id}",
          body: { ticket: { status: "sleeping-mode" } },
        }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields).toEqual(["status"]);
      expect(String(error)).not.toContain("sleeping-mode");
    });
  });
});

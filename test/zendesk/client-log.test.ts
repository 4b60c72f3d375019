import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { ZendeskClient } from "../../src/zendesk/client.js";
import { RateLimitedError } from "../../src/zendesk/errors.js";
import { pinoRequestLogger } from "../../src/zendesk/request-log.js";
import { useSimulator } from "../support/sim.js";
import { adminCredentials, recordingLogger, simulatorClock } from "./client-support.js";

// Request logs carry method, route template, status, duration and attempt: never personal data,
// query values, bodies, ids in paths or credentials.

describe("ZendeskClient request log", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 20 }] });
  const clients: ZendeskClient[] = [];
  afterAll(() => Promise.all(clients.map((c) => c.close())));

  it("logs every attempt by route template and never a secret, query value, body or id", async () => {
    const credentials = adminCredentials(s.current);
    if (credentials.kind !== "apiToken") throw new Error("expected an API token");
    const logger = recordingLogger();
    const lines: string[] = [];
    const pinoLogger = pino(
      { level: "debug" },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const pinoAdapter = pinoRequestLogger(pinoLogger);
    const client = new ZendeskClient({
      baseUrl: s.current.url,
      credentials,
      clock: simulatorClock(s.current),
      logger: {
        request: (entry) => {
          logger.request(entry);
          pinoAdapter.request(entry);
        },
      },
      maxRetries: 0,
    });
    clients.push(client);

    const users = await client.request<{ users: { id: number; email: string | null; role: string }[] }>({
      method: "GET",
      path: "/api/v2/users",
      route: "/api/v2/users",
      query: { role: "end-user" },
    });
    const customer = users.body.users.find((u) => u.email)!;
    await client.request({
      method: "GET",
      path: "/api/v2/search",
      route: "/api/v2/search",
      query: { query: `requester:${customer.email}`, sort_by: "created_at" },
    });
    // The sixth update of one user in a minute gets Zendesk's plain-text 429 naming the user (2.3).
    let limited: unknown;
    for (let i = 0; i < 6 && !limited; i++) {
      limited = await client
        .request({
          method: "PUT",
          path: `/api/v2/users/${customer.id}`,
          route: "/api/v2/users/{id}",
          body: { user: { notes: `Private note about ${customer.email} #${i}` } },
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
    }
    expect(limited).toBeInstanceOf(RateLimitedError);

    expect(logger.entries.map((e) => [e.method, e.route, e.status])).toEqual([
      ["GET", "/api/v2/users", 200],
      ["GET", "/api/v2/search", 200],
      ...Array(5).fill(["PUT", "/api/v2/users/{id}", 200]),
      ["PUT", "/api/v2/users/{id}", 429],
    ]);
    for (const entry of logger.entries) {
      expect(entry.attempt).toBe(1);
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(lines).toHaveLength(logger.entries.length);

    const everything = [
      JSON.stringify(logger.entries),
      lines.join("\n"),
      String(limited),
      JSON.stringify(limited),
    ].join("\n");
    const authorization = Buffer.from(`${credentials.email}/token:${credentials.token}`).toString("base64");
    for (const secret of [
      credentials.token,
      credentials.email,
      authorization,
      customer.email!,
      "requester",
      "end-user",
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain(`/users/${customer.id}`);
    expect(everything).not.toContain("Private note");
  });
});

import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { type ZendeskAccountInput, zendeskAccountSchema } from "../../src/api/zendesk-account.js";
import { AccountConfigError, checkCredentials, connectAccount } from "../../src/sweep/connect.js";
import type { Clock } from "../../src/zendesk/clock.js";
import { useSimulator } from "../support/sim.js";

// From a ZendeskAccount and its Secret's data to a client with the account's rate budget, and the
// check of its credentials that account status reports.

/** Real time, but retries do not wait: a check against a dead port ends at once. */
const impatient: Clock = { now: () => Date.now(), sleep: async (_ms, signal) => signal?.throwIfAborted() };

function account(spec: Partial<ZendeskAccountInput["spec"]> = {}) {
  return zendeskAccountSchema.parse({
    apiVersion: "hush.dev/v1alpha1",
    kind: "ZendeskAccount",
    metadata: { name: "acme", namespace: "privacy" },
    spec: { subdomain: "acme", credentials: { secretRef: { name: "acme-zendesk" } }, ...spec },
  });
}

const TOKEN = { email: "admin@acme.example.com", token: "t0k3n-value" };

describe("connectAccount", () => {
  it("budgets the plan's requests a minute at the account's share", () => {
    const conn = connectAccount(account({ rateLimit: { plan: "Enterprise", share: 40 } }), {
      credentials: TOKEN,
    });
    expect(conn.budget.snapshot()).toMatchObject({
      limit: 700,
      limitSource: "configured",
      share: 40,
      allowedPerMinute: 280,
    });
    expect(conn.client.baseUrl.href).toBe("https://acme.zendesk.com/");
  });

  it("takes an explicit limit over the plan, and the High Volume add-on's 2,500 otherwise", () => {
    const explicit = connectAccount(account({ rateLimit: { plan: "Team", requestsPerMinute: 321 } }), {
      credentials: TOKEN,
    });
    expect(explicit.budget.snapshot().limit).toBe(321);
    const highVolume = connectAccount(account({ rateLimit: { plan: "Team", highVolume: true } }), {
      credentials: TOKEN,
    });
    expect(highVolume.budget.snapshot().limit).toBe(2500);
  });

  it("learns the limit from Zendesk when neither plan nor limit is given", () => {
    const conn = connectAccount(account(), { credentials: TOKEN });
    expect(conn.budget.snapshot().limitSource).toBe("assumed");
  });

  it("carries the region and the pseudonym key, and sends requests to baseURL when given", () => {
    const conn = connectAccount(
      account({
        baseURL: "http://127.0.0.1:9/zendesk",
        defaultRegion: "DK",
        pseudonymKey: { secretRef: { name: "acme-pseudonyms" } },
      }),
      { credentials: { oauthToken: "bearer-value" }, pseudonymKey: "k3y" },
    );
    expect(conn).toMatchObject({ region: "DK", pseudonymKey: "k3y" });
    expect(conn.client.baseUrl.href).toBe("http://127.0.0.1:9/zendesk");
  });

  it("names the missing Secret key, never a value", () => {
    const connect = () => connectAccount(account(), { credentials: { email: "admin@acme.example.com" } });
    expect(connect).toThrow(AccountConfigError);
    expect(connect).toThrow(/ZendeskAccount privacy\/acme: .*"token".*Secret "acme-zendesk"/);
    expect(connect).not.toThrow(/admin@acme/);

    const withoutKey = () =>
      connectAccount(account({ pseudonymKey: { secretRef: { name: "acme-pseudonyms", key: "hmac" } } }), {
        credentials: TOKEN,
      });
    expect(withoutKey).toThrow('the pseudonym key Secret "acme-pseudonyms" has no "hmac" key');
  });
});

describe("checkCredentials", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const connect = (credentials: Record<string, string>) =>
    connectAccount(account({ baseURL: s.current.url }), { credentials }, { clock: impatient });

  it("accepts an admin's and an agent's API token", async () => {
    const { admin, agent } = s.current.sim.describe()[0]!.credentials;
    for (const who of [admin, agent]) {
      const conn = connect({ email: who.email, token: who.token });
      expect(await checkCredentials(conn)).toEqual({ ok: true });
      await conn.close();
    }
  });

  it("reports a refused token as InvalidCredentials without repeating it", async () => {
    const conn = connect({ email: "admin@acme.example.com", token: "wrong-token-value" });
    const check = await checkCredentials(conn);
    expect(check).toMatchObject({ ok: false, reason: "InvalidCredentials" });
    expect(JSON.stringify(check)).not.toContain("wrong-token-value");
    await conn.close();
  });

  it("reports a rate-limited check with the wait Zendesk asked for (Retry-After)", async () => {
    await s.current.inspect("PUT", "/__sim/faults", {
      rateLimitStorm: "1h",
      rateLimitStormRetryAfterSeconds: 900,
    });
    try {
      const { admin } = s.current.sim.describe()[0]!.credentials;
      const conn = connect({ email: admin.email, token: admin.token });
      expect(await checkCredentials(conn)).toMatchObject({
        ok: false,
        reason: "RateLimited",
        retryAfterMs: 900_000,
      });
      await conn.close();
    } finally {
      await s.current.inspect("PUT", "/__sim/faults", { rateLimitStorm: 0 });
    }
  });

  it("reports an account nobody answers for as Unreachable", async () => {
    const port = await closedPort();
    const conn = connectAccount(
      account({ baseURL: `http://127.0.0.1:${port}` }),
      { credentials: TOKEN },
      { clock: impatient },
    );
    expect(await checkCredentials(conn)).toMatchObject({ ok: false, reason: "Unreachable" });
    await conn.close();
  });
});

/** A port that was free a moment ago: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

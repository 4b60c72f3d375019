import { afterEach, describe, expect, it } from "vitest";
import { AccountConnections } from "../../src/controller/account-connections.js";
import type { AccountConnection } from "../../src/sweep/connect.js";
import type { SimHandle } from "../support/sim.js";
import { useSimulator } from "../support/sim.js";
import { countOf, requestLog } from "../sweep/sweep-fixtures.js";
import {
  accountObject,
  adminCredentials,
  conditionsOf,
  createAccount,
  eventReasons,
  type Harness,
  key,
  NAMESPACE,
  readyOf,
  SIM_RPM,
  secretObject,
  startHarness,
  statusOf,
} from "./controller-harness.js";

// The ZendeskAccount reconciler against the in-memory cluster and the simulator: it reads the
// account's Secret, asks Zendesk who the credentials belong to, says so in Ready, and asks again
// only when something changed or the answer is old.

const s = useSimulator({
  accounts: [{ subdomain: "acme", tickets: 0, settings: { requestsPerMinute: SIM_RPM } }],
});
let harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses) await h.stop();
  harnesses = [];
});
async function harness(): Promise<Harness> {
  const h = await startHarness(s.current);
  harnesses.push(h);
  return h;
}
const usersMe = async (sim: SimHandle) => countOf(await requestLog(sim), "GET", "/api/v2/users/me");

describe("the ZendeskAccount reconciler", () => {
  it("makes an account Ready (Authenticated) once Zendesk accepts its credentials, with the rate limit in use", async () => {
    const h = await harness();
    await createAccount(h, s.current);
    await h.drain();

    const status = statusOf(h, "ZendeskAccount", "acme");
    expect(conditionsOf(status)).toEqual({ Ready: "True/Authenticated" });
    expect(status.observedGeneration).toBe(1);
    expect(status.rateLimit).toEqual({
      requestsPerMinute: SIM_RPM,
      source: "Configured",
      allowedPerMinute: SIM_RPM,
    });
    expect(status.lastCheckedTime).toBe(`${new Date(h.clock.now()).toISOString().slice(0, 19)}Z`);
    expect(eventReasons(h)).toEqual(["Authenticated"]);
  });

  it("records the limit Zendesk's X-Rate-Limit header reports when the spec names none", async () => {
    const h = await harness();
    await h.cluster.create(secretObject("acme-zendesk", adminCredentials(s.current)));
    await h.cluster.create(accountObject(s.current, "acme", { rateLimit: { share: 50 } }));
    await h.drain();
    expect(statusOf(h, "ZendeskAccount", "acme").rateLimit).toEqual({
      requestsPerMinute: SIM_RPM,
      source: "Learnt",
      allowedPerMinute: SIM_RPM / 2,
    });
  });

  it("asks Zendesk once and writes nothing when reconciled again with nothing changed, then again an hour later", async () => {
    const h = await harness();
    await createAccount(h, s.current);
    await h.drain();
    const asked = await usersMe(s.current);
    const writes = h.cluster.writes.total;

    for (let i = 0; i < 3; i++) {
      const result = await h.reconcile("ZendeskAccount", "acme");
      expect(result.requeueAfterMs).toBeGreaterThan(59 * 60_000);
    }
    expect(await usersMe(s.current)).toBe(asked);
    expect(h.cluster.writes.total).toBe(writes);

    const statusWrites = h.cluster.writes.replaceStatus;
    await h.advance(60 * 60_000);
    expect(await usersMe(s.current)).toBe(asked + 1);
    // Same answer, new lastCheckedTime: one status write, no Event (Ready did not change).
    expect(h.cluster.writes.replaceStatus).toBe(statusWrites + 1);
    expect(eventReasons(h)).toEqual(["Authenticated"]);
  });

  it("is Stalled with InvalidCredentials when Zendesk refuses the token, without retrying in a loop", async () => {
    const h = await harness();
    await h.cluster.create(
      secretObject("acme-zendesk", { email: adminCredentials(s.current).email, token: "wrong" }),
    );
    await h.cluster.create(accountObject(s.current));
    await h.drain();

    const status = statusOf(h, "ZendeskAccount", "acme");
    expect(conditionsOf(status)).toEqual({
      Ready: "False/InvalidCredentials",
      Stalled: "True/InvalidCredentials",
    });
    expect(status.conditions[0].message).toContain("check the email and API token");
    expect(h.reconciled.filter((r) => r.error)).toEqual([]);
    // Looked at again in ten minutes (or at once when the Secret or the account changes).
    expect(h.delayed.map((d) => d.at - h.clock.now())).toEqual([10 * 60_000]);
    expect(eventReasons(h)).toEqual(["InvalidCredentials"]);
  });

  it("says SecretNotFound until the Secret appears, then becomes Ready without a restart", async () => {
    const h = await harness();
    await h.cluster.create(accountObject(s.current));
    await h.drain();
    const waiting = statusOf(h, "ZendeskAccount", "acme");
    expect(conditionsOf(waiting)).toEqual({ Ready: "False/SecretNotFound", Stalled: "True/SecretNotFound" });
    expect(waiting.conditions[0].message).toBe(
      `Secret ${NAMESPACE}/acme-zendesk (spec.credentials.secretRef.name) does not exist; create it with the keys email and token (an API token) or oauthToken, or correct the name.`,
    );
    // No check was made: nothing to record as checked.
    expect(waiting.lastCheckedTime).toBeUndefined();

    await h.cluster.create(secretObject("acme-zendesk", adminCredentials(s.current)));
    await h.drain();
    expect(readyOf(h, "ZendeskAccount", "acme")).toBe("True/Authenticated");
  });

  it("says SecretKeyMissing, naming the key, when the Secret lacks the token", async () => {
    const h = await harness();
    await h.cluster.create(secretObject("acme-zendesk", { email: adminCredentials(s.current).email }));
    await h.cluster.create(accountObject(s.current));
    await h.drain();
    const status = statusOf(h, "ZendeskAccount", "acme");
    expect(conditionsOf(status)).toEqual({
      Ready: "False/SecretKeyMissing",
      Stalled: "True/SecretKeyMissing",
    });
    expect(status.conditions[0].message).toContain('has no "token" key');
  });

  it("picks up a rotated Secret: a new connection, checked at once", async () => {
    const h = await harness();
    await createAccount(h, s.current);
    await h.drain();
    const asked = await usersMe(s.current);

    const secret = h.cluster.peek("Secret", key("acme-zendesk"))!;
    await h.cluster.replace({
      ...secret,
      data: secretObject("x", { email: "nobody@example.com", token: "revoked" }).data,
    });
    await h.drain();
    expect(readyOf(h, "ZendeskAccount", "acme")).toBe("False/InvalidCredentials");

    const rotated = h.cluster.peek("Secret", key("acme-zendesk"))!;
    await h.cluster.replace({ ...rotated, data: secretObject("x", adminCredentials(s.current)).data });
    await h.drain();
    expect(readyOf(h, "ZendeskAccount", "acme")).toBe("True/Authenticated");
    expect(await usersMe(s.current)).toBe(asked + 2);
  });

  it("retries an unreachable Zendesk with the work queue's backoff, Reconciling meanwhile", async () => {
    const h = await harness();
    await h.cluster.create(secretObject("acme-zendesk", adminCredentials(s.current)));
    // Nothing listens on port 9 (discard) of the loopback interface.
    await h.cluster.create(accountObject(s.current, "acme", { baseURL: "http://127.0.0.1:9" }));
    await h.drain();

    const status = statusOf(h, "ZendeskAccount", "acme");
    expect(conditionsOf(status)).toEqual({ Ready: "False/Unreachable", Reconciling: "True/Unreachable" });
    const failed = h.reconciled.filter((r) => r.error);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.error!.message).toBe(
      `ZendeskAccount ${NAMESPACE}/acme: the credentials check failed (Unreachable); it is retried with backoff`,
    );
  });

  it("asks again when Zendesk's Retry-After says, not sooner, when the check is rate limited", async () => {
    const h = await harness();
    // Longer than the client waits by itself (2 minutes): the 429 comes back to the reconciler.
    await s.current.inspect("PUT", "/__sim/faults", {
      rateLimitStorm: "1h",
      rateLimitStormRetryAfterSeconds: 900,
    });
    try {
      await createAccount(h, s.current);
      await h.drain();
      expect(readyOf(h, "ZendeskAccount", "acme")).toBe("False/RateLimited");
      expect(h.reconciled.filter((r) => r.error)).toEqual([]);
      expect(h.delayed.filter((d) => d.kind === "ZendeskAccount").map((d) => d.at - h.clock.now())).toEqual([
        900_000,
      ]);
    } finally {
      await s.current.inspect("PUT", "/__sim/faults", { rateLimitStorm: 0 });
    }
  });

  it("reports an invalid spec that only the operator's checks catch", async () => {
    const h = await harness();
    await h.cluster.create(secretObject("acme-zendesk", adminCredentials(s.current)));
    await h.cluster.create(accountObject(s.current, "acme", { baseURL: `${s.current.url}/api/v2` }));
    await h.drain();
    const status = statusOf(h, "ZendeskAccount", "acme");
    expect(conditionsOf(status)).toEqual({ Ready: "False/InvalidSpec", Stalled: "True/InvalidSpec" });
    expect(status.conditions[0].message).toContain("spec.baseURL: must not end in /api/v2");
  });

  it("never writes the credentials to status, Events or logs", async () => {
    const h = await harness();
    const { email, token } = adminCredentials(s.current);
    await createAccount(h, s.current);
    await h.cluster.create(secretObject("other-zendesk", { email, token: `${token}-wrong` }));
    await h.cluster.create(accountObject(s.current, "other"));
    await h.cluster.create(secretObject("third-zendesk", { email }));
    await h.cluster.create(accountObject(s.current, "third"));
    await h.drain();
    expect(readyOf(h, "ZendeskAccount", "other")).toBe("False/InvalidCredentials");

    const visible = [
      ...h.cluster.objects("ZendeskAccount").map((a) => JSON.stringify(a)),
      ...h.cluster.events.map((e) => JSON.stringify(e)),
      ...h.logs,
    ];
    expect(visible.length).toBeGreaterThan(6);
    for (const text of visible) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(email);
    }
  });
});

describe("AccountConnections", () => {
  function fakeConnections() {
    const closed: string[] = [];
    const connections = new AccountConnections({
      clock: { now: () => 0, sleep: async () => undefined },
      maxSweepsPerAccount: 1,
      connect: (_account, secrets) =>
        ({
          client: {} as AccountConnection["client"],
          budget: {} as AccountConnection["budget"],
          close: async () => {
            closed.push(secrets.credentials["token"]!);
          },
        }) as AccountConnection,
    });
    return { connections, closed };
  }
  const account = accountObject({ url: "http://127.0.0.1:9" } as SimHandle) as never;
  const acme = key("acme");

  it("keeps a replaced connection for the sweeps that use it and closes it when the last one ends", async () => {
    const { connections, closed } = fakeConnections();
    const first = connections.ensure(acme, account, { credentials: { token: "old" } }, "v1");
    expect(first.fresh).toBe(true);
    expect(connections.ensure(acme, account, { credentials: { token: "old" } }, "v1").fresh).toBe(false);
    const lease = connections.use(acme)!;

    const second = connections.ensure(acme, account, { credentials: { token: "new" } }, "v2");
    expect(second.fresh).toBe(true);
    expect(connections.use(acme)!.connection).toBe(second.connection);
    expect(closed).toEqual([]);
    await lease.release();
    expect(closed).toEqual(["old"]);
  });

  it("lets at most maxSweepsPerAccount sweeps hold a place on one account", async () => {
    const { connections } = fakeConnections();
    const release = await connections.slot(acme);
    let second = false;
    const waiting = connections.slot(acme).then((r) => {
      second = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(second).toBe(false);
    release();
    (await waiting)();
    expect(second).toBe(true);
  });
});

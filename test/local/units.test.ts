import { describe, expect, it } from "vitest";
import type { SecretResource } from "../../src/api/secret.js";
import type { ZendeskAccount } from "../../src/api/zendesk-account.js";
import { Semaphore } from "../../src/controller/semaphore.js";
import { secretsOf } from "../../src/local/secrets.js";
import { settle } from "./helpers.js";

describe("Semaphore", () => {
  it("lets at most `limit` holders in, the others in order of arrival", async () => {
    const semaphore = new Semaphore(2);
    const order: string[] = [];
    const a = await semaphore.acquire();
    const b = await semaphore.acquire();
    const c = semaphore.acquire().then((release) => {
      order.push("c");
      return release;
    });
    const d = semaphore.acquire().then((release) => {
      order.push("d");
      return release;
    });
    await settle();
    expect(order).toEqual([]);
    a();
    a(); // releasing twice frees one place only
    await settle();
    expect(order).toEqual(["c"]);
    expect(semaphore.active).toBe(2);
    b();
    await settle();
    expect(order).toEqual(["c", "d"]);
    (await c)();
    (await d)();
    expect(semaphore.active).toBe(0);
  });

  it("gives up waiting when the signal aborts", async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error("stopped"));
    await expect(waiting).rejects.toThrow("stopped");
    release();
    expect(semaphore.active).toBe(0);
  });
});

const account = (spec: Partial<ZendeskAccount["spec"]> = {}): ZendeskAccount =>
  ({
    apiVersion: "hush.dev/v1alpha1",
    kind: "ZendeskAccount",
    metadata: { name: "acme", namespace: "privacy" },
    spec: {
      subdomain: "acme",
      credentials: { secretRef: { name: "zd" } },
      rateLimit: { highVolume: false, share: 50 },
      ...spec,
    },
  }) as ZendeskAccount;
const secret = (name: string, data: Record<string, string>, namespace = "privacy"): SecretResource => ({
  name,
  namespace,
  data,
});

describe("an account's secrets in hush run", () => {
  it("come from the Secret the account names, in its namespace", () => {
    const result = secretsOf(
      account(),
      [secret("zd", { email: "a@b.c", token: "t" }, "other"), secret("zd", { email: "a@b.c", token: "t" })],
      {},
    );
    expect(result).toEqual({ ok: true, secrets: { credentials: { email: "a@b.c", token: "t" } } });
  });

  it("name the Secret that is missing, never a value", () => {
    const result = secretsOf(account(), [secret("other", { token: "SECRET-VALUE" })], {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain("Secret privacy/zd (spec.credentials.secretRef.name)");
      expect(result.message).not.toContain("SECRET-VALUE");
    }
  });

  it("name the missing pseudonym key", () => {
    const result = secretsOf(
      account({ pseudonymKey: { secretRef: { name: "zd", key: "pseudonymKey" } } }),
      [secret("zd", { email: "a@b.c", token: "t" })],
      {},
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain('has no "pseudonymKey" key');
  });

  it("come from the environment when the directory holds no Secret", () => {
    expect(
      secretsOf(account(), [], { ZENDESK_EMAIL: "a@b.c", ZENDESK_API_TOKEN: "t", HUSH_PSEUDONYM_KEY: "k" }),
    ).toEqual({
      ok: true,
      secrets: { credentials: { email: "a@b.c", token: "t" }, pseudonymKey: "k" },
    });
    expect(secretsOf(account(), [], { ZENDESK_OAUTH_TOKEN: "o" })).toEqual({
      ok: true,
      secrets: { credentials: { oauthToken: "o" } },
    });
    const missing = secretsOf(account(), [], { ZENDESK_EMAIL: "a@b.c" });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.message).toContain("ZENDESK_EMAIL and ZENDESK_API_TOKEN");
  });
});

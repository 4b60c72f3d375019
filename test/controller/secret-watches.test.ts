import { afterEach, describe, expect, it } from "vitest";
import type { ClusterApi, ObjectKey, SecretObject } from "../../src/controller/cluster.js";
import { createSecretWatches, type ManagedSecretWatches } from "../../src/controller/secret-watches.js";
import { createFakeCluster, type FakeCluster } from "./fake-cluster.js";
import { settle } from "./manual-clock.js";

// Only the Secrets accounts reference are watched, one informer each, shared by the accounts that
// reference it; a change enqueues exactly those accounts.

const acme = { namespace: "support", name: "acme" };
const beta = { namespace: "support", name: "beta" };
const creds = { namespace: "support", name: "zendesk-credentials" };
const other = { namespace: "support", name: "other-credentials" };

function secret(key: ObjectKey, token: string): SecretObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { ...key },
    data: { token: Buffer.from(token).toString("base64") },
  };
}

const open: ManagedSecretWatches[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.stop()));
});

function setup() {
  const fake = createFakeCluster();
  const informers: string[] = [];
  // Counts informers opened, to see that a Secret is listed once however many accounts watch it.
  const api = new Proxy(fake, {
    get(target, property, receiver) {
      if (property === "informer") {
        return (kind: string, options: { fieldSelector?: string }) => {
          informers.push(`${kind} ${options.fieldSelector}`);
          return target.informer(kind as "Secret", options);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as FakeCluster & ClusterApi;
  const changes: string[] = [];
  const watches = createSecretWatches({
    api,
    onChange: (accounts, changed) =>
      changes.push(`${changed.name}: ${accounts.map((a) => a.name).join(",")}`),
  });
  open.push(watches);
  const rotate = async (key: ObjectKey, token: string) => {
    const current = fake.peek<SecretObject>("Secret", key)!;
    await fake.replace({ ...current, data: secret(key, token).data });
    await settle();
  };
  return { fake, watches, changes, informers, rotate };
}

describe("Secret watches", () => {
  it("enqueue the account when the Secret it references rotates, and not for other Secrets", async () => {
    const { fake, watches, changes, informers, rotate } = setup();
    fake.seed(secret(creds, "old"), secret(other, "x"));
    watches.watch(creds, acme);
    await settle();
    changes.length = 0; // the first list tells about the Secret too (it may have appeared just now)

    await rotate(creds, "new");
    await rotate(other, "y");
    expect(changes).toEqual(["zendesk-credentials: acme"]);
    expect(informers).toEqual(["Secret metadata.name=zendesk-credentials"]);
  });

  it("enqueue the account when the Secret appears after it, and when it is deleted", async () => {
    const { fake, watches, changes } = setup();
    watches.watch(creds, acme);
    await settle();
    expect(changes).toEqual([]);
    await fake.create(secret(creds, "t"));
    await settle();
    await fake.delete("Secret", creds);
    await settle();
    expect(changes).toEqual(["zendesk-credentials: acme", "zendesk-credentials: acme"]);
  });

  it("share one watch between the accounts that reference the same Secret, and tell both", async () => {
    const { fake, watches, changes, informers, rotate } = setup();
    fake.seed(secret(creds, "old"));
    watches.watch(creds, acme);
    watches.watch(creds, beta);
    watches.watch(creds, acme);
    await settle();
    changes.length = 0;
    await rotate(creds, "new");
    expect(changes).toEqual(["zendesk-credentials: acme,beta"]);
    expect(informers).toHaveLength(1);
    expect(watches.watched).toBe(1);
  });

  it("stop watching a Secret once no account references it", async () => {
    const { fake, watches, changes, rotate } = setup();
    fake.seed(secret(creds, "old"), secret(other, "x"));
    watches.watch(creds, acme);
    watches.watch(creds, beta);
    watches.watch(other, acme);
    await settle();
    changes.length = 0;

    watches.forget(acme);
    await settle();
    expect(watches.watched).toBe(1);
    await rotate(creds, "new");
    await rotate(other, "y");
    expect(changes).toEqual(["zendesk-credentials: beta"]);

    watches.forget(beta);
    await settle();
    expect(watches.watched).toBe(0);
    await rotate(creds, "newer");
    expect(changes).toEqual(["zendesk-credentials: beta"]);
  });

  it("keep the watch when an account forgets and re-declares its Secret in the same turn", async () => {
    const { fake, watches, informers } = setup();
    fake.seed(secret(creds, "old"), secret(other, "x"));
    watches.watch(creds, acme);
    watches.watch(other, acme);
    await settle();
    // acme no longer names other-credentials (e.g. its pseudonym key moved into the same Secret).
    watches.forget(acme);
    watches.watch(creds, acme);
    await settle();
    expect(informers).toEqual([
      "Secret metadata.name=zendesk-credentials",
      "Secret metadata.name=other-credentials",
    ]);
    expect(watches.watched).toBe(1);
  });

  it("watch nothing after stop()", async () => {
    const { fake, watches, changes, rotate } = setup();
    fake.seed(secret(creds, "old"));
    watches.watch(creds, acme);
    await settle();
    changes.length = 0;
    await watches.stop();
    watches.watch(creds, beta);
    await rotate(creds, "new");
    expect(changes).toEqual([]);
    expect(watches.watched).toBe(0);
  });
});

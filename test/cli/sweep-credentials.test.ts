import { describe, expect, it } from "vitest";
import { type ZendeskAccount, zendeskAccountSchema } from "../../src/api/index.js";
import {
  CredentialsError,
  credentialsFromEnv,
  type SecretLike,
  secretsForAccount,
} from "../../src/cli/env-credentials.js";

// Where `hush sweep` takes an account's credentials and pseudonym key from: the account's Secret
// when Secret manifests are among the files, otherwise the environment. Messages name what is
// missing and never a value.

const account = (pseudonymKey = false): ZendeskAccount =>
  zendeskAccountSchema.parse({
    apiVersion: "hush.dev/v1alpha1",
    kind: "ZendeskAccount",
    metadata: { name: "acme", namespace: "privacy" },
    spec: {
      subdomain: "acme",
      credentials: { secretRef: { name: "zendesk" } },
      ...(pseudonymKey ? { pseudonymKey: { secretRef: { name: "pseudonyms" } } } : {}),
    },
  });

const secret = (name: string, data: Record<string, string>, namespace = "privacy"): SecretLike => ({
  name,
  namespace,
  data,
});

const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialsError);
    return (error as Error).message;
  }
  throw new Error("no error");
};

describe("credentials from the environment", () => {
  it("takes an API token from ZENDESK_EMAIL and ZENDESK_API_TOKEN", () => {
    expect(credentialsFromEnv({ ZENDESK_EMAIL: " admin@acme.test ", ZENDESK_API_TOKEN: "tok" })).toEqual({
      email: "admin@acme.test",
      token: "tok",
    });
  });

  it("takes an OAuth token from ZENDESK_OAUTH_TOKEN", () => {
    expect(credentialsFromEnv({ ZENDESK_OAUTH_TOKEN: "bearer-value" })).toEqual({
      oauthToken: "bearer-value",
    });
  });

  it("names the missing half of an API token", () => {
    expect(failure(() => credentialsFromEnv({ ZENDESK_EMAIL: "a@b.test" }))).toBe(
      "ZENDESK_API_TOKEN is not set; an API token needs both ZENDESK_EMAIL and ZENDESK_API_TOKEN: set ZENDESK_API_TOKEN to the API token",
    );
    expect(failure(() => credentialsFromEnv({ ZENDESK_API_TOKEN: "tok", ZENDESK_EMAIL: "  " }))).toBe(
      "ZENDESK_EMAIL is not set; an API token needs both ZENDESK_EMAIL and ZENDESK_API_TOKEN: set ZENDESK_EMAIL to the email of the agent or admin the token acts as",
    );
  });

  it("refuses two kinds of credential at once", () => {
    expect(failure(() => credentialsFromEnv({ ZENDESK_OAUTH_TOKEN: "x", ZENDESK_EMAIL: "a@b.test" }))).toBe(
      "both ZENDESK_OAUTH_TOKEN and ZENDESK_EMAIL are set; keep one kind of credential: ZENDESK_EMAIL + ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN",
    );
  });

  it("says where credentials can come from when there are none", () => {
    expect(failure(() => credentialsFromEnv({}))).toBe(
      "no credentials: set ZENDESK_EMAIL and ZENDESK_API_TOKEN (an API token) or ZENDESK_OAUTH_TOKEN, or add the account's Secret manifest with -f",
    );
  });

  it("never repeats a value in a message", () => {
    const messages = [
      failure(() => credentialsFromEnv({ ZENDESK_EMAIL: "someone@secret.test" })),
      failure(() => credentialsFromEnv({ ZENDESK_API_TOKEN: "s3cr3t-token" })),
      failure(() =>
        credentialsFromEnv({ ZENDESK_OAUTH_TOKEN: "s3cr3t-oauth", ZENDESK_API_TOKEN: "s3cr3t-token" }),
      ),
    ].join("\n");
    for (const value of ["someone@secret.test", "s3cr3t-token", "s3cr3t-oauth"])
      expect(messages).not.toContain(value);
  });
});

describe("an account's secrets", () => {
  const env = {
    ZENDESK_EMAIL: "env@acme.test",
    ZENDESK_API_TOKEN: "env-token",
    HUSH_PSEUDONYM_KEY: "env-key",
  };

  it("come from the environment when no Secret is among the files", () => {
    expect(secretsForAccount(account(), [], env)).toEqual({
      credentials: { email: "env@acme.test", token: "env-token" },
      pseudonymKey: "env-key",
      source: "the environment",
    });
    expect(secretsForAccount(account(), [], { ZENDESK_OAUTH_TOKEN: "o" })).toEqual({
      credentials: { oauthToken: "o" },
      source: "the environment",
    });
  });

  it("come from the account's Secret, in its namespace, when Secrets are among the files", () => {
    const secrets = [
      secret("zendesk", { email: "other@acme.test", token: "other" }, "default"),
      secret("zendesk", { email: "file@acme.test", token: "file-token" }),
    ];
    expect(secretsForAccount(account(), secrets, env)).toEqual({
      credentials: { email: "file@acme.test", token: "file-token" },
      pseudonymKey: "env-key",
      source: "Secret privacy/zendesk",
    });
  });

  it("name the account's Secret when it is not among the files", () => {
    expect(failure(() => secretsForAccount(account(), [secret("other", { oauthToken: "x" })], env))).toBe(
      "ZendeskAccount privacy/acme takes its credentials from Secret privacy/zendesk (spec.credentials.secretRef.name), which is not among the files; add its manifest with -f, or leave every Secret out to use ZENDESK_EMAIL + ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN",
    );
  });

  it("take the pseudonym key from the Secret and key the account names", () => {
    const secrets = [
      secret("zendesk", { oauthToken: "o" }),
      secret("pseudonyms", { pseudonymKey: "file-key" }),
    ];
    expect(secretsForAccount(account(true), secrets, env).pseudonymKey).toBe("file-key");
    expect(failure(() => secretsForAccount(account(true), [secrets[0]!], env))).toBe(
      "ZendeskAccount privacy/acme takes its pseudonym key from Secret privacy/pseudonyms (spec.pseudonymKey.secretRef.name), which is not among the files; add its manifest with -f",
    );
    expect(
      failure(() => secretsForAccount(account(true), [secrets[0]!, secret("pseudonyms", { key: "k" })], env)),
    ).toBe(
      'Secret privacy/pseudonyms has no "pseudonymKey" key (or it is empty), which ZendeskAccount privacy/acme names in spec.pseudonymKey.secretRef.key; add it to the Secret',
    );
  });
});

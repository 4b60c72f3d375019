import type { SecretResource } from "../api/load.js";
import type { ZendeskAccount } from "../api/zendesk-account.js";

// An account's secrets for hush run: from the v1 Secret manifests in the directory, as in a
// cluster. A directory without any Secret takes them from the environment instead, so that a real
// token need never be written to a file next to the policies:
//   ZENDESK_EMAIL + ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN; HUSH_PSEUDONYM_KEY (optional).
// Messages name the Secret, key or variable; never a value.

export interface ResolvedSecrets {
  credentials: Record<string, string>;
  pseudonymKey?: string;
}

export type SecretsResult = { ok: true; secrets: ResolvedSecrets } | { ok: false; message: string };

type Env = Readonly<Record<string, string | undefined>>;

const value = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

function fromEnvironment(env: Env, accountName: string): SecretsResult {
  const email = value(env, "ZENDESK_EMAIL");
  const token = value(env, "ZENDESK_API_TOKEN");
  const oauthToken = value(env, "ZENDESK_OAUTH_TOKEN");
  const pseudonymKey = value(env, "HUSH_PSEUDONYM_KEY");
  const withKey = (credentials: Record<string, string>): SecretsResult => ({
    ok: true,
    secrets: { credentials, ...(pseudonymKey ? { pseudonymKey } : {}) },
  });
  if (oauthToken && !email && !token) return withKey({ oauthToken });
  if (email && token && !oauthToken) return withKey({ email, token });
  return {
    ok: false,
    message: `ZendeskAccount ${accountName} has no credentials: the directory holds no Secret manifest, so they come from the environment, which needs ZENDESK_EMAIL and ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN alone.`,
  };
}

/** The account's credentials and pseudonym key, or a message saying which Secret or key is missing. */
export function secretsOf(
  account: ZendeskAccount,
  secrets: readonly SecretResource[],
  env: Env,
): SecretsResult {
  const namespace = account.metadata.namespace ?? "default";
  const accountName = `${namespace}/${account.metadata.name}`;
  if (secrets.length === 0) return fromEnvironment(env, accountName);
  const find = (name: string) => secrets.find((s) => s.namespace === namespace && s.name === name);
  const credentialsName = account.spec.credentials.secretRef.name;
  const credentials = find(credentialsName);
  if (!credentials) {
    return {
      ok: false,
      message: `ZendeskAccount ${accountName} takes its credentials from Secret ${namespace}/${credentialsName} (spec.credentials.secretRef.name), which is not in the directory; add its manifest, or remove every Secret from the directory to use ZENDESK_EMAIL and ZENDESK_API_TOKEN from the environment.`,
    };
  }
  const ref = account.spec.pseudonymKey?.secretRef;
  if (!ref) {
    const envKey = value(env, "HUSH_PSEUDONYM_KEY");
    return {
      ok: true,
      secrets: { credentials: { ...credentials.data }, ...(envKey ? { pseudonymKey: envKey } : {}) },
    };
  }
  const keySecret = find(ref.name);
  const pseudonymKey = keySecret?.data[ref.key]?.trim();
  if (!keySecret || !pseudonymKey) {
    return {
      ok: false,
      message: keySecret
        ? `Secret ${namespace}/${ref.name} has no "${ref.key}" key (or it is empty), which ZendeskAccount ${accountName} names in spec.pseudonymKey.secretRef.key; add it to the Secret.`
        : `ZendeskAccount ${accountName} takes its pseudonym key from Secret ${namespace}/${ref.name} (spec.pseudonymKey.secretRef.name), which is not in the directory; add its manifest.`,
    };
  }
  return { ok: true, secrets: { credentials: { ...credentials.data }, pseudonymKey } };
}

import type { ZendeskAccount } from "../api/zendesk-account.js";
import type { AccountSecrets } from "../sweep/connect.js";
import { credentialsFromSecretData } from "../zendesk/secret-credentials.js";
import type { ClusterApi, ObjectKey, SecretObject } from "./cluster.js";

// An account's Secrets as the account reconciler needs them: read from the API server on demand
// (no cache of every Secret in the cluster, STYLE.md "Memory"), decoded, and checked for the keys
// the account needs. Failures are values with the Ready reason they mean and a message that
// names the Secret and the key, never a value.

export type SecretsRead =
  | {
      ok: true;
      secrets: AccountSecrets;
      /** The Secrets' resourceVersions: a rotation changes them, and with them the connection. */
      versions: string[];
    }
  | { ok: false; reason: "SecretNotFound" | "SecretKeyMissing"; message: string };

/** The Secrets the account names (credentials, and the pseudonym key's when it has one). */
export function secretKeysOf(account: ZendeskAccount): ObjectKey[] {
  const namespace = account.metadata.namespace ?? "default";
  const names = [account.spec.credentials.secretRef.name];
  const pseudonym = account.spec.pseudonymKey?.secretRef.name;
  if (pseudonym && !names.includes(pseudonym)) names.push(pseudonym);
  return names.map((name) => ({ namespace, name }));
}

export async function readAccountSecrets(api: ClusterApi, account: ZendeskAccount): Promise<SecretsRead> {
  const namespace = account.metadata.namespace ?? "default";
  const accountName = `ZendeskAccount ${namespace}/${account.metadata.name}`;
  const credentialsName = account.spec.credentials.secretRef.name;
  const credentialsSecret = await api.get<SecretObject>("Secret", { namespace, name: credentialsName });
  if (!credentialsSecret) {
    return {
      ok: false,
      reason: "SecretNotFound",
      message: `Secret ${namespace}/${credentialsName} (spec.credentials.secretRef.name) does not exist; create it with the keys email and token (an API token) or oauthToken, or correct the name.`,
    };
  }
  try {
    // Validates the keys now, so that the reason says which one is missing.
    credentialsFromSecretData(credentialsSecret.data, "base64");
  } catch (error) {
    return {
      ok: false,
      reason: "SecretKeyMissing",
      message: `Secret ${namespace}/${credentialsName}, which ${accountName} takes its credentials from: ${(error as Error).message}.`,
    };
  }
  const credentials = decode(credentialsSecret.data);
  const versions = [credentialsSecret.metadata.resourceVersion ?? ""];

  const ref = account.spec.pseudonymKey?.secretRef;
  if (!ref) return { ok: true, secrets: { credentials }, versions };
  const keySecret =
    ref.name === credentialsName
      ? credentialsSecret
      : await api.get<SecretObject>("Secret", { namespace, name: ref.name });
  if (!keySecret) {
    return {
      ok: false,
      reason: "SecretNotFound",
      message: `Secret ${namespace}/${ref.name} (spec.pseudonymKey.secretRef.name) does not exist; create it with the key ${ref.key}, or remove spec.pseudonymKey.`,
    };
  }
  const pseudonymKey = decode(keySecret.data)[ref.key]?.trim();
  if (!pseudonymKey) {
    return {
      ok: false,
      reason: "SecretKeyMissing",
      message: `Secret ${namespace}/${ref.name} has no "${ref.key}" key (or it is empty), which ${accountName} names in spec.pseudonymKey.secretRef.key; add it to the Secret.`,
    };
  }
  if (keySecret !== credentialsSecret) versions.push(keySecret.metadata.resourceVersion ?? "");
  return { ok: true, secrets: { credentials, pseudonymKey }, versions };
}

/** Kubernetes returns Secret data base64-encoded. */
function decode(data: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]),
  );
}

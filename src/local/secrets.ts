import type { SecretResource } from "../api/load.js";
import type { ZendeskAccount } from "../api/zendesk-account.js";
import { CredentialsError, type Env, type SecretFiles, secretsForAccount } from "./account-secrets.js";

// An account's secrets for hush run: from the v1 Secret manifests in the directory, as in a
// cluster, or from the environment when the directory holds none (see account-secrets.ts). hush
// run keeps going when one account's secrets are missing, so the problem is a value here.

export interface ResolvedSecrets {
  credentials: Record<string, string>;
  pseudonymKey?: string;
}

export type SecretsResult = { ok: true; secrets: ResolvedSecrets } | { ok: false; message: string };

const DIRECTORY: SecretFiles = {
  where: "in the directory",
  addManifest: "add its manifest to the directory",
  leaveOut: "remove every Secret from the directory",
  noCredentialsHint: "add the account's Secret manifest to the directory",
  whyEnvironment: "the directory holds no Secret manifest",
};

/** The account's credentials and pseudonym key, or a message saying which Secret, key or variable is missing. */
export function secretsOf(
  account: ZendeskAccount,
  secrets: readonly SecretResource[],
  env: Env,
): SecretsResult {
  try {
    const { credentials, pseudonymKey } = secretsForAccount(account, secrets, env, DIRECTORY);
    return { ok: true, secrets: { credentials, ...(pseudonymKey === undefined ? {} : { pseudonymKey }) } };
  } catch (error) {
    if (error instanceof CredentialsError) return { ok: false, message: error.message };
    throw error;
  }
}

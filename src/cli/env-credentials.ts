import type { ZendeskAccount } from "../api/index.js";
import {
  type Env,
  secretsForAccount as forAccount,
  credentialsFromEnv as fromEnv,
  type SecretFiles,
  type SecretLike,
  type SecretsForAccount,
} from "../local/account-secrets.js";

// Where `hush sweep` finds an account's secrets: the Secret manifests given with -f, or else the
// environment (src/local/account-secrets.ts says which variables). A CredentialsError is a usage
// error (exit code 2).

export { CredentialsError, ENV, type SecretLike, type SecretsForAccount } from "../local/account-secrets.js";

const FILES: SecretFiles = {
  where: "among the files",
  addManifest: "add its manifest with -f",
  leaveOut: "leave every Secret out",
  noCredentialsHint: "add the account's Secret manifest with -f",
};

/** Credentials from the environment: an API token (email + token) or an OAuth token, not both. */
export const credentialsFromEnv = (env: Env): Record<string, string> => fromEnv(env, FILES.noCredentialsHint);

/**
 * The secrets of `account`: from the Secrets among the files when there are any (the account's
 * credentials Secret must then be one of them), otherwise from the environment.
 */
export const secretsForAccount = (
  account: ZendeskAccount,
  secretsInFiles: readonly SecretLike[],
  env: Env,
): SecretsForAccount => forAccount(account, secretsInFiles, env, FILES);

import type { ZendeskAccount } from "../api/zendesk-account.js";
import { SECRET_KEYS } from "../zendesk/secret-credentials.js";

// Where a command run outside a cluster (hush sweep, hush run) finds an account's secrets. With
// Secret manifests among its files, the account's credentials come from the Secret it names, as in
// a cluster. Without any, they come from the environment, so that a token need never be written to
// a file:
//   ZENDESK_EMAIL + ZENDESK_API_TOKEN   an API token, used as that agent or admin
//   ZENDESK_OAUTH_TOKEN                 or an OAuth access token
//   HUSH_PSEUDONYM_KEY                  the key of Pseudonym replacements (optional)
// Errors name the Secret, key or variable that is missing and how to add it; never a value.

export const ENV = {
  email: "ZENDESK_EMAIL",
  token: "ZENDESK_API_TOKEN",
  oauthToken: "ZENDESK_OAUTH_TOKEN",
  pseudonymKey: "HUSH_PSEUDONYM_KEY",
} as const;

/** A v1 Secret from the files, its values decoded (the shape src/api/load.ts reads). */
export interface SecretLike {
  name: string;
  namespace: string;
  data: Record<string, string>;
}

/** What an account needs besides its spec: the credentials (Secret data keys) and the pseudonym key. */
export interface SecretsForAccount {
  credentials: Record<string, string>;
  pseudonymKey?: string;
  /** Where they came from, for messages: `Secret privacy/zendesk` or `the environment`. */
  source: string;
}

/** A missing or ambiguous credential. */
export class CredentialsError extends Error {
  override name = "CredentialsError";
}

/** How the calling command takes Secret manifests, so that its messages say how to fix them. */
export interface SecretFiles {
  /** Where the manifests are read, after "which is not": `among the files`, `in the directory`. */
  where: string;
  /** How to add a missing Secret's manifest: `add its manifest with -f`. */
  addManifest: string;
  /** How to fall back to the environment: `leave every Secret out`. */
  leaveOut: string;
  /** The last resort when the environment has no credentials either: `add the account's Secret manifest with -f`. */
  noCredentialsHint: string;
  /**
   * When set, an error about the environment's credentials names the account and says why the
   * environment was asked (`the directory holds no Secret manifest`), for commands that handle
   * several accounts at once.
   */
  whyEnvironment?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const read = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/**
 * Credentials from the environment: an API token (email + token) or an OAuth token, not both.
 * `noCredentialsHint` ends the message given when there are none, saying what else would do.
 */
export function credentialsFromEnv(env: Env, noCredentialsHint: string): Record<string, string> {
  const email = read(env, ENV.email);
  const token = read(env, ENV.token);
  const oauthToken = read(env, ENV.oauthToken);
  if (oauthToken !== undefined && (email !== undefined || token !== undefined)) {
    throw new CredentialsError(
      `both ${ENV.oauthToken} and ${email !== undefined ? ENV.email : ENV.token} are set; keep one kind of credential: ${ENV.email} + ${ENV.token}, or ${ENV.oauthToken}`,
    );
  }
  if (oauthToken !== undefined) return { [SECRET_KEYS.oauthToken]: oauthToken };
  if (email !== undefined && token !== undefined)
    return { [SECRET_KEYS.email]: email, [SECRET_KEYS.token]: token };
  if (email !== undefined || token !== undefined) {
    const missing = email === undefined ? ENV.email : ENV.token;
    const what = email === undefined ? "the email of the agent or admin the token acts as" : "the API token";
    throw new CredentialsError(
      `${missing} is not set; an API token needs both ${ENV.email} and ${ENV.token}: set ${missing} to ${what}`,
    );
  }
  throw new CredentialsError(
    `no credentials: set ${ENV.email} and ${ENV.token} (an API token) or ${ENV.oauthToken}, or ${noCredentialsHint}`,
  );
}

function fromEnvironment(env: Env, accountName: string, files: SecretFiles): SecretsForAccount {
  let credentials: Record<string, string>;
  try {
    credentials = credentialsFromEnv(env, files.noCredentialsHint);
  } catch (error) {
    if (!(error instanceof CredentialsError) || files.whyEnvironment === undefined) throw error;
    throw new CredentialsError(
      `ZendeskAccount ${accountName} has no credentials: ${files.whyEnvironment}, so they come from the environment: ${error.message}`,
    );
  }
  const pseudonymKey = read(env, ENV.pseudonymKey);
  return { credentials, ...(pseudonymKey === undefined ? {} : { pseudonymKey }), source: "the environment" };
}

/**
 * The secrets of `account`: from the Secrets among the files when there are any (the account's
 * credentials Secret must then be one of them), otherwise from the environment. Throws a
 * CredentialsError that says what is missing, worded for the command by `files`.
 */
export function secretsForAccount(
  account: ZendeskAccount,
  secretsInFiles: readonly SecretLike[],
  env: Env,
  files: SecretFiles,
): SecretsForAccount {
  const namespace = account.metadata.namespace ?? "default";
  const accountName = `${namespace}/${account.metadata.name}`;
  if (secretsInFiles.length === 0) return fromEnvironment(env, accountName, files);

  const find = (name: string) => secretsInFiles.find((s) => s.namespace === namespace && s.name === name);
  const credentialsName = account.spec.credentials.secretRef.name;
  const credentialsSecret = find(credentialsName);
  if (!credentialsSecret) {
    throw new CredentialsError(
      `ZendeskAccount ${accountName} takes its credentials from Secret ${namespace}/${credentialsName} (spec.credentials.secretRef.name), which is not ${files.where}; ${files.addManifest}, or ${files.leaveOut} to use ${ENV.email} + ${ENV.token} or ${ENV.oauthToken}`,
    );
  }
  const source = `Secret ${namespace}/${credentialsName}`;
  const ref = account.spec.pseudonymKey?.secretRef;
  if (!ref) {
    const pseudonymKey = read(env, ENV.pseudonymKey);
    return {
      credentials: { ...credentialsSecret.data },
      ...(pseudonymKey === undefined ? {} : { pseudonymKey }),
      source,
    };
  }
  const keySecret = find(ref.name);
  if (!keySecret) {
    throw new CredentialsError(
      `ZendeskAccount ${accountName} takes its pseudonym key from Secret ${namespace}/${ref.name} (spec.pseudonymKey.secretRef.name), which is not ${files.where}; ${files.addManifest}`,
    );
  }
  const pseudonymKey = keySecret.data[ref.key]?.trim();
  if (!pseudonymKey) {
    throw new CredentialsError(
      `Secret ${namespace}/${ref.name} has no "${ref.key}" key (or it is empty), which ZendeskAccount ${accountName} names in spec.pseudonymKey.secretRef.key; add it to the Secret`,
    );
  }
  return { credentials: { ...credentialsSecret.data }, pseudonymKey, source };
}

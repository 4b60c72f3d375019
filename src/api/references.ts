import { closest, listOf } from "./problems.js";
import type { RedactionPolicy } from "./redaction-policy.js";
import type { Loaded, ResourceProblem, ResourceSet } from "./resource-set.js";
import type { SecretResource } from "./secret.js";
import { lineIn } from "./source-lines.js";
import type { ZendeskAccount } from "./zendesk-account.js";

// Checks across the resources of a set of files: every policy's account is there, pseudonyms
// have a key, names are unique, and — when Secrets are among the files — every Secret an account
// names is there with the keys it needs. Without any Secret among the files, credentials are
// expected from the environment, so missing Secrets are not reported then.

/** The shortest pseudonym key Hush accepts: shorter keys make pseudonyms open to guessing. */
export const MIN_PSEUDONYM_KEY_LENGTH = 16;

const keyOf = (meta: { namespace: string; name: string }) => `${meta.namespace}/${meta.name}`;

export function checkReferences(resources: ResourceSet): ResourceProblem[] {
  return [
    ...duplicates(resources.accounts, "ZendeskAccount", (r) => r.resource.metadata),
    ...duplicates(resources.policies, "RedactionPolicy", (r) => r.resource.metadata),
    ...duplicates(resources.secrets, "Secret", (r) => r.resource),
    ...resources.policies.flatMap((policy) => checkPolicyReferences(policy, resources.accounts)),
    ...(resources.secrets.length > 0
      ? resources.accounts.flatMap((account) => checkAccountSecrets(account, resources.secrets))
      : []),
  ];
}

function duplicates<T>(
  items: readonly Loaded<T>[],
  kind: string,
  meta: (item: Loaded<T>) => { namespace: string; name: string },
): ResourceProblem[] {
  const first = new Map<string, Loaded<T>>();
  const problems: ResourceProblem[] = [];
  for (const item of items) {
    const key = keyOf(meta(item));
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, item);
      continue;
    }
    problems.push({
      file: item.file,
      document: item.document,
      kind,
      name: key,
      path: "metadata.name",
      ...line(item.resource as object, "metadata.name"),
      message: `${kind} ${key} is also defined in ${earlier.file} (document ${earlier.document}); names are unique per kind and namespace, so rename or remove one`,
    });
  }
  return problems;
}

/** Where a policy uses the account's pseudonym key, as field paths. */
export function pseudonymKeyUses(policy: RedactionPolicy): string[] {
  const spec = policy.spec;
  const uses: string[] = [];
  if (spec.action === "Redact" && spec.redact.replacement.type === "Pseudonym")
    uses.push("spec.redact.replacement.type");
  if (spec.action === "Anonymize" && spec.anonymize.externalId === "Pseudonymize")
    uses.push("spec.anonymize.externalId");
  // Fictional replacement numbers are derived from the key, so that reruns give the same number.
  if (spec.action === "Anonymize" && spec.anonymize.phones === "Replace") uses.push("spec.anonymize.phones");
  return uses;
}

function checkPolicyReferences(
  loaded: Loaded<RedactionPolicy>,
  accounts: readonly Loaded<ZendeskAccount>[],
): ResourceProblem[] {
  const policy = loaded.resource;
  const { namespace } = policy.metadata;
  const at = (path: string, message: string): ResourceProblem => ({
    file: loaded.file,
    document: loaded.document,
    kind: "RedactionPolicy",
    name: keyOf(policy.metadata),
    path,
    message,
    ...line(policy, path),
  });
  const wanted = policy.spec.accountRef.name;
  const account = accounts.find(
    (a) => a.resource.metadata.namespace === namespace && a.resource.metadata.name === wanted,
  );
  if (!account) {
    const inNamespace = accounts
      .filter((a) => a.resource.metadata.namespace === namespace)
      .map((a) => a.resource.metadata.name);
    const elsewhere = accounts
      .filter((a) => a.resource.metadata.name === wanted)
      .map((a) => a.resource.metadata.namespace);
    const guess = closest(wanted, inNamespace);
    let hint: string;
    if (guess) hint = `; did you mean ${guess}?`;
    else if (elsewhere.length > 0)
      hint = `; an account of that name is in namespace ${listOf(elsewhere)}, but a policy may use only an account in its own namespace`;
    else if (inNamespace.length > 0) hint = `; accounts in namespace ${namespace}: ${inNamespace.join(", ")}`;
    else hint = `; add the account's file (no ZendeskAccount in namespace ${namespace} was given)`;
    return [
      {
        ...at(
          "spec.accountRef.name",
          `names ZendeskAccount ${namespace}/${wanted}, which is not among the files${hint}`,
        ),
        refers: `ZendeskAccount ${namespace}/${wanted}`,
      },
    ];
  }
  if (account.resource.spec.pseudonymKey) return [];
  return pseudonymKeyUses(policy).map((path) =>
    at(
      path,
      `needs the account's pseudonym key, but ZendeskAccount ${namespace}/${wanted} has no spec.pseudonymKey; add one to the account (a Secret key of at least ${MIN_PSEUDONYM_KEY_LENGTH} random characters) or choose a setting without pseudonyms`,
    ),
  );
}

const CREDENTIAL_KEYS = "email + token (API token) or oauthToken (OAuth)";

function checkAccountSecrets(
  loaded: Loaded<ZendeskAccount>,
  secrets: readonly Loaded<SecretResource>[],
): ResourceProblem[] {
  const account = loaded.resource;
  const accountKey = keyOf(account.metadata);
  const problems: ResourceProblem[] = [];
  const find = (name: string) =>
    secrets.find((s) => s.resource.namespace === account.metadata.namespace && s.resource.name === name);
  const onAccount = (path: string, message: string, refers?: string) =>
    problems.push({
      file: loaded.file,
      document: loaded.document,
      kind: "ZendeskAccount",
      name: accountKey,
      path,
      message,
      ...line(account, path),
      ...(refers ? { refers } : {}),
    });
  const onSecret = (secret: Loaded<SecretResource>, path: string, message: string) =>
    problems.push({
      file: secret.file,
      document: secret.document,
      kind: "Secret",
      name: keyOf(secret.resource),
      path,
      message,
      ...line(secret.resource, path),
    });
  const secretKey = (name: string) => `Secret ${account.metadata.namespace}/${name}`;
  const missing = (name: string) =>
    `names Secret ${account.metadata.namespace}/${name}, which is not among the files; add it, or give no Secret at all to take credentials from the environment`;

  const credentialsName = account.spec.credentials.secretRef.name;
  const credentials = find(credentialsName);
  if (!credentials)
    onAccount("spec.credentials.secretRef.name", missing(credentialsName), secretKey(credentialsName));
  else {
    const problem = credentialKeysProblem(credentials.resource.data);
    if (problem)
      onSecret(credentials, "data", `${problem} (ZendeskAccount ${accountKey} authenticates with it)`);
  }

  const pseudonymRef = account.spec.pseudonymKey?.secretRef;
  if (pseudonymRef) {
    const secret = find(pseudonymRef.name);
    if (!secret)
      onAccount("spec.pseudonymKey.secretRef.name", missing(pseudonymRef.name), secretKey(pseudonymRef.name));
    else {
      const value = secret.resource.data[pseudonymRef.key];
      const path = `data.${pseudonymRef.key}`;
      const reader = `ZendeskAccount ${accountKey} reads its pseudonym key from it`;
      if (value === undefined)
        onSecret(secret, path, `is missing; ${reader} (spec.pseudonymKey.secretRef.key)`);
      else if (value.trim().length < MIN_PSEUDONYM_KEY_LENGTH)
        onSecret(
          secret,
          path,
          `is shorter than ${MIN_PSEUDONYM_KEY_LENGTH} characters; ${reader}: use a random key (e.g. openssl rand -base64 32)`,
        );
    }
  }
  return problems;
}

/** What is wrong with the keys of a credentials Secret (mirrors src/zendesk/secret-credentials.ts). */
export function credentialKeysProblem(data: Readonly<Record<string, string>>): string | undefined {
  const present = (key: string) => (data[key] ?? "").trim() !== "";
  const oauth = present("oauthToken");
  const email = present("email");
  const token = present("token");
  if (oauth && (email || token))
    return `has both oauthToken and email/token; keep one kind of credential: ${CREDENTIAL_KEYS}`;
  if (oauth || (email && token)) return undefined;
  if (email || token)
    return `has ${email ? "email" : "token"} but no ${email ? "token" : "email"} (or it is empty); an API token needs both`;
  return `has neither email + token nor oauthToken; add ${CREDENTIAL_KEYS}`;
}

function line(resource: object, path: string): { line?: number } {
  const found = lineIn(resource, path);
  return found === undefined ? {} : { line: found };
}

import { describe, expect, it } from "vitest";
import { checkReferences, formatProblem, parseResourceText, type ResourceSet } from "../../src/api/load.js";

const account = (name: string, extra = "", namespace = "privacy") => `apiVersion: hush.dev/v1alpha1
kind: ZendeskAccount
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  subdomain: ${name}
  credentials:
    secretRef:
      name: ${name}-zendesk
${extra}`;

const policy = (accountName: string, spec = "", name = "p") => `apiVersion: hush.dev/v1alpha1
kind: RedactionPolicy
metadata:
  name: ${name}
  namespace: privacy
spec:
  accountRef:
    name: ${accountName}
  query: "status:closed"
${spec}`;

const secret = (name: string, stringData: Record<string, string>) =>
  `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: privacy
stringData:
${Object.entries(stringData)
  .map(([k, v]) => `  ${k}: "${v}"`)
  .join("\n")}
`;

function resourcesOf(...documents: string[]): ResourceSet {
  const { resources, problems } = parseResourceText(documents.join("\n---\n"), "all.yaml");
  expect(problems.map(formatProblem)).toEqual([]);
  return resources;
}

const referenceMessages = (...documents: string[]) =>
  checkReferences(resourcesOf(...documents)).map(formatProblem);

describe("checkReferences", () => {
  it("finds the account of a policy in the policy's namespace", () => {
    expect(referenceMessages(account("acme"), policy("acme"))).toEqual([]);
  });

  it("names a missing account and the likely intended one", () => {
    expect(referenceMessages(account("acme"), policy("acne"))).toEqual([
      "all.yaml:2 RedactionPolicy privacy/p: spec.accountRef.name: names ZendeskAccount privacy/acne, which is not among the files; did you mean acme? (line 20)",
    ]);
    expect(referenceMessages(policy("acme"))[0]).toMatch(
      /names ZendeskAccount privacy\/acme, which is not among the files; add the account's file \(no ZendeskAccount in namespace privacy was given\)/,
    );
  });

  it("does not let a policy use an account in another namespace", () => {
    expect(referenceMessages(account("acme", "", "support"), policy("acme"))[0]).toMatch(
      /an account of that name is in namespace support, but a policy may use only an account in its own namespace/,
    );
  });

  it("needs the account's pseudonym key for pseudonyms, naming the setting that uses it", () => {
    const pseudonyms = "  redact:\n    replacement:\n      type: Pseudonym";
    expect(
      checkReferences(resourcesOf(account("acme"), policy("acme", pseudonyms))).map((p) => p.path),
    ).toEqual(["spec.redact.replacement.type"]);
    const anonymize =
      "  target: users\n  action: Anonymize\n  anonymize:\n    externalId: Pseudonymize\n    phones: Replace";
    const withKey = account("acme", "  pseudonymKey:\n    secretRef:\n      name: keys");
    expect(
      checkReferences(resourcesOf(account("acme"), policy("acme", anonymize))).map((p) => p.path),
    ).toEqual(["spec.anonymize.externalId", "spec.anonymize.phones"]);
    expect(referenceMessages(withKey, policy("acme", anonymize))).toEqual([]);
  });

  it("refuses two resources of one kind with the same namespace and name", () => {
    expect(referenceMessages(account("acme"), policy("acme"), policy("acme"))).toEqual([
      "all.yaml:3 RedactionPolicy privacy/p: metadata.name: RedactionPolicy privacy/p is also defined in all.yaml (document 2); names are unique per kind and namespace, so rename or remove one (line 27)",
    ]);
  });

  describe("with Secrets among the files", () => {
    const credentials = { email: "admin@acme.example.com", token: "t0ken-value" };

    it("needs every Secret an account names", () => {
      const withKey = account("acme", "  pseudonymKey:\n    secretRef:\n      name: keys");
      expect(
        checkReferences(resourcesOf(withKey, secret("acme-zendesk", credentials))).map((p) => p.path),
      ).toEqual(["spec.pseudonymKey.secretRef.name"]);
      expect(
        checkReferences(resourcesOf(withKey, secret("keys", { pseudonymKey: "x".repeat(32) }))).map(
          (p) => p.path,
        ),
      ).toEqual(["spec.credentials.secretRef.name"]);
    });

    it("needs email and token, or oauthToken, in the credentials Secret", () => {
      const check = (data: Record<string, string>) =>
        checkReferences(resourcesOf(account("acme"), secret("acme-zendesk", data))).map(
          (p) => `${p.kind} ${p.path}: ${p.message}`,
        );
      expect(check(credentials)).toEqual([]);
      expect(check({ oauthToken: "abc" })).toEqual([]);
      expect(check({ email: "admin@acme.example.com" })).toEqual([
        "Secret data: has email but no token (or it is empty); an API token needs both (ZendeskAccount privacy/acme authenticates with it)",
      ]);
      expect(check({ oauthToken: "abc", token: "def" })[0]).toMatch(/has both oauthToken and email\/token/);
      expect(check({ other: "x" })[0]).toMatch(/has neither email \+ token nor oauthToken/);
    });

    it("needs a pseudonym key of at least 16 characters, without telling its value or length", () => {
      const withKey = account(
        "acme",
        "  pseudonymKey:\n    secretRef:\n      name: acme-zendesk\n      key: pk",
      );
      const short = checkReferences(
        resourcesOf(withKey, secret("acme-zendesk", { ...credentials, pk: "tooshort" })),
      );
      expect(short.map(formatProblem)).toEqual([
        "all.yaml:2 Secret privacy/acme-zendesk: data.pk: is shorter than 16 characters; ZendeskAccount privacy/acme reads its pseudonym key from it: use a random key (e.g. openssl rand -base64 32) (line 24)",
      ]);
      const missing = checkReferences(resourcesOf(withKey, secret("acme-zendesk", credentials)));
      expect(missing.map((p) => `${p.path}: ${p.message}`)).toEqual([
        "data.pk: is missing; ZendeskAccount privacy/acme reads its pseudonym key from it (spec.pseudonymKey.secretRef.key)",
      ]);
      expect(JSON.stringify([...short, ...missing])).not.toMatch(/tooshort|t0ken-value|admin@/);
    });
  });

  it("expects credentials from the environment when no Secret is among the files", () => {
    expect(referenceMessages(account("acme"))).toEqual([]);
  });
});

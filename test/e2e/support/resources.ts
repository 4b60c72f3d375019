import type { RedactionPolicyInput, ZendeskAccountInput } from "../../../src/api/index.js";

// Typed builders of the objects the scenarios create: what a user would `kubectl apply`, checked
// against Hush's own input types so that a renamed field breaks the build, not the scenario.

export type PolicySpec = RedactionPolicyInput["spec"];
export type AccountSpec = ZendeskAccountInput["spec"];

export interface SecretManifest {
  apiVersion: "v1";
  kind: "Secret";
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  type: "Opaque";
  stringData: Record<string, string>;
}

export function credentialsSecret(
  namespace: string,
  name: string,
  credentials: { email: string; token: string },
): SecretManifest {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    type: "Opaque",
    stringData: { email: credentials.email, token: credentials.token },
  };
}

export function zendeskAccount(
  namespace: string,
  name: string,
  spec: AccountSpec,
): ZendeskAccountInput & { metadata: { namespace: string } } {
  return { apiVersion: "hush.dev/v1alpha1", kind: "ZendeskAccount", metadata: { name, namespace }, spec };
}

export function redactionPolicy(
  namespace: string,
  name: string,
  spec: PolicySpec,
  annotations?: Record<string, string>,
): RedactionPolicyInput & { metadata: { namespace: string } } {
  return {
    apiVersion: "hush.dev/v1alpha1",
    kind: "RedactionPolicy",
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec,
  };
}

/** Every ticket of the account: open ones redacted in place, closed ones replaced by a redacted copy. */
export const redactEveryTicket = (accountName: string, concurrency = 4): PolicySpec => ({
  accountRef: { name: accountName },
  query: "type:ticket",
  mode: "Enforce",
  redact: { masking: "Full", closedTickets: "Replace" },
  concurrency,
});

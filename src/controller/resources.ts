import type { z } from "zod";
import { openAPISchemaOf } from "../api/crd.js";
import { listTypeProblems } from "../api/list-types.js";
import { type FieldProblem, formatPath } from "../api/problems.js";
import {
  type RedactionPolicy,
  type RedactionPolicyStatus,
  redactionPolicySchema,
} from "../api/redaction-policy.js";
import { checkAccount, checkPolicy } from "../api/validate.js";
import {
  type ZendeskAccount,
  type ZendeskAccountStatus,
  zendeskAccountSchema,
} from "../api/zendesk-account.js";
import { PARSE_OPTIONS, zodProblems } from "../api/zod-problems.js";
import type { KubeObject, ObjectKey } from "./cluster.js";
import { scheduleProblem } from "./schedule.js";

// From an object as the API server returns it to the typed resource the sweep engine takes, with
// the same checks `hush validate` makes: the schema (defaults applied, as the CRD's structural
// schema would), list rules, and the semantic rules of validate.ts. The last matter most here:
// kube-apiserver 1.20 does not know CEL, so whatever the CRD's x-kubernetes-validations would
// refuse on a current cluster reaches the operator, which must refuse it itself.

export type Parsed<T> = { ok: true; resource: T } | { ok: false; problems: FieldProblem[] };

export function parsePolicy(object: KubeObject): Parsed<RedactionPolicy> {
  const parsed = parseResource<RedactionPolicy>(object, redactionPolicySchema);
  if (!parsed.ok) return parsed;
  const problems = checkPolicy(parsed.resource);
  // validate.ts checks schedules too; this catches what only computing the next time shows.
  const schedule = problems.length === 0 ? scheduleProblem(parsed.resource.spec.schedule) : undefined;
  if (schedule) problems.push(schedule);
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

export function parseAccount(object: KubeObject): Parsed<ZendeskAccount> {
  const parsed = parseResource<ZendeskAccount>(object, zendeskAccountSchema);
  if (!parsed.ok) return parsed;
  const problems = checkAccount(parsed.resource);
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

/** The problems as one sentence for a condition's message: `spec.query: is blank; ...`. */
export function problemsText(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; ");
}

/** The status Hush wrote, read as it is: the schema of an older or newer operator may differ. */
export const policyStatusOf = (object: KubeObject): RedactionPolicyStatus | undefined =>
  object["status"] as RedactionPolicyStatus | undefined;

export const accountStatusOf = (object: KubeObject): ZendeskAccountStatus | undefined =>
  object["status"] as ZendeskAccountStatus | undefined;

export const keyOf = (object: KubeObject): ObjectKey => ({
  namespace: object.metadata.namespace ?? "default",
  name: object.metadata.name,
});

function parseResource<T>(object: KubeObject, schema: z.ZodType): Parsed<T> {
  // Status is Hush's own record, not the user's input: only what users write is checked.
  const input = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: object.metadata,
    spec: object["spec"],
  };
  const structural = openAPISchemaOf(schema);
  const result = schema.safeParse(input, PARSE_OPTIONS);
  if (!result.success) {
    return {
      ok: false,
      problems: zodProblems(result.error, structural).map((p) => ({
        path: formatPath(p.segments),
        message: p.message,
      })),
    };
  }
  const lists = listTypeProblems(structural, result.data);
  if (lists.length > 0) {
    return {
      ok: false,
      problems: lists.map((p) => ({ path: formatPath(p.segments), message: p.message })),
    };
  }
  return { ok: true, resource: result.data as T };
}

import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";
import type { z } from "zod";
import { type JSONSchemaProps, openAPISchemaOf } from "./crd.js";
import { listTypeProblems } from "./list-types.js";
import { API_VERSION, GROUP } from "./meta.js";
import { closest, type FieldProblem, formatPath, quoted } from "./problems.js";
import { REDACTION_POLICY_KIND, type RedactionPolicy, redactionPolicySchema } from "./redaction-policy.js";
import { emptyResourceSet, type ResourceProblem, type ResourceSet } from "./resource-set.js";
import { isSecretManifest, parseSecret } from "./secret.js";
import { rememberLines } from "./source-lines.js";
import { checkAccount, checkPolicy } from "./validate.js";
import { ZENDESK_ACCOUNT_KIND, type ZendeskAccount, zendeskAccountSchema } from "./zendesk-account.js";
import { PARSE_OPTIONS, type PathProblem, zodProblems } from "./zod-problems.js";

// Resource files as `hush validate`, `hush sweep` and `hush run` read them: multi-document YAML
// (or JSON) holding ZendeskAccounts, RedactionPolicies and v1 Secrets. Each document is checked
// as the API server would (schema, defaults, list rules) and then by the semantic checks of
// validate.ts; every problem names the file, the document, the resource, the field and what is
// allowed. Resources that pass the schema are returned even when a semantic check fails, so that
// a caller can report them (a Stalled condition); callers that act must refuse on any problem.

export { checkReferences, pseudonymKeyUses } from "./references.js";
export type { Loaded, ResourceProblem, ResourceSet } from "./resource-set.js";
export { emptyResourceSet } from "./resource-set.js";
export type { SecretResource } from "./secret.js";

export interface LoadOptions {
  /** What to do with documents of other kinds (a Deployment in the same file): report them (default) or skip them. */
  otherKinds?: "report" | "ignore";
}

export interface LoadResult {
  resources: ResourceSet;
  problems: ResourceProblem[];
}

/** Files that resource directories contribute: YAML and JSON, not hidden, in name order. */
export const RESOURCE_FILE = /^[^.].*\.(ya?ml|json)$/;
/**
 * Status files `hush run` writes next to the resource files (policy.yaml → policy.status.yaml):
 * they hold status without spec, so a directory `hush run` works in leaves them out, as hush run
 * does. A status file named on its own is still read (and reported).
 */
const STATUS_FILE = /\.status\.ya?ml$/;

/** Reads files (and the resource files directly inside directories), in the order given; `files` lists what was read. */
export async function loadResourceFiles(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadResult & { files: string[] }> {
  const result: LoadResult & { files: string[] } = { resources: emptyResourceSet(), problems: [], files: [] };
  result.files = await expandResourcePaths(paths, result.problems);
  for (const file of result.files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      result.problems.push(unreadable(file, error));
      continue;
    }
    const parsed = parseResourceText(text, file, options);
    result.resources.accounts.push(...parsed.resources.accounts);
    result.resources.policies.push(...parsed.resources.policies);
    result.resources.secrets.push(...parsed.resources.secrets);
    result.problems.push(...parsed.problems);
  }
  return result;
}

/** Paths with each directory replaced by the resource files directly in it; unreadable paths become problems. */
export async function expandResourcePaths(
  paths: readonly string[],
  problems: ResourceProblem[],
): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (error) {
      problems.push(unreadable(path, error));
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((n) => RESOURCE_FILE.test(n) && !STATUS_FILE.test(n)).sort();
    if (names.length === 0) {
      problems.push({
        file: path,
        document: 0,
        path: "",
        message: "is a directory without .yaml, .yml or .json files; give the files or another directory",
      });
    }
    files.push(...names.map((n) => join(path, n)));
  }
  return files;
}

function unreadable(file: string, error: unknown): ResourceProblem {
  const code = (error as { code?: string }).code ?? "unknown error";
  const hint = code === "ENOENT" ? "check the path" : "check that the file is readable";
  return { file, document: 0, path: "", message: `cannot be read (${code}); ${hint}` };
}

/** The resources in one file's text; `file` names it in problems. */
export function parseResourceText(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const result: LoadResult = { resources: emptyResourceSet(), problems: [] };
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  documents.forEach((doc, index) => {
    parseDocument(doc, { file, document: index + 1, lineCounter, options }, result);
  });
  return result;
}

interface Where {
  file: string;
  document: number;
  lineCounter: LineCounter;
  options: LoadOptions;
}

function parseDocument(doc: Document.Parsed, where: Where, result: LoadResult): void {
  const problem = (p: Omit<ResourceProblem, "file" | "document">) =>
    result.problems.push({ file: where.file, document: where.document, ...p });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      // yaml's message quotes the offending line, which may hold a secret: keep the first clause only.
      const reason = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      const [start] = error.linePos ?? [];
      problem({
        path: "",
        message: `YAML syntax error${start ? ` at column ${start.col}` : ""}: ${reason}`,
        ...(start ? { line: start.line } : {}),
      });
    }
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problem({ path: "", message: `cannot be read: ${(error as Error).message}` });
    return;
  }
  if (value === null || value === undefined) return; // an empty document, e.g. after a final ---
  const lineOf = (segments: readonly PropertyKey[]) => lineOfPath(doc, where.lineCounter, segments);
  if (typeof value !== "object" || Array.isArray(value)) {
    problem({ path: "", message: "is not a mapping; a resource has apiVersion, kind, metadata and spec" });
    return;
  }
  const object = value as Record<string, unknown>;
  const identity = identityOf(object);
  const located = (problems: readonly (PathProblem | FieldProblem)[], kind?: string) => {
    for (const p of problems) {
      const segments = "segments" in p ? p.segments : pathSegments(p.path);
      problem({
        ...(kind ? { kind } : {}),
        ...(identity ? { name: identity } : {}),
        path: "segments" in p ? formatPath(p.segments) : p.path,
        message: p.message,
        ...(segments.length > 0 ? line(lineOf(segments)) : {}),
      });
    }
  };

  const keep = <T extends object>(resource: T): T => {
    rememberLines(resource, (path) => lineOf(pathSegments(path)));
    return resource;
  };
  if (isSecretManifest(object)) {
    const { secret, problems } = parseSecret(object);
    located(problems, "Secret");
    if (!secret) return;
    // A Secret's decoded data comes from data or stringData: point at whichever holds the key.
    rememberLines(secret, (path) => {
      const segments = pathSegments(path);
      const inStringData =
        segments[0] === "data" && segments.length > 1 && secretKeyIn(object["stringData"], segments[1]);
      return lineOf(inStringData ? ["stringData", ...segments.slice(1)] : segments);
    });
    result.resources.secrets.push({ resource: secret, file: where.file, document: where.document });
    return;
  }
  const kind = hushKind(object);
  if (kind.kind === undefined) {
    if (kind.problem.other && where.options.otherKinds === "ignore") return;
    located([kind.problem]);
    return;
  }
  if (kind.kind === ZENDESK_ACCOUNT_KIND) {
    const account = parseHushResource<ZendeskAccount>(object, zendeskAccountSchema, located, kind.kind);
    if (!account) return;
    located(checkAccount(account), kind.kind);
    result.resources.accounts.push({ resource: keep(account), file: where.file, document: where.document });
  } else {
    const policy = parseHushResource<RedactionPolicy>(object, redactionPolicySchema, located, kind.kind);
    if (!policy) return;
    located(checkPolicy(policy), kind.kind);
    result.resources.policies.push({ resource: keep(policy), file: where.file, document: where.document });
  }
}

function parseHushResource<T>(
  object: Record<string, unknown>,
  schema: z.ZodType,
  report: (problems: readonly PathProblem[], kind: string) => void,
  kind: string,
): T | undefined {
  const input = withFileDefaults(object);
  const structural: JSONSchemaProps = openAPISchemaOf(schema);
  const parsed = schema.safeParse(input, PARSE_OPTIONS);
  if (!parsed.success) {
    report(zodProblems(parsed.error, structural), kind);
    return undefined;
  }
  const listProblems = listTypeProblems(structural, parsed.data);
  if (listProblems.length > 0) {
    report(listProblems, kind);
    return undefined;
  }
  return parsed.data as T;
}

/** Files have no API server: generation starts at 1, as Kubernetes sets it on create. */
function withFileDefaults(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = object["metadata"];
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) return object;
  if ((metadata as Record<string, unknown>)["generation"] !== undefined) return object;
  return { ...object, metadata: { ...metadata, generation: 1 } };
}

const HUSH_KINDS = [ZENDESK_ACCOUNT_KIND, REDACTION_POLICY_KIND];
const ALL_KINDS = `${HUSH_KINDS.join(" and ")} (${API_VERSION}) and v1 Secret`;

/** Which Hush kind a document is, or the problem that says why it is none. */
function hushKind(
  object: Record<string, unknown>,
): { kind: string; problem?: undefined } | { kind?: undefined; problem: FieldProblem & { other?: boolean } } {
  const { apiVersion, kind } = object;
  if (typeof kind !== "string" || kind === "") {
    return { problem: { path: "kind", message: `is required: one of ${ALL_KINDS}` } };
  }
  const apiGroup = typeof apiVersion === "string" ? apiVersion.split("/")[0] : undefined;
  const hushKindName = HUSH_KINDS.find((k) => k === kind);
  if (apiGroup === GROUP || hushKindName) {
    if (!hushKindName) {
      const guess = closest(kind, HUSH_KINDS);
      return {
        problem: {
          path: "kind",
          message: `must be ${HUSH_KINDS.join(" or ")} in ${GROUP} (got ${quoted(kind)})${guess ? `; did you mean ${guess}?` : ""}`,
        },
      };
    }
    if (apiVersion !== API_VERSION) {
      const got = apiVersion === undefined ? "" : ` (got ${quoted(apiVersion)})`;
      return { problem: { path: "apiVersion", message: `must be ${API_VERSION}${got}` } };
    }
    return { kind };
  }
  if (kind === "Secret") {
    return {
      problem: { path: "apiVersion", message: `of a Secret must be v1 (got ${quoted(apiVersion ?? "")})` },
    };
  }
  const guess = closest(kind, HUSH_KINDS);
  if (guess) {
    return {
      problem: {
        path: "kind",
        message: `${quoted(kind)} is not a Hush kind; did you mean ${guess}? Hush reads ${ALL_KINDS}`,
      },
    };
  }
  return {
    problem: {
      path: "",
      message: `kind ${kind}${typeof apiVersion === "string" ? ` (${apiVersion})` : ""} is not a Hush resource; Hush reads ${ALL_KINDS}`,
      other: true,
    },
  };
}

function secretKeyIn(map: unknown, key: PropertyKey | undefined): boolean {
  return typeof map === "object" && map !== null && typeof key === "string" && key in map;
}

/** "namespace/name" of a document, from what it says (before any check). */
function identityOf(object: Record<string, unknown>): string | undefined {
  const metadata = object["metadata"];
  if (typeof metadata !== "object" || metadata === null) return undefined;
  const { name, namespace } = metadata as Record<string, unknown>;
  if (typeof name !== "string" || name === "") return undefined;
  return `${typeof namespace === "string" && namespace !== "" ? namespace : "default"}/${name}`;
}

/** Segments of a path formatted by formatPath (spec.redact.patterns[0].regex). */
function pathSegments(path: string): PropertyKey[] {
  const segments: PropertyKey[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else if (m[3] !== undefined) segments.push(JSON.parse(`"${m[3]}"`));
  }
  return segments;
}

/** The line of the deepest node of the path that exists in the document (a missing field: its parent). */
function lineOfPath(
  doc: Document.Parsed,
  counter: LineCounter,
  segments: readonly PropertyKey[],
): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : counter.linePos(offset).line;
}

function line(value: number | undefined): { line?: number } {
  return value === undefined ? {} : { line: value };
}

/** One line for people: `policy.yaml:2 RedactionPolicy privacy/x: spec.action: must be one of ... (line 14)`. */
export function formatProblem(problem: ResourceProblem): string {
  const where = problem.document > 0 ? `${problem.file}:${problem.document}` : problem.file;
  const what = [problem.kind, problem.name].filter(Boolean).join(" ");
  const field = problem.path ? `${problem.path}: ` : "";
  const at = problem.line !== undefined ? ` (line ${problem.line})` : "";
  return `${where}${what ? ` ${what}` : ""}: ${field}${problem.message}${at}`;
}

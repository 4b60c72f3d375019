import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import {
  type RedactionPolicyStatus,
  redactionPolicyStatusSchema,
  type ZendeskAccountStatus,
  zendeskAccountStatusSchema,
} from "../api/index.js";

// Status next to the resource files: for policy.yaml, policy.status.yaml holds each Hush resource
// of policy.yaml (kind, name, namespace, the generation hush run counts) with its status, in the
// order of the file, as `kubectl get -o yaml` would show the status part. Secrets and specs are
// not copied: the status file says nothing the resource file does not already hold, and never a
// credential. Writes replace the file atomically (write, then rename), so a reader never sees
// half a file, and are skipped when nothing changed.

export type StatusKind = "ZendeskAccount" | "RedactionPolicy";
export type ResourceStatus = ZendeskAccountStatus | RedactionPolicyStatus;

export interface StatusEntry {
  kind: StatusKind;
  namespace: string;
  name: string;
  generation: number;
  status: ResourceStatus | undefined;
}

export const resourceKey = (kind: string, namespace: string, name: string): string =>
  `${kind}/${namespace}/${name}`;

/** One resource with its status, as one YAML document. */
export function renderStatusDocument(
  kind: StatusKind,
  entry: { namespace: string; name: string; generation: number; status: ResourceStatus | undefined },
): string {
  return stringify(
    {
      apiVersion: "hush.dev/v1alpha1",
      kind,
      metadata: { name: entry.name, namespace: entry.namespace, generation: entry.generation },
      ...(entry.status ? { status: entry.status } : {}),
    },
    { lineWidth: 0 },
  );
}

/** The YAML of a status file: a comment that says what it is, then one document a resource. */
export function renderStatusFile(
  sourceFile: string,
  entries: readonly StatusEntry[],
  problems: readonly string[] = [],
): string {
  const header = [
    `# Written by hush run: the status of the resources in ${basename(sourceFile)}.`,
    "# hush run rewrites this file; edit the resource file instead.",
    ...(problems.length > 0
      ? [
          "#",
          `# Problems in ${basename(sourceFile)} (fix them and hush run reads the file again):`,
          ...problems.map((p) => `#   ${p}`),
        ]
      : []),
  ].join("\n");
  const documents = entries.map((e) => renderStatusDocument(e.kind, e));
  return `${header}\n${documents.length > 0 ? `---\n${documents.join("---\n")}` : ""}`;
}

/** Writes the file when its content differs from what is there; returns whether it wrote. */
export async function writeIfChanged(path: string, content: string): Promise<boolean> {
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (current === content) return false;
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, "utf8");
  await rename(temporary, path);
  return true;
}

export async function removeStatusFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * The statuses a status file holds, by resourceKey, so that a restarted hush run keeps the last
 * sweep, totals and transition times. A file that does not parse, or an entry whose status does
 * not match the schema (an older version wrote it), is skipped: status is rebuilt from scratch.
 */
export async function readStatusFile(
  path: string,
): Promise<Map<string, { generation: number; status: ResourceStatus }>> {
  const found = new Map<string, { generation: number; status: ResourceStatus }>();
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return found;
  }
  for (const doc of parseAllDocuments(text)) {
    if (!("errors" in doc) || doc.errors.length > 0) continue;
    const value = doc.toJS() as {
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown; generation?: unknown };
      status?: unknown;
    } | null;
    if (!value || typeof value !== "object") continue;
    const { kind, metadata, status } = value;
    if (typeof metadata?.name !== "string" || typeof metadata.namespace !== "string") continue;
    const schema =
      kind === "RedactionPolicy"
        ? redactionPolicyStatusSchema
        : kind === "ZendeskAccount"
          ? zendeskAccountStatusSchema
          : undefined;
    if (!schema) continue;
    const parsed = schema.safeParse(status);
    if (!parsed.success) continue;
    const generation = typeof metadata.generation === "number" ? metadata.generation : 1;
    found.set(resourceKey(kind as string, metadata.namespace, metadata.name), {
      generation,
      status: parsed.data,
    });
  }
  return found;
}

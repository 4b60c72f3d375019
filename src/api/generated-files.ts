import { stringify } from "yaml";
import { type CustomResourceDefinition, customResourceDefinitions, type JSONSchemaProps } from "./crd.js";

// The files generated from the zod schemas: the CRDs in crds/ and the field reference in
// docs/resources.md. `npm run crds` writes them; a test regenerates them in memory and fails when
// the checked-in copies differ, so the schemas stay the one source of truth.

export const GENERATED_HEADER = "# Generated from src/api by `npm run crds`; do not edit.\n";
export const RESOURCES_DOC = "docs/resources.md";

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  text: string;
}

export function crdFiles(): GeneratedFile[] {
  return customResourceDefinitions().map((crd) => ({
    path: `crds/${crd.spec.group}_${crd.spec.names.plural}.yaml`,
    text: renderCrd(crd),
  }));
}

export function renderCrd(crd: CustomResourceDefinition): string {
  // lineWidth 0: long descriptions stay on one line, so a changed word changes one line of diff.
  return `${GENERATED_HEADER}${stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

const BEGIN = (kind: string) => `<!-- BEGIN generated reference: ${kind} (npm run crds) -->`;
const END = (kind: string) => `<!-- END generated reference: ${kind} -->`;

/**
 * The document with each kind's generated reference between its BEGIN and END markers replaced
 * by the current one. Throws when a kind's markers are missing, naming them.
 */
export function withGeneratedReference(markdown: string): string {
  let text = markdown;
  for (const crd of customResourceDefinitions()) {
    const kind = crd.spec.names.kind;
    const begin = text.indexOf(BEGIN(kind));
    const end = text.indexOf(END(kind));
    if (begin < 0 || end < begin) {
      throw new Error(`${RESOURCES_DOC} lacks the markers "${BEGIN(kind)}" and "${END(kind)}"; add them`);
    }
    const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
    text = `${text.slice(0, begin)}${BEGIN(kind)}\n\n${fieldReference(schema)}\n${text.slice(end)}`;
  }
  return text;
}

/** Markdown tables of spec and status: one row per field, nested fields by their dotted path. */
export function fieldReference(schema: JSONSchemaProps): string {
  const sections: string[] = [];
  for (const part of ["spec", "status"] as const) {
    const node = schema.properties?.[part];
    if (!node) continue;
    const rows = fieldRows(node, "");
    sections.push(
      [
        `**${part}**${node.description ? `: ${node.description}` : ""}`,
        "",
        "| Field | Type | Default | Allowed | Description |",
        "| --- | --- | --- | --- | --- |",
        ...rows,
        "",
      ].join("\n"),
    );
  }
  return sections.join("\n");
}

function fieldRows(node: JSONSchemaProps, prefix: string): string[] {
  const rows: string[] = [];
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${name}`;
    const requiredMark = required.has(name) ? " (required)" : "";
    rows.push(
      row([
        `\`${path}\`${requiredMark}`,
        typeOf(child),
        child.default === undefined ? "" : code(JSON.stringify(child.default)),
        allowed(child),
        describeNode(child),
      ]),
    );
    if (child.properties) rows.push(...fieldRows(child, `${path}.`));
    if (child.items?.properties) rows.push(...fieldRows(child.items, `${path}[].`));
  }
  return rows;
}

function typeOf(node: JSONSchemaProps): string {
  if (node.type === "array") return `list of ${node.items ? typeOf(node.items) : "any"}`;
  if (node.type === "object" && node.additionalProperties)
    return `map of ${typeOf(node.additionalProperties)}`;
  if (node.format === "date-time") return "date-time";
  return node.type ?? "any";
}

function allowed(node: JSONSchemaProps): string {
  if (node.type !== "array" || !node.items) return constraints(node).join("; ");
  const item = constraints(node.items);
  const parts = node.items.enum ? item : item.map((p) => `each ${p}`);
  const count = (n: number) => `${n} ${n === 1 ? "item" : "items"}`;
  const { minItems: min, maxItems: max } = node;
  if (min !== undefined && max !== undefined) parts.push(`${min} to ${count(max)}`);
  else if (min !== undefined) parts.push(`at least ${count(min)}`);
  else if (max !== undefined) parts.push(`at most ${count(max)}`);
  if (node["x-kubernetes-list-type"] === "set") parts.push("no duplicates");
  if (node["x-kubernetes-list-type"] === "map")
    parts.push(`unique ${(node["x-kubernetes-list-map-keys"] ?? []).join(", ")}`);
  return parts.join("; ");
}

/** What a scalar or object node allows: values, pattern, bounds, oneOf. */
function constraints(node: JSONSchemaProps): string[] {
  const parts: string[] = [];
  if (node.enum) parts.push(node.enum.map((v) => code(String(v))).join(", "));
  if (node.pattern) parts.push(`matches ${code(node.pattern)}`);
  if (node.format && node.format !== "date-time") parts.push(`format ${node.format}`);
  const bounds = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) parts.push(`${min} to ${max}${unit}`);
    else if (min !== undefined) parts.push(`at least ${min}${unit}`);
    else if (max !== undefined) parts.push(`at most ${max}${unit}`);
  };
  bounds(node.minimum, node.maximum, "");
  bounds(node.minLength, node.maxLength, " characters");
  if (node.oneOf) {
    const choices = node.oneOf.map((b) => (b.required ?? []).map(code).join(" and "));
    parts.push(`exactly one of ${choices.join(", ")}`);
  }
  return parts;
}

function describeNode(node: JSONSchemaProps): string {
  return node.description ?? node.items?.description ?? "";
}

function code(text: string): string {
  return `\`${text}\``;
}

function row(cells: string[]): string {
  // A pipe inside a cell, even inside a code span, must be escaped in GitHub's tables.
  return `| ${cells.map((c) => c.replaceAll("|", "\\|").replaceAll("\n", " ")).join(" | ")} |`;
}

import type { JSONSchemaProps } from "../../../src/api/crd.js";

// A small model of what the Kubernetes API server does with a CRD's structural schema, written
// here rather than borrowed from a JSON Schema library so that the tests check Kubernetes' rules
// (structural schemas, defaulting, RE2 patterns) and not another dialect's.

export interface SchemaNode {
  path: string;
  node: JSONSchemaProps;
}

/** Every node of a schema with its path (properties by name, items as [], maps as {}). */
export function schemaNodes(node: JSONSchemaProps, path = ""): SchemaNode[] {
  const nodes: SchemaNode[] = [{ path: path || "(root)", node }];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    nodes.push(...schemaNodes(child, path ? `${path}.${name}` : name));
  }
  if (node.items) nodes.push(...schemaNodes(node.items, `${path}[]`));
  if (node.additionalProperties) nodes.push(...schemaNodes(node.additionalProperties, `${path}{}`));
  return nodes;
}

/** Violations of a value against a structural schema, as the API server's validation would find them. */
export function validateValue(value: unknown, node: JSONSchemaProps, path = "", strict = true): string[] {
  const at = (message: string) => [`${path || "(root)"}: ${message}`];
  if (node["x-kubernetes-preserve-unknown-fields"] && !node.type) return [];
  const type = typeOf(value);
  if (node.type && !(type === node.type || (node.type === "number" && type === "integer"))) {
    return at(`is ${type}, schema says ${node.type}`);
  }
  const errors: string[] = [];
  if (node.enum && !node.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(...at(`${JSON.stringify(value)} is not in enum ${JSON.stringify(node.enum)}`));
  }
  if (typeof value === "string") {
    if (node.minLength !== undefined && [...value].length < node.minLength)
      errors.push(...at("shorter than minLength"));
    if (node.maxLength !== undefined && [...value].length > node.maxLength)
      errors.push(...at("longer than maxLength"));
    if (node.pattern !== undefined && !new RegExp(node.pattern, "u").test(value))
      errors.push(...at(`does not match ${node.pattern}`));
    if (node.format === "date-time" && Number.isNaN(Date.parse(value)))
      errors.push(...at("is not a date-time"));
  }
  if (typeof value === "number") {
    if (node.minimum !== undefined && (node.exclusiveMinimum ? value <= node.minimum : value < node.minimum))
      errors.push(...at("below minimum"));
    if (node.maximum !== undefined && (node.exclusiveMaximum ? value >= node.maximum : value > node.maximum))
      errors.push(...at("above maximum"));
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems)
      errors.push(...at("fewer than minItems"));
    if (node.maxItems !== undefined && value.length > node.maxItems) errors.push(...at("more than maxItems"));
    if (
      node["x-kubernetes-list-type"] === "set" &&
      new Set(value.map((v) => JSON.stringify(v))).size !== value.length
    )
      errors.push(...at("repeats an item of a set"));
    value.forEach((item, i) => {
      if (node.items) errors.push(...validateValue(item, node.items, `${path}[${i}]`, strict));
    });
  }
  if (type === "object") {
    const object = value as Record<string, unknown>;
    for (const key of node.required ?? []) if (!(key in object)) errors.push(...at(`lacks required ${key}`));
    for (const [key, child] of Object.entries(object)) {
      const childNode = node.properties?.[key] ?? node.additionalProperties;
      if (childNode) errors.push(...validateValue(child, childNode, path ? `${path}.${key}` : key, strict));
      else if (strict && !node["x-kubernetes-preserve-unknown-fields"] && node.properties)
        errors.push(...at(`has ${key}, which the schema does not know (the API server would prune it)`));
    }
    if (node.oneOf) {
      const matching = node.oneOf.filter((branch) => (branch.required ?? []).every((k) => k in object));
      if (matching.length !== 1) errors.push(...at(`matches ${matching.length} branches of oneOf, not 1`));
    }
  }
  return errors;
}

/** Structural defaulting: a missing field with a default gets it, then defaulting goes on inside. */
export function applyDefaults(value: unknown, node: JSONSchemaProps): unknown {
  if (Array.isArray(value)) return node.items ? value.map((item) => applyDefaults(item, node.items!)) : value;
  if (typeOf(value) !== "object") return value;
  const object = { ...(value as Record<string, unknown>) };
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (object[key] === undefined && child.default !== undefined)
      object[key] = structuredClone(child.default);
    if (object[key] !== undefined) object[key] = applyDefaults(object[key], child);
  }
  return object;
}

/** Why a pattern is not RE2 (Go's regexp, which the API server compiles patterns with), or undefined. */
export function re2Problem(pattern: string): string | undefined {
  if (/\(\?[=!]|\(\?<[=!]/.test(pattern)) return "lookaround";
  if (/\\[1-9]|\\k</.test(pattern)) return "backreference";
  if (/\(\?<[A-Za-z]/.test(pattern))
    return "named group in JavaScript syntax (Go before 1.22 needs (?P<name>)";
  if (/[*+?}]\+/.test(pattern)) return "possessive quantifier";
  return undefined;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

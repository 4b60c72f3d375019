import type { JSONSchemaProps } from "./crd.js";
import type { PathProblem } from "./zod-problems.js";

// The API server refuses duplicates in lists the CRD declares as sets (x-kubernetes-list-type:
// set) and repeated keys in map lists (x-kubernetes-list-map-keys); zod does not check either, so
// resource files are held to the same rule here.

export function listTypeProblems(
  schema: JSONSchemaProps,
  value: unknown,
  segments: PropertyKey[] = [],
): PathProblem[] {
  if (Array.isArray(value)) {
    const problems: PathProblem[] = [];
    const listType = schema["x-kubernetes-list-type"];
    const keys = schema["x-kubernetes-list-map-keys"] ?? [];
    const seen = new Map<string, number>();
    value.forEach((item, i) => {
      const identity =
        listType === "set"
          ? JSON.stringify(item)
          : listType === "map"
            ? JSON.stringify(keys.map((k) => (item as Record<string, unknown>)?.[k]))
            : undefined;
      if (identity !== undefined) {
        const first = seen.get(identity);
        if (first === undefined) seen.set(identity, i);
        else if (listType === "set")
          problems.push({
            segments: [...segments, i],
            message: `repeats item [${first}]; list each value once`,
          });
        else
          problems.push({
            segments: [...segments, i, ...keys.slice(0, 1)],
            message: `repeats the ${keys.join(" and ")} of item [${first}]; each item needs its own`,
          });
      }
      if (schema.items) problems.push(...listTypeProblems(schema.items, item, [...segments, i]));
    });
    return problems;
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => {
      const node = schema.properties?.[key] ?? schema.additionalProperties;
      return node ? listTypeProblems(node, child, [...segments, key]) : [];
    });
  }
  return [];
}

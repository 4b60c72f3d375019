import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import {
  type CustomResourceDefinition,
  customResourceDefinitions,
  type JSONSchemaProps,
  toStructural,
} from "../../src/api/crd.js";
import { crdFiles, RESOURCES_DOC, withGeneratedReference } from "../../src/api/generated-files.js";
import { parseResourceText } from "../../src/api/load.js";
import { redactionPolicySchema } from "../../src/api/redaction-policy.js";
import { zendeskAccountSchema } from "../../src/api/zendesk-account.js";
import { applyDefaults, re2Problem, schemaNodes, validateValue } from "./support/openapi.js";

const root = join(import.meta.dirname, "..", "..");
const crds = customResourceDefinitions();
const byKind = (kind: string) => crds.find((c) => c.spec.names.kind === kind) as CustomResourceDefinition;
const schemaOf = (kind: string) => byKind(kind).spec.versions[0]!.schema.openAPIV3Schema;
const allNodes = crds.flatMap((crd) =>
  schemaNodes(crd.spec.versions[0]!.schema.openAPIV3Schema).map((n) => ({ ...n, kind: crd.spec.names.kind })),
);
const fixture = readFileSync(join(import.meta.dirname, "fixtures", "resources.yaml"), "utf8");
const fixtureDocs = parseAllDocuments(fixture).map((d) => d.toJS() as Record<string, unknown>);
const hushDocs = fixtureDocs.filter((d) => d["apiVersion"] === "hush.dev/v1alpha1");

describe("generated files", () => {
  it("crds/ matches the schemas in src/api", () => {
    for (const file of crdFiles()) {
      const path = join(root, file.path);
      const onDisk = existsSync(path) ? readFileSync(path, "utf8") : "(missing)";
      expect(onDisk, `crds/ is stale: run \`npm run crds\` (${file.path} differs)`).toBe(file.text);
    }
  });

  it("the field reference in docs/resources.md matches the schemas", () => {
    const onDisk = readFileSync(join(root, RESOURCES_DOC), "utf8");
    expect(onDisk, `${RESOURCES_DOC} is stale: run \`npm run crds\``).toBe(withGeneratedReference(onDisk));
  });

  it("marks the CRD files as generated", () => {
    for (const file of crdFiles())
      expect(file.text.split("\n")[0]).toMatch(/generated from src\/api by `npm run crds`; do not edit/i);
  });
});

describe("the CRDs", () => {
  it("define both kinds in hush.dev, namespaced, served and stored as v1alpha1 with a status subresource", () => {
    expect(crds.map((c) => c.metadata.name)).toEqual([
      "zendeskaccounts.hush.dev",
      "redactionpolicies.hush.dev",
    ]);
    for (const crd of crds) {
      expect(crd.spec.scope).toBe("Namespaced");
      expect(crd.spec.names.categories).toEqual(["hush"]);
      expect(crd.spec.names.shortNames.length).toBeGreaterThan(0);
      expect(crd.spec.versions).toHaveLength(1);
      expect(crd.spec.versions[0]).toMatchObject({
        name: "v1alpha1",
        served: true,
        storage: true,
        subresources: { status: {} },
      });
    }
  });

  it("use short names no other kind of the two uses and no built-in kind uses", () => {
    const builtIn = [
      "po",
      "svc",
      "deploy",
      "rs",
      "rc",
      "pv",
      "pvc",
      "ns",
      "no",
      "cm",
      "sa",
      "ds",
      "sts",
      "ing",
      "hpa",
      "pdb",
      "ep",
      "ev",
      "cs",
      "limits",
      "quota",
      "crd",
      "netpol",
      "psp",
      "sc",
      "csr",
      "pc",
    ];
    const names = crds.flatMap((c) => c.spec.names.shortNames);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(builtIn).not.toContain(name);
  });

  it("show the columns kubectl get needs, reading fields that exist", () => {
    expect(
      byKind("ZendeskAccount")
        .spec.versions[0]!.additionalPrinterColumns.filter((c) => !c.priority)
        .map((c) => c.name),
    ).toEqual(["Subdomain", "Ready", "Reason", "Age"]);
    expect(
      byKind("RedactionPolicy")
        .spec.versions[0]!.additionalPrinterColumns.filter((c) => !c.priority)
        .map((c) => c.name),
    ).toEqual([
      "Account",
      "Action",
      "Mode",
      "Ready",
      "Last Sweep",
      "Last Result",
      "Acted",
      "Next Sweep",
      "Age",
    ]);
    for (const crd of crds) {
      const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
      for (const column of crd.spec.versions[0]!.additionalPrinterColumns) {
        if (column.jsonPath.startsWith(".metadata.")) continue;
        // .status.conditions[?(@.type=="Ready")].status → status.conditions[].status
        const path = column.jsonPath.slice(1).replace(/\[\?\(@\.type=="Ready"\)\]/, "[]");
        const node = schemaNodes(schema).find((n) => n.path === path);
        expect(node, `${crd.spec.names.kind} column ${column.name} reads ${column.jsonPath}`).toBeDefined();
        const columnType = column.type === "date" ? "string" : column.type;
        expect(node!.node.type).toBe(columnType);
      }
    }
  });
});

describe("the structural schemas", () => {
  it("give every node a type", () => {
    const untyped = allNodes.filter((n) => !n.node.type && !n.node["x-kubernetes-preserve-unknown-fields"]);
    expect(untyped.map((n) => `${n.kind} ${n.path}`)).toEqual([]);
  });

  it("never put additionalProperties beside properties", () => {
    const both = allNodes.filter((n) => n.node.properties && n.node.additionalProperties);
    expect(both.map((n) => `${n.kind} ${n.path}`)).toEqual([]);
  });

  it("use only keywords Kubernetes 1.20 accepts in a structural schema", () => {
    const allowed = new Set([
      "description",
      "type",
      "format",
      "enum",
      "default",
      "minimum",
      "exclusiveMinimum",
      "maximum",
      "exclusiveMaximum",
      "multipleOf",
      "minLength",
      "maxLength",
      "pattern",
      "minItems",
      "maxItems",
      "items",
      "properties",
      "required",
      "additionalProperties",
      "oneOf",
      "x-kubernetes-preserve-unknown-fields",
      "x-kubernetes-list-type",
      "x-kubernetes-list-map-keys",
    ]);
    const bad = allNodes.flatMap((n) =>
      Object.keys(n.node)
        .filter((k) => !allowed.has(k))
        .map((k) => `${n.kind} ${n.path}: ${k}`),
    );
    expect(bad).toEqual([]);
  });

  it("leave metadata to the API server: type object and nothing else", () => {
    for (const crd of crds)
      expect(crd.spec.versions[0]!.schema.openAPIV3Schema.properties!["metadata"]).toEqual({
        type: "object",
      });
  });

  it("require spec, and not apiVersion, kind or metadata (the API server sets them)", () => {
    for (const crd of crds) expect(crd.spec.versions[0]!.schema.openAPIV3Schema.required).toEqual(["spec"]);
  });

  it("describe every field of spec and status", () => {
    const undescribed = allNodes.filter(
      (n) => /^(spec|status)(\.|$)/.test(n.path) && !n.path.endsWith("[]") && !n.node.description,
    );
    expect(undescribed.map((n) => `${n.kind} ${n.path}`)).toEqual([]);
  });

  it("type whole numbers as integer", () => {
    const numbers = allNodes.filter((n) => n.node.type === "number");
    expect(numbers.map((n) => `${n.kind} ${n.path}`)).toEqual([]);
    expect(schemaOf("RedactionPolicy").properties!["spec"]!.properties!["concurrency"]!.type).toBe("integer");
  });

  it("write patterns Go's RE2 compiles (no lookarounds or backreferences)", () => {
    const patterns = allNodes.filter((n) => n.node.pattern !== undefined);
    expect(patterns.length).toBeGreaterThan(5);
    const bad = patterns.flatMap((n) => {
      const problem = re2Problem(n.node.pattern!);
      return problem ? [`${n.kind} ${n.path}: ${problem}`] : [];
    });
    expect(bad).toEqual([]);
  });

  it("give defaults that validate against their own schemas", () => {
    const withDefaults = allNodes.filter((n) => n.node.default !== undefined);
    expect(withDefaults.length).toBeGreaterThan(20);
    const bad = withDefaults.flatMap((n) =>
      validateValue(applyDefaults(n.node.default, n.node), n.node, n.path).map((e) => `${n.kind} ${e}`),
    );
    expect(bad).toEqual([]);
  });

  it("key map lists by fields that are required", () => {
    for (const n of allNodes.filter((n) => n.node["x-kubernetes-list-type"] === "map")) {
      for (const key of n.node["x-kubernetes-list-map-keys"] ?? []) {
        expect(n.node.items?.required, `${n.kind} ${n.path} keyed by ${key}`).toContain(key);
      }
    }
  });

  it("keep set lists to scalars", () => {
    for (const n of allNodes.filter((n) => n.node["x-kubernetes-list-type"] === "set")) {
      expect(["string", "integer", "boolean"], `${n.kind} ${n.path}`).toContain(n.node.items?.type);
    }
  });

  it("say in oneOf only which fields are required, naming fields the schema has", () => {
    const schedule = schemaOf("RedactionPolicy").properties!["spec"]!.properties!["schedule"]!;
    expect(schedule.oneOf).toEqual([{ required: ["cron"] }, { required: ["interval"] }]);
    for (const n of allNodes.filter((n) => n.node.oneOf)) {
      for (const branch of n.node.oneOf!) {
        expect(Object.keys(branch)).toEqual(["required"]);
        for (const key of branch.required ?? []) expect(n.node.properties).toHaveProperty(key);
      }
    }
  });

  it("drop zod's safe-integer bounds but keep the bounds the schemas set", () => {
    const spec = schemaOf("RedactionPolicy").properties!["spec"]!;
    expect(spec.properties!["limits"]!.properties!["approvalAbove"]).not.toHaveProperty("maximum");
    expect(spec.properties!["limits"]!.properties!["maxItemsPerSweep"]).toMatchObject({
      minimum: 1,
      maximum: 10_000_000,
    });
  });
});

describe("the example resources against the CRD schemas", () => {
  it("validate every Hush resource of the example files", () => {
    expect(hushDocs.length).toBeGreaterThanOrEqual(7);
    for (const doc of hushDocs) {
      const errors = validateValue(doc, schemaOf(doc["kind"] as string));
      expect(errors, `${doc["kind"]} ${(doc["metadata"] as { name: string }).name}`).toEqual([]);
    }
  });

  it("default exactly as the loader does, so a cluster and hush run see the same policy", () => {
    const loaded = parseResourceText(fixture, "resources.yaml");
    expect(loaded.problems).toEqual([]);
    const parsed = [...loaded.resources.accounts, ...loaded.resources.policies].map((l) => l.resource);
    for (const doc of hushDocs) {
      const name = (doc["metadata"] as { name: string }).name;
      const defaulted = applyDefaults(doc, schemaOf(doc["kind"] as string)) as { spec: unknown };
      const fromLoader = parsed.find((r) => r.metadata.name === name)!;
      expect(defaulted.spec, name).toEqual(fromLoader.spec);
    }
  });

  it("refuse what zod refuses: a wrong enum value and a missing required field", () => {
    const policy = structuredClone(hushDocs.find((d) => d["kind"] === "RedactionPolicy")!) as any;
    policy.spec.action = "Redcat";
    delete policy.spec.query;
    const errors = validateValue(policy, schemaOf("RedactionPolicy"));
    expect(errors.join("\n")).toMatch(/spec\.action: "Redcat" is not in enum/);
    expect(errors.join("\n")).toMatch(/spec: lacks required query/);
  });

  it("hold the example in docs/resources.md to the same schemas", () => {
    const doc = readFileSync(join(root, RESOURCES_DOC), "utf8");
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    for (const resource of parseAllDocuments(example).map((d) => d.toJS())) {
      if (resource.apiVersion !== "hush.dev/v1alpha1") continue;
      expect(validateValue(resource, schemaOf(resource.kind))).toEqual([]);
    }
  });
});

describe("converting JSON Schema to a structural schema", () => {
  const convert = (schema: z.ZodType) =>
    toStructural(z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>, "x");

  it("turns const into a one-value enum and drops additionalProperties: false", () => {
    expect(convert(z.strictObject({ a: z.literal("v") }))).toEqual({
      type: "object",
      properties: { a: { type: "string", enum: ["v"] } },
      required: ["a"],
    });
  });

  it("keeps unknown fields of loose objects instead of refusing them", () => {
    expect(convert(z.looseObject({ a: z.string() }))).toMatchObject({
      "x-kubernetes-preserve-unknown-fields": true,
    });
  });

  it("writes maps of strings as additionalProperties with a type", () => {
    expect(convert(z.record(z.string(), z.string()))).toEqual({
      type: "object",
      additionalProperties: { type: "string" },
    });
  });

  it("turns 2020-12 exclusive bounds into OpenAPI v3 flags", () => {
    expect(convert(z.number().positive())).toEqual({ type: "number", minimum: 0, exclusiveMinimum: true });
  });

  it("refuses unions and nullable fields, naming the path, instead of writing a schema Kubernetes rejects", () => {
    const union = z.union([z.string(), z.strictObject({ x: z.string() })]);
    expect(() => convert(z.strictObject({ a: union }))).toThrow(/x\.a: anyOf cannot be expressed/);
    expect(() => convert(z.strictObject({ b: z.string().nullable() }))).toThrow(
      /x\.b: type .* one type per field/,
    );
    expect(() => convert(z.strictObject({ c: z.union([z.string(), z.number()]) }))).toThrow(/x\.c: type/);
  });

  it("drops the pattern zod writes beside format date-time", () => {
    expect(convert(z.iso.datetime())).toEqual({ type: "string", format: "date-time" });
  });

  it("keeps every field of both kinds (nothing lost on the way)", () => {
    for (const [schema, kind] of [
      [zendeskAccountSchema, "ZendeskAccount"],
      [redactionPolicySchema, "RedactionPolicy"],
    ] as const) {
      const json = z.toJSONSchema(schema, { io: "input" }) as { properties: Record<string, JSONSchemaProps> };
      const specFields = Object.keys(json.properties["spec"]!.properties!);
      expect(Object.keys(schemaOf(kind).properties!["spec"]!.properties!)).toEqual(specFields);
    }
  });
});

import { z } from "zod";
import { GROUP, VERSION } from "./meta.js";
import { REDACTION_POLICY_KIND, redactionPolicySchema } from "./redaction-policy.js";
import { ZENDESK_ACCOUNT_KIND, zendeskAccountSchema } from "./zendesk-account.js";

// CustomResourceDefinitions (apiextensions.k8s.io/v1) generated from the zod schemas, so that the
// API server validates and defaults exactly what the loader of resource files does. zod writes
// JSON Schema 2020-12; Kubernetes wants a *structural* OpenAPI v3 schema, which differs:
// - every node has a type, and `additionalProperties` never stands beside `properties` (unknown
//   fields are pruned by the API server instead of refused);
// - no `const`, `propertyNames`, `$schema`, `uniqueItems` or 2020-12 numeric exclusiveMinimum;
// - oneOf/anyOf/allOf may only add value validations (no types, defaults or descriptions);
// - metadata may carry no constraints (the API server owns it).
// Kubernetes 1.20 is the oldest API server Hush supports, so nothing newer is used (no CEL
// x-kubernetes-validations); patterns are RE2 (Go) regular expressions: no lookarounds.

/** The subset of Kubernetes' JSONSchemaProps Hush's CRDs use. */
export interface JSONSchemaProps {
  description?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  exclusiveMinimum?: boolean;
  maximum?: number;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  items?: JSONSchemaProps;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  additionalProperties?: JSONSchemaProps;
  oneOf?: JSONSchemaProps[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
}

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: "Namespaced";
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JSONSchemaProps };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
}

/** What a CRD needs beyond the schema: names and the columns of `kubectl get`. */
export interface HushKind {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  schema: z.ZodType;
  printerColumns: PrinterColumn[];
}

const ready = (field: "status" | "reason" | "message") => `.status.conditions[?(@.type=="Ready")].${field}`;

const AGE: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };

export const HUSH_KINDS: readonly HushKind[] = [
  {
    kind: ZENDESK_ACCOUNT_KIND,
    plural: "zendeskaccounts",
    singular: "zendeskaccount",
    // "za" alone is too likely to clash with another operator's kind.
    shortNames: ["zda"],
    schema: zendeskAccountSchema,
    printerColumns: [
      { name: "Subdomain", type: "string", jsonPath: ".spec.subdomain", description: "Zendesk subdomain." },
      { name: "Ready", type: "string", jsonPath: ready("status"), description: "Credentials work." },
      { name: "Reason", type: "string", jsonPath: ready("reason"), description: "Why (not) ready." },
      {
        name: "Limit",
        type: "integer",
        jsonPath: ".status.rateLimit.requestsPerMinute",
        description: "The account's requests a minute.",
        priority: 1,
      },
      AGE,
    ],
  },
  {
    kind: REDACTION_POLICY_KIND,
    plural: "redactionpolicies",
    singular: "redactionpolicy",
    // "rp" is taken by other projects' kinds; "rpol" reads as redaction policy.
    shortNames: ["rpol"],
    schema: redactionPolicySchema,
    printerColumns: [
      {
        name: "Account",
        type: "string",
        jsonPath: ".spec.accountRef.name",
        description: "The ZendeskAccount.",
      },
      {
        name: "Target",
        type: "string",
        jsonPath: ".spec.target",
        priority: 1,
        description: "tickets or users.",
      },
      { name: "Action", type: "string", jsonPath: ".spec.action", description: "What a sweep does." },
      { name: "Mode", type: "string", jsonPath: ".spec.mode", description: "DryRun or Enforce." },
      { name: "Ready", type: "string", jsonPath: ready("status"), description: "Last sweep fine." },
      {
        name: "Reason",
        type: "string",
        jsonPath: ready("reason"),
        priority: 1,
        description: "Why (not) ready.",
      },
      {
        // A date column: kubectl shows how long ago the last sweep ended ("5m").
        name: "Last Sweep",
        type: "date",
        jsonPath: ".status.lastSweep.completionTime",
        description: "When the last sweep ended.",
      },
      {
        name: "Last Result",
        type: "string",
        jsonPath: ".status.lastSweep.result",
        description: "Result of the last sweep.",
      },
      {
        name: "Acted",
        type: "integer",
        jsonPath: ".status.lastSweep.counts.acted",
        description: "Items the last sweep changed.",
      },
      {
        // A timestamp, not a date column: kubectl prints a date as its age, and a time in the
        // future as "<invalid>".
        name: "Next Sweep",
        type: "string",
        jsonPath: ".status.nextSweepTime",
        description: "When the next sweep is due.",
      },
      AGE,
    ],
  },
];

export const CATEGORY = "hush";

/** The CRDs of every Hush kind, in the order of HUSH_KINDS. */
export function customResourceDefinitions(): CustomResourceDefinition[] {
  return HUSH_KINDS.map(customResourceDefinition);
}

export function customResourceDefinition(kind: HushKind): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${kind.plural}.${GROUP}`,
      labels: { "app.kubernetes.io/name": "hush", "app.kubernetes.io/part-of": "hush" },
    },
    spec: {
      group: GROUP,
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.singular,
        shortNames: kind.shortNames,
        categories: [CATEGORY],
      },
      scope: "Namespaced",
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: openAPISchemaOf(kind.schema) },
          subresources: { status: {} },
          additionalPrinterColumns: kind.printerColumns,
        },
      ],
    },
  };
}

const cache = new WeakMap<z.ZodType, JSONSchemaProps>();

/** The structural schema of a whole resource (apiVersion, kind, metadata, spec, status). */
export function openAPISchemaOf(schema: z.ZodType): JSONSchemaProps {
  let converted = cache.get(schema);
  if (!converted) {
    // io "input": what users write, so optional fields with defaults are not required.
    const json = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }) as JsonNode;
    converted = resourceSchema(json);
    cache.set(schema, converted);
  }
  return converted;
}

/** The schema node at a field path of a resource (properties by name, items by index). */
export function schemaAt(root: JSONSchemaProps, path: readonly PropertyKey[]): JSONSchemaProps | undefined {
  let node: JSONSchemaProps | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    if (typeof segment === "number") node = node.items;
    else node = node.properties?.[String(segment)] ?? node.additionalProperties;
  }
  return node;
}

type JsonNode = Record<string, unknown>;

/** Root rules: the API server owns apiVersion, kind and metadata; only spec is required. */
function resourceSchema(json: JsonNode): JSONSchemaProps {
  const root = toStructural(json, "");
  const properties = { ...root.properties };
  for (const key of ["apiVersion", "kind"] as const) {
    const node = properties[key];
    if (node) properties[key] = pick({ description: node.description, type: "string" });
  }
  // Kubernetes forbids constraints on metadata other than name and generateName.
  properties["metadata"] = { type: "object" };
  return pick({
    ...root,
    properties,
    required: root.required?.filter((key) => !["apiVersion", "kind", "metadata"].includes(key)),
  });
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** One JSON Schema node to a structural node; throws, naming the path, for what a CRD cannot say. */
export function toStructural(node: JsonNode, path: string): JSONSchemaProps {
  const out: JSONSchemaProps = {};
  for (const [key, value] of Object.entries(node)) {
    const where = `${path || "(root)"}: ${key}`;
    switch (key) {
      case "$schema":
      case "propertyNames": // record keys are strings anyway
        break;
      case "const":
        out.enum = [value];
        break;
      case "type":
        if (typeof value !== "string") {
          throw new Error(
            `${where} ${JSON.stringify(value)}: a structural schema has one type per field (no unions or null); change the zod schema`,
          );
        }
        out.type = value as JSONSchemaProps["type"];
        break;
      case "description":
      case "format":
      case "pattern":
        (out as JsonNode)[key] = value;
        break;
      case "default":
        // kube-apiserver 1.20 rejects a CRD that defaults a string to "" (it reads the default as
        // null: "Invalid value: null"), seen when applying these CRDs to a real 1.20 server. Such a
        // field is left without a default in the CRD; the loader still defaults it.
        if (value !== "") (out as JsonNode)[key] = structuredClone(value);
        break;
      case "enum":
      case "required":
        (out as JsonNode)[key] = structuredClone(value);
        break;
      case "minimum":
      case "maximum":
        // zod bounds every int by the safe integers; that is zod's representation, not a policy.
        if (Math.abs(value as number) !== MAX_SAFE) (out as JsonNode)[key] = value;
        break;
      case "exclusiveMinimum":
      case "exclusiveMaximum": {
        // 2020-12 gives the bound; OpenAPI v3 takes the bound in minimum/maximum and a flag.
        const bound = key === "exclusiveMinimum" ? "minimum" : "maximum";
        (out as JsonNode)[bound] = value;
        (out as JsonNode)[key] = true;
        break;
      }
      case "multipleOf":
      case "minLength":
      case "maxLength":
      case "minItems":
      case "maxItems":
        (out as JsonNode)[key] = value;
        break;
      case "items":
        out.items = toStructural(value as JsonNode, `${path}[]`);
        break;
      case "properties":
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, JsonNode>).map(([name, child]) => [
            name,
            toStructural(child, path ? `${path}.${name}` : name),
          ]),
        );
        break;
      case "additionalProperties":
        if (value === false) break; // unknown fields are pruned; structural schemas forbid the pair
        if (node["properties"] !== undefined) {
          // A loose object: keep the fields it does not name.
          out["x-kubernetes-preserve-unknown-fields"] = true;
          break;
        }
        if (Object.keys(value as JsonNode).length === 0) {
          out["x-kubernetes-preserve-unknown-fields"] = true;
          break;
        }
        out.additionalProperties = toStructural(value as JsonNode, `${path}{}`);
        break;
      case "oneOf":
        out.oneOf = (value as JsonNode[]).map((branch) => valueValidation(branch, where));
        break;
      default:
        if (key.startsWith("x-kubernetes-")) {
          (out as JsonNode)[key] = structuredClone(value);
          break;
        }
        throw new Error(`${where} cannot be expressed in a structural CRD schema; change the zod schema`);
    }
  }
  if (out.type === undefined && !out["x-kubernetes-preserve-unknown-fields"]) {
    throw new Error(`${path || "(root)"}: every node of a structural schema needs a type`);
  }
  if (out.pattern !== undefined && out.format === "date-time") delete out.pattern; // format says it
  return pick(out);
}

/** A oneOf branch may only validate values: required, enum, bounds; no types or defaults. */
function valueValidation(branch: JsonNode, where: string): JSONSchemaProps {
  const allowed = new Set(["required", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern"]);
  for (const key of Object.keys(branch)) {
    if (!allowed.has(key))
      throw new Error(`${where}: a oneOf branch may only hold value validations, not ${key}`);
  }
  return structuredClone(branch) as JSONSchemaProps;
}

/** Keys in a stable, readable order, without undefined values. */
const KEY_ORDER = [
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
];

function pick(node: JSONSchemaProps): JSONSchemaProps {
  const entries = Object.entries(node).filter(([, value]) => value !== undefined);
  const rank = (key: string) => {
    const i = KEY_ORDER.indexOf(key);
    return i >= 0 ? i : KEY_ORDER.length;
  };
  entries.sort(([a], [b]) => rank(a) - rank(b) || (rank(a) === KEY_ORDER.length ? a.localeCompare(b) : 0));
  return Object.fromEntries(entries) as JSONSchemaProps;
}

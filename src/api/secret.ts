import { DNS_LABEL, DNS_SUBDOMAIN } from "./meta.js";
import { type FieldProblem, formatPath, unknownFieldMessage } from "./problems.js";

// Kubernetes v1 Secret manifests among resource files, so that `hush sweep` and `hush run` take
// credentials from the same YAML a cluster would. `data` is base64 (as Kubernetes stores it),
// `stringData` plain and winning over `data` for the same key (as the API server merges them).
// Nothing here ever puts a value into a message: problems name the key.

export interface SecretResource {
  name: string;
  namespace: string;
  /** Decoded values by key. */
  data: Record<string, string>;
}

const SECRET_FIELDS = ["apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"];
/** Secret data keys, as Kubernetes allows them. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isSecretManifest(doc: Record<string, unknown>): boolean {
  return doc["apiVersion"] === "v1" && doc["kind"] === "Secret";
}

/** A Secret from a parsed manifest, or the problems that keep it from being one. */
export function parseSecret(doc: Record<string, unknown>): {
  secret?: SecretResource;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const at = (segments: PropertyKey[], message: string) =>
    problems.push({ path: formatPath(segments), message });

  for (const key of Object.keys(doc)) {
    if (!SECRET_FIELDS.includes(key)) at([key], unknownFieldMessage(key, "a Secret", SECRET_FIELDS));
  }

  const metadata = doc["metadata"];
  let name: string | undefined;
  let namespace = "default";
  if (!isRecord(metadata)) {
    at(["metadata"], 'is required: give metadata.name (and metadata.namespace, default "default")');
  } else {
    const rawName = metadata["name"];
    if (typeof rawName !== "string" || rawName === "")
      at(["metadata", "name"], "is required: the Secret's name");
    else if (rawName.length > 253 || !DNS_SUBDOMAIN.test(rawName))
      at(
        ["metadata", "name"],
        "must be lower-case letters, digits, '-' and '.', starting and ending alphanumeric",
      );
    else name = rawName;
    const rawNamespace = metadata["namespace"];
    if (rawNamespace !== undefined) {
      if (typeof rawNamespace !== "string" || rawNamespace.length > 63 || !DNS_LABEL.test(rawNamespace))
        at(
          ["metadata", "namespace"],
          "must be lower-case letters, digits and '-', starting and ending alphanumeric",
        );
      else namespace = rawNamespace;
    }
  }

  const data: Record<string, string> = {};
  readMap(doc, "data", at, (key, value) => {
    const compact = value.replace(/[\r\n]/g, ""); // Go's base64 decoder skips line breaks, so may we
    if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
      at(
        ["data", key],
        "is not valid base64; encode the value (e.g. printf %s VALUE | base64 -w0) or put it in plain text under stringData",
      );
      return;
    }
    data[key] = Buffer.from(compact, "base64").toString("utf8");
  });
  readMap(doc, "stringData", at, (key, value) => {
    data[key] = value;
  });
  if (doc["type"] !== undefined && typeof doc["type"] !== "string")
    at(["type"], "must be a string, e.g. Opaque");

  if (problems.length > 0 || name === undefined) return { problems };
  return { secret: { name, namespace, data }, problems };
}

function readMap(
  doc: Record<string, unknown>,
  field: "data" | "stringData",
  at: (segments: PropertyKey[], message: string) => void,
  accept: (key: string, value: string) => void,
): void {
  const map = doc[field];
  if (map === undefined || map === null) return;
  if (!isRecord(map)) {
    at([field], "must be a mapping of keys to values");
    return;
  }
  for (const [key, value] of Object.entries(map)) {
    if (!SECRET_KEY.test(key) || key.length > 253) {
      // The key is not echoed: a value pasted in the wrong place must not end up in a message.
      at([field], "has a key with characters other than letters, digits, '-', '_' and '.'; rename it");
    } else if (typeof value !== "string") {
      at([field, key], "must be a string; quote the value in YAML");
    } else {
      accept(key, value);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

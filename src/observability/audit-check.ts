import type { AuditAction, AuditRecord } from "../sweep/evidence.js";

// Audit records are kept, shipped and shown anywhere, so they may hold ids, names of resources,
// counts and fixed words only (src/sweep/evidence.ts). The sink refuses a record that holds
// anything else (a space, an `@`, a long string), naming the field and never echoing the value:
// a bug that puts text from Zendesk into a record fails loudly instead of leaking into evidence.

const ACTIONS: readonly AuditAction[] = ["Redact", "Replace", "Anonymize", "Delete", "PermanentlyDelete"];
/** Ids, CamelCase words, field names such as `custom_fields.123`, ISO times, `namespace/name`. */
const PLAIN = /^[A-Za-z0-9_.:/+[\]-]{0,200}$/;
const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** What is wrong with the record, by field path; empty when it may be written. */
export function auditRecordProblems(record: AuditRecord): string[] {
  const problems: string[] = [];
  const value = record as unknown as Record<string, unknown>;
  plainEverywhere(value, "", problems);
  if (Number.isNaN(Date.parse(record.time))) problems.push("time: must be an ISO 8601 time");
  if (typeof record.sweepId !== "string" || record.sweepId === "") problems.push("sweepId: must be set");
  for (const field of ["account", "policy"] as const) {
    if (typeof record[field] !== "string" || !RESOURCE.test(record[field])) {
      problems.push(`${field}: must be namespace/name of a resource`);
    }
  }
  if (!isCount(record.generation)) problems.push("generation: must be a whole number");
  if (!record.item || !["ticket", "user"].includes(record.item.kind) || !isId(record.item.id)) {
    problems.push("item: must be {kind: ticket|user, id: a positive whole number}");
  }
  if (!ACTIONS.includes(record.action)) problems.push(`action: must be one of ${ACTIONS.join(", ")}`);
  if (!Array.isArray(record.fieldsChanged)) problems.push("fieldsChanged: must be a list of field names");
  countsOnly(record.changes, "changes", problems);
  countsOnly(record.detectorCounts, "detectorCounts", problems);
  if (record.copyId !== undefined && !isId(record.copyId))
    problems.push("copyId: must be a positive whole number");
  if (record.residual !== null && !isCount(record.residual))
    problems.push("residual: must be null or a whole number");
  if (record.recovered !== undefined && record.recovered !== true)
    problems.push("recovered: must be true, or left out");
  return problems;
}

function plainEverywhere(value: unknown, path: string, problems: string[]): void {
  if (typeof value === "string") {
    if (!PLAIN.test(value)) {
      problems.push(`${path}: must be an id, a name or a word (letters, digits, _ . : / + - [ ]), not text`);
    }
    return;
  }
  if (value === null || typeof value === "number" || typeof value === "boolean" || value === undefined)
    return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      plainEverywhere(v, `${path}[${i}]`, problems);
    });
    return;
  }
  if (typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      const at = path === "" ? key : `${path}.${key}`;
      if (!KEY.test(key)) problems.push(`${path || "record"}: has a key that is not a word`);
      else plainEverywhere(v, at, problems);
    }
    return;
  }
  problems.push(`${path}: must be JSON data`);
}

function countsOnly(value: unknown, field: string, problems: string[]): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.push(`${field}: must be an object of counts`);
    return;
  }
  for (const [key, count] of Object.entries(value)) {
    if (!isCount(count)) problems.push(`${field}.${KEY.test(key) ? key : "?"}: must be a whole number`);
  }
}

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 0;
}

function isId(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0;
}

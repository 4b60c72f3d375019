// The resources Hush reads: zod schemas are the one source of truth for types, validation and the
// CRDs in crds/.
export * from "./conditions.js";
export * from "./meta.js";
export * from "./redaction-policy.js";
export * from "./zendesk-account.js";

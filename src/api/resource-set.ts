import type { FieldProblem } from "./problems.js";
import type { RedactionPolicy } from "./redaction-policy.js";
import type { SecretResource } from "./secret.js";
import type { ZendeskAccount } from "./zendesk-account.js";

// What a set of resource files holds, and what is wrong with it (see load.ts).

export interface Loaded<T> {
  resource: T;
  file: string;
  /** 1-based index of the YAML document in its file. */
  document: number;
}

export interface ResourceSet {
  accounts: Loaded<ZendeskAccount>[];
  policies: Loaded<RedactionPolicy>[];
  secrets: Loaded<SecretResource>[];
}

export interface ResourceProblem extends FieldProblem {
  file: string;
  /** 1-based index of the YAML document; 0 for the file as a whole (it cannot be read). */
  document: number;
  kind?: string;
  /** namespace/name */
  name?: string;
  /** 1-based line in the file of the field (or of the nearest enclosing one), when known. */
  line?: number;
  /**
   * For a reference that does not resolve: the resource it names ("ZendeskAccount ns/name"), so
   * that a caller can leave it out when that resource is in the files but invalid.
   */
  refers?: string;
}

export function emptyResourceSet(): ResourceSet {
  return { accounts: [], policies: [], secrets: [] };
}

// Typed errors a caller can act on. Messages name the method, route template and status, never
// a response's text: Zendesk bodies can echo personal data (the per-user 429 names the user's
// email, ZENDESK_API.md 2.3), so only short error codes and field names are kept.

export type ZendeskErrorKind =
  | "Authentication"
  | "Permission"
  | "NotFound"
  | "ClosedTicket"
  | "Validation"
  | "Conflict"
  | "RateLimited"
  | "TooManyJobs"
  | "Unavailable"
  | "UnexpectedResponse";

export interface ErrorContext {
  method: string;
  /** Route template, e.g. `/api/v2/tickets/{id}`; never the concrete path. */
  route: string;
  /** HTTP status; null when no response arrived (network error, timeout). */
  status: number | null;
  /** Zendesk's `error` code when it is a short identifier (e.g. `RecordInvalid`). */
  code?: string | undefined;
}

export class ZendeskError extends Error {
  readonly kind: ZendeskErrorKind;
  readonly method: string;
  readonly route: string;
  readonly status: number | null;
  readonly code: string | undefined;

  constructor(kind: ZendeskErrorKind, context: ErrorContext, advice: string, options?: ErrorOptions) {
    const status = context.status === null ? "no response" : `status ${context.status}`;
    const code = context.code ? ` (${context.code})` : "";
    super(`Zendesk ${context.method} ${context.route} failed with ${status}${code}: ${advice}`, options);
    this.name = `${kind}Error`;
    this.kind = kind;
    this.method = context.method;
    this.route = context.route;
    this.status = context.status;
    this.code = context.code;
  }
}

export class AuthenticationError extends ZendeskError {
  constructor(context: ErrorContext) {
    super(
      "Authentication",
      context,
      "the credentials were refused; check the account's token or OAuth grant",
    );
  }
}

export class PermissionError extends ZendeskError {
  constructor(context: ErrorContext) {
    super(
      "Permission",
      context,
      "the user or token may not do this; check the user's role and the OAuth scopes (ZENDESK_API.md 1.3)",
    );
  }
}

export class NotFoundError extends ZendeskError {
  constructor(context: ErrorContext) {
    super("NotFound", context, "the record does not exist or was deleted");
  }
}

/** Zendesk refuses any update of a closed ticket (ZENDESK_API.md 5.7); only comment_redactions work. */
export class ClosedTicketError extends ZendeskError {
  constructor(context: ErrorContext) {
    super("ClosedTicket", context, "the ticket is closed and cannot be updated");
  }
}

export class ValidationError extends ZendeskError {
  /** Names of the fields Zendesk complained about (never their values or descriptions). */
  readonly fields: readonly string[];
  /** Zendesk's error codes from the body and its details, e.g. `RecordInvalid`, `InvalidValue`. */
  readonly codes: readonly string[];

  constructor(context: ErrorContext, fields: readonly string[], codes: readonly string[]) {
    const named = fields.length > 0 ? `; fields: ${fields.join(", ")}` : "";
    super("Validation", context, `Zendesk rejected the request${named}`);
    this.fields = fields;
    this.codes = codes;
  }
}

/** A safe update lost against a newer change (409 UpdateConflict): re-read and try again. */
export class ConflictError extends ZendeskError {
  constructor(context: ErrorContext) {
    super("Conflict", context, "the record changed since it was read; read it again and retry");
  }
}

export class RateLimitedError extends ZendeskError {
  /** How long Zendesk asked to wait (Retry-After, else the reported reset); null when unknown. */
  readonly retryAfterMs: number | null;

  constructor(context: ErrorContext, retryAfterMs: number | null) {
    super("RateLimited", context, "the account's API rate limit is exhausted; try again later");
    this.retryAfterMs = retryAfterMs;
  }
}

/** At most 30 jobs may be queued or running per account (ZENDESK_API.md 7). */
export class TooManyJobsError extends ZendeskError {
  readonly retryAfterMs: number | null;

  constructor(context: ErrorContext, retryAfterMs: number | null) {
    super("TooManyJobs", context, "too many background jobs are queued or running; try again later");
    this.retryAfterMs = retryAfterMs;
  }
}

export class UnavailableError extends ZendeskError {
  constructor(context: ErrorContext, options?: ErrorOptions) {
    super(
      "Unavailable",
      context,
      "Zendesk could not be reached or failed; it is safe to try again later",
      options,
    );
  }
}

/** A 2xx whose body lacks what Hush relies on; raised by response parsing. */
export class UnexpectedResponseError extends ZendeskError {
  constructor(context: ErrorContext, what: string) {
    super("UnexpectedResponse", context, `the response did not have the expected shape (${what})`);
  }
}

export interface FailedResponse {
  method: string;
  route: string;
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the text of a non-JSON body (429s are often plain text). */
  body: unknown;
}

/** Turns an error response into the matching typed error. */
export function classifyError(response: FailedResponse): ZendeskError {
  const { method, route, status, body } = response;
  const code = errorCode(body);
  const context: ErrorContext = { method, route, status, code };
  if (code === "TooManyJobs") return new TooManyJobsError(context, retryAfterMs(response.headers));
  switch (status) {
    case 401:
      return new AuthenticationError(context);
    case 403:
      return new PermissionError(context);
    case 404:
      return new NotFoundError(context);
    case 409:
      return new ConflictError(context);
    case 429:
      return new RateLimitedError(context, retryAfterMs(response.headers));
  }
  if (status === 422 && isClosedTicketRefusal(body)) return new ClosedTicketError(context);
  if (status === 400 || status === 413 || status === 422) {
    return new ValidationError(context, detailFields(body), detailCodes(body, code));
  }
  if (status >= 500) return new UnavailableError(context);
  return new ZendeskError("UnexpectedResponse", context, "Zendesk answered with an unexpected status");
}

/** No response at all: connection refused or dropped, DNS, timeouts. */
export function networkError(method: string, route: string, cause: unknown): UnavailableError {
  const code = (cause as { code?: unknown } | null)?.code;
  return new UnavailableError(
    { method, route, status: null, code: typeof code === "string" ? code : undefined },
    { cause },
  );
}

// Both wordings are seen in the wild: "Status: closed prevents ticket update" (fixtures) and
// "Status closed prevents ticket update" (a 2014 capture), sometimes with error "ClosedTicket"
// in the detail entry (ZENDESK_API.md 5.7). Match the phrase anywhere in the details.
const CLOSED_PHRASE = /closed\W*prevents\W+ticket\W+update/i;

export function isClosedTicketRefusal(body: unknown): boolean {
  if (typeof body === "string") return CLOSED_PHRASE.test(body);
  if (!isRecord(body)) return false;
  const details = body["details"];
  if (details === undefined) return false;
  return someString(details, (text) => CLOSED_PHRASE.test(text) || text === "ClosedTicket");
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/** Whether Zendesk's `error` value is a short code (`RecordNotFound`) rather than text that may quote data. */
export const isErrorCode = (value: unknown): value is string =>
  typeof value === "string" && IDENTIFIER.test(value);

function errorCode(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = body["error"];
  if (typeof error === "string") return IDENTIFIER.test(error) ? error : undefined;
  // The malformed-JSON 400 nests it: {"error":{"title":"Invalid JSON",...}}.
  if (isRecord(error) && typeof error["title"] === "string") {
    const title = error["title"].replace(/\s+/g, "");
    return IDENTIFIER.test(title) ? title : undefined;
  }
  return undefined;
}

function detailFields(body: unknown): string[] {
  if (!isRecord(body) || !isRecord(body["details"])) return [];
  return Object.keys(body["details"]).filter((key) => IDENTIFIER.test(key));
}

function detailCodes(body: unknown, top: string | undefined): string[] {
  const codes = new Set<string>(top ? [top] : []);
  if (isRecord(body) && isRecord(body["details"])) {
    for (const entries of Object.values(body["details"])) {
      for (const entry of Array.isArray(entries) ? entries : [entries]) {
        const code = isRecord(entry) ? entry["error"] : undefined;
        if (typeof code === "string" && IDENTIFIER.test(code)) codes.add(code);
      }
    }
  }
  return [...codes];
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(headers: Record<string, string>, now: number = Date.now()): number | null {
  const value = headers["retry-after"]?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function someString(value: unknown, test: (text: string) => boolean): boolean {
  if (typeof value === "string") return test(value);
  if (Array.isArray(value)) return value.some((v) => someString(v, test));
  if (isRecord(value)) return Object.values(value).some((v) => someString(v, test));
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

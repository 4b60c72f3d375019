/** An error response exactly as Zendesk shapes it; thrown by handlers, rendered by the server. */
export class ZendeskError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

export const notFound = (): ZendeskError =>
  new ZendeskError(404, { error: "RecordNotFound", description: "Not found" });

export const invalidEndpoint = (): ZendeskError =>
  new ZendeskError(404, { error: "InvalidEndpoint", description: "Not found" });

export const forbidden = (): ZendeskError =>
  new ZendeskError(403, {
    error: "Forbidden",
    description:
      "You do not have access to this page. Please contact the account owner of this help desk for further help.",
  });

export const unauthenticated = (): ZendeskError =>
  new ZendeskError(401, { error: "Couldn't authenticate you" });

export const invalidOAuthToken = (): ZendeskError =>
  new ZendeskError(401, {
    error: "invalid_token",
    error_description:
      "The access token provided is expired, revoked, malformed or invalid for other reasons.",
  });

export const badRequest = (error: string, description: string): ZendeskError =>
  new ZendeskError(400, { error, description });

/** 422 RecordInvalid with per-field details, e.g. `{status: ["Status: closed prevents ticket update"]}`. */
export function recordInvalid(details: Record<string, string[]>): ZendeskError {
  const shaped: Record<string, { description: string; error: string }[]> = {};
  for (const [field, messages] of Object.entries(details)) {
    shaped[field] = messages.map((description) => ({ description, error: "InvalidValue" }));
  }
  return new ZendeskError(422, {
    error: "RecordInvalid",
    description: "Record validation errors",
    details: shaped,
  });
}

/** Any PUT on a closed ticket (ZENDESK_API.md 5.7). */
export const closedTicket = (): ZendeskError =>
  new ZendeskError(422, {
    error: "RecordInvalid",
    description: "Record validation errors",
    details: { status: [{ description: "Status: closed prevents ticket update", error: "ClosedTicket" }] },
  });

export const updateConflict = (): ZendeskError =>
  new ZendeskError(409, {
    error: "UpdateConflict",
    description:
      "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.",
  });

/** The account-wide per-minute limit: plain text, not JSON (ZENDESK_API.md 2.3). */
export const accountRateLimited = (retryAfterSeconds: number): ZendeskError =>
  new ZendeskError(429, "Number of allowed API requests per minute exceeded", {
    "retry-after": String(retryAfterSeconds),
    "content-type": "text/plain; charset=utf-8",
  });

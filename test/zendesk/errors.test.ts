import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ClosedTicketError,
  ConflictError,
  classifyError,
  type FailedResponse,
  isClosedTicketRefusal,
  NotFoundError,
  networkError,
  PermissionError,
  RateLimitedError,
  retryAfterMs,
  TooManyJobsError,
  UnavailableError,
  ValidationError,
} from "../../src/zendesk/errors.js";

const response = (status: number, body: unknown, headers: Record<string, string> = {}): FailedResponse => ({
  method: "PUT",
  route: "/api/v2/tickets/{id}",
  status,
  headers,
  body,
});

const closedBody = (description: string, extra: object = {}) => ({
  error: "RecordInvalid",
  description: "Record validation errors",
  details: { status: [{ description, ...extra }] },
});

describe("classifyError", () => {
  it.each([
    ["with a colon", closedBody("Status: closed prevents ticket update")],
    ["without a colon", closedBody("Status closed prevents ticket update")],
    ["in another case", closedBody("STATUS: Closed Prevents Ticket Update")],
    [
      "with a ClosedTicket code",
      closedBody("Status: closed prevents ticket update", { error: "ClosedTicket" }),
    ],
    [
      "under another field",
      {
        error: "RecordInvalid",
        details: { base: [{ description: "Status closed prevents ticket update" }] },
      },
    ],
    [
      "as plain strings",
      { error: "RecordInvalid", details: { status: ["Status: closed prevents ticket update"] } },
    ],
  ])("recognises the closed-ticket 422 %s (ZENDESK_API.md 5.7)", (_, body) => {
    const error = classifyError(response(422, body));
    expect(error).toBeInstanceOf(ClosedTicketError);
    expect(error.kind).toBe("ClosedTicket");
  });

  it("does not mistake another 422 for a closed ticket", () => {
    const error = classifyError(
      response(422, {
        error: "RecordInvalid",
        details: { subject: [{ description: "is too long", error: "TooLong" }] },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(
      isClosedTicketRefusal({ error: "RecordInvalid", description: "closed prevents ticket update" }),
    ).toBe(false);
  });

  it("keeps a validation error's field names and codes but none of Zendesk's descriptions", () => {
    const error = classifyError(
      response(422, {
        error: "RecordInvalid",
        description: "Record validation errors",
        details: {
          email: [
            { description: "Email: jane.doe@example.com is already being used", error: "DuplicateValue" },
          ],
          name: [{ description: "Name: is too short", error: "TooShort" }],
        },
      }),
    ) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fields).toEqual(["email", "name"]);
    expect(error.codes).toEqual(["RecordInvalid", "DuplicateValue", "TooShort"]);
    expect(error.message).not.toContain("jane.doe");
    expect(error.message).toContain("/api/v2/tickets/{id}");
  });

  it.each([
    [400, { error: "InvalidPaginationParameter", description: "page too deep" }],
    [400, { error: { title: "Invalid JSON", message: "Unexpected token" } }],
    [413, "Request Entity Too Large"],
  ])("treats a %i as a validation error", (status, body) => {
    expect(classifyError(response(status, body))).toBeInstanceOf(ValidationError);
  });

  it.each([
    [401, { error: "Couldn't authenticate you" }, AuthenticationError],
    [401, { error: "invalid_token", error_description: "expired" }, AuthenticationError],
    [403, { error: "Forbidden", description: "You do not have access to this page." }, PermissionError],
    [404, { error: "RecordNotFound", description: "Not found" }, NotFoundError],
    [409, { error: "UpdateConflict", description: "Safe Update prevented the update" }, ConflictError],
    [500, "Internal Server Error", UnavailableError],
    [503, { error: "unavailable" }, UnavailableError],
  ])("maps a %i to its error class", (status, body, type) => {
    const error = classifyError(response(status, body));
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status, method: "PUT", route: "/api/v2/tickets/{id}" });
  });

  it("reads a plain-text 429 and its Retry-After without assuming JSON (ZENDESK_API.md 2.3)", () => {
    const error = classifyError(
      response(429, "Number of allowed API requests per minute exceeded", { "retry-after": "7" }),
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
  });

  it("keeps the user named in a per-user 429 out of the error", () => {
    const body =
      "You have exceeded the rate limit for updating a single unique user. user email: jane@example.com id: 55 external_id: crm-1";
    const error = classifyError(response(429, body));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBeNull();
    expect(`${error.message} ${String(error)} ${JSON.stringify(error)}`).not.toMatch(/jane|crm-1|55/);
  });

  it("recognises TooManyJobs whatever its status", () => {
    const body = { error: "TooManyJobs", description: "Too many jobs", current_job_ids: ["a1"] };
    const error = classifyError(response(429, body, { "retry-after": "10" }));
    expect(error).toBeInstanceOf(TooManyJobsError);
    expect((error as TooManyJobsError).retryAfterMs).toBe(10_000);
    expect(classifyError(response(400, body))).toBeInstanceOf(TooManyJobsError);
  });

  it("describes a request without a response as unavailable, with the network error code", () => {
    const cause = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    const error = networkError("GET", "/api/v2/users/{id}", cause);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ status: null, code: "UND_ERR_SOCKET", route: "/api/v2/users/{id}" });
    expect(error.cause).toBe(cause);
  });
});

describe("retryAfterMs", () => {
  it("reads seconds and HTTP dates", () => {
    expect(retryAfterMs({ "retry-after": "3" })).toBe(3000);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }, now)).toBe(30_000);
    expect(retryAfterMs({ "retry-after": "soon" })).toBeNull();
    expect(retryAfterMs({})).toBeNull();
  });
});

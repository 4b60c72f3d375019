// The one place that turns what goes wrong talking to the API server into a ClusterError
// (STYLE.md "Operator notes": parse the Status body once, in one module). Messages come from the
// server's Status message or are written here; never from an exception's own message, because
// client-node's ApiException message embeds the response headers, and a request error can carry
// the request's options.
import { STATUS_CODES } from "node:http";
import { ClusterError, type ClusterErrorKind } from "./cluster.js";

/** The fields of a metav1.Status the operator reads. */
export interface StatusBody {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  /** The object the failure is about, when it is about one. */
  details?: { name?: string; kind?: string };
}

/**
 * A 404 for a path the server does not serve at all (a CRD not installed, a group it does not
 * know), as opposed to an object that does not exist: the server then sends a Status without the
 * object's name, or no Status at all.
 */
export class NotServedError extends ClusterError {
  constructor(message: string) {
    super("NotFound", 404, message);
  }
}

/** A metav1.Status from a response body (a JSON string or an already parsed object), if it is one. */
export function parseStatus(body: unknown): StatusBody | undefined {
  let value = body;
  if (typeof value === "string" || value instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof value === "string" ? value : Buffer.from(value).toString("utf8"));
    } catch {
      return undefined;
    }
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record["kind"] !== "Status") return undefined;
  return {
    kind: "Status",
    ...(typeof record["code"] === "number" ? { code: record["code"] } : {}),
    ...(typeof record["reason"] === "string" ? { reason: record["reason"] } : {}),
    ...(typeof record["message"] === "string" ? { message: record["message"] } : {}),
    ...(typeof record["details"] === "object" && record["details"] !== null
      ? { details: pickDetails(record["details"] as Record<string, unknown>) }
      : {}),
  };
}

function pickDetails(details: Record<string, unknown>): { name?: string; kind?: string } {
  return {
    ...(typeof details["name"] === "string" ? { name: details["name"] } : {}),
    ...(typeof details["kind"] === "string" ? { kind: details["kind"] } : {}),
  };
}

/** The kind of a failed response: the Status reason where it is more precise than the code. */
function kindOf(code: number | undefined, reason?: string): ClusterErrorKind {
  switch (reason) {
    case "NotFound":
      return "NotFound";
    case "AlreadyExists":
      return "AlreadyExists";
    case "Conflict":
      return "Conflict";
    case "Gone":
    case "Expired":
      return "Gone";
    case "Invalid":
      return "Invalid";
    case "Forbidden":
      return "Forbidden";
    case "Unauthorized":
      return "Unauthorized";
    case "ServiceUnavailable":
    case "ServerTimeout":
    case "Timeout":
    case "TooManyRequests":
    case "InternalError":
      return "Unavailable";
  }
  if (code === undefined) return "Other";
  if (code === 404) return "NotFound";
  if (code === 409) return "Conflict";
  if (code === 410) return "Gone";
  if (code === 400 || code === 422) return "Invalid";
  if (code === 403) return "Forbidden";
  if (code === 401) return "Unauthorized";
  if (code === 429 || code >= 500) return "Unavailable";
  return "Other";
}

/** A non-2xx response (status code and raw body) as a ClusterError. */
export function clusterErrorFromResponse(code: number, body: unknown): ClusterError {
  const status = parseStatus(body);
  if (code === 404 && !status?.details?.name) {
    return new NotServedError(
      "the Kubernetes API server does not serve this kind of object (HTTP 404 for its path); is its CustomResourceDefinition installed?",
    );
  }
  return clusterErrorFromStatus(status, code);
}

/**
 * A Status (from a response body or a watch ERROR event) as a ClusterError; `httpCode` wins over
 * the Status's own code, which the server only suggests.
 */
export function clusterErrorFromStatus(status: StatusBody | undefined, httpCode?: number): ClusterError {
  const code = httpCode ?? status?.code;
  const kind = kindOf(code, status?.reason);
  const message =
    status?.message && status.message.length > 0
      ? status.message
      : `the Kubernetes API server answered ${describeCode(code)} without an explanation`;
  return new ClusterError(kind, code, message);
}

function describeCode(code: number | undefined): string {
  if (code === undefined) return "with an error";
  const text = STATUS_CODES[code];
  return text ? `HTTP ${code} (${text})` : `HTTP ${code}`;
}

/** Error codes of a connection that failed or broke: the server may be back in a moment. */
const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ERR_HTTP2_STREAM_ERROR",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** TLS failures do not fix themselves: the kubeconfig's CA or the server's certificate is wrong. */
const TLS_CODE = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

/**
 * The string `field` ("code" or "name") of an error and of its causes, outermost first (fetch
 * wraps the socket's error in `cause`).
 */
function causeStrings(error: unknown, field: "code" | "name"): string[] {
  const found: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth += 1) {
    const value = (current as Record<string, unknown>)[field];
    if (typeof value === "string") found.push(value);
    current = (current as { cause?: unknown }).cause;
  }
  return found;
}

/** client-node's ApiException (or anything shaped like it): a numeric HTTP code and a raw body. */
function isApiException(error: unknown): error is { code: number; body: unknown } {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "number" &&
    "body" in error
  );
}

/**
 * Anything thrown while talking to the API server, as a ClusterError: ApiException (code and raw
 * body), an HTTP response error carrying `statusCode`, network and TLS errors, timeouts.
 */
export function toClusterError(error: unknown): ClusterError {
  if (error instanceof ClusterError) return error;
  if (isApiException(error)) return clusterErrorFromResponse(error.code, error.body);
  if (typeof error === "object" && error !== null) {
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === "number") {
      return clusterErrorFromResponse(statusCode, (error as { body?: unknown }).body);
    }
  }
  const codes = causeStrings(error, "code");
  const network = codes.find((code) => TRANSIENT_NETWORK_CODES.has(code));
  if (network !== undefined) {
    return new ClusterError(
      "Unavailable",
      undefined,
      `cannot reach the Kubernetes API server (${network}); check that it is running and that the kubeconfig's server address is right`,
    );
  }
  const tls = codes.find((code) => TLS_CODE.test(code));
  if (tls !== undefined) {
    return new ClusterError(
      "Other",
      undefined,
      `the Kubernetes API server's TLS certificate was refused (${tls}); check the kubeconfig's certificate-authority for this cluster`,
    );
  }
  const names = causeStrings(error, "name");
  if (names.includes("TimeoutError")) {
    return new ClusterError(
      "Unavailable",
      undefined,
      "the Kubernetes API server did not answer in time; it may be overloaded or restarting",
    );
  }
  if (names.includes("AbortError")) {
    return new ClusterError("Other", undefined, "the request to the Kubernetes API server was cancelled");
  }
  // Node's HTTP client reports a connection closed before the response as "socket hang up"
  // (with ECONNRESET, usually, but not on every path).
  if (error instanceof Error && error.message === "socket hang up") {
    return new ClusterError(
      "Unavailable",
      undefined,
      "the Kubernetes API server closed the connection before answering; it may be restarting",
    );
  }
  const name = error instanceof Error ? error.name : typeof error;
  return new ClusterError(
    "Other",
    undefined,
    `talking to the Kubernetes API server failed unexpectedly (${name}${codes[0] ? ` ${codes[0]}` : ""})`,
  );
}

/** True for what may fix itself by waiting: 5xx, 429 and network failures. */
export const isUnavailable = (error: unknown): boolean =>
  error instanceof ClusterError && error.kind === "Unavailable";

/** True for 410 Gone: a watch's or a list continuation's resourceVersion is too old. */
export const isGone = (error: unknown): boolean => error instanceof ClusterError && error.kind === "Gone";

import { once } from "node:events";
import { type AddressInfo, connect, createServer } from "node:net";
import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { ClusterError, isAlreadyExists, isConflict, isNotFound } from "../../src/controller/cluster.js";
import {
  clusterErrorFromResponse,
  clusterErrorFromStatus,
  isGone,
  isUnavailable,
  NotServedError,
  parseStatus,
  toClusterError,
} from "../../src/controller/k8s-errors.js";

const status = (code: number, reason: string, message: string, details?: object) =>
  JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
    details,
  });

/** Headers as client-node puts them into an ApiException's message. */
const secretHeaders = { authorization: "Bearer sekret-token-123", "audit-id": "x" };

describe("clusterErrorFromResponse", () => {
  it.each([
    [404, "NotFound", 'configmaps "x" not found', { name: "x", kind: "configmaps" }, "NotFound"],
    [
      409,
      "AlreadyExists",
      'leases.coordination.k8s.io "hush" already exists',
      { name: "hush" },
      "AlreadyExists",
    ],
    [
      409,
      "Conflict",
      'Operation cannot be fulfilled on redactionpolicies.hush.dev "p": the object has been modified; please apply your changes to the latest version and try again',
      { name: "p" },
      "Conflict",
    ],
    [410, "Expired", "too old resource version: 5 (1234)", undefined, "Gone"],
    [410, "Gone", "The resourceVersion for the provided list is too old.", undefined, "Gone"],
    [
      422,
      "Invalid",
      'RedactionPolicy.hush.dev "p" is invalid: spec.mode: Unsupported value: "Yes"',
      { name: "p" },
      "Invalid",
    ],
    [400, "BadRequest", "the body of the request was in an unknown format", undefined, "Invalid"],
    [
      403,
      "Forbidden",
      'secrets is forbidden: User "system:serviceaccount:hush-system:hush-operator" cannot list resource "secrets"',
      undefined,
      "Forbidden",
    ],
    [401, "Unauthorized", "Unauthorized", undefined, "Unauthorized"],
    [429, "TooManyRequests", "Too many requests, please try again later.", undefined, "Unavailable"],
    [
      500,
      "InternalError",
      "Internal error occurred: etcdserver: request timed out",
      undefined,
      "Unavailable",
    ],
    [
      503,
      "ServiceUnavailable",
      "the server is currently unable to handle the request",
      undefined,
      "Unavailable",
    ],
    [504, "Timeout", "Timeout: request did not complete within requested timeout", undefined, "Unavailable"],
    [
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
      undefined,
      "Other",
    ],
  ])("turns HTTP %i %s into %s... with the Status message", (code, reason, message, details, kind) => {
    const error = clusterErrorFromResponse(code, status(code, reason, message, details));
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ kind, code, message });
  });

  it("knows an object that does not exist from a path that is not served at all", () => {
    const missingObject = clusterErrorFromResponse(
      404,
      status(404, "NotFound", 'x "a" not found', { name: "a" }),
    );
    expect(missingObject).not.toBeInstanceOf(NotServedError);
    const unknownGroup = clusterErrorFromResponse(404, "404 page not found\n");
    expect(unknownGroup).toBeInstanceOf(NotServedError);
    expect(unknownGroup).toMatchObject({ kind: "NotFound", code: 404 });
    expect(unknownGroup.message).toMatch(/CustomResourceDefinition installed/);
    const unknownResource = clusterErrorFromResponse(
      404,
      status(404, "NotFound", "the server could not find the requested resource", {}),
    );
    expect(unknownResource).toBeInstanceOf(NotServedError);
    expect(isNotFound(unknownResource)).toBe(true);
  });

  it("says what happened without quoting a body that is not a Status (a proxy's HTML page)", () => {
    const error = clusterErrorFromResponse(
      502,
      "<html><body>Bad gateway for user bob@example.com</body></html>",
    );
    expect(error).toMatchObject({ kind: "Unavailable", code: 502 });
    expect(error.message).toBe(
      "the Kubernetes API server answered HTTP 502 (Bad Gateway) without an explanation",
    );
  });

  it("accepts the body as a parsed object or as bytes", () => {
    const body = JSON.parse(status(409, "Conflict", "modified", { name: "p" }));
    expect(clusterErrorFromResponse(409, body).kind).toBe("Conflict");
    expect(clusterErrorFromResponse(409, new TextEncoder().encode(JSON.stringify(body))).kind).toBe(
      "Conflict",
    );
  });
});

describe("clusterErrorFromStatus (watch ERROR events)", () => {
  it("uses the Status's own code when there is no HTTP code", () => {
    const error = clusterErrorFromStatus(
      parseStatus({
        kind: "Status",
        code: 410,
        reason: "Expired",
        message: "too old resource version: 1 (99)",
      }),
    );
    expect(error).toMatchObject({ kind: "Gone", code: 410, message: "too old resource version: 1 (99)" });
    expect(isGone(error)).toBe(true);
  });

  it("still makes an error of an event whose object is not a Status", () => {
    const error = clusterErrorFromStatus(parseStatus({ something: "else" }));
    expect(error).toMatchObject({ kind: "Other", code: undefined });
    expect(error.message).toMatch(/without an explanation/);
  });
});

describe("toClusterError", () => {
  it("reads client-node's ApiException by its code and raw body, never its message (which embeds headers)", () => {
    const exception = new ApiException(
      409,
      "Unknown API Status Code!",
      status(409, "Conflict", "the object has been modified", { name: "p" }),
      secretHeaders,
    );
    expect(exception.message).toContain("sekret-token-123");
    const error = toClusterError(exception);
    expect(error).toMatchObject({ kind: "Conflict", code: 409, message: "the object has been modified" });
    expect(error.message).not.toContain("sekret");
    expect(isConflict(error)).toBe(true);
  });

  it("reads an ApiException without a body (client-node's 401)", () => {
    const error = toClusterError(new ApiException(401, "Unauthorized", undefined, secretHeaders));
    expect(error).toMatchObject({ kind: "Unauthorized", code: 401 });
    expect(error.message).toBe(
      "the Kubernetes API server answered HTTP 401 (Unauthorized) without an explanation",
    );
  });

  it("reads an ApiException whose body client-node already parsed", () => {
    const body = JSON.parse(status(409, "AlreadyExists", 'configmaps "x" already exists', { name: "x" }));
    expect(isAlreadyExists(toClusterError(new ApiException(409, "", body, {})))).toBe(true);
  });

  it("reads an error with a statusCode, as client-node's Watch reports a refused watch", () => {
    const error = toClusterError(Object.assign(new Error("Gone"), { statusCode: 410 }));
    expect(error).toMatchObject({ kind: "Gone", code: 410 });
  });

  it("passes a ClusterError through unchanged", () => {
    const original = new ClusterError("Invalid", 422, "bad");
    expect(toClusterError(original)).toBe(original);
  });

  it("makes a refused connection Unavailable, with advice and without the address or the original message", async () => {
    // A port nobody listens on: listen, learn the port, close, then connect.
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, "close");
    const refused = await new Promise<Error>((resolve) => {
      connect({ host: "127.0.0.1", port }).on("error", resolve);
    });
    const error = toClusterError(refused);
    expect(error).toMatchObject({ kind: "Unavailable", code: undefined });
    expect(error.message).toBe(
      "cannot reach the Kubernetes API server (ECONNREFUSED); check that it is running and that the kubeconfig's server address is right",
    );
  });

  it.each([
    ["ECONNRESET", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["ETIMEDOUT", Object.assign(new Error("connect ETIMEDOUT 10.0.0.1:443"), { code: "ETIMEDOUT" })],
    ["EAI_AGAIN", Object.assign(new Error("getaddrinfo EAI_AGAIN kubernetes"), { code: "EAI_AGAIN" })],
    [
      "ECONNREFUSED",
      new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      }),
    ],
    ["UND_ERR_SOCKET", Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })],
  ])("makes %s Unavailable, also when wrapped in a cause", (code, thrown) => {
    const error = toClusterError(thrown);
    expect(error.kind).toBe("Unavailable");
    expect(error.message).toContain(`(${code})`);
    expect(isUnavailable(error)).toBe(true);
  });

  it("makes a socket hang up and a timeout Unavailable", () => {
    expect(toClusterError(new Error("socket hang up")).kind).toBe("Unavailable");
    expect(
      toClusterError(new DOMException("The operation was aborted due to timeout", "TimeoutError")).kind,
    ).toBe("Unavailable");
    const abortedByTimeout = new DOMException("aborted", "AbortError");
    Object.defineProperty(abortedByTimeout, "cause", { value: new DOMException("timeout", "TimeoutError") });
    expect(toClusterError(abortedByTimeout).kind).toBe("Unavailable");
  });

  it("makes a refused TLS certificate Other, pointing at the kubeconfig's certificate authority", () => {
    const error = toClusterError(
      Object.assign(new Error("self-signed certificate in certificate chain"), {
        code: "SELF_SIGNED_CERT_IN_CHAIN",
      }),
    );
    expect(error.kind).toBe("Other");
    expect(error.message).toMatch(/certificate-authority/);
  });

  it("names only the type of an unexpected error, never its message", () => {
    const error = toClusterError(new RangeError("Bearer sekret-token-123 is not valid"));
    expect(error).toMatchObject({ kind: "Other", code: undefined });
    expect(error.message).toBe("talking to the Kubernetes API server failed unexpectedly (RangeError)");
    expect(toClusterError("a string").message).toContain("(string)");
  });

  it("calls a cancelled request cancelled", () => {
    expect(toClusterError(new DOMException("This operation was aborted", "AbortError"))).toMatchObject({
      kind: "Other",
      message: "the request to the Kubernetes API server was cancelled",
    });
  });
});

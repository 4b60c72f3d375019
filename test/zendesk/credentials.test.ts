import { describe, expect, it } from "vitest";
import { authorizationHeader, resolveBaseUrl } from "../../src/zendesk/credentials.js";

describe("authorizationHeader", () => {
  it("sends an API token as Basic {email}/token:{token} (ZENDESK_API.md 1.2)", () => {
    const header = authorizationHeader({ kind: "apiToken", email: "admin@acme.example", token: "abc" });
    expect(header).toBe(`Basic ${Buffer.from("admin@acme.example/token:abc").toString("base64")}`);
  });

  it("sends an OAuth access token as a bearer token (1.3)", () => {
    expect(authorizationHeader({ kind: "oauth", accessToken: "tok" })).toBe("Bearer tok");
  });

  it("refuses empty credentials, naming what is missing but not the secret", () => {
    expect(() => authorizationHeader({ kind: "apiToken", email: "a@b.example", token: "" })).toThrow(
      /email and a token/,
    );
    expect(() => authorizationHeader({ kind: "oauth", accessToken: "" })).toThrow(/empty/);
  });
});

describe("resolveBaseUrl", () => {
  it("builds https://{subdomain}.zendesk.com from a subdomain", () => {
    expect(resolveBaseUrl({ subdomain: "Acme" }).href).toBe("https://acme.zendesk.com/");
  });

  it("refuses what is not a subdomain, so a typo cannot reach another host", () => {
    for (const subdomain of ["acme.evil.com", "-acme", "acme/x", "a b", ""]) {
      expect(() => resolveBaseUrl({ subdomain })).toThrow(TypeError);
    }
  });

  it("uses an explicit URL verbatim as the prefix, keeping a path such as a simulator account's", () => {
    const url = resolveBaseUrl({ subdomain: "ignored", baseUrl: "http://127.0.0.1:8080/accounts/globex/" });
    expect(url.origin).toBe("http://127.0.0.1:8080");
    expect(url.pathname).toBe("/accounts/globex");
  });

  it("refuses explicit URLs that are not plain http(s) prefixes", () => {
    expect(() => resolveBaseUrl({ baseUrl: "ftp://x.example" })).toThrow(/http or https/);
    expect(() => resolveBaseUrl({ baseUrl: "https://user:secret@x.example" })).toThrow(/credentials/);
    expect(() => resolveBaseUrl({ baseUrl: "https://x.example/?a=1" })).toThrow(/query/);
    expect(() => resolveBaseUrl({ baseUrl: "not a url" })).toThrow(/not a valid URL/);
    expect(() => resolveBaseUrl({})).toThrow(/subdomain or a base URL/);
  });
});

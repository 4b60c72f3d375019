import { describe, expect, it } from "vitest";
import { credentialsFromSecretData } from "../../src/zendesk/secret-credentials.js";

const b64 = (value: string): string => Buffer.from(value).toString("base64");

describe("credentialsFromSecretData", () => {
  it("reads an API token from base64 Secret data, ignoring a trailing newline", () => {
    expect(credentialsFromSecretData({ email: b64("ops@acme.test"), token: b64("s3cret\n") })).toEqual({
      kind: "apiToken",
      email: "ops@acme.test",
      token: "s3cret",
    });
  });

  it("reads an OAuth token from plain data (stringData or a mounted file)", () => {
    expect(credentialsFromSecretData({ oauthToken: "abc" }, "plain")).toEqual({
      kind: "oauth",
      accessToken: "abc",
    });
  });

  it("names the missing key and the fix, without any value", () => {
    const attempt = () => credentialsFromSecretData({ email: b64("ops@acme.test") });
    expect(attempt).toThrow(/no "token" key.*needs both "email" and "token"/);
    expect(attempt).not.toThrow(/ops@acme/);
    expect(() => credentialsFromSecretData({})).toThrow(/neither "email" \+ "token".*nor "oauthToken"/);
    expect(() => credentialsFromSecretData(undefined)).toThrow(/add one of them/);
  });

  it("refuses two kinds of credential at once rather than guessing", () => {
    expect(() =>
      credentialsFromSecretData({ oauthToken: b64("abc"), email: b64("a@b.test"), token: b64("t") }),
    ).toThrow(/keep one kind of credential/);
  });

  it("treats an empty value as missing", () => {
    expect(() => credentialsFromSecretData({ email: b64("a@b.test"), token: b64("  ") })).toThrow(
      /no "token" key \(or it is empty\)/,
    );
  });
});

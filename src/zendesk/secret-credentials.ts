import type { ZendeskCredentials } from "./credentials.js";

/**
 * The keys of a ZendeskAccount's credentials Secret: `email` + `token` for an API token, or
 * `oauthToken` for an OAuth access token (the shape users write, issue 4's ZendeskAccount).
 */
export const SECRET_KEYS = { email: "email", token: "token", oauthToken: "oauthToken" } as const;

/**
 * Credentials from a Secret's data. Kubernetes returns `data` values base64-encoded; `stringData`
 * and files read from a mounted Secret are plain, hence `encoding`. Errors name the Secret's keys
 * and the fix, never a value.
 */
export function credentialsFromSecretData(
  data: Readonly<Record<string, string>> | undefined,
  encoding: "base64" | "plain" = "base64",
): ZendeskCredentials {
  const read = (key: string): string | undefined => {
    const raw = data?.[key];
    if (raw === undefined) return undefined;
    const value = (encoding === "base64" ? Buffer.from(raw, "base64").toString("utf8") : raw).trim();
    return value === "" ? undefined : value;
  };
  const oauthToken = read(SECRET_KEYS.oauthToken);
  const email = read(SECRET_KEYS.email);
  const token = read(SECRET_KEYS.token);
  if (oauthToken !== undefined && (email !== undefined || token !== undefined)) {
    throw new TypeError(
      `the credentials Secret has both "${SECRET_KEYS.oauthToken}" and "${SECRET_KEYS.email}"/"${SECRET_KEYS.token}"; keep one kind of credential`,
    );
  }
  if (oauthToken !== undefined) return { kind: "oauth", accessToken: oauthToken };
  if (email !== undefined && token !== undefined) return { kind: "apiToken", email, token };
  if (email !== undefined || token !== undefined) {
    const missing = email === undefined ? SECRET_KEYS.email : SECRET_KEYS.token;
    throw new TypeError(
      `the credentials Secret has no "${missing}" key (or it is empty); an API token needs both "${SECRET_KEYS.email}" and "${SECRET_KEYS.token}"`,
    );
  }
  throw new TypeError(
    `the credentials Secret has neither "${SECRET_KEYS.email}" + "${SECRET_KEYS.token}" (API token) nor "${SECRET_KEYS.oauthToken}" (OAuth); add one of them`,
  );
}

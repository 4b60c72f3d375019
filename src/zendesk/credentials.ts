/**
 * How Hush authenticates to Zendesk (ZENDESK_API.md 1.2-1.3): an API token used on behalf of an
 * agent or admin's email, or an OAuth access token.
 */
export type ZendeskCredentials =
  | { kind: "apiToken"; email: string; token: string }
  | { kind: "oauth"; accessToken: string };

/** The `Authorization` header value. Never log it. */
export function authorizationHeader(credentials: ZendeskCredentials): string {
  if (credentials.kind === "oauth") {
    if (!credentials.accessToken) throw new TypeError("the OAuth access token is empty");
    return `Bearer ${credentials.accessToken}`;
  }
  if (!credentials.email || !credentials.token) {
    throw new TypeError("an API token credential needs both an email and a token");
  }
  return `Basic ${Buffer.from(`${credentials.email}/token:${credentials.token}`).toString("base64")}`;
}

// Zendesk subdomains are DNS labels; being strict here keeps a typo from becoming a request to
// some other host.
const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The URL prefix every API path is appended to: `https://{subdomain}.zendesk.com`, or an explicit
 * URL (a simulator, a proxy) used verbatim — the simulator serves further accounts under
 * `{url}/accounts/{subdomain}` (docs/simulator.md), so a path prefix is kept as given.
 */
export function resolveBaseUrl(target: { subdomain?: string; baseUrl?: string | URL }): URL {
  if (target.baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(String(target.baseUrl));
    } catch {
      throw new TypeError("the Zendesk base URL is not a valid URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new TypeError(`the Zendesk base URL must use http or https, not ${url.protocol}`);
    }
    if (url.username || url.password) {
      throw new TypeError("the Zendesk base URL must not carry credentials; use the account's Secret");
    }
    if (url.search || url.hash) throw new TypeError("the Zendesk base URL must not have a query or fragment");
    url.pathname = url.pathname.replace(/\/+$/, "");
    return url;
  }
  const subdomain = target.subdomain?.trim().toLowerCase();
  if (!subdomain) throw new TypeError("a Zendesk account needs a subdomain or a base URL");
  if (!SUBDOMAIN.test(subdomain)) {
    throw new TypeError(
      `"${subdomain}" is not a Zendesk subdomain (letters, digits and dashes, as in acme for acme.zendesk.com)`,
    );
  }
  return new URL(`https://${subdomain}.zendesk.com`);
}

import { describe, expect, it } from "vitest";
import { useSimulator } from "../support/sim.js";

describe("simulator core", () => {
  const s = useSimulator({
    accounts: [
      { subdomain: "acme", tickets: 5 },
      { subdomain: "globex", plan: "team", tickets: 5 },
    ],
  });

  it("answers GET /api/v2/users/me for the API-token admin, with or without .json", async () => {
    for (const path of ["/api/v2/users/me", "/api/v2/users/me.json"]) {
      const res = await s.current.api("GET", path);
      expect(res.status).toBe(200);
      expect(res.body.user.role).toBe("admin");
    }
  });

  it("refuses bad credentials with Zendesk's 401 body", async () => {
    const res = await s.current.api("GET", "/api/v2/users/me", undefined, "Basic bm9ib2R5L3Rva2VuOm5vcGU=");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Couldn't authenticate you" });
    const none = await s.current.api("GET", "/api/v2/users/me", undefined, null);
    expect(none.status).toBe(401);
  });

  it("accepts OAuth bearer tokens and refuses writes with a read-only token", async () => {
    const c = s.current.sim.describe()[0]!.credentials;
    const ok = await s.current.api("GET", "/api/v2/users/me", undefined, `Bearer ${c.admin.oauthToken}`);
    expect(ok.status).toBe(200);
    const bad = await s.current.api("GET", "/api/v2/users/me", undefined, "Bearer nope");
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe("invalid_token");
  });

  it("serves other accounts under /accounts/{subdomain} with their plan's limit", async () => {
    const globex = s.current.sim.describe().find((a) => a.subdomain === "globex")!;
    const auth = `Basic ${Buffer.from(`${globex.credentials.admin.email}/token:${globex.credentials.admin.token}`).toString("base64")}`;
    const res = await s.current.api("GET", "/accounts/globex/api/v2/users/me.json", undefined, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-rate-limit")).toBe("200");
    // the default account's token is not valid for another account
    const cross = await s.current.api("GET", "/accounts/globex/api/v2/users/me.json");
    expect(cross.status).toBe(401);
  });

  it("answers unknown paths with a JSON 404", async () => {
    const res = await s.current.api("GET", "/api/v2/no_such_thing.json");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "InvalidEndpoint", description: "Not found" });
  });

  it("rejects malformed JSON with a 400 and oversized bodies with a 413", async () => {
    const bad = await s.current.api("PUT", "/api/v2/users/me", "{not json");
    expect(bad.status).toBe(400);
    const huge = await s.current.api(
      "PUT",
      "/api/v2/users/me",
      JSON.stringify({ x: "a".repeat(11 * 1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
  });

  it("moves the clock forward for tests", async () => {
    const before = await s.current.inspect("GET", "/__sim/clock");
    const after = await s.current.inspect("POST", "/__sim/clock", { advance: "2d" });
    expect(after.epoch_ms - before.epoch_ms).toBeGreaterThanOrEqual(2 * 86_400_000);
  });
});

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { SweepSummary } from "../../src/api/redaction-policy.js";
import {
  accountStatusAfterCheck,
  policyStatusAfterSweep,
  policyStatusScheduled,
  policyStatusStalled,
  policyStatusSuspended,
  policyStatusSweeping,
  policyStatusWaitingForAccount,
} from "../../src/controller/status.js";

// The Argo CD health checks in docs/operator.md, run as Argo CD runs them (a Lua 5.1 script with
// the object in `obj`) against the status Hush writes in each state, so that the documented script
// and the conditions cannot drift apart. Argo CD's gopher-lua speaks Lua 5.1; Debian's lua5.1 is
// the closest interpreter. Without one the tests skip, saying how to get it.

const DOC = fileURLToPath(new URL("../../docs/operator.md", import.meta.url));
const BEGIN = "<!-- BEGIN argocd health check";
const END = "<!-- END argocd health check -->";

const lua = ["lua5.1", "lua"].find((command) => {
  const probe = spawnSync(command, ["-v"], { encoding: "utf8" });
  return probe.error === undefined && probe.status === 0 && /Lua 5\.1/.test(probe.stdout + probe.stderr);
});
if (!lua) {
  console.warn(
    "skipping the Argo CD health checks of docs/operator.md: no Lua 5.1 interpreter (apt-get install lua5.1 provides it)",
  );
}

/** The scripts of the argocd-cm snippet, by kind. */
function healthScripts(): Record<"RedactionPolicy" | "ZendeskAccount", string> {
  const doc = readFileSync(DOC, "utf8");
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/operator.md lacks the markers "${BEGIN}" and "${END}"`);
  const block = /```yaml\n([\s\S]*?)```/.exec(doc.slice(start, end));
  if (!block?.[1]) throw new Error("docs/operator.md has no ```yaml block between the Argo CD markers");
  const data = (parse(block[1]) as { data: Record<string, string> }).data;
  const script = (kind: string) => {
    const text = data[`resource.customizations.health.hush.dev_${kind}`];
    if (!text) throw new Error(`the argocd-cm snippet has no health check for hush.dev ${kind}`);
    return text;
  };
  return { RedactionPolicy: script("RedactionPolicy"), ZendeskAccount: script("ZendeskAccount") };
}

/** A Lua 5.1 string literal: quotes, backslashes and control characters as decimal escapes. */
function luaString(text: string): string {
  let literal = "";
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    // Three digits always, so that a digit after the escape is not read as part of it.
    literal += c === '"' || c === "\\" || code < 32 ? `\\${String(code).padStart(3, "0")}` : c;
  }
  return `"${literal}"`;
}

/** A JSON value as a Lua table constructor (what Argo CD hands the script, as far as it reads). */
function luaValue(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return luaString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `{${value.map(luaValue).join(", ")}}`;
  const fields = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `[${luaString(k)}] = ${luaValue(v)}`);
  return `{${fields.join(", ")}}`;
}

/** Runs the script as Argo CD does and returns its verdict. */
function health(script: string, obj: object): { status: string; message: string } {
  const program = [
    "local function check(obj)",
    script,
    "end",
    `local hs = check(${luaValue(obj)})`,
    'io.write(hs.status, "\\n", hs.message or "")',
  ].join("\n");
  const run = spawnSync(lua as string, ["-"], { input: program, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`lua failed: ${run.stderr}`);
  const [status = "", ...message] = run.stdout.split("\n");
  return { status, message: message.join("\n") };
}

const t0 = new Date("2026-05-01T10:00:00Z");
const t1 = new Date("2026-05-01T10:05:00Z");
const summary = (result: SweepSummary["result"], failed = 0): SweepSummary => ({
  sweepId: "s-1",
  startTime: "2026-05-01T10:00:00Z",
  completionTime: "2026-05-01T10:05:00Z",
  result,
  counts: { matched: 10, acted: 10 - failed, skipped: 0, failed, residual: 0 },
});
const preview = {
  id: "g1-n5000-abcdef12",
  generation: 1,
  time: "2026-05-01T10:00:00Z",
  count: 5000,
  sampleIds: [1, 2, 3],
  estimatedRequests: 45000,
  estimatedDurationSeconds: 7714,
};
const policy = (status: object | undefined, generation = 1, spec: object = {}) => ({
  apiVersion: "hush.dev/v1alpha1",
  kind: "RedactionPolicy",
  metadata: { name: "p", namespace: "support", generation },
  spec: { accountRef: { name: "acme" }, ...spec },
  ...(status ? { status } : {}),
});
const account = (status: object | undefined, generation = 1) => ({
  apiVersion: "hush.dev/v1alpha1",
  kind: "ZendeskAccount",
  metadata: { name: "acme", namespace: "support", generation },
  spec: { subdomain: "acme" },
  ...(status ? { status } : {}),
});
const after = (result: SweepSummary["result"], failed = 0) =>
  policyStatusAfterSweep(undefined, { summary: summary(result, failed), preview }, 1, t1, t1);

describe.skipIf(!lua)("the Argo CD health check of RedactionPolicy in docs/operator.md", () => {
  const script = () => healthScripts().RedactionPolicy;

  it.each([
    ["Succeeded", "Healthy"],
    ["Previewed", "Healthy"],
    ["LimitReached", "Healthy"],
    ["Failed", "Progressing"],
    ["Cancelled", "Progressing"],
    ["PartiallyFailed", "Degraded"],
    ["AwaitingApproval", "Degraded"],
  ] as const)("reads a policy whose last sweep %s as %s", (result, expected) => {
    expect(health(script(), policy(after(result, result === "PartiallyFailed" ? 2 : 0))).status).toBe(
      expected,
    );
  });

  it("is Progressing while there is no status yet, and while the status is of an older generation", () => {
    expect(health(script(), policy(undefined))).toEqual({
      status: "Progressing",
      message: "Waiting for the Hush operator to reconcile it",
    });
    expect(health(script(), policy(after("Succeeded"), 2))).toEqual({
      status: "Progressing",
      message: "Waiting for the Hush operator to reconcile generation 2",
    });
  });

  it("is Progressing while a sweep runs, with the Reconciling message", () => {
    const sweeping = policyStatusSweeping(
      undefined,
      {
        sweepId: "s-2",
        startTime: "2026-05-01T11:00:00Z",
        matched: 100,
        processed: 40,
        acted: 40,
        failed: 0,
      },
      1,
      t0,
    );
    expect(health(script(), policy(sweeping))).toEqual({
      status: "Progressing",
      message: "Sweeping: Sweep s-2 is running: 40 of 100 items handled.",
    });
  });

  it("names what a person must do when it is Degraded", () => {
    expect(health(script(), policy(after("AwaitingApproval"))).message).toContain(
      "AwaitingApproval: 5000 items match",
    );
    const invalid = policyStatusStalled(
      undefined,
      "InvalidSpec",
      "The policy is invalid: spec.query.",
      1,
      t0,
    );
    expect(health(script(), policy(invalid))).toEqual({
      status: "Degraded",
      message: "InvalidSpec: The policy is invalid: spec.query.",
    });
  });

  it("is Progressing while its account is unreachable, which fixes itself", () => {
    const waiting = policyStatusWaitingForAccount(undefined, "Zendesk could not be reached.", 1, t0, t1);
    expect(health(script(), policy(waiting)).status).toBe("Progressing");
  });

  it("keeps the verdict of the last sweep while waiting for the next one", () => {
    expect(health(script(), policy(policyStatusScheduled(after("Failed"), 1, t1, t1))).status).toBe(
      "Progressing",
    );
    expect(health(script(), policy(policyStatusScheduled(after("Succeeded"), 1, t1, t1))).status).toBe(
      "Healthy",
    );
  });

  it("is Healthy, as kstatus reads it, while it waits for its first scheduled sweep", () => {
    const first = health(script(), policy(policyStatusScheduled(undefined, 1, t0, t1)));
    expect(first.status).toBe("Healthy");
    expect(first.message).toContain("NotSwept: No sweep of this generation");
  });

  it("is Suspended once the operator has seen spec.suspend, and Degraded still wins", () => {
    const suspended = policyStatusSuspended(after("Succeeded"), 1, t1);
    expect(health(script(), policy(suspended, 1, { suspend: true })).status).toBe("Suspended");
    // Just set, not yet seen by the operator: a running sweep has not been stopped yet.
    expect(health(script(), policy(after("Succeeded"), 2, { suspend: true })).status).toBe("Progressing");
    const invalid = policyStatusStalled(undefined, "InvalidSpec", "The policy is invalid.", 1, t0);
    expect(health(script(), policy(invalid, 1, { suspend: true })).status).toBe("Degraded");
  });
});

describe.skipIf(!lua)("the Argo CD health check of ZendeskAccount in docs/operator.md", () => {
  const script = () => healthScripts().ZendeskAccount;
  const checked = (check: Parameters<typeof accountStatusAfterCheck>[1]) =>
    account(accountStatusAfterCheck(undefined, check, 1, t0));

  it("is Healthy when the credentials work", () => {
    expect(health(script(), checked({ ok: true }))).toEqual({
      status: "Healthy",
      message: "Authenticated: Hush authenticated with the account's credentials.",
    });
  });

  it("is Degraded by what a person must fix, and Progressing while Zendesk is unreachable", () => {
    expect(
      health(
        script(),
        checked({ ok: false, reason: "InvalidCredentials", message: "Zendesk refused the token." }),
      ),
    ).toEqual({ status: "Degraded", message: "InvalidCredentials: Zendesk refused the token." });
    expect(
      health(script(), checked({ ok: false, reason: "Unreachable", message: "No answer." })).status,
    ).toBe("Progressing");
  });

  it("is Progressing before the first check and while the status is of an older generation", () => {
    expect(health(script(), account(undefined)).status).toBe("Progressing");
    expect(health(script(), account(accountStatusAfterCheck(undefined, { ok: true }, 1, t0), 2)).status).toBe(
      "Progressing",
    );
  });
});

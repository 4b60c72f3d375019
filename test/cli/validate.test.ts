import { spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { validate } from "../../src/cli/validate.js";

const hush = fileURLToPath(new URL("../../bin/hush", import.meta.url));
const fixture = fileURLToPath(new URL("../api/fixtures/resources.yaml", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `hush validate` in this process, with its output captured. */
async function run(args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await validate(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "hush-validate-"));
}

const BROKEN_POLICY = `apiVersion: hush.dev/v1alpha1
kind: RedactionPolicy
metadata:
  name: gdpr-retention
  namespace: privacy
spec:
  accountRef:
    name: acme
  query: "type:ticket status:closed updated<90days"
  action: Redcat
  redact:
    masking: full
  schedlue:
    cron: "0 3 * * *"
`;

describe("hush validate", () => {
  it("accepts the example resources and says what it read", async () => {
    const result = await run(["-f", fixture]);
    expect(result).toEqual({
      code: 0,
      stdout: "OK: 1 ZendeskAccount, 6 RedactionPolicies, 2 Secrets in 1 file\n",
      stderr: "",
    });
  });

  it("rejects a broken policy, naming the file, document, resource, field and what is allowed", async () => {
    const dir = tempDir();
    const file = join(dir, "policy.yaml");
    writeFileSync(file, BROKEN_POLICY);
    const result = await run(["-f", file, "--no-references"]);
    expect(result.code).toBe(2);
    expect(result.stdout.trim().split("\n")).toEqual([
      `${file}:1 RedactionPolicy privacy/gdpr-retention: spec.action: must be one of Redact, Anonymize, Delete or PermanentlyDelete (got "Redcat"); did you mean Redact? (line 10)`,
      `${file}:1 RedactionPolicy privacy/gdpr-retention: spec.redact.masking: must be one of Full or Detected (got "full"); did you mean Full? (line 12)`,
      `${file}:1 RedactionPolicy privacy/gdpr-retention: spec.schedlue: is not a field of spec (allowed: accountRef, target, query, action, redact, anonymize, schedule, mode, limits, exemptions, markerTag, concurrency, suspend); did you mean schedule? (line 13)`,
    ]);
    expect(result.stderr).toBe("hush validate: 3 problems in 1 file; fix them and run hush validate again\n");
  });

  it("checks references across the files unless told not to", async () => {
    const dir = tempDir();
    const file = join(dir, "policy.yaml");
    writeFileSync(
      file,
      BROKEN_POLICY.replace("Redcat", "Redact").replace("full", "Full").replace("schedlue", "schedule"),
    );
    const withReferences = await run(["-f", file]);
    expect(withReferences.code).toBe(2);
    expect(withReferences.stdout).toMatch(
      /spec\.accountRef\.name: names ZendeskAccount privacy\/acme, which is not among the files/,
    );
    expect(await run(["-f", file, "--no-references"])).toMatchObject({ code: 0 });
  });

  it("does not call an invalid account missing: its own problems say what is wrong", async () => {
    const dir = tempDir();
    const file = join(dir, "resources.yaml");
    const account =
      "apiVersion: hush.dev/v1alpha1\nkind: ZendeskAccount\nmetadata:\n  name: acme\n  namespace: privacy\nspec:\n  subdomain: acme.zendesk.com\n  credentials:\n    secretRef:\n      name: acme-zendesk\n";
    const policy = BROKEN_POLICY.replace("Redcat", "Redact")
      .replace("full", "Full")
      .replace("schedlue", "schedule");
    writeFileSync(file, `${account}---\n${policy}`);
    const result = await run(["-f", file]);
    expect(result.code).toBe(2);
    expect(result.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^\S+:1 ZendeskAccount privacy\/acme: spec\.subdomain: must be the account's subdomain only/,
      ),
    ]);
  });

  it("reads the resource files of a directory", async () => {
    const dir = tempDir();
    copyFileSync(fixture, join(dir, "resources.yaml"));
    writeFileSync(join(dir, "README.txt"), "not a resource");
    expect(await run(["-f", dir])).toMatchObject({ code: 0, stdout: expect.stringMatching(/ in 1 file\n$/) });
  });

  it("prints problems as JSON with --json", async () => {
    const dir = tempDir();
    const file = join(dir, "policy.yaml");
    writeFileSync(file, BROKEN_POLICY);
    const result = await run(["-f", file, "--no-references", "--json"]);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      valid: false,
      files: [file],
      counts: { accounts: 0, policies: 0, secrets: 0 },
    });
    expect(report.problems[0]).toEqual({
      file,
      document: 1,
      kind: "RedactionPolicy",
      name: "privacy/gdpr-retention",
      path: "spec.action",
      message:
        'must be one of Redact, Anonymize, Delete or PermanentlyDelete (got "Redcat"); did you mean Redact?',
      line: 10,
    });
  });

  it("reports a file it cannot read", async () => {
    const result = await run(["-f", "/nonexistent/policy.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("/nonexistent/policy.yaml: cannot be read (ENOENT); check the path\n");
  });

  it("refuses a command line without files and unknown flags, saying what to do", async () => {
    expect(await run([])).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'hush validate: no file given; name the resource files with -f FILE (see "hush validate --help")\n',
    });
    const unknown = await run(["--strict"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /Unknown option '--strict'[\s\S]*Run "hush validate --help" for the options\./,
    );
    expect((await run(["--help"])).stdout).toMatch(/^Usage: hush validate -f FILE/);
  });

  it("is a command of the hush CLI with exit code 2 for problems", async () => {
    const dir = tempDir();
    const file = join(dir, "policy.yaml");
    writeFileSync(file, BROKEN_POLICY);
    const child = spawn(hush, ["validate", "-f", file, "--no-references"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stdout).toContain("spec.action: must be one of Redact, Anonymize, Delete or PermanentlyDelete");
  });
});

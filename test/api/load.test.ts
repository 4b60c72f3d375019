import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkReferences,
  formatProblem,
  loadResourceFiles,
  parseResourceText,
  type ResourceProblem,
} from "../../src/api/load.js";

const fixturePath = join(import.meta.dirname, "fixtures", "resources.yaml");
const fixture = readFileSync(fixturePath, "utf8");

const policy = (spec: string, metadata = "  name: p\n  namespace: privacy") =>
  `apiVersion: hush.dev/v1alpha1
kind: RedactionPolicy
metadata:
${metadata}
spec:
  accountRef:
    name: acme
${spec}`;

const problemsOf = (text: string, file = "policy.yaml") => parseResourceText(text, file).problems;
const messages = (problems: ResourceProblem[]) => problems.map(formatProblem);

describe("loading resource files", () => {
  it("reads the example resources of every kind without a problem, references included", () => {
    const { resources, problems } = parseResourceText(fixture, "resources.yaml");
    expect(messages(problems)).toEqual([]);
    expect(resources.accounts.map((a) => a.resource.metadata.name)).toEqual(["acme"]);
    expect(resources.secrets.map((s) => s.resource.name)).toEqual(["acme-zendesk", "acme-pseudonyms"]);
    expect(resources.policies.map((p) => p.resource.metadata.name)).toEqual([
      "gdpr-retention",
      "inactive-users",
      "delete-spam",
      "erasure-request",
      "preview-open-tickets",
      "solved-with-legal-hold",
    ]);
    expect(messages(checkReferences(resources))).toEqual([]);
  });

  it("numbers documents from 1 in their file and skips empty ones", () => {
    const { resources } = parseResourceText(`---\n${fixture}\n---\n`, "r.yaml");
    expect(resources.accounts[0]).toMatchObject({ file: "r.yaml", document: 1 });
    expect(resources.policies[0]!.document).toBe(4);
  });

  it("applies the schema's defaults, namespace default and generation 1 as a file has no API server", () => {
    const { resources, problems } = parseResourceText(
      policy('  query: "status:closed"', "  name: p"),
      "p.yaml",
    );
    expect(problems).toEqual([]);
    const loaded = resources.policies[0]!.resource;
    expect(loaded.metadata).toMatchObject({ name: "p", namespace: "default", generation: 1 });
    expect(loaded.spec).toMatchObject({
      target: "tickets",
      action: "Redact",
      mode: "DryRun",
      markerTag: "hush-redacted",
      redact: { masking: "Full", closedTickets: "InPlace", replacement: { type: "Blocks" } },
      limits: { maxItemsPerSweep: 10000 },
    });
  });

  it("keeps a generation and a status that the file gives", () => {
    const text = `${policy('  query: "status:closed"', "  name: p\n  generation: 7")}
status:
  observedGeneration: 6
  conditions:
    - type: Ready
      status: "True"
      reason: Succeeded
      lastTransitionTime: "2026-01-31T12:00:00Z"
`;
    const { resources, problems } = parseResourceText(text, "p.yaml");
    expect(problems).toEqual([]);
    expect(resources.policies[0]!.resource.metadata.generation).toBe(7);
    expect(resources.policies[0]!.resource.status?.conditions[0]).toMatchObject({
      type: "Ready",
      message: "",
    });
  });

  it("reads the base64 data and plain stringData of a Secret, stringData winning", () => {
    const text = `apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  email: YUBleGFtcGxlLmNvbQ==
  token: b2xk
stringData:
  token: new
`;
    const { resources, problems } = parseResourceText(text, "secret.yaml");
    expect(problems).toEqual([]);
    expect(resources.secrets[0]!.resource).toEqual({
      name: "creds",
      namespace: "default",
      data: { email: "a@example.com", token: "new" },
    });
  });

  it("reads JSON as well as YAML", () => {
    const json = JSON.stringify({
      apiVersion: "hush.dev/v1alpha1",
      kind: "RedactionPolicy",
      metadata: { name: "p" },
      spec: { accountRef: { name: "acme" }, query: "status:closed" },
    });
    expect(parseResourceText(json, "p.json").resources.policies).toHaveLength(1);
  });
});

describe("problems in resource files", () => {
  it("names the fields of a broken policy and what each allows", () => {
    const text = policy(`  query: "status:closed"
  action: Redcat
  redact:
    masking: full
  schedlue:
    cron: "0 3 * * *"`);
    const lines = messages(problemsOf(text));
    expect(lines).toEqual([
      'policy.yaml:1 RedactionPolicy privacy/p: spec.action: must be one of Redact, Anonymize, Delete or PermanentlyDelete (got "Redcat"); did you mean Redact? (line 10)',
      'policy.yaml:1 RedactionPolicy privacy/p: spec.redact.masking: must be one of Full or Detected (got "full"); did you mean Full? (line 12)',
      "policy.yaml:1 RedactionPolicy privacy/p: spec.schedlue: is not a field of spec (allowed: accountRef, target, query, action, redact, anonymize, schedule, mode, limits, exemptions, markerTag, concurrency, suspend); did you mean schedule? (line 13)",
    ]);
  });

  it("says a required field is missing and what it is for, at the line of its parent", () => {
    const [problem] = problemsOf(policy(""));
    expect(problem).toMatchObject({ path: "spec.query", line: 6 }); // the line of spec
    expect(problem!.message).toMatch(/^is required: Zendesk search query selecting the records, e\.g\. /);
  });

  it("names the type a field needs and the bounds of numbers, lists and strings", () => {
    const text = policy(`  query: 42
  concurrency: 100
  limits:
    maxItemsPerSweep: 1.5
  redact:
    fields: []
    replacement:
      type: Text
      text: ""`);
    expect(problemsOf(text).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "spec.query: must be a string (got a whole number)",
      "spec.redact.fields: must list at least one item",
      "spec.redact.replacement.text: must not be empty",
      "spec.limits.maxItemsPerSweep: must be a whole number (got a fraction)",
      "spec.concurrency: must be at most 32",
    ]);
  });

  it("tells to drop the quotes around a number", () => {
    expect(problemsOf(policy('  query: "x"\n  concurrency: "4"')).map((p) => p.message)).toEqual([
      "must be a number, written without quotes (got a string)",
    ]);
  });

  it("keeps the schema's own messages for patterns", () => {
    const [problem] = problemsOf(policy('  query: "x"\n  markerTag: "Hush Redacted"'));
    expect(problem).toMatchObject({
      path: "spec.markerTag",
      message: "must be a Zendesk tag: lower-case, no spaces or commas",
    });
  });

  it("refuses a repeated item of a list the CRD declares a set, and a repeated pattern name", () => {
    const text = policy(`  query: "x"
  redact:
    masking: Detected
    detectors: [email, phone, email]
    patterns:
      - { name: order, regex: "ORD-[0-9]+" }
      - { name: order, regex: "INV-[0-9]+" }`);
    expect(problemsOf(text).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "spec.redact.detectors[2]: repeats item [0]; list each value once",
      "spec.redact.patterns[1].name: repeats the name of item [0]; each item needs its own",
    ]);
  });

  it("names the apiVersion a Hush kind needs and suggests the kind meant by a typo", () => {
    const wrongVersion = problemsOf(policy('  query: "x"').replace("hush.dev/v1alpha1", "hush.dev/v1"));
    expect(wrongVersion.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'apiVersion: must be hush.dev/v1alpha1 (got "hush.dev/v1")',
    ]);
    const typo = problemsOf(
      policy('  query: "x"').replace("kind: RedactionPolicy", "kind: RedactionPolicie"),
    );
    expect(typo[0]!.message).toMatch(
      /^must be ZendeskAccount or RedactionPolicy in hush\.dev \(got "RedactionPolicie"\); did you mean RedactionPolicy\?/,
    );
  });

  it("reports documents of other kinds as not Hush resources, unless asked to ignore them", () => {
    const text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
    expect(messages(problemsOf(text, "d.yaml"))).toEqual([
      "d.yaml:1 default/web: kind Deployment (apps/v1) is not a Hush resource; Hush reads ZendeskAccount and RedactionPolicy (hush.dev/v1alpha1) and v1 Secret",
    ]);
    expect(parseResourceText(text, "d.yaml", { otherKinds: "ignore" }).problems).toEqual([]);
  });

  it("reports YAML syntax errors with their line, without quoting the line (it may hold a secret)", () => {
    const text =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: s3cr3t-value: oops\n";
    const problems = problemsOf(text, "secret.yaml");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "secret.yaml", document: 1, line: 6 });
    expect(formatProblem(problems[0]!)).toMatch(
      /^secret\.yaml:1: YAML syntax error at column \d+: .+ \(line 6\)$/,
    );
    expect(JSON.stringify(problems)).not.toContain("s3cr3t");
  });

  it("names the Secret key with invalid base64, never the value", () => {
    const text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  token: not*base64!!\n";
    const problems = problemsOf(text, "secret.yaml");
    expect(messages(problems)).toEqual([
      "secret.yaml:1 Secret default/s: data.token: is not valid base64; encode the value (e.g. printf %s VALUE | base64 -w0) or put it in plain text under stringData (line 6)",
    ]);
    expect(JSON.stringify(problems)).not.toContain("not*base64");
  });

  it("refuses Secret values that are not strings and unknown Secret fields, without echoing values", () => {
    const text =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringDta:\n  a: b\nstringData:\n  port: 8080\n";
    expect(problemsOf(text).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "stringDta: is not a field of a Secret (allowed: apiVersion, kind, metadata, data, stringData, type, immutable); did you mean stringData?",
      "stringData.port: must be a string; quote the value in YAML",
    ]);
  });

  it("refuses a document that is not a mapping", () => {
    expect(problemsOf("- a\n- b\n").map((p) => p.message)).toEqual([
      "is not a mapping; a resource has apiVersion, kind, metadata and spec",
    ]);
  });

  it("formats problems of whole files without a document number", () => {
    expect(
      formatProblem({
        file: "x.yaml",
        document: 0,
        path: "",
        message: "cannot be read (ENOENT); check the path",
      }),
    ).toBe("x.yaml: cannot be read (ENOENT); check the path");
  });
});

describe("the example in docs/resources.md", () => {
  it("loads without a problem, references included", () => {
    const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "resources.md"), "utf8");
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const { resources, problems } = parseResourceText(example, "resources.md");
    expect(messages([...problems, ...checkReferences(resources)])).toEqual([]);
    expect(resources.policies).toHaveLength(1);
  });
});

describe("robustness", () => {
  it("never throws, whatever the text: every fault becomes a problem", () => {
    const lines = fixture.split("\n");
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          // The example with some lines dropped and others duplicated: broken YAML and broken resources.
          fc
            .array(fc.nat(lines.length - 1), { maxLength: 80 })
            .map((picks) => picks.map((i) => lines[i]).join("\n")),
        ),
        (text) => {
          const { resources, problems } = parseResourceText(text, "f.yaml");
          for (const p of [...problems, ...checkReferences(resources)])
            expect(p.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("reading files and directories", () => {
  it("reads the resource files in a directory in name order, leaving out the status files hush run writes, and reports unreadable paths", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hush-load-"));
    writeFileSync(join(dir, "b-policy.yaml"), policy('  query: "status:closed"'));
    writeFileSync(join(dir, "a-resources.yml"), fixture);
    writeFileSync(join(dir, "notes.txt"), "not a resource");
    // What hush run writes next to b-policy.yaml: status without spec.
    writeFileSync(
      join(dir, "b-policy.status.yaml"),
      "apiVersion: hush.dev/v1alpha1\nkind: RedactionPolicy\nmetadata:\n  name: p\nstatus:\n  observedGeneration: 1\n",
    );
    mkdirSync(join(dir, "empty"));
    const missing = join(dir, "missing.yaml");
    const result = await loadResourceFiles([dir, missing, join(dir, "empty")]);
    expect(result.files).toEqual([join(dir, "a-resources.yml"), join(dir, "b-policy.yaml")]);
    expect(result.resources.policies.map((p) => p.file)).toEqual([
      ...Array(6).fill(join(dir, "a-resources.yml")),
      join(dir, "b-policy.yaml"),
    ]);
    expect(messages(result.problems)).toEqual([
      `${missing}: cannot be read (ENOENT); check the path`,
      `${join(dir, "empty")}: is a directory without .yaml, .yml or .json files; give the files or another directory`,
    ]);
  });
});

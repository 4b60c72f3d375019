import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkReferences, formatProblem, loadResourceFiles } from "../../src/api/load.js";
import { isResourceFile } from "../../src/local/directory.js";

// examples/ is what users copy: every file must load without a problem, and each example must
// say what the README promises it says.

const examples = join(import.meta.dirname, "..", "..", "examples");
/** The example files (not the status files a `hush run --dir examples` may have left). */
const exampleFiles = async () =>
  (await readdir(examples)).filter(isResourceFile).map((f) => join(examples, f));

describe("examples/", () => {
  it("validates: every file loads without a problem and every reference resolves", async () => {
    const files = await exampleFiles();
    expect(files.length).toBeGreaterThanOrEqual(7);
    const { resources, problems } = await loadResourceFiles(files);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(checkReferences(resources).map(formatProblem)).toEqual([]);
    expect(resources.accounts).toHaveLength(1);
    expect(resources.secrets).toHaveLength(1);
    expect(resources.policies.map((p) => p.resource.metadata.name).sort()).toEqual([
      "anonymize-inactive-users",
      "delete-spam",
      "erasure-request-tickets",
      "erasure-request-user",
      "gdpr-retention",
      "preview-delete-old-tickets",
      "redact-solved-except-on-hold",
    ]);
  });

  it("holds the policies the README lists, each exempting records under a legal hold", async () => {
    const { resources } = await loadResourceFiles(await exampleFiles());
    const byName = new Map(resources.policies.map((p) => [p.resource.metadata.name, p.resource.spec]));
    expect(byName.get("gdpr-retention")).toMatchObject({
      query: "type:ticket status:closed updated<90days",
      action: "Redact",
      mode: "Enforce",
      redact: { closedTickets: "Replace" },
    });
    expect(byName.get("anonymize-inactive-users")).toMatchObject({ target: "users", action: "Anonymize" });
    expect(byName.get("delete-spam")).toMatchObject({ query: "type:ticket tags:spam", action: "Delete" });
    expect(byName.get("erasure-request-tickets")?.query).toContain("requester:person@example.com");
    expect(byName.get("erasure-request-user")).toMatchObject({
      query: "type:user email:person@example.com",
      suspend: true,
    });
    expect(byName.get("preview-delete-old-tickets")).toMatchObject({ mode: "DryRun" });
    for (const [name, spec] of byName)
      expect([name, spec.exemptions.tags]).toEqual([name, expect.arrayContaining(["legal-hold"])]);
  });

  it("points the account at the bundled simulator, so that nothing in it can touch a real account", async () => {
    const { resources } = await loadResourceFiles([join(examples, "account.yaml")]);
    expect(resources.accounts[0]!.resource.spec.baseURL).toBe("http://127.0.0.1:8080");
  });
});

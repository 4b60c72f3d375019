import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isResourceFile, readDirectory, statusFileOf, watchDirectory } from "../../src/local/directory.js";
import { GenerationCounter } from "../../src/local/generations.js";
import { lockDirectory } from "../../src/local/lock.js";
import { readStatusFile, renderStatusFile, writeIfChanged } from "../../src/local/status-files.js";
import { ACCOUNT, manualClock, policyYaml, settle, tempDir, until, writeFiles } from "./helpers.js";

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});
async function dir(): Promise<string> {
  const t = await tempDir();
  cleanups.push(t.remove);
  return t.dir;
}

describe("the resource directory", () => {
  it("holds the *.yaml and *.yml files, but not status files or hidden files", () => {
    expect(isResourceFile("policy.yaml")).toBe(true);
    expect(isResourceFile("policy.yml")).toBe(true);
    expect(isResourceFile("policy.status.yaml")).toBe(false);
    expect(isResourceFile(".secret.yaml")).toBe(false);
    expect(isResourceFile("notes.md")).toBe(false);
    expect(statusFileOf("/d/policy.yaml")).toBe("/d/policy.status.yaml");
    expect(statusFileOf("/d/policy.yml")).toBe("/d/policy.status.yaml");
  });

  it("reads the resources and leaves other kinds of Kubernetes objects alone", async () => {
    const d = await dir();
    await writeFiles(d, {
      "account.yaml": ACCOUNT,
      "p.yaml": policyYaml("p"),
      "p.status.yaml": "this: is not read",
      "kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
    });
    const snapshot = await readDirectory(d);
    expect(snapshot.files.map((f) => f.slice(d.length + 1))).toEqual([
      "account.yaml",
      "kustomization.yaml",
      "p.yaml",
    ]);
    expect(snapshot.resources.policies.map((p) => p.resource.metadata.name)).toEqual(["p"]);
    expect(snapshot.resources.secrets).toHaveLength(1);
    expect(snapshot.problems).toEqual([]);
  });

  it("names the flag to fix when the directory does not exist", async () => {
    await expect(readDirectory("/nonexistent/hush-dir")).rejects.toThrow(
      /does not exist; pass the directory .* to --dir/,
    );
  });

  it("sees a changed file when it is polled", async () => {
    const d = await dir();
    await writeFiles(d, { "p.yaml": policyYaml("p") });
    const clock = manualClock();
    const controller = new AbortController();
    const seen: string[][] = [];
    const since = await readDirectory(d);
    const watching = watchDirectory(
      d,
      (s) => {
        seen.push(s.resources.policies.map((p) => p.resource.metadata.name));
      },
      { clock, signal: controller.signal, since, intervalMs: 1000 },
    );
    await clock.advance(1000);
    await settle(20);
    expect(seen).toEqual([]);
    await writeFiles(d, { "q.yaml": policyYaml("q") });
    await clock.advance(1000);
    await until("the new file was seen", () => seen.length === 1);
    expect(seen[0]).toEqual(["p", "q"]);
    // Rewritten with the same size: the modification time tells.
    const path = join(d, "q.yaml");
    await writeFile(path, policyYaml("r"));
    const later = new Date((await stat(path)).mtimeMs + 5000);
    await utimes(path, later, later);
    await clock.advance(1000);
    await until("the rewritten file was seen", () => seen.length === 2);
    controller.abort();
    await watching;
  });
});

describe("status files", () => {
  it("round-trip the statuses of a file's resources, in its order", async () => {
    const d = await dir();
    const path = join(d, "x.status.yaml");
    const status = {
      observedGeneration: 2,
      conditions: [
        {
          type: "Ready",
          status: "True" as const,
          reason: "Succeeded",
          message: "ok",
          lastTransitionTime: "2026-05-01T10:00:00Z",
        },
      ],
    };
    const text = renderStatusFile(join(d, "x.yaml"), [
      { kind: "ZendeskAccount", namespace: "default", name: "acme", generation: 1, status: undefined },
      { kind: "RedactionPolicy", namespace: "default", name: "p", generation: 2, status },
    ]);
    expect(text.startsWith("# Written by hush run: the status of the resources in x.yaml.")).toBe(true);
    expect(await writeIfChanged(path, text)).toBe(true);
    expect(await writeIfChanged(path, text)).toBe(false);
    const read = await readStatusFile(path);
    expect(read.get("RedactionPolicy/default/p")).toEqual({ generation: 2, status });
    expect(read.has("ZendeskAccount/default/acme")).toBe(false);
  });

  it("list the file's problems as comments", () => {
    const text = renderStatusFile(
      "/d/p.yaml",
      [],
      ["p.yaml:1 RedactionPolicy default/p: spec.action: must be one of ..."],
    );
    expect(text).toContain("#   p.yaml:1 RedactionPolicy default/p: spec.action");
  });

  it("ignore statuses an older or broken writer left", async () => {
    const d = await dir();
    const path = join(d, "x.status.yaml");
    await writeFile(
      path,
      "kind: RedactionPolicy\nmetadata: {name: p, namespace: default}\nstatus: {conditions: 3}\n---\n: :\n",
    );
    expect((await readStatusFile(path)).size).toBe(0);
  });
});

describe("generations counted for files", () => {
  it("go up when the spec changes, not when only metadata does, and survive a restart", async () => {
    const path = join(await dir(), "generations.json");
    const counter = await GenerationCounter.open(path);
    expect(counter.observe("RedactionPolicy/default/p", 1, { query: "a" }).generation).toBe(1);
    expect(counter.observe("RedactionPolicy/default/p", 1, { query: "a" }).generation).toBe(1);
    expect(counter.observe("RedactionPolicy/default/p", 1, { query: "b" }).generation).toBe(2);
    // Key order does not make a different spec.
    expect(counter.observe("RedactionPolicy/default/p", 1, { query: "b" }).generation).toBe(2);
    await counter.save();
    const again = await GenerationCounter.open(path);
    expect(again.observe("RedactionPolicy/default/p", 1, { query: "b" }).generation).toBe(2);
    expect(again.observe("RedactionPolicy/default/p", 1, { query: "c" }).generation).toBe(3);
    // A generation written in the file wins when it is higher.
    expect(again.observe("RedactionPolicy/default/p", 7, { query: "c" }).generation).toBe(7);
    expect(JSON.parse(await readFile(path, "utf8"))["RedactionPolicy/default/p"].generation).toBe(2);
  });

  it("hash a spec the same whatever the order of its keys", async () => {
    const counter = await GenerationCounter.open(join(await dir(), "g.json"));
    counter.observe("k", 1, { a: 1, b: { c: 2, d: 3 } });
    expect(counter.observe("k", 1, { b: { d: 3, c: 2 }, a: 1 }).changed).toBe(false);
  });
});

describe("the directory lock", () => {
  it("keeps a second hush run out, and is free again once released", async () => {
    const path = join(await dir(), ".hush", "lock");
    const release = await lockDirectory(path, "the directory");
    await expect(lockDirectory(path, "the directory")).rejects.toThrow(/already using the directory/);
    await release();
    const again = await lockDirectory(path, "the directory");
    await again();
  });

  it("takes over the lock of a process that is gone", async () => {
    const path = join(await dir(), "lock");
    // Process ids near the limit are practically never in use.
    await writeFile(path, "4194300\n");
    const release = await lockDirectory(path, "the directory");
    expect((await readFile(path, "utf8")).trim()).toBe(String(process.pid));
    await release();
  });

  it("takes over a lock left with its own process id by an earlier life (PID 1 in a restarted container)", async () => {
    const path = join(await dir(), "lock");
    await writeFile(path, `${process.pid}\n`);
    const release = await lockDirectory(path, "the directory");
    await expect(lockDirectory(path, "the directory")).rejects.toThrow(/already using the directory/);
    await release();
  });
});

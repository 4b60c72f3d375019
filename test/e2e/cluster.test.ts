import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import {
  clusterKubeconfig,
  clusterOperatorKubeconfig,
  deleteNamespace,
  freshNamespace,
  installCrds,
  kubectl,
  runKubectl,
  startPrivateCluster,
} from "../support/cluster.js";

// The CRDs on a real kube-apiserver (1.20, the oldest Hush supports): they install, take the
// examples, default and refuse as the schemas say, and `kubectl get` shows useful columns.

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples");
const POLICIES = "/apis/hush.dev/v1alpha1/namespaces";

let kubeconfig: string;
let namespace: string;
const k = (args: string[], input?: string) => kubectl(args, { kubeconfig, ...(input ? { input } : {}) });
const getJson = async (args: string[]) => JSON.parse(await k([...args, "-o", "json"]));

beforeAll(async () => {
  kubeconfig = clusterKubeconfig();
  await installCrds(kubeconfig);
  namespace = await freshNamespace(kubeconfig, "e2e-cluster");
});

afterAll(async () => {
  if (namespace) await deleteNamespace(kubeconfig, namespace);
});

/** Rows of kubectl's table output, by column header (columns start where their header starts). */
function table(output: string): Record<string, string>[] {
  const [header, ...lines] = output.trimEnd().split("\n");
  const columns = [...header!.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], start: m.index }));
  return lines.map((line) =>
    Object.fromEntries(
      columns.map((column, i) => [column.name, line.slice(column.start, columns[i + 1]?.start).trim()]),
    ),
  );
}

const policy = (name: string, spec: string) => `apiVersion: hush.dev/v1alpha1
kind: RedactionPolicy
metadata: {name: ${name}}
spec:
  accountRef: {name: acme}
  target: tickets
  query: "type:ticket status:closed"
  schedule: {cron: "0 3 * * *"}
${spec}`;

describe("the CRDs on kube-apiserver 1.20", () => {
  it("install and become Established", async () => {
    const names = await installCrds(kubeconfig);
    expect(names.sort()).toEqual(["redactionpolicies.hush.dev", "zendeskaccounts.hush.dev"]);
    for (const name of names) {
      const crd = await getJson(["get", "crd", name]);
      const established = crd.status.conditions.find((c: { type: string }) => c.type === "Established");
      expect(established?.status, name).toBe("True");
    }
  });

  it("take every example in examples/ and fill in the schema's defaults", async () => {
    const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith(".yaml")).sort();
    expect(files.length).toBeGreaterThan(3);
    const names: string[] = [];
    for (const file of files) {
      const text = await readFile(join(EXAMPLES, file), "utf8");
      await k(["apply", "-n", namespace, "-f", join(EXAMPLES, file)]);
      for (const doc of parseAllDocuments(text)) {
        const value = doc.toJS() as { kind: string; metadata: { name: string } };
        if (value.kind === "RedactionPolicy") names.push(value.metadata.name);
      }
    }
    const listed = await getJson(["get", "redactionpolicies", "-n", namespace]);
    expect(listed.items.map((p: any) => p.metadata.name).sort()).toEqual(names.sort());

    // gdpr-retention.yaml leaves these out; the API server fills them in from the CRD.
    const gdpr = await getJson(["get", "rpol", "gdpr-retention", "-n", namespace]);
    expect(gdpr.spec).toMatchObject({
      markerTag: "hush-redacted",
      concurrency: 4,
      suspend: false,
      redact: { attachmentMethod: "Remove", permanentlyDeleteOriginals: false },
    });
  });

  it("default an account's share of the rate limit to 50%", async () => {
    await k(
      ["apply", "-n", namespace, "-f", "-"],
      `apiVersion: hush.dev/v1alpha1
kind: ZendeskAccount
metadata: {name: minimal}
spec:
  subdomain: minimal
  credentials: {secretRef: {name: minimal-zendesk}}
`,
    );
    const account = await getJson(["get", "zendeskaccount", "minimal", "-n", namespace]);
    expect(account.spec.rateLimit).toEqual({ share: 50, highVolume: false });
  });

  it("refuse an action that does not exist, naming the allowed ones", async () => {
    const result = await runKubectl(["apply", "-n", namespace, "-f", "-"], {
      kubeconfig,
      input: policy("redcat", "  action: Redcat\n"),
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      'spec.action: Unsupported value: "Redcat": supported values: "Redact", "Anonymize", "Delete", "PermanentlyDelete"',
    );
  });

  it("refuse a negative share of the rate limit", async () => {
    const result = await runKubectl(["apply", "-n", namespace, "-f", "-"], {
      kubeconfig,
      input: `apiVersion: hush.dev/v1alpha1
kind: ZendeskAccount
metadata: {name: negative}
spec:
  subdomain: negative
  credentials: {secretRef: {name: negative-zendesk}}
  rateLimit: {share: -5}
`,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(
      "spec.rateLimit.share: Invalid value: -5: spec.rateLimit.share in body should be greater than or equal to 1",
    );
  });

  it("refuse a misspelt field in kubectl, and prune it on the server when kubectl does not check", async () => {
    const typo = policy("typo", "  action: Delete\n  sechdule: {cron: '1 2 * * *'}\n");
    const checked = await runKubectl(["apply", "-n", namespace, "-f", "-"], { kubeconfig, input: typo });
    expect(checked.exitCode).not.toBe(0);
    expect(checked.stderr).toContain('unknown field "sechdule" in dev.hush.v1alpha1.RedactionPolicy.spec');

    await k(["apply", "--validate=false", "-n", namespace, "-f", "-"], typo);
    const stored = await getJson(["get", "rpol", "typo", "-n", namespace]);
    expect(stored.spec).not.toHaveProperty("sechdule");
    expect(stored.spec.schedule).toEqual({ cron: "0 3 * * *" });
  });
});

describe("kubectl get", () => {
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString().replace(/\.\d+Z$/, "Z");

  beforeAll(async () => {
    await k(["apply", "-n", namespace, "-f", "-"], policy("columns", "  action: Redact\n  mode: Enforce\n"));
    await k(["apply", "-n", namespace, "-f", "-"], policy("no-status", "  action: Delete\n"));
    await k(
      ["apply", "-n", namespace, "-f", "-"],
      `apiVersion: hush.dev/v1alpha1
kind: ZendeskAccount
metadata: {name: acme}
spec:
  subdomain: acme
  credentials: {secretRef: {name: acme-zendesk}}
`,
    );
    // Status as the operator writes it: through the status subresource.
    const current = await getJson(["get", "rpol", "columns", "-n", namespace]);
    const status = {
      observedGeneration: current.metadata.generation,
      conditions: [
        {
          type: "Ready",
          status: "True",
          reason: "SweepSucceeded",
          message: "The last sweep succeeded.",
          lastTransitionTime: minutesAgo(30),
        },
      ],
      lastSweep: {
        sweepId: "sweep-columns-1",
        startTime: minutesAgo(32),
        completionTime: minutesAgo(30),
        result: "Succeeded",
        counts: { matched: 12, acted: 12, skipped: 0, failed: 0, residual: 0 },
      },
      nextSweepTime: "2030-01-01T03:00:00Z",
    };
    await k(
      ["replace", "--raw", `${POLICIES}/${namespace}/redactionpolicies/columns/status`, "-f", "-"],
      JSON.stringify({ ...current, status }),
    );
  });

  it("shows account, action, mode, ready, last sweep, result, acted and next sweep of every policy", async () => {
    const rows = table(await k(["get", "redactionpolicies", "-A"]));
    const row = rows.find((r) => r["NAMESPACE"] === namespace && r["NAME"] === "columns");
    expect(row).toEqual({
      NAMESPACE: namespace,
      NAME: "columns",
      ACCOUNT: "acme",
      ACTION: "Redact",
      MODE: "Enforce",
      READY: "True",
      "LAST SWEEP": "30m",
      "LAST RESULT": "Succeeded",
      ACTED: "12",
      "NEXT SWEEP": "2030-01-01T03:00:00Z",
      AGE: expect.stringMatching(/^\d+s$/),
    });
  });

  it("knows the short name rpol and the category hush", async () => {
    const short = table(await k(["get", "rpol", "-n", namespace]));
    expect(short.find((r) => r["NAME"] === "columns")).toMatchObject({ ACCOUNT: "acme", ACTED: "12" });

    const category = await k(["get", "hush", "-n", namespace, "-o", "name"]);
    expect(category.split("\n")).toEqual(
      expect.arrayContaining(["zendeskaccount.hush.dev/acme", "redactionpolicy.hush.dev/columns"]),
    );
  });

  it("leaves the columns of a policy without status empty", async () => {
    const rows = table(await k(["get", "rpol", "-n", namespace]));
    expect(rows.find((r) => r["NAME"] === "no-status")).toMatchObject({
      ACTION: "Delete",
      MODE: "DryRun",
      READY: "",
      "LAST SWEEP": "",
      ACTED: "",
      "NEXT SWEEP": "",
    });
  });
});

describe("the cluster's identities", () => {
  it("the admin may do anything", async () => {
    expect((await k(["auth", "can-i", "*", "*", "--all-namespaces"])).trim()).toBe("yes");
  });

  it.skipIf(!clusterOperatorKubeconfig())(
    "the operator is system:serviceaccount:hush-system:hush-operator, in its service-account groups",
    async () => {
      const operator = clusterOperatorKubeconfig()!;
      // Pods: deploy/'s RBAC, which other e2e files apply to this cluster, never grants them.
      const denied = await runKubectl(["get", "pods", "-n", namespace], { kubeconfig: operator });
      expect(denied.stderr).toContain(
        'User "system:serviceaccount:hush-system:hush-operator" cannot list resource "pods"',
      );
      // One permission per group: the operator has each only through that group.
      const grants = [
        ["configmaps", "system:serviceaccounts"],
        ["secrets", "system:serviceaccounts:hush-system"],
        ["services", "system:authenticated"],
      ] as const;
      for (const [resource, group] of grants) {
        await k([
          "create",
          "role",
          `list-${resource}`,
          "-n",
          namespace,
          "--verb=list",
          `--resource=${resource}`,
        ]);
        await k([
          "create",
          "rolebinding",
          `list-${resource}`,
          "-n",
          namespace,
          `--role=list-${resource}`,
          `--group=${group}`,
        ]);
      }
      for (const [resource] of grants) {
        await expect
          .poll(async () =>
            (
              await runKubectl(["auth", "can-i", "list", resource, "-n", namespace], { kubeconfig: operator })
            ).stdout.trim(),
          )
          .toBe("yes");
      }
      const others = await runKubectl(["auth", "can-i", "list", "pods", "-n", namespace], {
        kubeconfig: operator,
      });
      expect(others.stdout.trim()).toBe("no");
    },
  );
});

describe("a private cluster", () => {
  // Running, not a zombie: the processes outlive `up`, so their parent is init, which reaps them
  // a moment after they exit.
  const alive = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
      return false;
    }
  };

  it("keeps its objects across an API server restart, and stop ends every process it started", async () => {
    const cluster = await startPrivateCluster();
    const pidOf = async (name: string) => Number(await readFile(join(cluster.dir, `${name}.pid`), "utf8"));
    let pids: number[] = [];
    try {
      const own = { kubeconfig: cluster.kubeconfig };
      await kubectl(["create", "configmap", "survivor", "-n", "default", "--from-literal=sweep=1"], own);
      const before = await pidOf("kube-apiserver");

      await cluster.restartApiServer();

      expect(await pidOf("kube-apiserver")).not.toBe(before);
      const survivor = JSON.parse(
        await kubectl(["get", "configmap", "survivor", "-n", "default", "-o", "json"], own),
      );
      expect(survivor.data).toEqual({ sweep: "1" });
      pids = await Promise.all(["etcd", "kube-apiserver", "kube-controller-manager"].map(pidOf));
      expect(pids.filter(alive)).toHaveLength(3);
    } finally {
      await cluster.stop();
    }
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(cluster.dir)).toBe(false);
  }, 180_000);
});

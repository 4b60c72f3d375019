import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KubeConfigError, loadKubeConfig } from "../../src/controller/k8s-config.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hush-kubeconfig-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(
  name: string,
  server: string,
  options: { context?: string; current?: string | null } = {},
): string {
  const context = options.context ?? name;
  const current = options.current === null ? "" : `current-context: ${options.current ?? context}\n`;
  const path = join(dir, name);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: ${name}-cluster
  cluster: {server: "${server}"}
users:
- name: ${name}-user
  user: {token: sekret-${name}}
contexts:
- name: ${context}
  context: {cluster: ${name}-cluster, user: ${name}-user}
${current}`,
  );
  return path;
}

/** No KUBECONFIG, no pod, an empty home: only what a test adds. */
const bare = () => ({ env: {}, homeDir: join(dir, "home"), inClusterRoot: join(dir, "no-pod") });

describe("loadKubeConfig", () => {
  it("uses an explicit path before KUBECONFIG", () => {
    const explicit = kubeconfig("explicit", "https://explicit:6443");
    const fromEnv = kubeconfig("env", "https://env:6443");
    const config = loadKubeConfig(explicit, { ...bare(), env: { KUBECONFIG: fromEnv } });
    expect(config.getCurrentCluster()?.server).toBe("https://explicit:6443");
  });

  it("merges the files KUBECONFIG lists, the first one's current-context winning", () => {
    const first = kubeconfig("first", "https://first:6443");
    const second = kubeconfig("second", "https://second:6443");
    const config = loadKubeConfig(undefined, { ...bare(), env: { KUBECONFIG: `${first}:${second}` } });
    expect(config.getCurrentCluster()?.server).toBe("https://first:6443");
    expect(config.getContexts().map((c) => c.name)).toEqual(["first", "second"]);
  });

  it("uses the pod's service account when not given a kubeconfig", () => {
    const root = join(dir, "pod");
    const serviceAccount = join(root, "var/run/secrets/kubernetes.io/serviceaccount");
    mkdirSync(serviceAccount, { recursive: true });
    writeFileSync(join(serviceAccount, "token"), "pod-token");
    writeFileSync(join(serviceAccount, "ca.crt"), "");
    writeFileSync(join(serviceAccount, "namespace"), "hush-system");
    const config = loadKubeConfig(undefined, {
      ...bare(),
      inClusterRoot: root,
      env: { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" },
    });
    expect(config.getCurrentCluster()?.server).toBe("https://10.96.0.1:443");
    expect(config.getCurrentUser()?.authProvider?.config?.tokenFile).toBe(join(serviceAccount, "token"));
    expect(process.env["KUBERNETES_SERVICE_HOST"]).toBeUndefined();
  });

  it("falls back to ~/.kube/config", () => {
    const home = join(dir, "home");
    mkdirSync(join(home, ".kube"), { recursive: true });
    copyFileSync(kubeconfig("in-home", "https://home:6443"), join(home, ".kube", "config"));
    const config = loadKubeConfig(undefined, bare());
    expect(config.getCurrentCluster()?.server).toBe("https://home:6443");
  });

  it("names every place it tried and how to fix it when there is no configuration", () => {
    const attempt = () => loadKubeConfig(undefined, bare());
    expect(attempt).toThrow(KubeConfigError);
    expect(attempt).toThrow(
      /Tried: --kubeconfig \(not given\); KUBECONFIG \(not set\); in-cluster service account \(KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set.*\); .*\.kube\/config \(does not exist\)\. Pass --kubeconfig PATH, set KUBECONFIG, or run the operator in a pod with a service account\./,
    );
  });

  it("says when the pod has no service account token", () => {
    const attempt = () =>
      loadKubeConfig(undefined, {
        ...bare(),
        env: { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" },
      });
    expect(attempt).toThrow(
      /serviceaccount\/token does not exist \(the pod has no service account token mounted\)/,
    );
  });

  it("names a missing file and where its path came from", () => {
    expect(() => loadKubeConfig(join(dir, "nope"), bare())).toThrow(
      `The kubeconfig ${join(dir, "nope")} (from --kubeconfig) does not exist; check the path`,
    );
    expect(() => loadKubeConfig(undefined, { ...bare(), env: { KUBECONFIG: join(dir, "gone") } })).toThrow(
      /\(from KUBECONFIG\) does not exist/,
    );
  });

  it("reports broken YAML by line number without quoting the file, which holds credentials", () => {
    const path = join(dir, "broken");
    writeFileSync(path, "apiVersion: v1\nusers:\n- name: u\n  user: {token: sekret-abc\n");
    let message = "";
    try {
      loadKubeConfig(path, bare());
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/cannot be used: it is not valid YAML \(line \d+\)/);
    expect(message).not.toContain("sekret");
  });

  it("refuses a kubeconfig without a usable current context, saying how to choose one", () => {
    expect(() => loadKubeConfig(kubeconfig("none", "https://x:6443", { current: null }), bare())).toThrow(
      /sets no current-context; choose one with `kubectl config use-context NAME`/,
    );
    expect(() =>
      loadKubeConfig(kubeconfig("dangling", "https://x:6443", { current: "elsewhere" }), bare()),
    ).toThrow(/names current-context "elsewhere", which it does not define/);
  });

  it("names a malformed entry by its field path", () => {
    const path = join(dir, "no-server");
    writeFileSync(path, "clusters:\n- name: c\n  cluster: {}\nusers: []\ncontexts: []\n");
    expect(() => loadKubeConfig(path, bare())).toThrow(/clusters\[0\]\.cluster\.server is missing/);
  });
});

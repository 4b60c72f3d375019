import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFailed, onTestFinished } from "vitest";
import type { KubeObject } from "../../../src/controller/cluster.js";
import { KubeClient, paths } from "./kube.js";
import { type OperatorOptions, type OperatorProcess, startOperator } from "./operator.js";
import { namespacedRbacFor } from "./rbac.js";
import {
  type AccountSpec,
  credentialsSecret,
  type PolicySpec,
  redactionPolicy,
  zendeskAccount,
} from "./resources.js";
import type { TestCluster } from "./test-cluster.js";
import { waitFor } from "./wait.js";
import { FAST_RATE_LIMIT, type SeededZendesk, startZendesk } from "./zendesk.js";

// One scenario's world: a fresh namespace on the cluster, a seeded Zendesk simulator, and the
// operator processes the scenario starts. Everything is torn down when the test ends, however it
// ended; when it failed, the operators' output is printed so that the failure can be read.

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface HushObject extends KubeObject {
  spec: any;
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    lastSweep?: any;
    currentSweep?: any;
    nextSweepTime?: string;
    totals?: { sweeps: number; acted: number; failed: number };
    preview?: { id: string; count: number; generation: number };
    rateLimit?: any;
    [field: string]: unknown;
  };
}

export interface KubeEvent {
  metadata: { name: string; namespace: string; creationTimestamp?: string };
  reason: string;
  note?: string;
  type: string;
  action?: string;
  reportingController?: string;
  reportingInstance?: string;
  regarding?: { kind: string; name: string; namespace?: string; uid?: string };
  eventTime?: string;
  series?: { count: number };
  deprecatedCount?: number;
}

export interface ScenarioOptions {
  /** Short name of the scenario, in the namespace's name. */
  name: string;
  tickets?: number;
  seed?: number;
}

export type PolicyKind = "ZendeskAccount" | "RedactionPolicy";

export const condition = (object: HushObject | undefined, type: string): Condition | undefined =>
  object?.status?.conditions?.find((c) => c.type === type);

/** "Ready=True (Authenticated)" etc., for failure messages. */
export const conditionsText = (object: HushObject | undefined): string =>
  object
    ? (object.status?.conditions ?? [])
        .map((c) => `${c.type}=${c.status} (${c.reason}: ${c.message})`)
        .join("; ") || "no conditions"
    : "the object does not exist";

export class Scenario {
  readonly operators: OperatorProcess[] = [];
  /** The ZendeskAccount most scenarios use, and its Secret. */
  readonly accountName = "acme";
  readonly secretName = "acme-zendesk";

  constructor(
    readonly cluster: TestCluster,
    readonly kube: KubeClient,
    readonly namespace: string,
    readonly dir: string,
    readonly zendesk: SeededZendesk,
  ) {}

  // --- objects --------------------------------------------------------------------------------

  async createSecret(credentials = this.zendesk.credentials, name = this.secretName): Promise<void> {
    await this.kube.create(
      paths.secrets(this.namespace),
      credentialsSecret(this.namespace, name, credentials),
    );
  }

  /** Replaces the Secret's values (a rotation): a merge patch of stringData. */
  async rotateSecret(credentials: { email: string; token: string }, name = this.secretName): Promise<void> {
    await this.kube.mergePatch(paths.secret(this.namespace, name), { stringData: credentials });
  }

  async createAccount(spec: Partial<AccountSpec> = {}, name = this.accountName): Promise<HushObject> {
    return this.kube.create(
      paths.accounts(this.namespace),
      zendeskAccount(this.namespace, name, {
        subdomain: "acme",
        baseURL: this.zendesk.url,
        credentials: { secretRef: { name: this.secretName } },
        rateLimit: FAST_RATE_LIMIT,
        ...spec,
      }),
    );
  }

  async createPolicy(
    name: string,
    spec: PolicySpec,
    annotations?: Record<string, string>,
  ): Promise<HushObject> {
    return this.kube.create(
      paths.policies(this.namespace),
      redactionPolicy(this.namespace, name, spec, annotations),
    );
  }

  async patchPolicy(name: string, patch: object): Promise<HushObject> {
    return this.kube.mergePatch(paths.policy(this.namespace, name), patch);
  }

  async annotatePolicy(name: string, annotations: Record<string, string | null>): Promise<HushObject> {
    return this.patchPolicy(name, { metadata: { annotations } });
  }

  policy(name: string): Promise<HushObject | undefined> {
    return this.kube.get(paths.policy(this.namespace, name));
  }

  account(name = this.accountName): Promise<HushObject | undefined> {
    return this.kube.get(paths.account(this.namespace, name));
  }

  object(kind: PolicyKind, name: string): Promise<HushObject | undefined> {
    return kind === "ZendeskAccount" ? this.account(name) : this.policy(name);
  }

  /** The ConfigMap in which the operator keeps a policy's sweep state (hush-sweep-<policy>). */
  async sweepState(policyName: string): Promise<KubeObject | undefined> {
    const all = await this.kube.list<KubeObject>(
      `${paths.configMaps(this.namespace)}?labelSelector=${encodeURIComponent(`hush.dev/policy=${policyName}`)}`,
    );
    return all[0];
  }

  /** Events (events.k8s.io/v1) about one object, oldest first. */
  async events(name?: string): Promise<KubeEvent[]> {
    const events = await this.kube.list<KubeEvent>(paths.events(this.namespace));
    return events
      .filter((e) => name === undefined || e.regarding?.name === name)
      .sort((a, b) => (a.eventTime ?? "").localeCompare(b.eventTime ?? ""));
  }

  // --- waiting --------------------------------------------------------------------------------

  /** Waits until `test` holds for the object, and returns it. */
  async waitForObject(
    kind: PolicyKind,
    name: string,
    what: string,
    test: (object: HushObject) => boolean,
    timeoutMs = 60_000,
  ): Promise<HushObject> {
    let last: HushObject | undefined;
    return waitFor(
      `${kind} ${name} ${what}`,
      async () => {
        last = await this.object(kind, name);
        return last && test(last) ? last : undefined;
      },
      {
        timeoutMs,
        describe: () =>
          `${conditionsText(last)}; status ${JSON.stringify(last?.status ?? null)}\n${this.operatorTails()}`,
      },
    );
  }

  /** Waits until the condition has this status (and reason, when given) for the current generation. */
  waitForCondition(
    kind: PolicyKind,
    name: string,
    type: string,
    status: Condition["status"],
    reason?: string,
    timeoutMs = 60_000,
  ): Promise<HushObject> {
    return this.waitForObject(
      kind,
      name,
      `to have ${type}=${status}${reason ? ` with reason ${reason}` : ""}`,
      (object) => {
        const c = condition(object, type);
        return (
          c?.status === status &&
          (reason === undefined || c.reason === reason) &&
          object.status?.observedGeneration === object.metadata.generation
        );
      },
      timeoutMs,
    );
  }

  /** Waits until a sweep ended after `since` (ISO time; default: any), and returns the policy. */
  waitForSweepEnd(name: string, since = "", timeoutMs = 120_000): Promise<HushObject> {
    return this.waitForObject(
      "RedactionPolicy",
      name,
      `to end a sweep${since ? ` started after ${since}` : ""}`,
      (p) =>
        p.status?.lastSweep !== undefined &&
        p.status.currentSweep === undefined &&
        p.status.lastSweep.startTime >= since,
      timeoutMs,
    );
  }

  async waitForEvent(name: string, reason: string, timeoutMs = 60_000): Promise<KubeEvent> {
    let seen: KubeEvent[] = [];
    return waitFor(
      `an Event ${reason} about ${name}`,
      async () => {
        seen = await this.events(name);
        return seen.find((e) => e.reason === reason);
      },
      { timeoutMs, describe: () => seen.map((e) => `${e.reason}: ${e.note}`).join("; ") || "no events" },
    );
  }

  // --- operators ------------------------------------------------------------------------------

  /**
   * Starts `hush operator` watching only this namespace, with its Lease in this namespace and
   * short leader-election timings unless the scenario is about them.
   */
  async startOperator(identity: string, options: Partial<OperatorOptions> = {}): Promise<OperatorProcess> {
    if (this.cluster.operatorKubeconfig) await this.grantLeaderElection();
    const operator = await startOperator({
      kubeconfig: this.cluster.operatorKubeconfig ?? this.cluster.kubeconfig,
      namespace: this.namespace,
      identity,
      dir: this.dir,
      leaderElection: {
        namespace: this.namespace,
        id: "hush-operator",
        leaseDuration: "6s",
        renewDeadline: "4s",
        retryPeriod: "1s",
      },
      ...options,
    });
    this.operators.push(operator);
    return operator;
  }

  private leaderElectionGranted = false;

  /** deploy/'s leader-election Role and RoleBinding, in this namespace where the Lease lives. */
  private async grantLeaderElection(): Promise<void> {
    if (this.leaderElectionGranted) return;
    const objects = namespacedRbacFor(this.namespace);
    if (!objects.some((o) => o.kind === "Role"))
      throw new Error(
        "deploy/ has no Role for leader election, so the operator's identity cannot hold a Lease",
      );
    for (const { kind, manifest } of objects)
      await this.kube.create(
        kind === "Role" ? paths.roles(this.namespace) : paths.roleBindings(this.namespace),
        manifest,
      );
    this.leaderElectionGranted = true;
  }

  /** The Lease's holder, or undefined while nobody holds it. */
  async leaseHolder(id = "hush-operator", namespace = this.namespace): Promise<string | undefined> {
    const lease = await this.kube.get<{ spec: { holderIdentity?: string } }>(paths.lease(namespace, id));
    return lease?.spec.holderIdentity || undefined;
  }

  operatorTails(lines = 25): string {
    return this.operators
      .map((op) => `--- ${op.options.identity} (last lines) ---\n${op.tail(lines)}`)
      .join("\n");
  }

  /** Everything the operators wrote. */
  operatorLogs(): string {
    return this.operators.map((op) => op.logs).join("\n");
  }

  // --- teardown -------------------------------------------------------------------------------

  /** Stops everything the scenario started; keeps the logs and audit files when `keepFiles`. */
  async close(keepFiles: boolean): Promise<void> {
    await Promise.all(this.operators.map((op) => op.stop(10_000)));
    // No operator is left to remove the finalizers of policies the scenario kept; without this
    // the namespace could never finish deleting.
    try {
      for (const policy of await this.kube.list<HushObject>(paths.policies(this.namespace))) {
        if (policy.metadata.finalizers?.length)
          await this.kube.mergePatch(paths.policy(this.namespace, policy.metadata.name), {
            metadata: { finalizers: null },
          });
      }
      await this.kube.delete(paths.namespace(this.namespace));
    } catch (error) {
      console.warn(`cleanup of namespace ${this.namespace} failed: ${String(error)}`);
    }
    await this.zendesk.sim.close();
    this.kube.close();
    if (!keepFiles) await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Opens a scenario inside a running test: a fresh namespace (random suffix: a namespace being
 * deleted keeps its name for a while), the simulator, a temporary directory for logs and audit
 * files. Closed when the test finishes; the operators' output is printed when it failed.
 */
export async function openScenario(cluster: TestCluster, options: ScenarioOptions): Promise<Scenario> {
  const kube = new KubeClient(cluster.kubeconfig);
  const namespace = `e2e-${options.name}-${randomBytes(3).toString("hex")}`;
  await kube.create(paths.namespaces, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace, labels: { "app.kubernetes.io/part-of": "hush-e2e" } },
  });
  const dir = await mkdtemp(join(tmpdir(), `hush-e2e-${options.name}-`));
  const zendesk = await startZendesk({ tickets: options.tickets ?? 20, seed: options.seed ?? 7 });
  const scenario = new Scenario(cluster, kube, namespace, dir, zendesk);
  onTestFailed(() => {
    console.error(
      `scenario ${options.name} failed on ${cluster.name}, namespace ${namespace}; operator logs in ${dir}\n` +
        scenario.operators.map((op) => `===== ${op.options.identity} =====\n${op.tail(200)}`).join("\n"),
    );
  });
  // A failed test keeps its operators' logs and audit files for reading.
  onTestFinished((ctx) => scenario.close(ctx.task.result?.state === "fail"));
  return scenario;
}

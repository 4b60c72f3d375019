import type { RedactionPolicyStatus } from "../api/redaction-policy.js";
import { resumesAtStart } from "../controller/policy-plan.js";
import type { UnfinishedSweep } from "../sweep/sweep-state.js";
import type { DirectorySnapshot } from "./directory.js";
import type { LoopEvent, ResourceRef } from "./events.js";
import type { GenerationCounter } from "./generations.js";
import { reactionToEdit } from "./policy-plan.js";
import {
  APPROVE_ANNOTATION,
  cancelSweep,
  type PolicyRuntime,
  REQUESTED_AT_ANNOTATION,
  refOf,
  refText,
} from "./policy-runtime.js";
import { resourceKey } from "./status-files.js";

// The policies of hush run's directory, brought in line with it on every read: a new policy gets a
// runtime, an edited one takes its new spec (cancelling its running sweep when the edit says so,
// policy-plan.ts), and a removed one has its sweep cancelled.

export interface PolicyChanges {
  added: PolicyRuntime[];
  /** No longer in the directory: marked removed, sweep cancelled, taken out of the map. */
  removed: PolicyRuntime[];
}

export interface SyncOptions {
  /** --sweep-now or --once: new policies sweep at once. */
  sweepNow: boolean;
  /** The status a new policy starts from (its status file, or its last run in this process). */
  rememberedStatus: (ref: ResourceRef) => RedactionPolicyStatus | undefined;
  emit: (event: LoopEvent) => void;
}

export function syncPolicies(
  policies: Map<string, PolicyRuntime>,
  snapshot: DirectorySnapshot,
  counter: GenerationCounter,
  options: SyncOptions,
): PolicyChanges {
  const seen = new Set<string>();
  const added: PolicyRuntime[] = [];
  for (const loaded of snapshot.resources.policies) {
    const policy = loaded.resource;
    const ref = refOf(policy.metadata);
    const key = refText(ref);
    if (seen.has(key)) continue; // a duplicate: the first one counts (validate reports it)
    seen.add(key);
    const { generation } = counter.observe(
      resourceKey("RedactionPolicy", ref.namespace, ref.name),
      policy.metadata.generation ?? 1,
      policy.spec,
    );
    const problems = snapshot.problems.filter(
      (p) => p.file === loaded.file && p.document === loaded.document,
    );
    const approval = policy.metadata.annotations?.[APPROVE_ANNOTATION];
    const requestedAt = policy.metadata.annotations?.[REQUESTED_AT_ANNOTATION];
    const rt = policies.get(key);
    if (!rt) {
      const created: PolicyRuntime = {
        key,
        ref,
        policy,
        generation,
        file: loaded.file,
        document: loaded.document,
        problems,
        status: options.rememberedStatus(ref),
        wake: new AbortController(),
        running: undefined,
        sweepNow: options.sweepNow,
        removed: false,
        lastStart: undefined,
        failedSweeps: 0,
        retryAt: undefined,
        approval,
        requestedAt,
        outcome: undefined,
        loop: undefined,
      };
      policies.set(key, created);
      added.push(created);
      continue;
    }
    const reaction = reactionToEdit({
      before: {
        generation: rt.generation,
        approval: rt.approval,
        requestedAt: rt.requestedAt,
        lastResult: rt.status?.lastSweep?.result,
      },
      after: {
        generation,
        suspend: policy.spec.suspend,
        invalid: problems.length > 0,
        approval,
        requestedAt,
      },
    });
    if (reaction.cancel) cancelSweep(rt, reaction.cancel.reason, options.emit, reaction.cancel.restart);
    if (reaction.sweepNow) rt.sweepNow = true;
    Object.assign(rt, {
      policy,
      generation,
      file: loaded.file,
      document: loaded.document,
      problems,
      approval,
      requestedAt,
    });
  }
  const removed: PolicyRuntime[] = [];
  for (const [key, rt] of policies) {
    if (seen.has(key)) continue;
    rt.removed = true;
    cancelSweep(rt, "the policy was removed from the directory", options.emit);
    policies.delete(key);
    removed.push(rt);
  }
  return { added, removed };
}

/**
 * Whether a policy found at start sweeps at once, whatever its schedule (resumesAtStart: an
 * unfinished sweep of this generation, or an approval of the preview that waits).
 */
export function sweepsAtStart(rt: PolicyRuntime, unfinished: UnfinishedSweep | undefined): boolean {
  return resumesAtStart(rt.status, rt.generation, rt.approval, unfinished);
}

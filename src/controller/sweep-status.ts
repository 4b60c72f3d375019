import type { CurrentSweep } from "../api/redaction-policy.js";
import type { SweepReport } from "../sweep/run-sweep.js";
import type { KubeObject, ObjectKey } from "./cluster.js";
import type { ControllerContext } from "./context.js";
import { errorKind } from "./events.js";
import { policyStatusOf } from "./resources.js";
import { policyStatusAfterSweep, policyStatusSweeping } from "./status.js";
import { writeStatus } from "./status-writer.js";

// The status of a policy while one of its sweeps runs, and once it ended. Progress goes to the
// status subresource as the sweep goes (issue 5: "not only at the end"), but at most once every
// progressIntervalMs, so that a sweep of 100,000 items does not write the object 100,000 times;
// writes never overlap (a newer progress replaces one waiting to be written), and the final
// status is written after every progress write, so it is the one that stays.

export interface SweepStatusTarget {
  key: ObjectKey;
  /** The policy's incarnation: nothing is written over a policy deleted and made again. */
  uid: string;
  generation: number;
  /** The hush.dev/requested-at value this sweep handles, recorded as lastHandledRequestedAt. */
  requestedAt: string | undefined;
}

export class SweepStatusWriter {
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private pending: CurrentSweep | undefined;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly ctx: Pick<ControllerContext, "api" | "clock" | "logger" | "progressIntervalMs">,
    private readonly target: SweepStatusTarget,
  ) {}

  /** The sweep started: written at once. */
  started(progress: CurrentSweep): void {
    this.offer(progress, true);
  }

  /** Progress of the running sweep: written when progressIntervalMs passed since the last write. */
  progress(progress: CurrentSweep): void {
    this.offer(progress, false);
  }

  /**
   * The sweep ended: waits for progress writes, then writes how it ended. Throws when the status
   * could not be written (the caller keeps it and tries again).
   */
  async ended(
    report: SweepReport,
    nextSweepTime: Date | undefined,
    approvalAbove: number | undefined,
  ): Promise<void> {
    this.pending = undefined;
    await this.draining;
    const { generation, requestedAt } = this.target;
    const now = new Date(this.ctx.clock.now());
    await this.write((current) => {
      const status = policyStatusAfterSweep(
        policyStatusOf(current),
        report,
        generation,
        now,
        nextSweepTime,
        approvalAbove,
      );
      return requestedAt === undefined ? status : { ...status, lastHandledRequestedAt: requestedAt };
    });
  }

  private offer(progress: CurrentSweep, force: boolean): void {
    const now = this.ctx.clock.now();
    if (!force && now - this.lastWriteAt < this.ctx.progressIntervalMs) return;
    this.lastWriteAt = now;
    this.pending = progress;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const progress = this.pending;
      this.pending = undefined;
      const { generation, requestedAt } = this.target;
      const now = new Date(this.ctx.clock.now());
      try {
        await this.write((current) => {
          const status = policyStatusSweeping(policyStatusOf(current), progress, generation, now);
          return requestedAt === undefined ? status : { ...status, lastHandledRequestedAt: requestedAt };
        });
      } catch (error) {
        // Progress is for people; a lost write is replaced by the next one, or by the final status.
        this.ctx.logger.warn(
          { policy: `${this.target.key.namespace}/${this.target.key.name}`, error: errorKind(error) },
          "could not write the sweep's progress to the policy's status",
        );
      }
    }
  }

  private async write(compute: (current: KubeObject) => unknown): Promise<void> {
    await writeStatus<KubeObject>(this.ctx.api, "RedactionPolicy", this.target.key, (current) =>
      current.metadata.uid === this.target.uid ? compute(current) : undefined,
    );
  }
}

import type pino from "pino";
import { type Clock, systemClock } from "../zendesk/clock.js";
import {
  type ClusterApi,
  ClusterError,
  isAlreadyExists,
  isConflict,
  keyText,
  type LeaseObject,
  type LeaseSpec,
  microTime,
  type ObjectKey,
} from "./cluster.js";

// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does it,
// so that Hush's replicas and kubectl agree on what the Lease means:
// - A standby takes the Lease when it does not exist, names nobody, or has not changed for
//   leaseDurationSeconds as measured on the standby's own clock from the moment it saw the Lease
//   change. renewTime is never compared with the local clock, so clock skew between nodes cannot
//   make a live leader's Lease look expired.
// - Every write is a PUT with the resourceVersion read: of two replicas trying at once, one gets a
//   Conflict and has lost this round.
// - The leader renews every retryPeriod and stops leading when it has not renewed for renewDeadline
//   (shorter than the lease duration), so it has stopped before any standby may take over.
// - release() names nobody and shortens the Lease to 1 s, so that a standby takes over at once
//   instead of waiting out the lease after a clean shutdown.
// - A renewal still under way at the renew deadline writes nothing more: once this replica has
//   told its work to stop, a late renewal would keep a standby waiting for a leader that is gone.
//   (A write already sent cannot be called back: stop({ release: true }) after a loss releases the
//   Lease if it still names this replica.)

/** Why a replica stopped leading (or campaigning). */
export type StopReason = "lost" | "released" | "stopped";

export interface LeaderElectorOptions {
  api: ClusterApi;
  lease: ObjectKey;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  clock?: Clock;
  /** For the campaign's jitter; default Math.random. */
  random?: () => number;
  logger?: pino.Logger;
  /** This replica leads from now on; `signal` aborts when it stops. Must not throw. */
  onStartedLeading(signal: AbortSignal): void;
  /** This replica no longer leads (only called after onStartedLeading). */
  onStoppedLeading(reason: StopReason): void;
  /** The Lease names a new holder (this replica included). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElector {
  /**
   * Campaigns until this replica leads, then renews until the Lease is lost or stop() is called.
   * Resolves with why it ended; never rejects.
   */
  run(): Promise<StopReason>;
  readonly leading: boolean;
  /** The holder the Lease named when last read; undefined when nobody. */
  readonly leader: string | undefined;
  /**
   * Stops campaigning or leading and waits until run() ended. With `release` (default true) a
   * leader clears the Lease so that another replica takes over at once; without it, the Lease is
   * left to expire (as after a crash). After the Lease was lost, `release` clears it too if it
   * still names this replica (a renewal that landed late); call it once the work has stopped.
   */
  stop(options?: { release?: boolean }): Promise<void>;
}

/** client-go's JitterFactor: a standby waits retryPeriod plus up to 1.2 times it between tries. */
const JITTER = 1.2;

type Attempt = "acquired" | "heldByOther" | "failed";

export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const { api, lease: key, identity, clock = systemClock, random = Math.random, logger } = options;
  const leaseSeconds = Math.ceil(options.leaseDurationMs / 1000);
  let observed: { raw: string; spec: LeaseSpec; at: number } | undefined;
  let reported: string | undefined;
  let leading = false;
  let stopping: { release: boolean } | undefined;
  const wake = new AbortController();
  let running: Promise<StopReason> | undefined;
  // A function, not the variable: stop() changes it while the loops await.
  const stopRequest = () => stopping;

  const describe = (error: unknown) =>
    error instanceof ClusterError
      ? { kind: error.kind, code: error.code, reason: error.message }
      : { kind: error instanceof Error ? error.name : "Error" };

  const call = (name: string, fn: (() => void) | undefined): void => {
    if (!fn) return;
    try {
      fn();
    } catch (error) {
      logger?.error({ callback: name, ...describe(error) }, "a leader election callback threw");
    }
  };

  /** Notes the Lease as read; its age counts from when this replica first saw it as it is. */
  const observe = (lease: LeaseObject, now: number): void => {
    const raw = JSON.stringify(lease.spec ?? {});
    if (observed?.raw !== raw) observed = { raw, spec: { ...lease.spec }, at: now };
    const holder = lease.spec?.holderIdentity;
    if (holder && holder !== reported) {
      reported = holder;
      call("onNewLeader", options.onNewLeader && (() => options.onNewLeader?.(holder)));
    }
  };

  /** One try; `late` aborts when the caller stopped waiting for it: then nothing is written. */
  const tryAcquireOrRenew = async (late?: AbortSignal): Promise<Attempt> => {
    const now = clock.now();
    let current: LeaseObject | undefined;
    try {
      current = await api.get<LeaseObject>("Lease", key);
    } catch (error) {
      logger?.warn({ lease: keyText(key), ...describe(error) }, "reading the Lease failed");
      return "failed";
    }
    if (late?.aborted) return "failed";
    /** The Lease as this replica writes it when it becomes the holder. */
    const taken = (leaseTransitions: number): LeaseSpec => ({
      holderIdentity: identity,
      leaseDurationSeconds: leaseSeconds,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions,
    });
    if (!current) {
      try {
        const created = await api.create<LeaseObject>({
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name: key.name, namespace: key.namespace },
          spec: taken(0),
        });
        observe(created, clock.now());
        return "acquired";
      } catch (error) {
        // AlreadyExists: another replica created it first; the next try reads it.
        if (!isAlreadyExists(error)) {
          logger?.warn({ lease: keyText(key), ...describe(error) }, "creating the Lease failed");
        }
        return "failed";
      }
    }
    observe(current, now);
    const old = current.spec ?? {};
    const holder = old.holderIdentity;
    const durationMs = (old.leaseDurationSeconds ?? leaseSeconds) * 1000;
    if (holder && holder !== identity && (observed?.at ?? now) + durationMs > now) return "heldByOther";

    const spec: LeaseSpec =
      holder === identity
        ? { ...old, leaseDurationSeconds: leaseSeconds, renewTime: microTime(now) }
        : taken((old.leaseTransitions ?? 0) + 1);
    try {
      const updated = await api.replace<LeaseObject>({ ...current, spec });
      observe(updated, clock.now());
      return "acquired";
    } catch (error) {
      // Conflict: another replica wrote the Lease since it was read, so it won this round.
      if (!isConflict(error)) {
        logger?.warn({ lease: keyText(key), ...describe(error) }, "updating the Lease failed");
      }
      return "failed";
    }
  };

  /** Sleeps unless stop() was called; false when it was. */
  const pause = async (ms: number): Promise<boolean> => {
    if (stopping) return false;
    try {
      await clock.sleep(ms, wake.signal);
    } catch {
      // Woken by stop().
    }
    return stopping === undefined;
  };

  /** One renewal, given up when it has not succeeded by `deadline` (a call may hang). */
  const renewBy = async (deadline: number): Promise<Attempt | "timedOut"> => {
    const timeout = new AbortController();
    const givenUp = new AbortController();
    const timer = clock.sleep(Math.max(0, deadline - clock.now()), timeout.signal).then(
      () => {
        // A read that answers after this must not lead to a write.
        givenUp.abort();
        return "timedOut" as const;
      },
      () => "failed" as const,
    );
    try {
      return await Promise.race([tryAcquireOrRenew(givenUp.signal), timer]);
    } finally {
      timeout.abort();
    }
  };

  const release = async (): Promise<void> => {
    let current: LeaseObject | undefined;
    try {
      current = await api.get<LeaseObject>("Lease", key);
      if (current?.spec?.holderIdentity !== identity) return;
      const now = clock.now();
      const spec: LeaseSpec = {
        leaseDurationSeconds: 1,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: current.spec.leaseTransitions ?? 0,
      };
      const released = await api.replace<LeaseObject>({ ...current, spec });
      observe(released, now);
      logger?.info({ lease: keyText(key), identity }, "released the Lease");
    } catch (error) {
      logger?.warn(
        { lease: keyText(key), ...describe(error) },
        "releasing the Lease failed; another replica takes over once it expires",
      );
    }
  };

  const lead = async (acquiredAt: number): Promise<StopReason> => {
    leading = true;
    const leadership = new AbortController();
    logger?.info({ lease: keyText(key), identity }, "leading");
    call("onStartedLeading", () => options.onStartedLeading(leadership.signal));
    let lastRenewed = acquiredAt;
    let reason: StopReason | undefined;
    while (reason === undefined) {
      if (!(await pause(options.retryPeriodMs))) break;
      // Counted from when the request left: the server's renewTime can only be later.
      const started = clock.now();
      const attempt = await renewBy(lastRenewed + options.renewDeadlineMs);
      if (attempt === "acquired") lastRenewed = started;
      else if (attempt === "heldByOther") reason = "lost";
      else if (clock.now() >= lastRenewed + options.renewDeadlineMs) reason = "lost";
    }
    reason ??= stopRequest()?.release === false ? "stopped" : "released";
    leading = false;
    leadership.abort(new Error(`leadership ended: ${reason}`));
    if (reason === "lost") {
      logger?.error(
        { lease: keyText(key), identity, renewDeadlineMs: options.renewDeadlineMs },
        "lost the Lease: it could not be renewed in time or another replica holds it",
      );
    } else if (reason === "released") {
      await release();
    }
    call("onStoppedLeading", () => options.onStoppedLeading(reason));
    return reason;
  };

  const campaign = async (): Promise<StopReason> => {
    for (;;) {
      if (stopping) return "stopped";
      const started = clock.now();
      const attempt = await tryAcquireOrRenew();
      if (attempt === "acquired") {
        const request = stopRequest();
        if (request) {
          // stop() arrived while the Lease was being taken: hand it back.
          if (request.release) await release();
          return "stopped";
        }
        return lead(started);
      }
      const wait = options.retryPeriodMs * (1 + random() * JITTER);
      if (!(await pause(wait))) return "stopped";
    }
  };

  let ended: StopReason | undefined;
  return {
    run() {
      running ??= campaign().then((reason) => {
        ended = reason;
        return reason;
      });
      return running;
    },
    get leading() {
      return leading;
    },
    get leader() {
      return observed?.spec.holderIdentity || undefined;
    },
    async stop(stopOptions = {}) {
      stopping ??= { release: stopOptions.release ?? true };
      wake.abort();
      await running;
      // The Lease was lost, but may name this replica still (a renewal that landed late, or a
      // server that was unreachable): with the work stopped, hand it over rather than let it expire.
      if (ended === "lost" && (stopOptions.release ?? true)) await release();
    },
  };
}

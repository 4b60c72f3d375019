import { createHash, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzip, constants as zlib } from "node:zlib";
import { API_VERSION } from "../api/meta.js";
import type { AuditRecord } from "../sweep/evidence.js";
import type { ReplaceEntry, ReplaceJournal } from "../sweep/replace-journal.js";
import {
  type DoneItem,
  doneLine,
  owedLine,
  parseDoneLine,
  readJournal,
  type SweepCheckpoint,
  type SweepStateStore,
  takenLine,
  type UnfinishedSweep,
} from "../sweep/sweep-state.js";
import { type Clock, systemClock } from "../zendesk/clock.js";
import {
  type ClusterApi,
  ClusterError,
  type ConfigMapObject,
  isAlreadyExists,
  isConflict,
  isNotFound,
  keyText,
  type ObjectKey,
  type ObjectMetadata,
} from "./cluster.js";

// A policy's sweep state in the cluster, so that whichever replica leads resumes an unfinished
// sweep (issue 5: "the new leader resumes unfinished sweeps"). One ConfigMap per policy,
// `hush-sweep-<policy>`, holds what file-sweep-state.ts keeps in files:
//   data["checkpoint.json"]          the unfinished sweep's checkpoint
//   binaryData["journal.gz"]         the journal (sweep-state.ts's line format), compacted, gzip
//   binaryData["journal-recent.gz"]  lines journalled since it was last compacted, gzip
//   data["replace.json"]             the Replace journal's entries; they outlive sweeps
// Every write replaces the whole ConfigMap with the resourceVersion last read or written, so a
// write is atomic and a second writer is noticed: a Conflict means another replica writes the
// same policy (this one lost its leadership), and this store stops rather than overwrite it.
// Writes are grouped: changes made while a write is in flight go into the next one, and each
// call resolves once a write that holds its change succeeded (durable when it resolves, as the
// SweepStateStore contract asks). So a sweep with N workers costs about one write per item
// handled, not one per journal line.

export const SWEEP_STATE_PREFIX = "hush-sweep-";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const POLICY_LABEL = "hush.dev/policy";
/** Which write of which store instance a ConfigMap holds: tells a lost response from another writer. */
const WRITE_ANNOTATION = "hush.dev/sweep-state-write";
const FORMAT = "1";
/** The API server refuses a ConfigMap whose keys and values exceed 1 MiB. */
export const CONFIG_MAP_LIMIT = 1024 * 1024;
/**
 * Recent lines are folded into the compacted journal after this many lines or bytes: compacting
 * compresses the whole journal again, recent lines only themselves.
 */
const COMPACT_LINES = 2000;
const COMPACT_BYTES = 128 * 1024;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;
/** An API server restart takes seconds; one that is not back in a minute is an outage to report. */
export const RETRY_FOR_MS = 60_000;
const SWEEP_ID = /^[A-Za-z0-9-]+$/;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface ClusterSweepStateOptions {
  clock?: Clock;
  /** How long writes retry while the API server is unavailable; RETRY_FOR_MS by default. */
  retryForMs?: number;
  /** Journal lines written before they are compacted (for tests); 2000 by default. */
  compactAfterLines?: number;
}

/** The ConfigMap's name: `hush-sweep-<policy>`, shortened with a hash where that is too long. */
export function sweepStateName(policyName: string): string {
  return shortened(`${SWEEP_STATE_PREFIX}${policyName}`, 253);
}

/** The store of one policy's sweep state; reads the ConfigMap once (retrying while unavailable). */
export async function clusterSweepState(
  api: ClusterApi,
  policy: { namespace: string; name: string; uid?: string | undefined },
  options: ClusterSweepStateOptions = {},
): Promise<SweepStateStore> {
  if (!policy.namespace || !policy.name)
    throw new TypeError("a policy's sweep state needs its namespace and name");
  const store = new ClusterSweepState(api, policy, options);
  await store.read();
  return store;
}

/** Removes a policy's sweep state (the policy is being deleted); nothing to do when there is none. */
export async function deleteSweepState(api: ClusterApi, policy: ObjectKey): Promise<void> {
  await api.delete("ConfigMap", { namespace: policy.namespace, name: sweepStateName(policy.name) });
}

/** Another writer changed or removed the state: this replica no longer owns the policy's sweeps. */
export class SweepStateConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SweepStateConflict";
  }
}

/** The API server could not take the state for longer than the store retries, or refused it. */
export class SweepStateUnwritable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SweepStateUnwritable";
  }
}

interface Waiter {
  change: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

class ClusterSweepState implements SweepStateStore {
  readonly replaceJournal: ReplaceJournal;
  private readonly key: ObjectKey;
  private readonly clock: Clock;
  private readonly retryForMs: number;
  private readonly compactAfterLines: number;
  private readonly writer = randomBytes(6).toString("hex");
  private writeCount = 0;
  /** What the server holds, as last read or written; undefined when the ConfigMap does not exist. */
  private resourceVersion: string | undefined;
  private metadata: Pick<ObjectMetadata, "labels" | "annotations" | "ownerReferences"> = {};
  // The state, with the changes not written yet.
  private checkpoint: SweepCheckpoint | undefined;
  private journal: Journal;
  private replace = new Map<number, ReplaceEntry>();
  /** The sweep whose journal items are appended to: the one begun or loaded. */
  private sweepId: string | undefined;
  // Group commit: changes are numbered; a write carries every change made before it started.
  private changes = 0;
  private written = 0;
  private waiters: Waiter[] = [];
  private writing: Promise<void> | undefined;
  /** Set by a failed write: nothing more is written until the state is read again (load). */
  private failure: unknown;

  constructor(
    private readonly api: ClusterApi,
    private readonly policy: { namespace: string; name: string; uid?: string | undefined },
    options: ClusterSweepStateOptions,
  ) {
    this.key = { namespace: policy.namespace, name: sweepStateName(policy.name) };
    this.clock = options.clock ?? systemClock;
    this.retryForMs = options.retryForMs ?? RETRY_FOR_MS;
    this.compactAfterLines = options.compactAfterLines ?? COMPACT_LINES;
    this.journal = this.newJournal();
    this.replaceJournal = {
      get: async (id) => {
        checkTicketId(id);
        const entry = this.replace.get(id);
        return entry && { ...entry };
      },
      set: async (id, entry) => {
        checkTicketId(id);
        this.usable();
        this.replace.set(id, { ...entry });
        return this.commit();
      },
      delete: async (id) => {
        checkTicketId(id);
        if (!this.replace.has(id)) return;
        this.usable();
        this.replace.delete(id);
        return this.commit();
      },
    };
  }

  /** Reads the ConfigMap into memory, forgetting changes not written. Returns the journal's lines. */
  async read(): Promise<string[]> {
    const found = await this.retrying("read", () => this.api.get<ConfigMapObject>("ConfigMap", this.key));
    this.failure = undefined;
    this.checkpoint = undefined;
    this.journal = this.newJournal();
    this.replace = new Map();
    this.resourceVersion = found?.metadata.resourceVersion;
    this.metadata = found
      ? {
          labels: found.metadata.labels,
          annotations: found.metadata.annotations,
          ownerReferences: found.metadata.ownerReferences,
        }
      : {};
    if (!found) return [];
    const parsed = await parse(found, this.where(), this.compactAfterLines);
    this.checkpoint = parsed.checkpoint;
    this.replace = parsed.replace;
    this.journal = parsed.journal;
    return parsed.lines;
  }

  async load(): Promise<UnfinishedSweep | undefined> {
    await this.writing;
    const lines = await this.read();
    const checkpoint = this.checkpoint;
    this.sweepId = undefined;
    if (!checkpoint || !SWEEP_ID.test(checkpoint.sweepId)) return undefined;
    this.sweepId = checkpoint.sweepId;
    return { checkpoint: structuredClone(checkpoint), ...readJournal(lines) };
  }

  async begin(checkpoint: SweepCheckpoint): Promise<void> {
    if (!SWEEP_ID.test(checkpoint.sweepId)) throw new TypeError(`invalid sweep id "${checkpoint.sweepId}"`);
    this.usable();
    this.checkpoint = structuredClone(checkpoint);
    this.journal = this.newJournal();
    this.sweepId = checkpoint.sweepId;
    return this.commit();
  }

  async update(checkpoint: SweepCheckpoint): Promise<void> {
    this.usable();
    this.checkpoint = structuredClone(checkpoint);
    return this.commit();
  }

  async markTaken(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    this.journalling().take(ids);
    return this.commit();
  }

  async markDone(item: DoneItem): Promise<void> {
    this.journalling().done(item);
    return this.commit();
  }

  async owe(record: AuditRecord): Promise<void> {
    this.journalling().owe(record);
    return this.commit();
  }

  async finish(): Promise<void> {
    this.usable();
    this.checkpoint = undefined;
    this.journal = this.newJournal();
    this.sweepId = undefined;
    return this.commit();
  }

  async close(): Promise<void> {
    await this.writing;
  }

  private newJournal(): Journal {
    return new Journal(this.compactAfterLines);
  }

  private usable(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private journalling(): Journal {
    this.usable();
    if (!this.sweepId)
      throw new Error("no sweep is running for this policy: begin or load one before journalling items");
    return this.journal;
  }

  /** Resolves once a write holding every change made so far succeeded. */
  private commit(): Promise<void> {
    const change = ++this.changes;
    const durable = new Promise<void>((resolve, reject) => this.waiters.push({ change, resolve, reject }));
    this.writing ??= this.writeChanges();
    return durable;
  }

  private async writeChanges(): Promise<void> {
    // Changes made in the same turn (workers finishing together) share the first write.
    await Promise.resolve();
    while (this.written < this.changes && this.failure === undefined) {
      const upTo = this.changes;
      try {
        await this.write(await this.render());
      } catch (error) {
        this.failure = error;
        for (const waiter of this.waiters.splice(0)) waiter.reject(error);
        break;
      }
      this.written = upTo;
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.change > upTo) return true;
        waiter.resolve();
        return false;
      });
    }
    // In the same synchronous step as the loop's last check: a change made after it starts anew.
    this.writing = undefined;
  }

  /** The ConfigMap for the state as it is now; later changes go into the next write. */
  private async render(): Promise<ConfigMapObject> {
    const marker = `${this.writer}.${++this.writeCount}`;
    const data: Record<string, string> = { format: FORMAT };
    if (this.checkpoint) data["checkpoint.json"] = JSON.stringify(this.checkpoint);
    if (this.replace.size > 0) data["replace.json"] = JSON.stringify(Object.fromEntries(this.replace));
    const binaryData = await this.journal.encode();
    const policyRef = this.policy.uid
      ? [
          {
            apiVersion: API_VERSION,
            kind: "RedactionPolicy",
            name: this.policy.name,
            uid: this.policy.uid,
            controller: true,
            blockOwnerDeletion: false,
          },
        ]
      : undefined;
    const others = (this.metadata.ownerReferences ?? []).filter(
      (ref) => !(ref.kind === "RedactionPolicy" && ref.apiVersion.startsWith("hush.dev/")),
    );
    const ownerReferences = policyRef ? [...others, ...policyRef] : this.metadata.ownerReferences;
    const object: ConfigMapObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        ...this.key,
        labels: {
          ...this.metadata.labels,
          [MANAGED_BY_LABEL]: "hush",
          [POLICY_LABEL]: shortened(this.policy.name, 63),
        },
        annotations: {
          ...this.metadata.annotations,
          [POLICY_LABEL]: this.policy.name,
          [WRITE_ANNOTATION]: marker,
        },
        ...(ownerReferences?.length ? { ownerReferences } : {}),
        ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
      },
      data,
      ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
    };
    const size = configMapSize(object);
    if (size > CONFIG_MAP_LIMIT) {
      throw new SweepStateUnwritable(
        `the sweep state of policy ${keyText(this.policy)} has grown to ${size} bytes, more than a ConfigMap holds (1 MiB); lower the policy's spec.limits.maxItemsPerSweep so that a sweep journals fewer items, and sweep again`,
      );
    }
    return object;
  }

  /**
   * Writes one version of the ConfigMap, retrying while the API server is unavailable. A retry
   * after a lost response may find its own write already there: the marker annotation tells.
   */
  private async write(object: ConfigMapObject): Promise<void> {
    const marker = object.metadata.annotations?.[WRITE_ANNOTATION];
    let uncertain = false;
    const written = await this.retrying("write", async () => {
      try {
        return this.resourceVersion === undefined
          ? await this.api.create(object)
          : await this.api.replace(object);
      } catch (error) {
        const changed = isConflict(error) || isAlreadyExists(error);
        if (changed && uncertain) {
          const current = await this.api.get<ConfigMapObject>("ConfigMap", this.key);
          if (current && current.metadata.annotations?.[WRITE_ANNOTATION] === marker) return current;
        }
        if (changed || isNotFound(error)) {
          throw new SweepStateConflict(
            `the sweep state of policy ${keyText(this.policy)} (ConfigMap ${keyText(this.key)}) was ${isNotFound(error) ? "deleted" : "changed"} by someone else: another operator replica is sweeping this policy, or the policy is being deleted. This replica stops the sweep without overwriting it; the replica that leads resumes it.`,
          );
        }
        uncertain = isTransient(error);
        throw error;
      }
    });
    this.resourceVersion = written.metadata.resourceVersion;
    this.metadata = {
      labels: written.metadata.labels,
      annotations: written.metadata.annotations,
      ownerReferences: written.metadata.ownerReferences,
    };
  }

  /** Runs `call`, retrying with backoff while the API server is unavailable, up to retryForMs. */
  private async retrying<T>(what: "read" | "write", call: () => Promise<T>): Promise<T> {
    const deadline = this.clock.now() + this.retryForMs;
    let delay = FIRST_RETRY_MS;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (error instanceof SweepStateConflict) throw error;
        if (!isTransient(error)) {
          throw new SweepStateUnwritable(
            `the sweep state of policy ${keyText(this.policy)} could not be ${what === "read" ? "read" : "written"} (ConfigMap ${keyText(this.key)}): ${describe(error)}`,
            { cause: error },
          );
        }
        if (this.clock.now() + delay > deadline && !isUnavailable(error)) {
          throw new SweepStateUnwritable(
            `the sweep state of policy ${keyText(this.policy)} could not be ${what === "read" ? "read" : "written"} (ConfigMap ${keyText(this.key)}): ${describe(error)} (still refused after ${Math.round(this.retryForMs / 1000)} s)`,
            { cause: error },
          );
        }
        if (this.clock.now() + delay > deadline) {
          throw new SweepStateUnwritable(
            `the sweep state of policy ${keyText(this.policy)} could not be ${what === "read" ? "read" : "written"} for ${Math.round(this.retryForMs / 1000)} s because the Kubernetes API server is unavailable (${describe(error)}); the sweep stops, and resumes from its last saved state once the API server is back`,
            { cause: error },
          );
        }
        await this.clock.sleep(delay);
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  }

  private where(): string {
    return `the sweep state of policy ${keyText(this.policy)} (ConfigMap ${keyText(this.key)})`;
  }
}

/**
 * The journal in memory: what its lines say (for compaction) and the lines since the last
 * compaction. Compacted, the journal keeps one line per item handled, the owed records still
 * owed and one `t` line for the items in flight: readJournal reads the same from it as from
 * every line written, in a fraction of the space (a `t` line per batch doubles the ids).
 */
class Journal {
  constructor(private readonly compactAfterLines: number) {}

  private readonly handled = new Map<number, DoneItem>();
  private readonly owed = new Map<number, AuditRecord>();
  private readonly taken = new Set<number>();
  /** Base64 of the gzip of the compacted journal, as last encoded. */
  private compacted: string | Promise<string> = "";
  private recent: string[] = [];
  private recentBytes = 0;

  take(ids: readonly number[]): void {
    for (const id of ids) this.taken.add(id);
    this.append(takenLine(ids));
  }

  done(item: DoneItem): void {
    if (!this.handled.has(item.id)) this.handled.set(item.id, { ...item });
    this.append(doneLine(item));
  }

  owe(record: AuditRecord): void {
    this.owed.set(record.item.id, record);
    this.append(owedLine(record));
  }

  /** Rebuilds the journal from stored lines (complete ones; a write is atomic, so all are). */
  static from(
    compactAfterLines: number,
    compacted: string,
    compactedLines: string[],
    recentLines: string[],
  ): Journal {
    const journal = new Journal(compactAfterLines);
    for (const line of [...compactedLines, ...recentLines]) journal.replay(line);
    journal.compacted = compacted;
    journal.recent = recentLines.map((line) => `${line}\n`);
    journal.recentBytes = journal.recent.reduce((sum, line) => sum + line.length, 0);
    return journal;
  }

  /**
   * The binaryData members for the journal as it is now (lines added while this compresses are
   * for the next write); compacts first when the recent lines have grown.
   */
  async encode(): Promise<Record<string, string>> {
    if (this.recent.length >= this.compactAfterLines || this.recentBytes >= COMPACT_BYTES) {
      this.compacted = compress(this.compactText(), "small");
      this.recent = [];
      this.recentBytes = 0;
    }
    const recent = this.recent.join("");
    const [compacted, recentGz] = await Promise.all([this.compacted, recent ? compress(recent, "fast") : ""]);
    this.compacted = compacted;
    const members: Record<string, string> = {};
    if (compacted) members["journal.gz"] = compacted;
    if (recentGz) members["journal-recent.gz"] = recentGz;
    return members;
  }

  private compactText(): string {
    const lines: string[] = [];
    for (const item of this.handled.values()) lines.push(doneLine(item));
    for (const [id, record] of this.owed) if (!this.handled.has(id)) lines.push(owedLine(record));
    const inFlight = [...this.taken].filter((id) => !this.handled.has(id) && !this.owed.has(id));
    if (inFlight.length > 0) lines.push(takenLine(inFlight));
    return lines.join("");
  }

  private append(line: string): void {
    this.recent.push(line);
    this.recentBytes += line.length;
  }

  private replay(line: string): void {
    if (line.startsWith("t ")) {
      for (const id of line.slice(2).split(" ")) if (/^\d+$/.test(id)) this.taken.add(Number(id));
    } else if (line.startsWith("o ")) {
      try {
        const record = JSON.parse(line.slice(2)) as AuditRecord;
        if (typeof record?.item?.id === "number") this.owed.set(record.item.id, record);
      } catch {
        // readJournal skips it too.
      }
    } else {
      const item = parseDoneLine(line);
      if (item && !this.handled.has(item.id)) this.handled.set(item.id, item);
    }
  }
}

async function parse(
  found: ConfigMapObject,
  where: string,
  compactAfterLines: number,
): Promise<{
  checkpoint: SweepCheckpoint | undefined;
  replace: Map<number, ReplaceEntry>;
  journal: Journal;
  lines: string[];
}> {
  const data = found.data ?? {};
  const binary = found.binaryData ?? {};
  if (data["format"] !== FORMAT) {
    throw new SweepStateUnwritable(
      found.metadata.labels?.[MANAGED_BY_LABEL] === "hush"
        ? `${where} is in format ${JSON.stringify(data["format"] ?? "none")}, which this version of Hush does not read; run the version that wrote it, or delete the ConfigMap to start the policy's sweeps afresh`
        : `${where} exists but was not written by Hush; rename or delete that ConfigMap, Hush keeps the policy's sweep state under this name`,
    );
  }
  try {
    const checkpoint = data["checkpoint.json"]
      ? (JSON.parse(data["checkpoint.json"]) as SweepCheckpoint)
      : undefined;
    const replace = new Map<number, ReplaceEntry>(
      Object.entries(JSON.parse(data["replace.json"] ?? "{}") as Record<string, ReplaceEntry>).map(
        ([id, entry]) => [Number(id), entry],
      ),
    );
    const compacted = binary["journal.gz"] ?? "";
    const compactedLines = await decompressLines(compacted);
    const recentLines = await decompressLines(binary["journal-recent.gz"] ?? "");
    const journal = Journal.from(compactAfterLines, compacted, compactedLines, recentLines);
    return { checkpoint, replace, journal, lines: [...compactedLines, ...recentLines] };
  } catch (error) {
    throw new SweepStateUnwritable(
      `${where} cannot be read (${error instanceof Error ? error.name : "unknown error"}): it was changed by hand or damaged; delete the ConfigMap to start the policy's sweeps afresh`,
      { cause: error },
    );
  }
}

/**
 * Base64 of the gzip of `text`. Recent lines are compressed on every write, so fast; the compacted
 * journal once in a while, so smaller (level 9 would take five times as long for 0.1 % less).
 */
const compress = async (text: string, level: "fast" | "small"): Promise<string> =>
  (
    await gzipAsync(Buffer.from(text, "utf8"), {
      level: level === "fast" ? zlib.Z_BEST_SPEED : zlib.Z_DEFAULT_COMPRESSION,
    })
  ).toString("base64");

async function decompressLines(base64: string): Promise<string[]> {
  if (!base64) return [];
  const text = (await gunzipAsync(Buffer.from(base64, "base64"))).toString("utf8");
  return text.split("\n").filter((line) => line.length > 0);
}

/** As the API server counts it: keys plus values, binaryData decoded. */
export function configMapSize(object: ConfigMapObject): number {
  let size = 0;
  for (const [key, value] of Object.entries(object.data ?? {})) size += key.length + Buffer.byteLength(value);
  for (const [key, value] of Object.entries(object.binaryData ?? {}))
    size += key.length + Buffer.from(value, "base64").length;
  return size;
}

/** `text` if it fits in `max` characters, else a prefix and a hash of the whole, still a valid name. */
function shortened(text: string, max: number): string {
  if (text.length <= max) return text;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 10);
  const prefix = text.slice(0, max - hash.length - 1).replace(/[-.]+$/, "");
  return `${prefix}-${hash}`;
}

function checkTicketId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 1) throw new TypeError(`invalid ticket id ${id}`);
}

/**
 * What may fix itself by waiting: the API server restarting, overloaded, or out of reach. A server
 * that has just started answers 401/403 for a moment, until its authorisation caches are loaded
 * (seen with kube-apiserver 1.20 in the restart test); a real lack of permission still ends the
 * sweep, only after the retry budget.
 */
const isTransient = (error: unknown): boolean =>
  error instanceof ClusterError &&
  (error.kind === "Unavailable" || error.kind === "Forbidden" || error.kind === "Unauthorized");

const isUnavailable = (error: unknown): boolean =>
  error instanceof ClusterError && error.kind === "Unavailable";

const describe = (error: unknown): string =>
  error instanceof ClusterError
    ? `${error.kind}: ${error.message}`
    : error instanceof Error
      ? error.name
      : String(error);

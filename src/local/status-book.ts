import { formatProblem } from "../api/load.js";
import type { RedactionPolicy } from "../api/redaction-policy.js";
import type { ZendeskAccount } from "../api/zendesk-account.js";
import { type DirectorySnapshot, statusFileOf } from "./directory.js";
import {
  type ResourceStatus,
  removeStatusFile,
  renderStatusDocument,
  renderStatusFile,
  resourceKey,
  type StatusEntry,
  writeIfChanged,
} from "./status-files.js";

// Where hush run puts status: into <file>.status.yaml next to each resource file (write), or as
// YAML documents on stdout (print). Writes of one file are serialised and coalesced: while one is
// under way, any number of changes make one more write, with the latest status.

export type StatusMode = "write" | "print";

/** A status file's content: the resource file's resources in document order, and its problems. */
export interface StatusFileContent {
  entries: StatusEntry[];
  problems: string[];
}

export interface StatusSource {
  files(): Map<string, StatusFileContent>;
}

/** The statuses the loop holds for a resource, when it runs that resource. */
export interface StatusLookup {
  account(resource: ZendeskAccount): { generation: number; status: ResourceStatus | undefined } | undefined;
  policy(resource: RedactionPolicy): { generation: number; status: ResourceStatus | undefined } | undefined;
}

/** Every resource file of the snapshot with its resources' statuses and its problems. */
export function statusFilesOf(
  snapshot: DirectorySnapshot,
  lookup: StatusLookup,
): Map<string, StatusFileContent> {
  const files = new Map<string, { entries: (StatusEntry & { document: number })[]; problems: string[] }>();
  for (const file of snapshot.files) files.set(file, { entries: [], problems: [] });
  const add = (
    kind: StatusEntry["kind"],
    loaded: {
      file: string;
      document: number;
      resource: { metadata: { namespace?: string | undefined; name: string } };
    },
    found: { generation: number; status: ResourceStatus | undefined } | undefined,
  ) => {
    if (!found) return;
    const { namespace = "default", name } = loaded.resource.metadata;
    files.get(loaded.file)?.entries.push({ kind, namespace, name, ...found, document: loaded.document });
  };
  for (const loaded of snapshot.resources.accounts)
    add("ZendeskAccount", loaded, lookup.account(loaded.resource));
  for (const loaded of snapshot.resources.policies)
    add("RedactionPolicy", loaded, lookup.policy(loaded.resource));
  for (const problem of snapshot.problems) files.get(problem.file)?.problems.push(formatProblem(problem));
  return new Map(
    [...files].map(([file, { entries, problems }]) => [
      file,
      {
        entries: entries.sort((a, b) => a.document - b.document).map(({ document: _, ...e }) => e),
        problems,
      },
    ]),
  );
}

export class StatusBook {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();
  private readonly written = new Set<string>();
  private readonly printed = new Map<string, string>();

  constructor(
    private readonly mode: StatusMode,
    private readonly source: StatusSource,
    private readonly print: (text: string) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** A resource's status changed; progress-only changes are not printed (they would flood stdout). */
  changed(file: string, entry: StatusEntry, progressOnly = false): void {
    if (this.mode === "print") {
      if (!progressOnly) this.printEntry(entry);
      return;
    }
    this.schedule(file);
  }

  /** Rewrites every status file (after the directory changed), and removes those of files that are gone. */
  refreshAll(): void {
    if (this.mode !== "write") return;
    const files = this.source.files();
    for (const file of files.keys()) this.schedule(file);
    for (const file of [...this.written]) {
      if (files.has(file)) continue;
      this.written.delete(file);
      this.enqueue(file, () => removeStatusFile(statusFileOf(file)));
    }
  }

  /** Resolves when every write asked for so far is on disk. */
  async flush(): Promise<void> {
    while (this.chains.size > 0) {
      const pending = [...this.chains.values()];
      await Promise.all(pending);
      for (const [file, chain] of this.chains) if (pending.includes(chain)) this.chains.delete(file);
    }
  }

  private schedule(file: string): void {
    if (this.queued.has(file)) return;
    this.queued.add(file);
    this.enqueue(file, async () => {
      this.queued.delete(file);
      const content = this.source.files().get(file);
      if (!content) return;
      await writeIfChanged(statusFileOf(file), renderStatusFile(file, content.entries, content.problems));
      this.written.add(file);
    });
  }

  private enqueue(file: string, work: () => Promise<void>): void {
    const previous = this.chains.get(file) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.onError(error instanceof Error ? error : new Error(String(error)));
    });
    this.chains.set(file, next);
  }

  private printEntry(entry: StatusEntry): void {
    const key = resourceKey(entry.kind, entry.namespace, entry.name);
    const text = renderStatusDocument(entry.kind, entry);
    if (this.printed.get(key) === text) return;
    this.printed.set(key, text);
    this.print(`---\n${text}`);
  }
}

import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { loadResourceFiles, type ResourceProblem, type ResourceSet } from "../api/load.js";
import type { Clock } from "../zendesk/clock.js";

// The directory `hush run` reads its resources from: every *.yaml and *.yml file in it (not in
// subdirectories), except the *.status.yaml files hush run writes itself. Edits apply without a
// restart: the directory is polled for changed file names, sizes and modification times, which
// works on every file system (fs.watch misses changes on network and container mounts).

export const STATUS_SUFFIX = ".status.yaml";

/** What the directory held at one moment. */
export interface DirectorySnapshot {
  dir: string;
  /** Resource files, sorted by name. */
  files: string[];
  resources: ResourceSet;
  problems: ResourceProblem[];
  /** Changes whenever a resource file is added, removed or rewritten. */
  fingerprint: string;
}

/** Whether a file name is one of the directory's resource files. */
export function isResourceFile(name: string): boolean {
  if (name.startsWith(".")) return false;
  if (name.endsWith(STATUS_SUFFIX) || name.endsWith(".status.yml")) return false;
  return name.endsWith(".yaml") || name.endsWith(".yml");
}

/** The status file of a resource file: policy.yaml → policy.status.yaml. */
export function statusFileOf(file: string): string {
  return `${file.replace(/\.ya?ml$/, "")}${STATUS_SUFFIX}`;
}

/** The resource files of `dir` with their sizes and modification times (the fingerprint). */
async function scan(dir: string): Promise<{ files: string[]; fingerprint: string }> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new Error(`directory ${dir} does not exist; pass the directory with the resources to --dir`);
    if (code === "ENOTDIR")
      throw new Error(`${dir} is not a directory; pass a directory of YAML files to --dir`);
    throw error;
  }
  const names = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && isResourceFile(e.name))
    .map((e) => e.name);
  names.sort();
  const parts: string[] = [];
  const files: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const s = await stat(path);
      if (!s.isFile()) continue;
      parts.push(`${name}:${s.size}:${s.mtimeMs}`);
      files.push(path);
    } catch {
      // Removed between readdir and stat: the next poll sees the directory as it is then.
    }
  }
  return { files, fingerprint: parts.join("\n") };
}

/** Reads every resource file of `dir`. */
export async function readDirectory(dir: string): Promise<DirectorySnapshot> {
  const { files, fingerprint } = await scan(dir);
  // Other kinds (a kustomization, a Deployment) may share the directory; hush run leaves them be.
  const { resources, problems } = await loadResourceFiles(files, { otherKinds: "ignore" });
  return { dir, files, resources, problems, fingerprint };
}

export interface WatchOptions {
  /** Time between two looks at the directory (default 2 s). */
  intervalMs?: number;
  clock: Clock;
  signal: AbortSignal;
  /** The snapshot already known; the first call of onChange comes with the first difference. */
  since?: DirectorySnapshot;
}

/**
 * Calls `onChange` with a new snapshot each time the resource files change, until the signal
 * aborts. A file that is being written may be read half-written: it then has problems, and the
 * next poll, after the write, reads it whole.
 */
export async function watchDirectory(
  dir: string,
  onChange: (snapshot: DirectorySnapshot) => Promise<void> | void,
  options: WatchOptions,
  onError: (error: Error) => void = () => {},
): Promise<void> {
  const intervalMs = options.intervalMs ?? 2000;
  let known = options.since?.fingerprint;
  while (!options.signal.aborted) {
    try {
      await options.clock.sleep(intervalMs, options.signal);
    } catch {
      return;
    }
    try {
      const { fingerprint } = await scan(dir);
      if (fingerprint === known) continue;
      const snapshot = await readDirectory(dir);
      known = snapshot.fingerprint;
      await onChange(snapshot);
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

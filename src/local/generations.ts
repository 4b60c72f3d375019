import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { canonicalJson } from "../sweep/canonical-json.js";

// Files have no API server to count metadata.generation. hush run counts it instead: a resource's
// generation goes up by one each time its spec changes, as Kubernetes does, so that status
// (observedGeneration), previews and approvals (whose ids name the generation) and resumable
// sweeps (which continue only the same generation) mean the same as in a cluster. Editing
// metadata only, such as adding the approval annotation, keeps the generation.
//
// The counts are kept in DIR/.hush/generations.json, written before a sweep of the new generation
// starts, so a restart never mistakes a changed spec for the one an unfinished sweep was running.
// They are never forgotten, not even when a resource disappears (a file being rewritten can
// briefly not parse): a generation that went back to 1 could resume another spec's sweep.

interface Entry {
  generation: number;
  specHash: string;
}

export function specHash(spec: unknown): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 16);
}

export class GenerationCounter {
  private constructor(
    private readonly path: string,
    private readonly entries: Map<string, Entry>,
  ) {}

  static async open(path: string): Promise<GenerationCounter> {
    const entries = new Map<string, Entry>();
    try {
      const parsed = JSON.parse(await readFile(path, "utf8")) as Record<string, Entry>;
      for (const [key, entry] of Object.entries(parsed)) {
        if (Number.isInteger(entry?.generation) && typeof entry?.specHash === "string")
          entries.set(key, entry);
      }
    } catch {
      // No file yet (first run), or an unreadable one: generations start again from the files.
    }
    return new GenerationCounter(path, entries);
  }

  /**
   * The generation of a resource whose file says `fileGeneration` (1 when the file has none) and
   * whose spec is `spec`; counts one up when the spec differs from the last one seen.
   */
  observe(key: string, fileGeneration: number, spec: unknown): { generation: number; changed: boolean } {
    const hash = specHash(spec);
    const known = this.entries.get(key);
    let generation: number;
    if (!known) generation = fileGeneration;
    else if (known.specHash === hash) generation = Math.max(known.generation, fileGeneration);
    else generation = Math.max(known.generation + 1, fileGeneration);
    const changed = !known || known.specHash !== hash || known.generation !== generation;
    this.entries.set(key, { generation, specHash: hash });
    return { generation, changed };
  }

  async save(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(Object.fromEntries(this.entries), null, 2)}\n`, "utf8");
    await rename(temporary, this.path);
  }
}

import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";

// Files that survive a crash at any instant: a whole file is replaced atomically (written to a
// temporary file, flushed, renamed over the old one, and the directory flushed so the rename
// itself is durable), and an append-only log is flushed before an append resolves, many appends
// sharing one flush.

/** Writes `text` to `path` so that a reader sees the old content or the new, never a mix. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  const file = await open(temporary, "w", 0o600);
  try {
    await file.writeFile(text, "utf8");
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Removes `path` durably; a file that is not there is fine. */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  await syncDirectory(dirname(path));
}

export async function ensureDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
}

/** A rename or unlink is durable only once its directory is flushed too. */
async function syncDirectory(path: string): Promise<void> {
  let dir: FileHandle | undefined;
  try {
    dir = await open(path, "r");
    await dir.sync();
  } catch (error) {
    // Some file systems (and Windows) cannot open or flush a directory; the data itself is flushed.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw error;
  } finally {
    await dir?.close();
  }
}

/**
 * An append-only file. `append` resolves once its line is on disk; appends made while a flush is
 * running are written and flushed together by the next one (group commit), so concurrent workers
 * share fsyncs. After a failed write the file may end in part of a line, so every later append is
 * refused: only reading the file again (which drops a partial last line) may go on.
 */
export class AppendLog {
  private pending: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private failure: unknown;

  private constructor(private readonly file: FileHandle) {}

  static async open(path: string): Promise<AppendLog> {
    const file = await open(path, "a", 0o600);
    try {
      // The file may be new: its directory entry must be durable too, or a crash could lose it.
      await syncDirectory(dirname(path));
    } catch (error) {
      await file.close();
      throw error;
    }
    return new AppendLog(file);
  }

  append(line: string): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.file.close();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        if (this.failure !== undefined) throw this.failure;
        // appendFile writes the whole text, where write() may stop short.
        await this.file.appendFile(batch.map((p) => p.line).join(""), "utf8");
        await this.file.sync();
        for (const p of batch) p.resolve();
      } catch (error) {
        this.failure ??= error;
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = undefined;
  }
}

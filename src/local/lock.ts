import { mkdir, open, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";

// One hush run per directory: two would run the same policies twice and interleave their sweep
// state and audit chain. The lock is a file holding the owner's process id, created exclusively;
// a lock whose process is gone (a crash, a kill -9) is taken over. A lock holding this process's
// own id that this process did not take was left by an earlier process with the same id: in a
// container hush run is PID 1 every time it starts, and a crash leaves the lock on the volume.

/** Lock files this process holds. */
const held = new Set<string>();

export class DirectoryLockedError extends Error {
  override name = "DirectoryLockedError";
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock at `path`; resolves with its release. */
export async function lockDirectory(path: string, what: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, "wx");
      held.add(path);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number((await readFile(path, "utf8").catch(() => "")).trim());
      const ours = pid === process.pid;
      if (Number.isInteger(pid) && pid > 0 && (ours ? held.has(path) : isRunning(pid))) {
        throw new DirectoryLockedError(
          `a hush run (process ${pid}) is already using ${what}; stop it first, or give this one another --dir`,
        );
      }
      // The owner is gone: remove its lock and try once more.
      await rm(path, { force: true });
    }
  }
  throw new DirectoryLockedError(
    `could not lock ${what} (${path}); remove the file if no hush run is using it`,
  );
}

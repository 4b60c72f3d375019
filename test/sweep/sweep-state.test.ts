import { appendFile, mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { AuditRecord } from "../../src/sweep/evidence.js";
import { fileSweepState } from "../../src/sweep/file-sweep-state.js";
import { emptyTally, type SweepCheckpoint } from "../../src/sweep/sweep-state.js";

// A policy's sweep state in files: what a new process finds after the last one stopped anywhere.

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "hush-state-"));
  dirs.push(dir);
  return dir;
}

const checkpoint = (sweepId: string, generation = 1): SweepCheckpoint => ({
  sweepId,
  startTime: "2026-11-23T10:00:00.000Z",
  policy: { generation, uid: "u1" },
  planKey: "plan",
  released: 50,
  reported: emptyTally(),
});

const owed: AuditRecord = {
  time: "2026-11-23T10:00:05.000Z",
  sweepId: "s1",
  account: "privacy/acme",
  policy: "privacy/retention",
  generation: 1,
  item: { kind: "ticket", id: 9 },
  action: "Redact",
  changes: { RedactComment: 1 },
  fieldsChanged: ["comments"],
  detectorCounts: {},
  residual: 0,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("file sweep state", () => {
  it("gives a new process the checkpoint, the items handled, those in flight and the records owed", async () => {
    const dir = await freshDir();
    const first = await fileSweepState(dir, "privacy/retention");
    await first.begin(checkpoint("s1"));
    await first.markTaken([1, 2]);
    await first.markDone({ id: 1, result: "acted", residual: 2 });
    await first.markDone({ id: 2, result: "failed", residual: null, failureKind: "RateLimited" });
    await first.markTaken([3]);
    await first.markTaken([9]);
    await first.owe(owed);
    // Many workers at once share flushes; every item is there afterwards.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        first.markDone({ id: 100 + i, result: "skipped", residual: null }),
      ),
    );
    // The process dies without closing anything.

    const loaded = await (await fileSweepState(dir, "privacy/retention")).load();
    expect(loaded?.checkpoint).toEqual(checkpoint("s1"));
    expect(loaded?.done.size).toBe(42);
    expect(loaded?.tally).toEqual({
      acted: 1,
      skipped: 40,
      failed: 1,
      residual: 2,
      failures: { RateLimited: 1 },
    });
    expect(loaded?.inFlight).toEqual([3]);
    expect(loaded?.owed).toEqual([owed]);
  });

  it("ignores a line cut short by a crash, and appends after it cleanly", async () => {
    const dir = await freshDir();
    const state = await fileSweepState(dir, "privacy/retention");
    await state.begin(checkpoint("s1"));
    await state.markDone({ id: 1, result: "acted", residual: 0 });
    await appendFile(join(dir, "privacy", "retention", "done-s1.log"), "a 12");
    // An atomic write the crash interrupted left its temporary file.
    await writeFile(join(dir, "privacy", "retention", "sweep.json.4242-0badf00d.tmp"), "{");

    const resumed = await fileSweepState(dir, "privacy/retention");
    expect(await readdir(join(dir, "privacy", "retention"))).not.toContain("sweep.json.4242-0badf00d.tmp");
    expect([...((await resumed.load())?.done ?? [])]).toEqual([1]);
    await resumed.markDone({ id: 2, result: "acted", residual: 0 });
    expect([...((await (await fileSweepState(dir, "privacy/retention")).load())?.done ?? [])]).toEqual([
      1, 2,
    ]);
  });

  it("refuses to append after a failed write, until the journal is read again", async () => {
    const dir = await freshDir();
    const state = await fileSweepState(dir, "privacy/retention");
    await state.begin(checkpoint("s1"));
    await state.markDone({ id: 1, result: "acted", residual: 0 });
    const probe = await open(join(dir, "probe"), "w");
    const proto = Object.getPrototypeOf(probe) as { appendFile: (...args: unknown[]) => Promise<void> };
    await probe.close();
    const original = proto.appendFile;
    // A full disk: the write stops after part of the line.
    vi.spyOn(proto, "appendFile").mockImplementationOnce(async function (this: unknown) {
      await original.call(this, "a 2", "utf8");
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    });

    await expect(state.markDone({ id: 2, result: "acted", residual: 0 })).rejects.toThrow("no space");
    // Appending after the partial line would merge the next line into it.
    await expect(state.markDone({ id: 3, result: "acted", residual: 0 })).rejects.toThrow("no space");
    const loaded = await state.load();
    expect([...(loaded?.done ?? [])]).toEqual([1]);
    await state.markDone({ id: 3, result: "acted", residual: 0 });
    expect([...((await (await fileSweepState(dir, "privacy/retention")).load())?.done ?? [])]).toEqual([
      1, 3,
    ]);
  });

  it("forgets the last sweep when another begins, and everything but Replace entries when one finishes", async () => {
    const dir = await freshDir();
    const home = join(dir, "privacy", "retention");
    const state = await fileSweepState(dir, "privacy/retention");
    await state.begin(checkpoint("s1"));
    await state.markDone({ id: 1, result: "acted", residual: 0 });
    await state.replaceJournal.set(77, { importSentAt: 1000 });

    await state.begin(checkpoint("s2", 2));
    await state.markDone({ id: 5, result: "acted", residual: 0 });
    const loaded = await state.load();
    expect(loaded?.checkpoint.sweepId).toBe("s2");
    expect([...(loaded?.done ?? [])]).toEqual([5]);
    expect((await readdir(home)).sort()).toEqual(["done-s2.log", "replace", "sweep.json"]);

    await state.finish();
    expect(await state.load()).toBeUndefined();
    expect(await readdir(home)).toEqual(["replace"]);
    // An import of unknown outcome must be seen by whichever sweep comes next.
    expect(await state.replaceJournal.get(77)).toEqual({ importSentAt: 1000 });
    await state.replaceJournal.set(77, { importSentAt: 1000, copyId: 78 });
    expect(JSON.parse(await readFile(join(home, "replace", "77.json"), "utf8"))).toEqual({
      importSentAt: 1000,
      copyId: 78,
    });
    await state.replaceJournal.delete(77);
    await state.replaceJournal.delete(77);
    expect(await state.replaceJournal.get(77)).toBeUndefined();
    await state.close();
  });

  it("keeps policies apart and refuses keys that are not namespace/name", async () => {
    const dir = await freshDir();
    const a = await fileSweepState(dir, "privacy/a");
    await a.begin(checkpoint("s1"));
    expect(await (await fileSweepState(dir, "privacy/b")).load()).toBeUndefined();
    for (const key of ["privacy", "../etc/x", "privacy/a/b", "Privacy/a"]) {
      await expect(fileSweepState(dir, key)).rejects.toThrow("must be namespace/name");
    }
  });
});

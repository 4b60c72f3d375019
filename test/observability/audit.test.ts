import { createHash } from "node:crypto";
import { appendFile, mkdtemp, open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ChainedAuditRecord,
  fileAuditSink,
  streamAuditSink,
  verifyAuditChain,
  verifyAuditFile,
} from "../../src/observability/index.js";
import type { AuditRecord } from "../../src/sweep/evidence.js";

// The audit file is evidence: every record acted on, in order, durable when write() resolves, and
// tamper-evident through its hash chain (docs/audit.md).

const EMAIL = "ingrid.bergstrom@example.net";

function record(id: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    time: "2026-11-24T10:15:00.000Z",
    sweepId: "20261124T101500Z-7f3a",
    account: "support/acme",
    policy: "support/gdpr-retention",
    generation: 3,
    item: { kind: "ticket", id },
    action: "Redact",
    changes: { RedactComment: 2, AddMarkerTag: 1 },
    fieldsChanged: ["comments", "tags"],
    detectorCounts: { email: 2, phone: 1 },
    residual: 0,
    ...overrides,
  };
}

/** The hash as docs/audit.md defines it, computed independently of the implementation. */
function expectedHash(prevHash: string, body: Record<string, unknown>): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  };
  return createHash("sha256")
    .update(prevHash + JSON.stringify(sorted(body)))
    .digest("hex");
}

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hush-audit-"));
  path = join(dir, "audit", "records.jsonl");
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function lines(): Promise<string[]> {
  return (await readFile(path, "utf8")).split("\n");
}

async function writeRecords(ids: number[]): Promise<void> {
  const sink = await fileAuditSink(path);
  for (const id of ids) await sink.write(record(id));
  await sink.close();
}

describe("the audit file", () => {
  it("appends one JSON line per record with seq, prevHash and a sha256 chaining them", async () => {
    await writeRecords([101, 102]);
    const [first, second, end] = await lines();
    expect(end).toBe("");
    const one = JSON.parse(first!) as ChainedAuditRecord;
    const two = JSON.parse(second!) as ChainedAuditRecord;
    expect(one).toMatchObject({ ...record(101), seq: 1, prevHash: "0".repeat(64) });
    expect(two).toMatchObject({ ...record(102), seq: 2, prevHash: one.hash });
    const { hash: h1, prevHash: p1, ...body1 } = one;
    expect(h1).toBe(expectedHash(p1, body1));
    const { hash: h2, prevHash: p2, ...body2 } = two;
    expect(h2).toBe(expectedHash(p2, body2));
    expect(verifyAuditChain(await lines())).toEqual({ ok: true, records: 2, head: { seq: 2, hash: h2 } });
  });

  it("continues the chain when opened again", async () => {
    await writeRecords([101, 102]);
    const sink = await fileAuditSink(path);
    expect(sink.records).toBe(2);
    await sink.write(record(103));
    await sink.close();
    const check = verifyAuditChain(await lines());
    expect(check).toMatchObject({ ok: true, records: 3 });
    expect(JSON.parse((await lines())[2]!)).toMatchObject({ seq: 3, item: { id: 103 } });
  });

  it("cuts off a line torn by a crash and continues the chain from the last whole record", async () => {
    await writeRecords([101, 102]);
    const whole = (await readFile(path, "utf8")).length;
    await appendFile(path, '{"seq":3,"time":"2026-11-24T10:16:00.000Z","sweepId":"20261124T1');
    const sink = await fileAuditSink(path);
    expect(sink.repairedBytes).toBeGreaterThan(0);
    expect(sink.records).toBe(2);
    expect((await readFile(path, "utf8")).length).toBe(whole);
    await sink.write(record(103));
    await sink.close();
    expect(verifyAuditChain(await lines())).toMatchObject({ ok: true, records: 3 });
  });

  it("keeps a whole last record that lost only its newline", async () => {
    await writeRecords([101, 102]);
    const text = await readFile(path, "utf8");
    await truncate(path, Buffer.byteLength(text) - 1);
    const sink = await fileAuditSink(path);
    expect(sink.repairedBytes).toBe(0);
    expect(sink.records).toBe(2);
    await sink.write(record(103));
    await sink.close();
    expect(verifyAuditChain(await lines())).toMatchObject({ ok: true, records: 3 });
  });

  it("repairs a file holding nothing but a torn first line", async () => {
    await writeRecords([]);
    await appendFile(path, '{"seq":1,"ti');
    await writeRecords([101]);
    expect(verifyAuditChain(await lines())).toMatchObject({ ok: true, records: 1 });
  });

  it("refuses to continue a file that does not end in a valid record, naming the file", async () => {
    await writeRecords([101, 102]);
    const text = await readFile(path, "utf8");
    await writeFile(
      path,
      text.replace('"item":{"kind":"ticket","id":102}', '"item":{"kind":"ticket","id":999}'),
    );
    await expect(fileAuditSink(path)).rejects.toThrow(`${path} does not end in a valid Hush audit record`);
    await writeFile(path, "not an audit file\n");
    await expect(fileAuditSink(path)).rejects.toThrow(/move it away/);
  });

  it("resolves a write only after its line is synced to disk", async () => {
    const sink = await fileAuditSink(path);
    const probe = await open(join(dir, "probe"), "w");
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const original = proto.datasync;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sync = vi.spyOn(proto, "datasync").mockImplementation(async function (this: unknown) {
      await gate;
      return original.call(this);
    });

    let resolved = false;
    const first = sink.write(record(101)).then(() => {
      resolved = true;
    });
    // Writes arriving while the first sync runs are written and synced together.
    const rest = Promise.all([102, 103, 104].map((id) => sink.write(record(id))));
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(1));
    expect(resolved).toBe(false);
    release();
    await first;
    await rest;
    expect(sync).toHaveBeenCalledTimes(2);
    await sink.close();
    expect(verifyAuditChain(await lines())).toMatchObject({ ok: true, records: 4 });
  });

  it("keeps the chain whole under concurrent writes, in the order they were made", async () => {
    const sink = await fileAuditSink(path);
    const ids = Array.from({ length: 200 }, (_, i) => 1000 + i);
    await Promise.all(ids.map((id) => sink.write(record(id))));
    await sink.close();
    const written = (await lines()).filter(Boolean).map((l) => JSON.parse(l) as ChainedAuditRecord);
    expect(written.map((r) => r.item.id)).toEqual(ids);
    expect(written.map((r) => r.seq)).toEqual(ids.map((_, i) => i + 1));
    expect(await verifyAuditFile(path)).toMatchObject({ ok: true, records: 200 });
  });

  it("refuses a record that carries text, without echoing it and without writing anything", async () => {
    const sink = await fileAuditSink(path);
    const leaky = record(101, { fieldsChanged: ["comments", EMAIL] });
    const refusal = await sink.write(leaky).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refusal?.message).toContain("fieldsChanged[1]");
    expect(refusal?.message).not.toContain(EMAIL);
    await expect(
      sink.write({ ...record(102), note: "Ingrid called about her refund" } as AuditRecord),
    ).rejects.toThrow(/note: must be an id, a name or a word/);
    await expect(sink.write(record(103, { account: "acme" }))).rejects.toThrow(
      /account: must be namespace\/name/,
    );
    await sink.write(record(104));
    await sink.close();
    const text = await readFile(path, "utf8");
    expect(text).not.toContain(EMAIL);
    expect(verifyAuditChain(text.split("\n"))).toMatchObject({ ok: true, records: 1 });
  });

  it("rejects writes after close, naming the fix", async () => {
    const sink = await fileAuditSink(path);
    await sink.close();
    await expect(sink.write(record(101))).rejects.toThrow(/closed; open it again/);
  });
});

describe("reading the audit file back after a crash", () => {
  const sweepId = "20261124T101500Z-7f3a";
  const since = new Date("2026-11-24T10:15:00.000Z");
  const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000).toISOString();

  it("finds the records a sweep already wrote for the items it asks about, across chunks, after reopening", async () => {
    const sink = await fileAuditSink(path);
    // Another sweep's records around this one's, and enough of them that the file is read in pieces.
    for (let i = 0; i < 300; i++)
      await sink.write(record(5000 + i, { sweepId: "20261124T090000Z-0001", time: at(1) }));
    await sink.write(record(7, { time: at(2), residual: 3 }));
    for (let i = 0; i < 300; i++)
      await sink.write(record(6000 + i, { sweepId: "20261124T090000Z-0001", time: at(3) }));
    await sink.write(record(8, { time: at(4), recovered: true, changes: {}, fieldsChanged: [] }));
    await sink.close();

    const reopened = await fileAuditSink(path);
    const found = await reopened.recorded?.(sweepId, [7, 8, 9], since);
    expect([...(found?.keys() ?? [])].sort()).toEqual([7, 8]);
    expect(found?.get(7)).toEqual(record(7, { time: at(2), residual: 3 }));
    expect(found?.get(8)?.recovered).toBe(true);
    // Another sweep's record of the same item is not this sweep's.
    expect((await reopened.recorded?.(sweepId, [5000], since))?.size).toBe(0);
    await reopened.close();
  });

  it("sees writes this process made a moment ago, and looks back no further than an hour before the sweep", async () => {
    const sink = await fileAuditSink(path);
    await sink.write(record(1, { time: at(-120) }));
    await sink.write(record(2, { sweepId: "20261124T080000Z-0002", time: at(-90) }));
    const pending = sink.write(record(3, { time: at(1) }));
    const found = await sink.recorded?.(sweepId, [1, 3], since);
    await pending;
    // A record stamped two hours before the sweep began is not one of its records.
    expect([...(found?.keys() ?? [])]).toEqual([3]);
    await sink.close();
    await expect(sink.recorded?.(sweepId, [3], since)).rejects.toThrow(/closed; open it again/);
  });

  it("accepts recovered: true, and refuses any other value", async () => {
    const sink = await fileAuditSink(path);
    await sink.write(record(1, { recovered: true }));
    await expect(
      sink.write(record(2, { recovered: false } as unknown as Partial<AuditRecord>)),
    ).rejects.toThrow(/recovered: must be true, or left out/);
    await sink.close();
  });
});

describe("verifying a chain", () => {
  async function chain(): Promise<string[]> {
    await writeRecords([101, 102, 103, 104]);
    return (await lines()).filter(Boolean);
  }

  it("finds a changed record", async () => {
    const original = await chain();
    const changed = [...original];
    changed[1] = changed[1]!.replace('"residual":0', '"residual":5');
    expect(verifyAuditChain(changed)).toMatchObject({ ok: false, brokenAt: 2, records: 1 });
    expect(verifyAuditChain(changed).reason).toMatch(/hash does not match/);
  });

  it("finds a removed record", async () => {
    const original = await chain();
    const removed = [original[0]!, original[2]!, original[3]!];
    expect(verifyAuditChain(removed)).toMatchObject({ ok: false, brokenAt: 2 });
    expect(verifyAuditChain(removed).reason).toMatch(/records removed or reordered/);
  });

  it("finds reordered records", async () => {
    const original = await chain();
    const swapped = [original[0]!, original[2]!, original[1]!, original[3]!];
    expect(verifyAuditChain(swapped)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it("finds a record whose hashes were recomputed after a change, at the next record", async () => {
    const original = await chain();
    const forged = JSON.parse(original[1]!) as ChainedAuditRecord;
    forged.residual = 5;
    const { hash: _old, prevHash, ...body } = forged;
    forged.hash = expectedHash(prevHash, body);
    const lines = [original[0]!, JSON.stringify(forged), original[2]!, original[3]!];
    expect(verifyAuditChain(lines)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it("finds a torn last line", async () => {
    const original = await chain();
    const torn = [...original.slice(0, 3), original[3]!.slice(0, 40)];
    expect(verifyAuditChain(torn)).toMatchObject({ ok: false, brokenAt: 4, records: 3 });
  });
});

describe("the audit stream", () => {
  it("writes the same chained lines to a stream and leaves it open", async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const sink = streamAuditSink(out);
    await Promise.all([sink.write(record(101)), sink.write(record(102))]);
    await sink.close();
    expect(out.writableEnded).toBe(false);
    const written = chunks.join("").split("\n");
    expect(verifyAuditChain(written)).toMatchObject({ ok: true, records: 2 });
    await expect(sink.write(record(103))).rejects.toThrow(/closed/);
  });

  it("ends the stream on close when asked to", async () => {
    const out = new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    });
    const sink = streamAuditSink(out, { end: true });
    await sink.write(record(101));
    await sink.close();
    expect(out.writableFinished).toBe(true);
  });

  it("rejects the write, and every later one, when the stream fails", async () => {
    const out = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error("EPIPE"));
      },
    });
    out.on("error", () => undefined);
    const sink = streamAuditSink(out);
    await expect(sink.write(record(101))).rejects.toThrow(/writing the audit stream failed: EPIPE/);
    await expect(sink.write(record(102))).rejects.toThrow(/EPIPE/);
  });
});

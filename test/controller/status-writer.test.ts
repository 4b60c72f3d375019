import { describe, expect, it } from "vitest";
import { ClusterError, type KubeObject } from "../../src/controller/cluster.js";
import { STATUS_WRITE_ATTEMPTS, writeStatus } from "../../src/controller/status-writer.js";
import { createFakeCluster } from "./fake-cluster.js";

// Status is computed from the object as it is now and written with its resourceVersion, so it is
// never computed for one generation and written over the next.

const key = { namespace: "privacy", name: "retention" };
const policy = (): KubeObject => ({
  apiVersion: "hush.dev/v1alpha1",
  kind: "RedactionPolicy",
  metadata: { ...key },
  spec: { schedule: "@daily" },
});
interface Status {
  observedGeneration?: number;
  note?: string;
}
const statusOf = (object: KubeObject | undefined): Status | undefined =>
  object?.["status"] as Status | undefined;

describe("writeStatus", () => {
  it("writes the status computed from the current object to the status subresource", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    const written = await writeStatus(api, "RedactionPolicy", key, (current) => ({
      observedGeneration: current.metadata.generation,
    }));
    expect(statusOf(written)).toEqual({ observedGeneration: 1 });
    expect(statusOf(api.peek("RedactionPolicy", key))).toEqual({ observedGeneration: 1 });
    expect(api.writes.replaceStatus).toBe(1);
  });

  it("does not write a status equal to the one there (key order and undefined members aside)", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    await writeStatus(api, "RedactionPolicy", key, () => ({ observedGeneration: 1, note: "a" }));
    const again = await writeStatus(api, "RedactionPolicy", key, () => ({
      note: "a",
      observedGeneration: 1,
      message: undefined,
    }));
    expect(statusOf(again)).toEqual({ observedGeneration: 1, note: "a" });
    expect(api.writes.replaceStatus).toBe(1);
  });

  it("writes nothing when compute says so, and returns the object as read", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    const read = await writeStatus(api, "RedactionPolicy", key, () => undefined);
    expect(read?.metadata.name).toBe("retention");
    expect(api.writes.replaceStatus).toBe(0);
  });

  it("computes again from the newer object when the spec changed during the write", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    const seen: number[] = [];
    let edited = false;
    const written = await writeStatus(api, "RedactionPolicy", key, (current) => {
      seen.push(current.metadata.generation ?? 0);
      if (!edited) {
        edited = true;
        // Someone applies a new spec between the read and the write.
        void api.mergePatch("RedactionPolicy", key, { spec: { schedule: "@hourly" } });
      }
      return { observedGeneration: current.metadata.generation };
    });
    expect(seen).toEqual([1, 2]);
    expect(statusOf(written)).toEqual({ observedGeneration: 2 });
    expect(written?.["spec"]).toEqual({ schedule: "@hourly" });
    expect(statusOf(api.peek("RedactionPolicy", key))).toEqual({ observedGeneration: 2 });
  });

  it("gives up after a few conflicts in a row, with a Conflict the reconcile is requeued for", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    const conflict = new ClusterError("Conflict", 409, "the object has been modified");
    api.failNext("replaceStatus", conflict, { times: STATUS_WRITE_ATTEMPTS });
    const error = await writeStatus(api, "RedactionPolicy", key, () => ({ note: "x" })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).kind).toBe("Conflict");
    expect((error as ClusterError).message).toContain(`during each of ${STATUS_WRITE_ATTEMPTS} attempts`);
    expect(api.requests.get).toBe(STATUS_WRITE_ATTEMPTS);
    // One conflict fewer, and the last attempt goes through.
    api.failNext("replaceStatus", conflict, { times: STATUS_WRITE_ATTEMPTS - 1 });
    expect(statusOf(await writeStatus(api, "RedactionPolicy", key, () => ({ note: "y" })))).toEqual({
      note: "y",
    });
  });

  it("answers undefined for an object that does not exist, or went away before the write", async () => {
    const api = createFakeCluster();
    expect(await writeStatus(api, "RedactionPolicy", key, () => ({ note: "x" }))).toBeUndefined();
    await api.create(policy());
    const gone = await writeStatus(api, "RedactionPolicy", key, () => {
      void api.delete("RedactionPolicy", key);
      return { note: "x" };
    });
    expect(gone).toBeUndefined();
  });

  it("throws while the API server is unavailable, so that the reconcile is requeued", async () => {
    const api = createFakeCluster();
    await api.create(policy());
    api.failNext("replaceStatus", new ClusterError("Unavailable", 503, "the server is restarting"));
    await expect(writeStatus(api, "RedactionPolicy", key, () => ({ note: "x" }))).rejects.toMatchObject({
      kind: "Unavailable",
    });
    api.setUnavailable(true);
    await expect(writeStatus(api, "RedactionPolicy", key, () => ({ note: "x" }))).rejects.toMatchObject({
      kind: "Unavailable",
    });
  });
});

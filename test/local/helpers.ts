import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../../src/zendesk/clock.js";

/** A clock that stands still until a test moves it; sleepers wake when it passes their time. */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  /** Sleepers waiting now. */
  readonly sleepers: number;
}

export function manualClock(start = Date.parse("2026-05-01T10:00:00Z")): ManualClock {
  let now = start;
  const sleepers = new Set<{ at: number; wake: () => void }>();
  return {
    now: () => now,
    sleep(ms, signal) {
      signal?.throwIfAborted();
      return new Promise<void>((resolve, reject) => {
        const entry = {
          at: now + Math.max(0, ms),
          wake: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          sleepers.delete(entry);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        if (entry.at <= now) entry.wake();
        else sleepers.add(entry);
      });
    },
    async advance(ms) {
      now += ms;
      for (const entry of [...sleepers]) {
        if (entry.at <= now) {
          sleepers.delete(entry);
          entry.wake();
        }
      }
      await settle();
    },
    get sleepers() {
      return sleepers.size;
    },
  };
}

/** Lets pending promise callbacks and I/O run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits until `check` holds, failing with `what` if it does not soon (no test asserts on time). */
export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "hush-local-test-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const ACCOUNT = `apiVersion: hush.dev/v1alpha1
kind: ZendeskAccount
metadata:
  name: acme
spec:
  subdomain: acme
  baseURL: http://127.0.0.1:9
  credentials:
    secretRef:
      name: acme-zendesk
---
apiVersion: v1
kind: Secret
metadata:
  name: acme-zendesk
stringData:
  email: admin@acme.example.com
  token: not-a-real-token
`;

/** A policy; `extra` lines are appended under spec. */
export function policyYaml(
  name: string,
  options: { extra?: string; annotations?: Record<string, string> } = {},
): string {
  const annotations = options.annotations
    ? `  annotations:\n${Object.entries(options.annotations)
        .map(([k, v]) => `    ${k}: "${v}"`)
        .join("\n")}\n`
    : "";
  return `apiVersion: hush.dev/v1alpha1
kind: RedactionPolicy
metadata:
  name: ${name}
${annotations}spec:
  accountRef:
    name: acme
  query: "type:ticket status:closed"
  mode: Enforce
${options.extra ?? ""}`;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, "utf8");
}

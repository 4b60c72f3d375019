import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Document, parseAllDocuments } from "yaml";
import { isResourceFile } from "../local/directory.js";
import type { Account } from "../simulator/account.js";
import type { Ticket } from "../simulator/model.js";

// The demo's stage: which seeded records play which part, the few changes agents would have made
// (a spam tag, a legal hold), and the examples copied into a temporary directory and pointed at
// the simulator. All data is the simulator's synthetic seed.

/** The placeholder email of examples/erasure-request.yaml. */
export const ERASURE_PLACEHOLDER = "person@example.com";

/** Demo-only limits, so that the first round takes seconds in real time; the rest follows every minute. */
export const DEMO_LIMITS: Record<string, { maxItemsPerSweep: number }> = {
  "gdpr-retention": { maxItemsPerSweep: 40 },
  "anonymize-inactive-users": { maxItemsPerSweep: 20 },
};

const DAY = 86_400_000;
const OPEN = new Set(["new", "open", "pending", "hold"]);

export interface Cast {
  /** Tickets an agent tags spam. */
  spam: number[];
  /** A solved ticket the legal-hold policy matches, put under a hold. */
  legalHold: number | undefined;
  /** The person of the erasure request: an end user whose tickets no other policy matches. */
  erasureUser: { id: number; email: string } | undefined;
}

/** The examples directory: next to src/ in a checkout, and in the published package. */
export function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "examples", "account.yaml"))) return join(dir, "examples");
    dir = dirname(dir);
  }
  throw new Error(
    "the examples directory was not found next to hush; reinstall hush or run it from its checkout",
  );
}

/** Picks the records that play a part, from the seed as it is before any sweep. */
export function castOf(account: Account, now: number): Cast {
  const tickets = [...account.tickets.values()].sort((a, b) => a.id - b.id);
  const byRequester = new Map<number, Ticket[]>();
  for (const t of tickets) byRequester.set(t.requester_id, [...(byRequester.get(t.requester_id) ?? []), t]);
  // Whose tickets are all still open: retention and the solved-tickets policy leave them alone, so
  // the erasure request is the only policy that touches them.
  let erasureUser: Cast["erasureUser"];
  for (const [userId, own] of byRequester) {
    const user = account.users.get(userId);
    if (user?.role !== "end-user" || !user.email) continue;
    if (own.every((t) => OPEN.has(t.status))) {
      erasureUser = { id: userId, email: user.email };
      break;
    }
  }
  const spam = tickets
    .filter((t) => OPEN.has(t.status) && t.requester_id !== erasureUser?.id)
    .slice(0, 3)
    .map((t) => t.id);
  const legalHold = tickets.find(
    (t) => t.status === "solved" && t.updated_at < now - 30 * DAY && t.requester_id !== erasureUser?.id,
  )?.id;
  return { spam, legalHold, erasureUser };
}

/** Sets a value deep in a YAML document, keeping its comments. */
function set(doc: Document, path: (string | number)[], value: unknown): void {
  doc.setIn(path, doc.createNode(value));
}

function nameOf(doc: Document): string | undefined {
  const name = doc.getIn(["metadata", "name"]);
  return typeof name === "string" ? name : undefined;
}

export interface PreparedExamples {
  dir: string;
  /** What the demo changed in the copies, for the output. */
  changes: string[];
}

/**
 * Copies examples/ into a new temporary directory: account.yaml points at the simulator with its
 * credentials and plan, the erasure request names the cast's person, and the two policies with
 * large backlogs get demo limits and sweep every minute.
 */
export async function prepareExamples(
  simulator: { url: string; email: string; token: string },
  cast: Cast,
): Promise<PreparedExamples> {
  const source = examplesDir();
  const dir = await mkdtemp(join(tmpdir(), "hush-demo-"));
  const changes: string[] = [];
  // Resource files only: not the status files a `hush run --dir examples` may have left there.
  for (const name of (await readdir(source)).filter(isResourceFile).sort()) {
    let text = await readFile(join(source, name), "utf8");
    if (name === "erasure-request.yaml" && cast.erasureUser) {
      text = text.replaceAll(ERASURE_PLACEHOLDER, cast.erasureUser.email);
      changes.push(
        `erasure-request.yaml names customer #${cast.erasureUser.id} instead of ${ERASURE_PLACEHOLDER}`,
      );
    }
    const docs = parseAllDocuments(text);
    for (const doc of docs) {
      if ("errors" in doc && doc.errors.length > 0)
        throw new Error(`examples/${name} does not parse: ${doc.errors[0]!.message}`);
      const kind = doc.get("kind");
      const docName = nameOf(doc);
      if (kind === "ZendeskAccount") {
        set(doc, ["spec", "baseURL"], simulator.url);
        set(doc, ["spec", "rateLimit", "plan"], "EnterprisePlus");
        changes.push(
          `account.yaml points at the simulator (${simulator.url}), plan EnterprisePlus as simulated`,
        );
      } else if (kind === "Secret") {
        set(doc, ["stringData", "email"], simulator.email);
        set(doc, ["stringData", "token"], simulator.token);
      } else if (kind === "RedactionPolicy" && docName && DEMO_LIMITS[docName]) {
        const limit = DEMO_LIMITS[docName]!.maxItemsPerSweep;
        set(doc, ["spec", "limits", "maxItemsPerSweep"], limit);
        set(doc, ["spec", "schedule"], { interval: "1m" });
        changes.push(
          `${name}: at most ${limit} items a sweep, a sweep every minute (instead of its nightly schedule)`,
        );
      }
    }
    await writeFile(join(dir, name), docs.map((d) => d.toString()).join(""), "utf8");
  }
  return { dir, changes };
}

/** Step two of the erasure request, as its comments say: resume the user policy. */
export async function resumeErasureUser(dir: string): Promise<void> {
  const path = join(dir, "erasure-request.yaml");
  const docs = parseAllDocuments(await readFile(path, "utf8"));
  for (const doc of docs) {
    if (nameOf(doc) === "erasure-request-user") set(doc, ["spec", "suspend"], false);
  }
  await writeFile(path, docs.map((d) => d.toString()).join(""), "utf8");
}

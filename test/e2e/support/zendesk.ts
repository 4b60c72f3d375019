import type { Account } from "../../../src/simulator/account.js";
import type { Simulator } from "../../../src/simulator/simulator.js";
import { MARKER, readableLeft } from "../../cli/sweep-fixtures.js";
import { type SimHandle, startSimulator } from "../../support/sim.js";

// The Zendesk side of the scenarios: an in-process simulator the operator process reaches over
// loopback, and what the tests read from it (its store and its request log) to tell what the
// operator did in Zendesk.

/** The simulator's requests-a-minute in the scenarios: a load-test account (docs/simulator.md), so sweeps run in seconds. */
export const FAST_RPM = 100_000;
/** The ZendeskAccount's spec.rateLimit matching FAST_RPM. */
export const FAST_RATE_LIMIT = { requestsPerMinute: FAST_RPM, share: 100 };

export interface SeededZendesk {
  handle: SimHandle;
  sim: Simulator;
  account: () => Account;
  /** The account's base URL and its admin's API token. */
  url: string;
  credentials: { email: string; token: string };
}

export async function startZendesk(options: { tickets: number; seed: number }): Promise<SeededZendesk> {
  const handle = await startSimulator({
    accounts: [
      {
        subdomain: "acme",
        tickets: options.tickets,
        seed: options.seed,
        settings: { requestsPerMinute: FAST_RPM },
      },
    ],
  });
  const info = handle.sim.describe()[0]!;
  return {
    handle,
    sim: handle.sim,
    account: () => handle.sim.account("acme")!,
    url: info.url,
    credentials: { email: info.credentials.admin.email, token: info.credentials.admin.token },
  };
}

/** Makes every request wait this long before the simulator answers, so that a sweep lasts long enough to watch. */
export function setLatency(z: SeededZendesk, latencyMs: number): void {
  z.account().faults.latencyMs = latencyMs;
}

/** Write requests the simulator answered with a 2xx, by "METHOD route". */
export function successfulWrites(sim: Simulator): Map<string, number> {
  const writes = new Map<string, number>();
  for (const row of sim.log.counts()) {
    if (row.method === "GET" || row.status >= 300) continue;
    const key = `${row.method} ${row.route}`;
    writes.set(key, (writes.get(key) ?? 0) + row.count);
  }
  return writes;
}

export const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);

/** Resolves once the simulator has answered `count` successful writes (counting from now). */
export function afterWrites(sim: Simulator, count: number, then?: () => void): Promise<void> {
  const log = sim.log;
  const record = log.record.bind(log);
  let seen = 0;
  return new Promise((resolve) => {
    log.record = (entry) => {
      record(entry);
      if (entry.method === "GET" || entry.status >= 300 || ++seen !== count) return;
      log.record = record;
      // Synchronously, inside the simulator's bookkeeping: the moment is the write itself.
      then?.();
      resolve();
    };
  });
}

/** The names, emails and phone numbers of the seeded end users: what must never reach status, Events or logs. */
export function personalData(account: Account, limit = 200): string[] {
  const values = new Set<string>();
  for (const user of account.users.values()) {
    if (user.role !== "end-user") continue;
    if (user.email) values.add(user.email);
    if (user.name && user.name.length >= 6 && user.name.includes(" ")) values.add(user.name);
    if (user.phone && user.phone.replace(/\D/g, "").length >= 7) values.add(user.phone);
    if (values.size >= limit) break;
  }
  return [...values];
}

/** Which of `values` occur in `text` (case-insensitively). */
export function leaked(text: string, values: readonly string[]): string[] {
  const haystack = text.toLowerCase();
  return values.filter((v) => haystack.includes(v.toLowerCase()));
}

/** What one sweep of redactEveryTicket() must do: open tickets redacted in place, closed ones replaced. */
export interface ExpectedWork {
  inPlace: number[];
  replaced: number[];
}

export function expectedWork(account: Account): ExpectedWork {
  const tickets = [...account.tickets.values()];
  return {
    inPlace: tickets.filter((t) => t.status !== "closed").map((t) => t.id),
    replaced: tickets.filter((t) => t.status === "closed").map((t) => t.id),
  };
}

/** The redacted copies of each original, by the link Replace puts in their external_id. */
export function copiesByOriginal(account: Account): Map<number, number[]> {
  const copies = new Map<number, number[]>();
  const all = [...account.tickets.values(), ...[...account.deletedTickets.values()].map((d) => d.ticket)];
  for (const ticket of all) {
    const original = /^hush-replaces-(\d+)$/.exec(ticket.external_id ?? "")?.[1];
    if (original) copies.set(Number(original), [...(copies.get(Number(original)) ?? []), ticket.id]);
  }
  return copies;
}

/** What keeps the matched tickets from being done: each redacted in place, or replaced by exactly one redacted copy. */
export function notDone(account: Account, expected: ExpectedWork): string[] {
  const problems: string[] = [];
  const check = (id: number, what: string): void => {
    const ticket = account.tickets.get(id);
    if (!ticket) return void problems.push(`${what} is missing`);
    if (!ticket.tags.includes(MARKER)) problems.push(`${what} has no marker tag`);
    const left = readableLeft(ticket, account.comments(ticket));
    if (left.length > 0) problems.push(`${what}: readable ${left.join(", ")}`);
  };
  for (const id of expected.inPlace) check(id, `ticket ${id}`);
  const copies = copiesByOriginal(account);
  for (const id of expected.replaced) {
    if (account.tickets.has(id)) problems.push(`original ${id} is still there`);
    const ids = copies.get(id) ?? [];
    if (ids.length !== 1) problems.push(`original ${id} has ${ids.length} copies`);
    else check(ids[0]!, `the copy of ${id}`);
  }
  return problems;
}

/**
 * Each ticket's change count, by what it is: tickets redacted in place by id, and each original's
 * copy by its original's id (copies get new ids in whatever order the imports ran). Zendesk bumps
 * a ticket's version at every change, so two runs made the same changes exactly when these agree.
 */
export function changeCounts(account: Account): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ticket of [
    ...account.tickets.values(),
    ...[...account.deletedTickets.values()].map((d) => d.ticket),
  ]) {
    const original = /^hush-replaces-(\d+)$/.exec(ticket.external_id ?? "")?.[1];
    const key = original ? `copy of ${original}` : `ticket ${ticket.id}`;
    // Two copies of one original would collide here; notDone() reports those.
    counts.set(key, (counts.get(key) ?? 0) + ticket.version);
  }
  return counts;
}

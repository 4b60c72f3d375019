import { join } from "node:path";
import type { LoopEvent, PolicyOutcome } from "../local/loop.js";
import type { Account } from "../simulator/account.js";
import type { Simulator } from "../simulator/simulator.js";
import type { AuditRecord } from "../sweep/evidence.js";
import { type Cast, DEMO_LIMITS } from "./demo-scenario.js";

// What `hush demo` prints: each sweep's progress, how the first round ended, a before/after of a
// few of the simulator's (synthetic) records, and where status, audit records and metrics are.
// Personal data, synthetic as it is, appears in the before/after only.

/** A first line of text, shortened: enough to recognise it. */
function excerpt(text: string | undefined, length = 110): string {
  return window(text, 0, length);
}

function flat(text: string | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim();
}

function window(text: string | undefined, start: number, length: number): string {
  const line = flat(text);
  const part = line.slice(start, start + length);
  return JSON.stringify(`${start > 0 ? "…" : ""}${part}${start + length < line.length ? "…" : ""}`);
}

/** The same stretch of two texts, from a little before their first difference, so a change is seen. */
function excerptPair(before: string | undefined, after: string | undefined, length = 100): [string, string] {
  const [a, b] = [flat(before), flat(after)];
  let first = 0;
  while (first < a.length && a[first] === b[first]) first += 1;
  const start = first < length - 20 ? 0 : first - 20;
  return [window(a, start, length), window(b, start, length)];
}

interface TicketView {
  subject: string;
  firstComment: string | undefined;
  status: string;
  tags: string[];
}

function viewTicket(account: Account, id: number): (TicketView & { state: string }) | undefined {
  const live = account.tickets.get(id);
  const deleted = account.deletedTickets.get(id);
  const ticket = live ?? deleted?.ticket;
  if (!ticket) return undefined;
  const state = live ? "live" : deleted?.scrubbed_at ? "scrubbed" : "deleted";
  return {
    subject: ticket.subject,
    firstComment: account.comments(ticket)[0]?.body,
    status: ticket.status,
    tags: [...ticket.tags],
    state,
  };
}

function viewUser(
  account: Account,
  id: number,
): { name: string; email: string | null; phone: string | null } | undefined {
  const user = account.users.get(id);
  return user ? { name: user.name, email: user.email, phone: user.phone } : undefined;
}

/** Progress as lines: each policy's start, its progress every few seconds, and its end. */
export function progressPrinter(out: (line: string) => void): (event: LoopEvent) => void {
  const last = new Map<string, number>();
  const time = () => new Date().toISOString().slice(11, 19);
  const pad = (name: string) => name.padEnd(28);
  return (event) => {
    switch (event.type) {
      case "sweepStarted":
        out(`  ${time()}  ${pad(event.policy.name)} sweep started`);
        return;
      case "sweepProgress": {
        const now = Date.now();
        const p = event.progress;
        if (p.processed === 0 || now - (last.get(event.policy.name) ?? 0) < 2000) return;
        last.set(event.policy.name, now);
        out(
          `  ${time()}  ${pad(event.policy.name)} ${p.processed} handled of ${p.matched} matching · ${p.acted} acted · ${p.failed} failed`,
        );
        return;
      }
      case "sweepEnded": {
        const s = event.report.summary;
        out(`  ${time()}  ${pad(event.policy.name)} ${s.result}: ${s.message ?? ""}`);
        return;
      }
      case "policyStalled":
        out(`  ${time()}  ${pad(event.policy.name)} cannot sweep (${event.reason}): ${event.message}`);
        return;
      case "error":
        out(`  ${time()}  error: ${event.message}`);
        return;
      default:
    }
  };
}

export interface Before {
  tickets: Map<number, TicketView>;
  users: Map<number, { name: string; email: string | null; phone: string | null }>;
}

/** Every ticket's subject and first comment, and every user's name and email, before any sweep. */
export function captureBefore(account: Account): Before {
  const tickets = new Map<number, TicketView>();
  for (const id of account.tickets.keys()) {
    const view = viewTicket(account, id);
    if (view) tickets.set(id, view);
  }
  const users = new Map<number, { name: string; email: string | null; phone: string | null }>();
  for (const id of account.users.keys()) {
    const view = viewUser(account, id);
    if (view) users.set(id, view);
  }
  return { tickets, users };
}

export function printBeforeAfter(
  out: (line: string) => void,
  account: Account,
  cast: Cast,
  before: Before,
  audit: AuditRecord[],
): void {
  out("Before and after (synthetic data):");
  const byPolicy = (name: string) => audit.filter((r) => r.policy === `default/${name}`);
  const ticket = (label: string, id: number, afterId: number, note: string) => {
    const b = before.tickets.get(id);
    const a = viewTicket(account, afterId);
    if (!b) return;
    out(`\n  ticket #${id} (${b.status}) — ${label}`);
    const live = a?.state === "live";
    const [subjectBefore, subjectAfter] = excerptPair(b.subject, live ? a.subject : undefined);
    const [commentBefore, commentAfter] = excerptPair(b.firstComment, live ? a.firstComment : undefined);
    out(`    before  subject ${subjectBefore}`);
    out(`            first comment ${commentBefore}`);
    if (live) {
      out(`    after   ${afterId === id ? "" : `copy #${afterId}: `}subject ${subjectAfter}`);
      out(`            first comment ${commentAfter}`);
    }
    if (note) out(`    ${note}`);
  };
  // Detected masking leaves a ticket without findings as it was: show ones where it found something.
  const changed = (r: AuditRecord) =>
    viewTicket(account, r.copyId ?? r.item.id)?.subject !== before.tickets.get(r.item.id)?.subject ||
    viewTicket(account, r.copyId ?? r.item.id)?.firstComment !== before.tickets.get(r.item.id)?.firstComment;
  for (const record of byPolicy("gdpr-retention").filter(changed).slice(0, 2)) {
    const copy = record.copyId ?? record.item.id;
    ticket(
      "gdpr-retention (closed over 90 days ago): replaced by a redacted copy",
      record.item.id,
      copy,
      `the original #${record.item.id} is ${viewTicket(account, record.item.id)?.state ?? "gone"}; Zendesk scrubs deleted tickets after 30 days (permanentlyDeleteOriginals: true deletes it at once)`,
    );
  }
  const solved = byPolicy("redact-solved-except-on-hold").find(changed);
  if (solved) ticket("redact-solved-except-on-hold: redacted in place", solved.item.id, solved.item.id, "");
  if (cast.legalHold) {
    const now = viewTicket(account, cast.legalHold);
    const same = now?.subject === before.tickets.get(cast.legalHold)?.subject;
    out(
      `\n  ticket #${cast.legalHold} (solved, tagged legal-hold) — matched redact-solved-except-on-hold, but exempt`,
    );
    out(`    ${same ? "unchanged" : "CHANGED (it should not be)"}: subject ${excerpt(now?.subject)}`);
  }
  for (const id of cast.spam.slice(0, 1)) {
    out(
      `\n  ticket #${id} (tagged spam) — delete-spam: ${viewTicket(account, id)?.state === "deleted" ? "deleted (restorable for 30 days)" : "still there"}`,
    );
  }
  const user = byPolicy("anonymize-inactive-users")[0];
  const showUser = (label: string, id: number) => {
    const b = before.users.get(id);
    const a = viewUser(account, id);
    if (!b || !a) return;
    out(`\n  user #${id} — ${label}`);
    out(`    before  ${excerpt(b.name, 40)} <${b.email ?? "no email"}>${b.phone ? ` ${b.phone}` : ""}`);
    out(`    after   ${excerpt(a.name, 40)} <${a.email ?? "no email"}>${a.phone ? ` ${a.phone}` : ""}`);
  };
  if (user) showUser("anonymize-inactive-users (profile unchanged for two years)", user.item.id);
  if (cast.erasureUser) {
    const tickets = byPolicy("erasure-request-tickets");
    const first = tickets[0];
    if (first) {
      ticket(
        `erasure-request-tickets: ${tickets.length} ticket${tickets.length === 1 ? "" : "s"} of customer #${cast.erasureUser.id}, fully masked`,
        first.item.id,
        first.copyId ?? first.item.id,
        "",
      );
    }
    showUser("erasure-request-user: the person who asked for erasure", cast.erasureUser.id);
  }
}

export function printWhere(
  out: (line: string) => void,
  where: {
    dir: string;
    audit: string;
    metrics: string;
    url: string;
    info: ReturnType<Simulator["describe"]>[number];
  },
): void {
  out("Where to look:");
  out(`  status    ${join(where.dir, "*.status.yaml")} (conditions, lastSweep, nextSweepTime, preview)`);
  out(`  audit     ${where.audit} (one JSON line per item acted on, hash-chained; ids and counts only)`);
  out(`  metrics   ${where.metrics} (hush_sweep_items_total, hush_zendesk_requests_total, ...)`);
  out(
    `  simulator ${where.url} (admin ${where.info.credentials.admin.email}, API token ${where.info.credentials.admin.token})`,
  );
}

/** A few lines of the metrics endpoint, as Prometheus scrapes them. */
export async function printMetricSample(out: (line: string) => void, url: string): Promise<void> {
  const text = await (await fetch(url)).text();
  const lines = text
    .split("\n")
    .filter((l) => l.startsWith("hush_sweep_items_total{") && l.includes('result="acted"'));
  if (lines.length === 0) return;
  out(`\n  curl -s ${url} | grep hush_sweep_items_total`);
  for (const line of lines.slice(0, 8)) out(`    ${line}`);
}

export function printRoundSummary(out: (line: string) => void, outcomes: PolicyOutcome[]): void {
  out("\nThe first round:");
  for (const o of outcomes) {
    const name = o.policy.replace(/^default\//, "");
    const what =
      o.result ?? (o.suspended ? "Suspended" : o.stalled ? `Stalled (${o.stalled.reason})` : "Idle");
    const counts = o.report
      ? ` — ${o.report.summary.counts.matched} matched, ${o.report.summary.counts.acted} acted on`
      : "";
    const cap =
      DEMO_LIMITS[name] && o.result === "LimitReached"
        ? `; the other ${Math.max(0, (o.report?.summary.counts.matched ?? 0) - (o.report?.summary.counts.acted ?? 0) - (o.report?.summary.counts.skipped ?? 0))} follow in the next sweeps, one a minute`
        : "";
    out(`  ${name.padEnd(30)} ${what}${counts}${cap}`);
  }
}

import { z } from "zod";
import type { Account } from "../account.js";
import { DAY, HOUR, isoTime, MINUTE } from "../clock.js";
import { notFound, ZendeskError } from "../errors.js";
import { inflightJobs, serializeJob } from "../jobs.js";
import { type Route, type RouteContext, route } from "../route.js";

// Test-only inspection under /__sim/: clearly not Zendesk API, no auth, no rate limits.

function target(ctx: RouteContext): Account {
  const name = ctx.query["account"];
  if (!name) return ctx.account;
  const account = ctx.sim.account(name);
  if (!account) throw new ZendeskError(404, { error: "UnknownAccount", description: `no account "${name}"` });
  return account;
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
    throw new ZendeskError(400, { error: "InvalidBody", description: issues.join("; ") });
  }
  return parsed.data;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: DAY };

/** "90d", "36h", "15m", "30s" or a number of milliseconds. */
function duration(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (!match)
    throw new ZendeskError(400, {
      error: "InvalidBody",
      description: `"${value}" is not a duration like 90d, 36h, 15m, 30s or 500ms`,
    });
  return Number(match[1]) * UNITS[match[2]!]!;
}

const clockBody = z.strictObject({
  advance: z.union([z.string(), z.number().nonnegative()]).optional(),
  set: z.iso.datetime().optional(),
});

const faultsBody = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  dropRate: z.number().min(0).max(1).optional(),
  lostResponseRate: z.number().min(0).max(1).optional(),
  lostResponseRoutes: z.array(z.string().regex(/^(GET|POST|PUT|DELETE) \/\S*$/)).optional(),
  /** Starts a 429 storm lasting this long from now. */
  rateLimitStorm: z.union([z.string(), z.number()]).optional(),
  rateLimitStormRetryAfterSeconds: z.number().int().min(1).optional(),
  jobDelayMs: z.number().int().min(0).optional(),
});

const settingsBody = z.strictObject({
  plan: z.enum(["team", "growth", "professional", "enterprise", "enterprise_plus", "high_volume"]).optional(),
  requestsPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
  archiveAfterMs: z.number().int().min(0).optional(),
  autoScrubAfterMs: z.number().int().min(0).optional(),
  searchIndexLagMs: z.number().int().min(0).optional(),
  sandbox: z.boolean().optional(),
  jobStartDelayMs: z.number().int().min(0).optional(),
  jobMsPerItem: z.number().int().min(0).optional(),
  redactionsCountAsTicketUpdates: z.boolean().optional(),
  modifyClosedTickets: z.boolean().optional(),
  reverseJobResults: z.boolean().optional(),
});

export const inspectionRoutes: Route[] = [
  route("GET", "/__sim/accounts", (ctx) => ({ accounts: ctx.sim.describe() })),

  route("GET", "/__sim/counts", (ctx) => {
    const account = target(ctx);
    let archived = 0;
    let closed = 0;
    for (const t of account.tickets.values()) {
      if (t.status === "closed") closed += 1;
      if (account.isArchived(t)) archived += 1;
    }
    const deleted = [...account.deletedTickets.values()];
    const users = [...account.users.values()];
    return {
      account: account.subdomain,
      tickets: account.tickets.size,
      closed_tickets: closed,
      archived_tickets: archived,
      soft_deleted_tickets: deleted.filter((d) => d.scrubbed_at === null).length,
      scrubbed_tickets: deleted.filter((d) => d.scrubbed_at !== null).length,
      users: users.filter((u) => u.deleted_at === null).length,
      soft_deleted_users: users.filter((u) => u.deleted_at !== null && u.permanently_deleted_at === null)
        .length,
      permanently_deleted_users: users.filter((u) => u.permanently_deleted_at !== null).length,
      organizations: account.organizations.size,
      jobs: account.jobs.size,
      inflight_jobs: inflightJobs(account).length,
    };
  }),

  route("GET", "/__sim/tickets/:id", (ctx) => {
    const account = target(ctx);
    const id = Number(ctx.params["id"]);
    const live = account.tickets.get(id);
    const deleted = account.deletedTickets.get(id);
    const ticket = live ?? deleted?.ticket;
    if (!ticket) throw notFound();
    return {
      ticket,
      comments: account.comments(ticket),
      audits: account.audits.get(id) ?? [],
      archived: account.isArchived(ticket),
      state: live ? "live" : deleted?.scrubbed_at ? "scrubbed" : "soft_deleted",
    };
  }),

  route("GET", "/__sim/users/:id", (ctx) => {
    const account = target(ctx);
    const id = Number(ctx.params["id"]);
    const user = account.users.get(id);
    if (!user) throw notFound();
    return { user, identities: account.identities.get(id) ?? [] };
  }),

  route("GET", "/__sim/jobs", (ctx) => ({
    jobs: [...target(ctx).jobs.values()].map((j) => serializeJob(j, ctx.baseUrl)),
  })),

  route("GET", "/__sim/requests", (ctx) => {
    const account = ctx.query["account"];
    const limit = Number(ctx.query["limit"] ?? 100);
    return {
      counts: ctx.sim.log.counts(account),
      writes: ctx.sim.log.writes(account),
      recent: ctx.sim.log.recent(limit).filter((r) => !account || r.account === account),
    };
  }),

  route("DELETE", "/__sim/requests", (ctx) => {
    ctx.sim.log.clear();
    return { ok: true };
  }),

  route("POST", "/__sim/reset", (ctx) => {
    ctx.sim.reset();
    return { ok: true, accounts: ctx.sim.describe() };
  }),

  route("GET", "/__sim/clock", (ctx) => ({
    now: isoTime(ctx.sim.clock.now()),
    epoch_ms: ctx.sim.clock.now(),
  })),

  route("POST", "/__sim/clock", (ctx) => {
    const body = parseBody(clockBody, ctx.body);
    if (body.advance !== undefined) ctx.sim.clock.advance(duration(body.advance));
    if (body.set !== undefined) ctx.sim.clock.set(Date.parse(body.set));
    return { now: isoTime(ctx.sim.clock.now()), epoch_ms: ctx.sim.clock.now() };
  }),

  route("GET", "/__sim/faults", (ctx) => ({ faults: target(ctx).faults })),

  route("PUT", "/__sim/faults", (ctx) => {
    const account = target(ctx);
    const { rateLimitStorm, ...rest } = parseBody(faultsBody, ctx.body);
    Object.assign(account.faults, rest);
    if (rateLimitStorm !== undefined)
      account.faults.rateLimitStormUntil = ctx.sim.clock.now() + duration(rateLimitStorm);
    return { faults: account.faults };
  }),

  route("GET", "/__sim/settings", (ctx) => ({ settings: target(ctx).settings })),

  route("PUT", "/__sim/settings", (ctx) => {
    const account = target(ctx);
    Object.assign(account.settings, parseBody(settingsBody, ctx.body));
    return { settings: account.settings };
  }),
];

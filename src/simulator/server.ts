import type { IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Account } from "./account.js";
import { authenticate } from "./auth.js";
import { accountRateLimited, invalidEndpoint, ZendeskError } from "./errors.js";
import { advanceJobs } from "./jobs.js";
import { expireDeleted } from "./lifecycle.js";
import { RawBody, type Route, type RouteContext } from "./route.js";
import { apiRoutes } from "./routes/index.js";
import { inspectionRoutes } from "./routes/inspect.js";
import type { Simulator } from "./simulator.js";

export type SimulatorServer = FastifyInstance;

interface Target {
  subdomain: string | null;
  /** The account prefix the client used (`/accounts/x`), kept in generated URLs. */
  prefix: string;
}

const targets = new WeakMap<IncomingMessage, Target>();
const ACCOUNT_PREFIX = /^\/accounts\/([a-z0-9][a-z0-9-]*)(?=\/|$)/;

/**
 * Maps a request to an account (by `/accounts/{subdomain}` prefix or by a `{subdomain}.` host)
 * and drops Zendesk's optional `.json` suffix, so that routes are written once.
 */
function rewriteUrl(this: FastifyInstance, req: IncomingMessage): string {
  let url = req.url ?? "/";
  let target: Target = { subdomain: null, prefix: "" };
  const prefixed = ACCOUNT_PREFIX.exec(url);
  if (prefixed) {
    target = { subdomain: prefixed[1]!, prefix: prefixed[0] };
    url = url.slice(prefixed[0].length) || "/";
  } else {
    const host = req.headers.host?.split(":")[0] ?? "";
    const label = host.includes(".") && !/^[\d.]+$/.test(host) ? host.split(".")[0]! : null;
    target = { subdomain: label, prefix: "" };
  }
  targets.set(req, target);
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const rest = q === -1 ? "" : url.slice(q);
  return path.replace(/\.json$/, "") + rest;
}

export function buildServer(sim: Simulator, options: { maxBodyBytes: number }): SimulatorServer {
  const app = Fastify({
    logger: false,
    bodyLimit: options.maxBodyBytes,
    rewriteUrl,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2000 },
  });

  // Zendesk tolerates an empty body with a JSON content type (DELETE, PUT .../restore).
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      // Unconfirmed body shape (ZENDESK_API.md 13); the status is what clients act on.
      done(
        new ZendeskError(400, {
          error: { title: "Invalid JSON", message: "The request body is not valid JSON." },
        }),
        undefined,
      );
    }
  });
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) =>
    done(null, String(body) || undefined),
  );

  app.setNotFoundHandler((request, reply) => {
    logRequest(sim, request, "(unknown)", render(reply, invalidEndpoint()));
  });

  app.setErrorHandler((error, request, reply) => {
    const status = render(reply, toZendeskError(error));
    logRequest(sim, request, request.routeOptions.url ?? "(unknown)", status);
  });

  for (const r of apiRoutes) {
    app.route({ method: r.method, url: r.path, handler: (req, reply) => handleApi(sim, r, req, reply) });
  }
  for (const r of inspectionRoutes) {
    app.route({
      method: r.method,
      url: r.path,
      handler: (req, reply) => handleInspection(sim, r, req, reply),
    });
  }
  return app;
}

function toZendeskError(error: unknown): ZendeskError {
  if (error instanceof ZendeskError) return error;
  const e = error as { statusCode?: number; code?: string };
  if (e.statusCode === 413 || e.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return new ZendeskError(413, {
      error: "RequestEntityTooLarge",
      description: "Request body is too large",
    });
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new ZendeskError(e.statusCode, {
      error: "BadRequest",
      description: "The request could not be read.",
    });
  }
  return new ZendeskError(500, {
    error: "InternalError",
    description: "Something went wrong in the simulator.",
  });
}

function render(reply: FastifyReply, error: ZendeskError): number {
  void reply.code(error.status).headers(error.headers);
  if (typeof error.body === "string") {
    void reply.type(error.headers["content-type"] ?? "text/plain; charset=utf-8").send(error.body);
  } else {
    void reply.type("application/json; charset=utf-8").send(JSON.stringify(error.body));
  }
  return error.status;
}

function logRequest(sim: Simulator, request: FastifyRequest, route: string, status: number): void {
  const target = targets.get(request.raw);
  sim.log.record({
    at: sim.clock.now(),
    account:
      target?.subdomain && sim.accounts.has(target.subdomain) ? target.subdomain : sim.defaultSubdomain,
    method: request.method,
    route,
    status,
    durationMs: Math.round(performance.now() - (startTimes.get(request.raw) ?? performance.now())),
  });
}

const startTimes = new WeakMap<IncomingMessage, number>();

function resolveAccount(
  sim: Simulator,
  request: FastifyRequest,
): { account: Account; baseUrl: string } | null {
  const target = targets.get(request.raw);
  const host = request.headers.host ?? "localhost";
  const origin = `${request.protocol}://${host}`;
  if (target?.prefix) {
    const account = sim.account(target.subdomain!);
    return account ? { account, baseUrl: origin + target.prefix } : null;
  }
  const byHost = target?.subdomain ? sim.account(target.subdomain) : undefined;
  const account = byHost ?? sim.account(sim.defaultSubdomain)!;
  return { account, baseUrl: origin };
}

/** What a handler sees of a request; shared by API and inspection routes. */
function requestContext(
  sim: Simulator,
  account: Account,
  baseUrl: string,
  request: FastifyRequest,
  caller: { user: RouteContext["user"]; scopes: string[] | null },
  now: number,
): RouteContext {
  const query: Record<string, string | undefined> = {};
  const queryValues: Record<string, string[]> = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    queryValues[key] = values;
    query[key] = values.at(-1);
  }
  return {
    sim,
    account,
    user: caller.user,
    scopes: caller.scopes,
    now,
    params: (request.params ?? {}) as Record<string, string>,
    query,
    queryValues,
    body: request.body,
    baseUrl,
    path: request.url.split("?")[0] ?? "/",
    headers: {},
  };
}

async function handleApi(
  sim: Simulator,
  route: Route,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  startTimes.set(request.raw, performance.now());
  const resolved = resolveAccount(sim, request);
  if (!resolved) {
    render(reply, invalidEndpoint());
    return;
  }
  const { account, baseUrl } = resolved;
  let status = 500;
  try {
    const faults = account.faults;
    if (faults.dropRate > 0 && sim.faultRandom() < faults.dropRate) {
      request.raw.socket.destroy();
      status = 0;
      return;
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const now = sim.clock.now();
    if (now < faults.rateLimitStormUntil) throw accountRateLimited(faults.rateLimitStormRetryAfterSeconds);
    if (faults.errorRate > 0 && sim.faultRandom() < faults.errorRate) {
      throw new ZendeskError(503, {
        error: "unavailable",
        description: "Sorry, we could not complete your request. Please try again in a moment.",
      });
    }

    advanceJobs(account);
    expireDeleted(account);
    const caller = authenticate(account, request.headers.authorization, request.method);
    const ctx = requestContext(sim, account, baseUrl, request, caller, now);
    const charges = route.buckets?.(ctx) ?? [];
    const decision = sim.limiter(account).take(charges, now);
    void reply.headers(decision.headers);
    if (!decision.allowed) {
      const exceeded = decision.exceeded!;
      if (exceeded.bucket === "account") throw accountRateLimited(decision.retryAfterSeconds);
      const headers: Record<string, string> =
        exceeded.sendsRetryAfter === false ? {} : { "retry-after": String(decision.retryAfterSeconds) };
      throw new ZendeskError(
        429,
        exceeded.exceededBody ?? "Number of allowed API requests per minute exceeded",
        headers,
      );
    }

    const result = await route.handler(ctx);
    status = ctx.status ?? (result === undefined ? 204 : 200);
    if (losesResponse(sim, account, route)) {
      // The change is made and counted; only the answer never arrives.
      request.raw.socket.destroy();
      return;
    }
    void reply.code(status).headers(ctx.headers).header("x-zendesk-api-version", "v2");
    if (result === undefined) await reply.send();
    else if (result instanceof RawBody) await reply.type(result.contentType).send(result.body);
    else await reply.type("application/json; charset=utf-8").send(JSON.stringify(result));
  } catch (error) {
    status = render(reply, toZendeskError(error));
    if (status === 500) console.error("simulator: unexpected error in", route.method, route.path, error);
  } finally {
    if (status !== 0) logRequest(sim, request, route.path, status);
  }
}

/** Whether this request's response is lost after it was carried out (fault `lostResponseRate`). */
function losesResponse(sim: Simulator, account: Account, route: Route): boolean {
  const { lostResponseRate, lostResponseRoutes } = account.faults;
  if (lostResponseRate <= 0) return false;
  const named =
    lostResponseRoutes.length === 0 || lostResponseRoutes.includes(`${route.method} ${route.path}`);
  return named && sim.faultRandom() < lostResponseRate;
}

async function handleInspection(
  sim: Simulator,
  route: Route,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const resolved = resolveAccount(sim, request);
  const account = resolved?.account ?? sim.account(sim.defaultSubdomain)!;
  try {
    advanceJobs(account);
    expireDeleted(account);
    // Inspection is unauthenticated; handlers that need a user get the account's first (its admin).
    const admin = { user: account.users.values().next().value!, scopes: null };
    const ctx = requestContext(sim, account, resolved?.baseUrl ?? "", request, admin, sim.clock.now());
    const result = await route.handler(ctx);
    await reply
      .code(ctx.status ?? 200)
      .headers(ctx.headers)
      .type("application/json; charset=utf-8")
      .send(JSON.stringify(result ?? { ok: true }));
  } catch (error) {
    render(reply, toZendeskError(error));
  }
}

import type { AddressInfo } from "node:net";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { Account, type AccountSettings, type Faults } from "./account.js";
import { SimClock } from "./clock.js";
import type { Plan } from "./model.js";
import { accountRequestsPerMinute, bucketScale, RateLimiter } from "./ratelimit.js";
import { RequestLog } from "./request-log.js";
import { type SeedSummary, seedAccount } from "./seed/index.js";
import { buildServer, type SimulatorServer } from "./server.js";

export interface AccountOptions {
  subdomain: string;
  plan?: Plan;
  /** Seeded tickets (default 100). */
  tickets?: number;
  /** Seed of the deterministic data (default: the simulator's seed). */
  seed?: number;
  settings?: Partial<AccountSettings>;
  faults?: Partial<Faults>;
}

export interface SimulatorOptions {
  /** The first account answers at the server's root URL; the others under /accounts/{subdomain}. */
  accounts?: AccountOptions[];
  seed?: number;
  /** Largest request body accepted; larger ones get a 413. */
  maxBodyBytes?: number;
}

export interface AccountInfo {
  subdomain: string;
  url: string;
  plan: Plan;
  /** The account limit in force: the plan's, or the load-test setting requestsPerMinute. */
  requestsPerMinute: number;
  credentials: SeedSummary["credentials"];
}

/** A Zendesk Support API v2 simulator: several accounts, one clock, one HTTP server. */
export class Simulator {
  readonly clock = new SimClock();
  readonly log = new RequestLog();
  readonly accounts = new Map<string, Account>();
  readonly limiters = new Map<string, RateLimiter>();
  readonly seeds = new Map<string, SeedSummary>();
  /** Randomness for fault injection; seeded so runs are repeatable. */
  readonly faultRandom: () => number;
  readonly defaultSubdomain: string;
  private server: SimulatorServer | null = null;
  private origin = "";

  constructor(readonly options: SimulatorOptions = {}) {
    const accounts = options.accounts?.length ? options.accounts : [{ subdomain: "acme" }];
    this.defaultSubdomain = accounts[0]!.subdomain;
    const rng = xoroshiro128plus(options.seed ?? 1);
    this.faultRandom = () => (rng.next() >>> 0) / 0x1_0000_0000;
    this.createAccounts(accounts);
  }

  /** Restores every account to its freshly seeded state and forgets logged requests. */
  reset(): void {
    this.accounts.clear();
    this.limiters.clear();
    this.seeds.clear();
    this.log.clear();
    this.createAccounts(this.options.accounts?.length ? this.options.accounts : [{ subdomain: "acme" }]);
  }

  account(subdomain: string): Account | undefined {
    return this.accounts.get(subdomain);
  }

  limiter(account: Account): RateLimiter {
    let limiter = this.limiters.get(account.subdomain);
    if (!limiter) {
      limiter = new RateLimiter(
        () => accountRequestsPerMinute(account.settings),
        () => bucketScale(account.settings),
      );
      this.limiters.set(account.subdomain, limiter);
    }
    return limiter;
  }

  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    this.server = buildServer(this, { maxBodyBytes: this.options.maxBodyBytes ?? 10 * 1024 * 1024 });
    await this.server.listen({ port, host });
    const address = this.server.server.address() as AddressInfo;
    const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.origin = `http://${shownHost}:${address.port}`;
    return this.origin;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  /** The URL a client uses for an account: the root for the default one. */
  accountUrl(subdomain: string): string {
    return subdomain === this.defaultSubdomain ? this.origin : `${this.origin}/accounts/${subdomain}`;
  }

  /** The accounts with their URLs and seeded credentials, for printing and for tests. */
  describe(): AccountInfo[] {
    return [...this.accounts.values()].map((account) => ({
      subdomain: account.subdomain,
      url: this.accountUrl(account.subdomain),
      plan: account.settings.plan,
      requestsPerMinute: accountRequestsPerMinute(account.settings),
      credentials: this.seeds.get(account.subdomain)!.credentials,
    }));
  }

  private createAccounts(specs: AccountOptions[]): void {
    for (const spec of specs) {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(spec.subdomain)) {
        throw new Error(
          `account subdomain "${spec.subdomain}" is invalid: use lowercase letters, digits and dashes`,
        );
      }
      if (this.accounts.has(spec.subdomain)) throw new Error(`account "${spec.subdomain}" is defined twice`);
      const account = new Account(spec.subdomain, this.clock, {
        ...spec.settings,
        plan: spec.plan ?? spec.settings?.plan ?? "enterprise",
      });
      Object.assign(account.faults, spec.faults);
      this.accounts.set(spec.subdomain, account);
      this.seeds.set(
        spec.subdomain,
        seedAccount(account, { seed: spec.seed ?? this.options.seed ?? 1, tickets: spec.tickets ?? 100 }),
      );
    }
  }
}

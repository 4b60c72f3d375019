export interface LoggedRequest {
  at: number;
  account: string;
  method: string;
  /** The route template (e.g. `/api/v2/tickets/:id`), never the concrete path or query. */
  route: string;
  status: number;
  durationMs: number;
}

/** What the simulator answered, kept for tests (`/__sim/requests`): a bounded list plus totals. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private readonly totals = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
    const key = `${entry.account} ${entry.method} ${entry.route} ${entry.status}`;
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
  }

  recent(limit = this.capacity): LoggedRequest[] {
    return this.entries.slice(-limit);
  }

  /** Counts per account, method, route and status. */
  counts(
    account?: string,
  ): { account: string; method: string; route: string; status: number; count: number }[] {
    const rows = [];
    for (const [key, count] of this.totals) {
      const [acct = "", method = "", route = "", status = "0"] = key.split(" ");
      if (account && acct !== account) continue;
      rows.push({ account: acct, method, route, status: Number(status), count });
    }
    return rows.sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
  }

  /** Requests that could have changed data: every method but GET. */
  writes(account?: string): number {
    return this.counts(account)
      .filter((r) => r.method !== "GET")
      .reduce((sum, r) => sum + r.count, 0);
  }

  clear(): void {
    this.entries = [];
    this.totals.clear();
  }
}

import type { SimClock } from "./clock.js";
import { DAY } from "./clock.js";
import type {
  Audit,
  Brand,
  CommentRecord,
  DeletedTicket,
  Group,
  Identity,
  JobRecord,
  Organization,
  Plan,
  Ticket,
  TicketField,
  User,
} from "./model.js";

/** Behaviour that differs between Zendesk accounts or that ZENDESK_API.md marks unconfirmed. */
export interface AccountSettings {
  plan: Plan;
  /**
   * Load tests only: the account's requests a minute instead of the plan's. Account-wide endpoint
   * buckets (ticket updates, search, deletes...) scale by the same factor, so that a test can run a
   * sweep in real time at, say, 60,000 a minute; per-ticket and per-user buckets keep Zendesk's
   * limits, as they protect one record. null: the plan's limits, as Zendesk has them.
   */
  requestsPerMinute: number | null;
  /** Closed tickets are archived this long after closing (120 days; 3 days in sandboxes). */
  archiveAfterMs: number;
  /** Soft-deleted tickets and users are scrubbed automatically after this long. */
  autoScrubAfterMs: number;
  /** Changes become visible to search only after this long (Zendesk: up to a few minutes). */
  searchIndexLagMs: number;
  /** Sandboxes have lower endpoint limits (ticket updates 20 a minute). */
  sandbox: boolean;
  /** Delay before a queued job starts working, and its processing speed. */
  jobStartDelayMs: number;
  jobMsPerItem: number;
  /** Whether the per-ticket "30 updates / 10 min" bucket counts comment redactions (unconfirmed). */
  redactionsCountAsTicketUpdates: boolean;
  /** The "Modify closed tickets" admin setting: lets admins change tags, subject, priority of closed tickets. */
  modifyClosedTickets: boolean;
  /**
   * Zendesk does not guarantee the order of a job's results (ZENDESK_API.md 7, secondary source);
   * when set, completed jobs list them in reverse, so clients must match results by `id`/`index`.
   */
  reverseJobResults: boolean;
}

export const DEFAULT_SETTINGS: AccountSettings = {
  plan: "enterprise",
  requestsPerMinute: null,
  archiveAfterMs: 120 * DAY,
  autoScrubAfterMs: 30 * DAY,
  searchIndexLagMs: 0,
  sandbox: false,
  jobStartDelayMs: 0,
  jobMsPerItem: 0,
  redactionsCountAsTicketUpdates: true,
  modifyClosedTickets: false,
  reverseJobResults: false,
};

/** Faults injected per account, at start or at run time through /__sim. */
export interface Faults {
  /** Added to every API response. */
  latencyMs: number;
  /** Share (0..1) of API requests answered with a 5xx. */
  errorRate: number;
  /** Share (0..1) of API requests whose connection is dropped without a response. */
  dropRate: number;
  /**
   * Share (0..1) of API requests that are carried out and whose response is then lost (the
   * connection drops before the answer), so a client cannot tell whether its change happened.
   */
  lostResponseRate: number;
  /**
   * Routes `lostResponseRate` applies to, as "METHOD /route/template" like the request log names
   * them (e.g. "POST /api/v2/imports/tickets"); empty: every route.
   */
  lostResponseRoutes: string[];
  /** Until this clock time every API request gets a 429 with the given Retry-After. */
  rateLimitStormUntil: number;
  rateLimitStormRetryAfterSeconds: number;
  /** Extra delay before every job starts. */
  jobDelayMs: number;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  errorRate: 0,
  dropRate: 0,
  lostResponseRate: 0,
  lostResponseRoutes: [],
  rateLimitStormUntil: 0,
  rateLimitStormRetryAfterSeconds: 10,
  jobDelayMs: 0,
};

export interface OAuthToken {
  token: string;
  user_id: number;
  scopes: string[];
  expires_at: number | null;
}

/** Supplies the comments of seeded tickets on demand, so that large seeds stay small in memory. */
export type CommentSource = (ticket: Ticket) => CommentRecord[];

/** One Zendesk account (subdomain): its records, credentials, settings and faults. */
export class Account {
  readonly tickets = new Map<number, Ticket>();
  readonly deletedTickets = new Map<number, DeletedTicket>();
  readonly users = new Map<number, User>();
  readonly identities = new Map<number, Identity[]>();
  /** Users soft-deleted and not yet scrubbed, so expiry does not scan every user. */
  readonly softDeletedUsers = new Set<number>();
  readonly organizations = new Map<number, Organization>();
  readonly brands = new Map<number, Brand>();
  readonly groups = new Map<number, Group>();
  readonly ticketFields = new Map<number, TicketField>();
  readonly audits = new Map<number, Audit[]>();
  readonly jobs = new Map<string, JobRecord>();
  /** API tokens of the account; a token works for any agent or admin email. */
  readonly apiTokens = new Set<string>();
  readonly oauthTokens = new Map<string, OAuthToken>();
  settings: AccountSettings;
  faults: Faults = { ...NO_FAULTS };

  /**
   * What search still sees of recently changed tickets during the index lag: the ticket as it was
   * before the change (null: created too recently to be found), and when the change becomes visible.
   */
  readonly searchLag = new Map<number, { before: Ticket | null; visibleAt: number }>();

  /** Comments stored explicitly: imported, added or changed. Seeded tickets without an entry use commentSource. */
  private readonly storedComments = new Map<number, CommentRecord[]>();
  private commentSource: CommentSource | null = null;
  private nextIds = new Map<string, number>();

  constructor(
    readonly subdomain: string,
    readonly clock: SimClock,
    settings: Partial<AccountSettings> = {},
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
  }

  /** Ids are unique per kind and increase, as Zendesk's do. */
  nextId(
    kind: "ticket" | "user" | "comment" | "audit" | "attachment" | "identity" | "organization" | "other",
  ): number {
    const next = this.nextIds.get(kind) ?? 1;
    this.nextIds.set(kind, next + 1);
    return next;
  }

  /** Moves an id sequence past ids assigned by the seed. */
  reserveIds(kind: Parameters<Account["nextId"]>[0], upTo: number): void {
    if ((this.nextIds.get(kind) ?? 1) <= upTo) this.nextIds.set(kind, upTo + 1);
  }

  useCommentSource(source: CommentSource): void {
    this.commentSource = source;
  }

  /** The comments of a ticket (live or soft-deleted), oldest first. Callers must not mutate the array. */
  comments(ticket: Ticket): readonly CommentRecord[] {
    return this.storedComments.get(ticket.id) ?? this.commentSource?.(ticket) ?? [];
  }

  /** Stores a ticket's comments; called whenever a comment is added or changed. */
  setComments(ticketId: number, comments: CommentRecord[]): void {
    this.storedComments.set(ticketId, comments);
  }

  /** Permanent deletion removes every comment, inline image and attachment. */
  dropComments(ticketId: number): void {
    this.storedComments.set(ticketId, []);
  }

  /**
   * Every change to a ticket goes through here: it keeps the pre-change view for search during the
   * index lag and bumps `generated_timestamp` (and `updated_at`, unless the change is a system one).
   * Call it with the ticket before changing it; `created` for a ticket that did not exist before.
   */
  changingTicket(ticket: Ticket, options: { created?: boolean; system?: boolean } = {}): void {
    const now = this.clock.now();
    if (this.settings.searchIndexLagMs > 0) {
      const pending = this.searchLag.get(ticket.id);
      const before =
        pending && pending.visibleAt > now
          ? pending.before
          : options.created
            ? null
            : structuredClone(ticket);
      this.searchLag.set(ticket.id, { before, visibleAt: now + this.settings.searchIndexLagMs });
    }
    if (!options.system) ticket.updated_at = Math.max(now, ticket.updated_at);
    ticket.generated_timestamp = Math.max(Math.floor(now / 1000), ticket.generated_timestamp + 1);
    ticket.version += 1;
  }

  /** The ticket as search sees it now (index lag), or null when search cannot find it yet. */
  searchView(ticket: Ticket): Ticket | null {
    const pending = this.searchLag.get(ticket.id);
    if (!pending) return ticket;
    if (pending.visibleAt <= this.clock.now()) {
      this.searchLag.delete(ticket.id);
      return ticket;
    }
    return pending.before;
  }

  isArchived(ticket: Ticket): boolean {
    if (ticket.status !== "closed") return false;
    if (ticket.archive_immediately) return true;
    const closedAt = ticket.closed_at ?? ticket.updated_at;
    return this.clock.now() - closedAt >= this.settings.archiveAfterMs;
  }

  /** Soft-deleted users are not active; permanently deleted ones keep only their skeleton. */
  activeUser(id: number): User | undefined {
    const user = this.users.get(id);
    return user && user.deleted_at === null ? user : undefined;
  }

  addAudit(audit: Audit): void {
    const list = this.audits.get(audit.ticket_id);
    if (list) list.push(audit);
    else this.audits.set(audit.ticket_id, [audit]);
  }

  findUserByEmail(email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) {
      if (user.email?.toLowerCase() === wanted && user.deleted_at === null) return user;
    }
    return undefined;
  }
}

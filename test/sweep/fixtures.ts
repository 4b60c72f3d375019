// Test fixtures for the sweep: a Hush client on virtual time against an in-process simulator, and
// customers and tickets with known personal data, created through the simulator's API.

import { afterAll, beforeAll } from "vitest";
import {
  DEFAULT_MARKER_TAG,
  type TicketRedactionSpec,
  type UserAnonymizationSpec,
} from "../../src/redaction/spec.js";
import type { AttachmentRecord } from "../../src/simulator/model.js";
import type { SweepContext } from "../../src/sweep/context.js";
import {
  type RequestLogger,
  ZendeskClient,
  type ZendeskRequest,
  type ZendeskResponse,
} from "../../src/zendesk/index.js";
import type { SimHandle } from "../support/sim.js";
import { type VirtualClock, virtualTime } from "../support/virtual-clock.js";

export const ADMIN_ID = 1;
export const AGENT_ID = 2;

export interface Customer {
  name: string;
  email: string;
  phone: string;
}

export const INGRID: Customer = {
  name: "Ingrid Bergström",
  email: "ingrid.bergstrom@example.net",
  phone: "+4520123456",
};

export const CARD = "4111 1111 1111 1111";

/** Every piece of Ingrid's data a redacted ticket must no longer contain, in the forms she wrote them. */
export const INGRID_TRACES = ["Ingrid", "Bergström", "ingrid.bergstrom@example.net", "20 12 34 56", CARD];

export function ticketSpec(overrides: Partial<TicketRedactionSpec> = {}): TicketRedactionSpec {
  return {
    fields: ["subject", "comments", "customFields", "tags", "attachments", "via"],
    comments: { visibility: "all" },
    attachments: "redact",
    masking: { mode: "Detected", replacement: { kind: "blocks" } },
    detection: { detectors: ["email", "phone", "paymentCard", "knownIdentifiers"], region: "DK" },
    closedTickets: "InPlace",
    markerTag: DEFAULT_MARKER_TAG,
    ...overrides,
  };
}

export function userSpec(overrides: Partial<UserAnonymizationSpec> = {}): UserAnonymizationSpec {
  return {
    masking: { mode: "Full", replacement: { kind: "blocks" } },
    emailDomain: "anonymized.invalid",
    phones: "remove",
    externalId: "clear",
    pseudonymKey: "test-key-not-secret",
    markerTag: DEFAULT_MARKER_TAG,
    ...overrides,
  };
}

export interface HushOptions {
  /** Percentage of the account limit Hush may use (default 50). */
  share?: number;
  maxRetries?: number;
  /** Whose API token Hush uses (default the admin's). */
  as?: "admin" | "agent" | "deleter";
  logger?: RequestLogger;
}

/** A Hush client for the simulator's default account on the simulator's clock. */
export function hushClient(
  sim: SimHandle,
  options: HushOptions = {},
): { client: ZendeskClient; clock: VirtualClock } {
  const time = virtualTime(sim.sim.clock, { share: options.share ?? 50 }, options.logger);
  const user = sim.sim.describe()[0]!.credentials[options.as ?? "admin"];
  const client = new ZendeskClient({
    baseUrl: sim.url,
    credentials: { kind: "apiToken", email: user.email, token: user.token },
    budget: time.budget,
    clock: time.clock,
    logger: time.logger,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  });
  return { client, clock: time.clock };
}

/** One Hush client for a test file: created after the simulator starts, closed at the end. */
export function useHush(
  sim: { current: SimHandle },
  options: HushOptions = {},
): { readonly client: ZendeskClient } {
  const holder = {} as { client: ZendeskClient };
  beforeAll(() => {
    holder.client = hushClient(sim.current, options).client;
  });
  afterAll(async () => {
    await holder.client?.close();
  });
  return holder;
}

export const context = (client: ZendeskClient): SweepContext => ({ client });

/** Thrown by CrashingClient: the process "dies" here. */
export class Crash extends Error {
  constructor(readonly at: string) {
    super(`simulated crash ${at}`);
    this.name = "Crash";
  }
}

/**
 * A client that dies at a chosen request: before sending it, or after its response arrived (the
 * change is made, and nothing after it runs); or that lets something happen before a request.
 * `sent` names every request it was asked to send.
 */
export class CrashingClient extends ZendeskClient {
  readonly sent: string[] = [];
  crash: { request: number; when: "before" | "after" } | null = null;
  /** Runs before each request is sent, e.g. to have an agent change the ticket in between. */
  beforeSend: ((request: string, n: number) => Promise<void>) | null = null;

  override async request<T>(req: ZendeskRequest): Promise<ZendeskResponse<T>> {
    this.sent.push(`${req.method} ${req.route}`);
    const n = this.sent.length;
    await this.beforeSend?.(`${req.method} ${req.route}`, n);
    const crash = this.crash?.request === n ? this.crash.when : null;
    if (crash === "before") throw new Crash(`before ${req.method} ${req.route}`);
    try {
      return await super.request<T>(req);
    } finally {
      // A crash right after the answer arrived loses it, whatever it was.
      // biome-ignore lint/correctness/noUnsafeFinally: the crash replaces the outcome on purpose.
      if (crash === "after") throw new Crash(`after ${req.method} ${req.route}`);
    }
  }
}

export function crashingClient(sim: SimHandle): CrashingClient {
  const time = virtualTime(sim.sim.clock, { share: 50 });
  const admin = sim.sim.describe()[0]!.credentials.admin;
  return new CrashingClient({
    baseUrl: sim.url,
    credentials: { kind: "apiToken", email: admin.email, token: admin.token },
    budget: time.budget,
    clock: time.clock,
    logger: time.logger,
  });
}

let customers = 0;

/** Creates an end user; each call gets its own email and phone, so users never clash. */
export async function createCustomer(
  sim: SimHandle,
  who: Customer = INGRID,
): Promise<Customer & { id: number }> {
  customers += 1;
  const [local, domain] = who.email.split("@") as [string, string];
  const person = {
    name: who.name,
    email: `${local}.${customers}@${domain}`,
    phone: `${who.phone.slice(0, -3)}${String(customers).padStart(3, "0")}`,
  };
  const res = await sim.api("POST", "/api/v2/users", { user: { ...person, verified: true } });
  if (res.status !== 201) throw new Error(`creating a customer failed with ${res.status}`);
  return { ...person, id: res.body.user.id };
}

const DAY = 86_400_000;

function conversation(customer: Customer): { author: "customer" | "agent"; text: string }[] {
  return [
    {
      author: "customer",
      text: `Hello, this is ${customer.name}. My card ${CARD} was charged twice for order 4711. Call me on ${spaced(customer.phone)} or write to ${customer.email}.`,
    },
    { author: "agent", text: `Thanks ${customer.name.split(" ")[0]}, we refunded order 4711 today.` },
    { author: "customer", text: "Great, thank you! Best regards" },
  ];
}

/** "+4520123456" → "+45 20 12 34 56": customers rarely write numbers as they are stored. */
const spaced = (phone: string) => `${phone.slice(0, 3)} ${phone.slice(3).replace(/(\d\d)(?=\d)/g, "$1 ")}`;

export interface TicketOptions {
  /** Days since the ticket was solved; closed tickets older than 120 days are archived. */
  solvedDaysAgo?: number;
  tags?: string[];
}

/** Imports a closed ticket from `customer` with personal data in subject and comments. */
export async function importClosedTicket(
  sim: SimHandle,
  customer: Customer & { id: number },
  options: TicketOptions = {},
): Promise<number> {
  const now = sim.sim.clock.now();
  const solved = now - (options.solvedDaysAgo ?? 10) * DAY;
  const created = solved - 2 * DAY;
  const comments = conversation(customer).map((c, i) => ({
    author_id: c.author === "customer" ? customer.id : AGENT_ID,
    value: c.text,
    public: true,
    created_at: new Date(created + i * 3_600_000).toISOString(),
  }));
  const res = await sim.api("POST", "/api/v2/imports/tickets", {
    ticket: {
      requester_id: customer.id,
      assignee_id: AGENT_ID,
      subject: `Double charge for ${customer.name}`,
      status: "closed",
      priority: "normal",
      tags: options.tags ?? ["billing", "refund"],
      created_at: new Date(created).toISOString(),
      updated_at: new Date(solved).toISOString(),
      solved_at: new Date(solved).toISOString(),
      comments,
    },
  });
  if (res.status !== 201) throw new Error(`importing a ticket failed with ${res.status}`);
  return res.body.ticket.id;
}

/** Creates an open ticket from `customer` with the same conversation (agent replies as updates). */
export async function createOpenTicket(sim: SimHandle, customer: Customer & { id: number }): Promise<number> {
  const [first, ...rest] = conversation(customer);
  const res = await sim.api("POST", "/api/v2/tickets", {
    ticket: {
      requester_id: customer.id,
      subject: `Double charge for ${customer.name}`,
      tags: ["billing"],
      comment: { body: first!.text, author_id: customer.id, public: true },
    },
  });
  if (res.status !== 201) throw new Error(`creating a ticket failed with ${res.status}`);
  const id: number = res.body.ticket.id;
  for (const c of rest) {
    const author_id = c.author === "customer" ? customer.id : AGENT_ID;
    const update = await sim.api("PUT", `/api/v2/tickets/${id}`, {
      ticket: { status: "open", comment: { body: c.text, author_id, public: true } },
    });
    if (update.status !== 200) throw new Error(`adding a comment failed with ${update.status}`);
  }
  return id;
}

/** Gives the first comment of a ticket a file (the import API takes no uploads), in-process. */
export function attachFile(sim: SimHandle, ticketId: number): void {
  const account = sim.sim.account(sim.sim.defaultSubdomain)!;
  const ticket = account.tickets.get(ticketId)!;
  const comments = account.comments(ticket).map((c) => ({ ...c, attachments: [...c.attachments] }));
  const file: AttachmentRecord = {
    id: account.nextId("attachment"),
    file_name: "passport-scan.pdf",
    content_type: "application/pdf",
    content: null,
    size: 48_213,
    inline: false,
    deleted: false,
  };
  comments[0]!.attachments.push(file);
  account.setComments(ticketId, comments);
}

export interface SimTicket {
  ticket: {
    id: number;
    subject: string;
    status: string;
    tags: string[];
    external_id: string | null;
  } & Record<string, unknown>;
  comments: { body: string; html_body: string | null; attachments: AttachmentRecord[] }[];
  archived: boolean;
  state: "live" | "soft_deleted" | "scrubbed";
}

export const simTicket = (sim: SimHandle, id: number): Promise<SimTicket> =>
  sim.inspect("GET", `/__sim/tickets/${id}`);

/** Tickets of the account (live, soft-deleted or scrubbed) whose external_id is `externalId`, in-process. */
export function ticketsWithExternalId(sim: SimHandle, externalId: string): { id: number; state: string }[] {
  const account = sim.sim.account(sim.sim.defaultSubdomain)!;
  const live = [...account.tickets.values()]
    .filter((t) => t.external_id === externalId)
    .map((t) => ({ id: t.id, state: "live" }));
  const deleted = [...account.deletedTickets.values()]
    .filter((d) => d.ticket.external_id === externalId)
    .map((d) => ({ id: d.ticket.id, state: d.scrubbed_at === null ? "soft_deleted" : "scrubbed" }));
  return [...live, ...deleted];
}

/** Every text a simulated ticket shows: subject, comment bodies, attachment names. */
export function textsOf(t: SimTicket): string {
  return [
    t.ticket.subject,
    ...t.comments.flatMap((c) => [c.body, c.html_body ?? "", ...c.attachments.map((a) => a.file_name)]),
  ].join("\n");
}

import { describe, expect, it } from "vitest";
import type { Via } from "../../src/simulator/model.js";
import { redactTicket } from "../../src/sweep/ticket.js";
import { type SimHandle, useSimulator } from "../support/sim.js";
import {
  AGENT_ID,
  attachFile,
  CARD,
  type Customer,
  context,
  createCustomer,
  createOpenTicket,
  simTicket,
  ticketSpec,
  useHush,
} from "./fixtures.js";

// The paths of a ticket redaction that unit tests cover only against plans: comment selection,
// custom fields, tags, attachments on open tickets, via, and what a Replace copy keeps. Each runs
// the real executor against the simulator and checks what the simulator holds afterwards.

const MARKER = "hush-redacted";
const DAY = 86_400_000;
/** Zendesk's timestamps have whole seconds. */
const seconds = (ms: unknown) => Math.floor(Number(ms) / 1000) * 1000;

const accountOf = (sim: SimHandle) => sim.sim.account(sim.sim.defaultSubdomain)!;

/** The id of the seeded ticket field with this title (see src/simulator/seed/catalog.ts). */
function fieldId(sim: SimHandle, title: string): number {
  const field = [...accountOf(sim).ticketFields.values()].find((f) => f.title === title);
  if (!field) throw new Error(`the simulator has no ticket field "${title}"`);
  return field.id;
}

interface NewComment {
  author: number;
  text: string;
  public?: boolean;
}

/** Creates an open ticket with these comments (the first on creation, the others as updates). */
async function openTicket(
  sim: SimHandle,
  requester: { id: number },
  comments: NewComment[],
  attributes: Record<string, unknown> = {},
): Promise<number> {
  const body = (c: NewComment) => ({ body: c.text, author_id: c.author, public: c.public ?? true });
  const [first, ...rest] = comments;
  const res = await sim.api("POST", "/api/v2/tickets", {
    ticket: { requester_id: requester.id, subject: "Order question", ...attributes, comment: body(first!) },
  });
  if (res.status !== 201) throw new Error(`creating a ticket failed with ${res.status}`);
  const id: number = res.body.ticket.id;
  for (const c of rest) {
    const update = await sim.api("PUT", `/api/v2/tickets/${id}`, {
      ticket: { status: "open", comment: body(c) },
    });
    if (update.status !== 200) throw new Error(`adding a comment failed with ${update.status}`);
  }
  if (rest.length === 0) await sim.api("PUT", `/api/v2/tickets/${id}`, { ticket: { status: "open" } });
  return id;
}

const SENDER_IP = "192.0.2.41";
const SENDER_PLACE = "Copenhagen, 84, Denmark";

/** Makes the first comment an email from `sender`, as Zendesk records it (the API cannot set via). */
function sentByEmail(sim: SimHandle, ticketId: number, sender: Customer): void {
  const account = accountOf(sim);
  const ticket = account.tickets.get(ticketId)!;
  const via: Via = {
    channel: "email",
    source: {
      from: { address: sender.email, name: sender.name },
      to: { address: "support@acme.example.com", name: "Acme Support" },
      rel: null,
    },
  };
  const comments = account
    .comments(ticket)
    .map((c, i) =>
      i === 0
        ? { ...c, via, metadata: { system: { ip_address: SENDER_IP, location: SENDER_PLACE }, custom: {} } }
        : c,
    );
  account.setComments(ticketId, comments);
}

type RequestCount = { method: string; route: string; status: number; count: number };

describe("ticket redaction paths against the simulator", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const hush = useHush(s);
  const run = (id: number, spec = ticketSpec()) => redactTicket(context(hush.client), id, spec);
  const requests = async (method: string, route: string): Promise<number> => {
    const log = await s.current.inspect("GET", "/__sim/requests");
    return (log.counts as RequestCount[])
      .filter((c) => c.method === method && c.route === route && c.status < 300)
      .reduce((sum, c) => sum + c.count, 0);
  };
  const writes = async (): Promise<number> => (await s.current.inspect("GET", "/__sim/requests")).writes;

  describe("comment selection on an open ticket", () => {
    it("redacts public comments only and leaves private notes untouched when visibility is public", async () => {
      const ingrid = await createCustomer(s.current);
      const note = `Ingrid called from ${ingrid.phone}, card ${CARD} on file.`;
      const id = await openTicket(s.current, ingrid, [
        { author: ingrid.id, text: `My card ${CARD} was charged twice. Write to ${ingrid.email}.` },
        { author: AGENT_ID, text: note, public: false },
      ]);

      const outcome = await run(id, ticketSpec({ comments: { visibility: "public" } }));

      expect(outcome).toMatchObject({ result: "acted", residual: 0, actions: { RedactComment: 1 } });
      const [publicComment, privateNote] = (await simTicket(s.current, id)).comments;
      expect(publicComment!.body).not.toContain(CARD);
      expect(publicComment!.body).not.toContain(ingrid.email);
      expect(publicComment!.body).toContain("was charged twice");
      expect(privateNote!.body).toBe(note);
    });

    it("redacts end users' comments and leaves agents' comments untouched when authorRoles is end-user", async () => {
      const ingrid = await createCustomer(s.current);
      const id = await createOpenTicket(s.current, ingrid);
      const agentReply = (await simTicket(s.current, id)).comments[1]!.body;
      expect(agentReply).toContain("Ingrid");

      const outcome = await run(
        id,
        ticketSpec({ comments: { visibility: "all", authorRoles: ["end-user"] } }),
      );

      expect(outcome).toMatchObject({ result: "acted", residual: 0, actions: { RedactComment: 1 } });
      const after = await simTicket(s.current, id);
      expect(after.comments[0]!.body).not.toContain(CARD);
      expect(after.comments[0]!.body).not.toContain(ingrid.email);
      expect(after.comments[1]!.body).toBe(agentReply);
    });
  });

  it("masks the custom fields the policy names and keeps the value of a field it does not name", async () => {
    const ingrid = await createCustomer(s.current);
    const phoneField = fieldId(s.current, "Customer phone");
    const orderField = fieldId(s.current, "Order number");
    const id = await openTicket(s.current, ingrid, [{ author: ingrid.id, text: "Where is my order?" }], {
      custom_fields: [
        { id: phoneField, value: `Call ${ingrid.phone}` },
        { id: orderField, value: "ORD-4711" },
      ],
    });

    const outcome = await run(id, ticketSpec({ customFieldIds: [phoneField] }));

    expect(outcome).toMatchObject({
      result: "acted",
      residual: 0,
      actions: { UpdateTicket: 1, AddMarkerTag: 1 },
    });
    expect(outcome.findings.phone).toBeGreaterThan(0);
    const after = await simTicket(s.current, id);
    const fields = after.ticket["custom_fields"] as { id: number; value: unknown }[];
    const phone = fields.find((f) => f.id === phoneField)!.value;
    expect(phone).toMatch(/^Call ▇+$/);
    expect(fields.find((f) => f.id === orderField)!.value).toBe("ORD-4711");
    expect(after.ticket.tags).toContain(MARKER);
  });

  it("removes the tags matching the policy's patterns, keeps the others and adds the marker", async () => {
    const ingrid = await createCustomer(s.current);
    const id = await openTicket(s.current, ingrid, [{ author: ingrid.id, text: "Where is my order?" }], {
      tags: ["billing", "order-4711", "customer_ingrid_bergstrom", "vip"],
    });

    const outcome = await run(id, ticketSpec({ tagPatterns: ["^order-", "^customer_"] }));

    expect(outcome).toMatchObject({ result: "acted", actions: { UpdateTicket: 1, AddMarkerTag: 1 } });
    const tags = (await simTicket(s.current, id)).ticket.tags;
    expect([...tags].sort()).toEqual(["billing", MARKER, "vip"]);
  });

  describe("attachments on an open ticket", () => {
    const legacyRedact = "/api/v2/tickets/:ticket_id/comments/:comment_id/attachments/:attachment_id/redact";
    const commentRedactions = "/api/v2/comment_redactions/:comment_id";

    it("redacts a file through the attachment redact endpoint: it becomes an empty redacted.txt", async () => {
      const id = await createOpenTicket(s.current, await createCustomer(s.current));
      attachFile(s.current, id);
      await s.current.inspect("DELETE", "/__sim/requests");

      const outcome = await run(id, ticketSpec({ attachments: "redact" }));

      expect(outcome).toMatchObject({ result: "acted", residual: 0, actions: { RedactAttachment: 1 } });
      expect(await requests("PUT", legacyRedact)).toBe(1);
      const after = await simTicket(s.current, id);
      expect(after.comments[0]!.attachments).toEqual([
        expect.objectContaining({ file_name: "redacted.txt", size: 0, content: "" }),
      ]);
      expect(after.ticket.tags).toContain(MARKER);
    });

    it("removes a file through comment_redactions with its content_url, not the attachment endpoint", async () => {
      const id = await createOpenTicket(s.current, await createCustomer(s.current));
      attachFile(s.current, id);
      const fileId = (await simTicket(s.current, id)).comments[0]!.attachments[0]!.id;
      await s.current.inspect("DELETE", "/__sim/requests");

      const outcome = await run(id, ticketSpec({ attachments: "remove" }));

      expect(outcome).toMatchObject({ result: "acted", residual: 0 });
      expect(outcome.actions.RedactAttachment).toBeUndefined();
      expect(await requests("PUT", legacyRedact)).toBe(0);
      expect(await requests("PUT", commentRedactions)).toBe(2);
      const after = await simTicket(s.current, id);
      // What Zendesk leaves of a file removed through comment_redactions (ZENDESK_API.md 6.2).
      expect(after.comments[0]!.attachments).toEqual([
        expect.objectContaining({ id: fileId, file_name: "redacted.txt", size: 0 }),
      ]);
      const events = (after as unknown as { audits: { events: { type: string }[] }[] }).audits.flatMap(
        (a) => a.events,
      );
      expect(events).toContainEqual(
        expect.objectContaining({ type: "AttachmentRedactionEvent", attachment_id: fileId }),
      );
    });

    it("removes files when the policy names attachments but not comments", async () => {
      const id = await createOpenTicket(s.current, await createCustomer(s.current));
      attachFile(s.current, id);
      const textBefore = (await simTicket(s.current, id)).comments[0]!.body;

      const outcome = await run(id, ticketSpec({ fields: ["attachments"], attachments: "remove" }));

      expect(outcome).toMatchObject({ result: "acted", residual: 0 });
      const comment = (await simTicket(s.current, id)).comments[0]!;
      expect(comment.attachments.map((f) => f.file_name)).toEqual(["redacted.txt"]);
      // The text is not among the fields, so it stays as it was.
      expect(comment.body).toBe(textBefore);
    });
  });

  describe("via and metadata", () => {
    const secrets = (who: Customer) => [who.email, ...who.name.split(" "), SENDER_IP, SENDER_PLACE];

    it("reports a sender address in via as unchangeable while redacting the rest, without personal data", async () => {
      const ingrid = await createCustomer(s.current);
      const id = await createOpenTicket(s.current, ingrid);
      sentByEmail(s.current, id, ingrid);

      const outcome = await run(id);

      expect(outcome).toMatchObject({ result: "acted", residual: 0 });
      expect(outcome.unchangeable).toEqual([{ field: "via", reason: expect.stringMatching(/via/) }]);
      const serialized = JSON.stringify(outcome);
      for (const secret of secrets(ingrid)) expect(serialized).not.toContain(secret);
      // Nothing pretends otherwise: the sender stays where Zendesk keeps it.
      const comment = (await simTicket(s.current, id)).comments[0] as unknown as { via: Via };
      expect(comment.via.source.from["address"]).toBe(ingrid.email);

      const again = await run(id);

      expect(again).toMatchObject({ result: "skipped", reason: "OnlyUnchangeableLeft", actions: {} });
      expect(again.unchangeable.map((u) => u.field)).toEqual(["via"]);
    });

    it("reports via as unchangeable when only its via holds personal data, and marks the ticket", async () => {
      const ingrid = await createCustomer(s.current);
      const id = await openTicket(s.current, ingrid, [{ author: ingrid.id, text: "Where is my parcel?" }]);
      sentByEmail(s.current, id, ingrid);
      await s.current.inspect("DELETE", "/__sim/requests");

      const outcome = await run(id);

      expect(outcome).toMatchObject({ result: "acted", actions: { AddMarkerTag: 1 } });
      expect(outcome.unchangeable.map((u) => u.field)).toEqual(["via"]);
      const serialized = JSON.stringify(outcome);
      for (const secret of secrets(ingrid)) expect(serialized).not.toContain(secret);
      expect(await writes()).toBe(1);
    });
  });

  it("imports a Replace copy that keeps the original's statistics and non-personal fields", async () => {
    const ingrid = await createCustomer(s.current);
    const account = accountOf(s.current);
    const brandId = [...account.brands.keys()][1]!; // not the default brand, so keeping it shows
    const groupId = [...account.groups.values()].find((g) => g.name === "Returns & Refunds")!.id;
    const organizationId = [...account.organizations.keys()][0]!;
    const phoneField = fieldId(s.current, "Customer phone");
    const orderField = fieldId(s.current, "Order number");
    const amountField = fieldId(s.current, "Refund amount");
    const solved = s.current.sim.clock.now() - 10 * DAY;
    const created = solved - 2 * DAY;
    const res = await s.current.api("POST", "/api/v2/imports/tickets", {
      ticket: {
        requester_id: ingrid.id,
        assignee_id: AGENT_ID,
        subject: `Refund for ${ingrid.name}`,
        status: "closed",
        priority: "high",
        type: "incident",
        group_id: groupId,
        brand_id: brandId,
        ticket_form_id: 360_000_123,
        organization_id: organizationId,
        tags: ["refund", "warranty"],
        custom_fields: [
          { id: phoneField, value: ingrid.phone },
          { id: orderField, value: "ORD-4711" },
          { id: amountField, value: "129.95" },
        ],
        created_at: new Date(created).toISOString(),
        updated_at: new Date(solved).toISOString(),
        solved_at: new Date(solved).toISOString(),
        comments: [
          { author_id: ingrid.id, value: `Please refund card ${CARD}.`, public: true },
          { author_id: AGENT_ID, value: "Refunded order 4711.", public: true },
        ],
      },
    });
    expect(res.status).toBe(201);
    const id: number = res.body.ticket.id;
    const original = await simTicket(s.current, id);

    const outcome = await redactTicket(
      context(hush.client),
      id,
      ticketSpec({ closedTickets: "Replace", customFieldIds: [phoneField] }),
    );

    expect(outcome).toMatchObject({
      result: "acted",
      residual: 0,
      actions: { ImportCopy: 1, DeleteOriginal: 1 },
    });
    const copy = await simTicket(s.current, outcome.copyId!);
    expect(copy.ticket).toMatchObject({
      status: "closed",
      group_id: groupId,
      brand_id: brandId,
      ticket_form_id: 360_000_123,
      organization_id: organizationId,
      priority: "high",
      type: "incident",
      created_at: seconds(original.ticket.created_at),
    });
    expect(copy.ticket.tags).toEqual(expect.arrayContaining(["refund", "warranty", MARKER]));
    const fields = copy.ticket["custom_fields"] as { id: number; value: unknown }[];
    expect(fields).toEqual(
      expect.arrayContaining([
        { id: orderField, value: "ORD-4711" },
        { id: amountField, value: "129.95" },
      ]),
    );
    const phone = fields.find((f) => f.id === phoneField)?.value;
    expect(phone).toMatch(/^▇+$/);
    expect(copy.ticket.subject).not.toContain("Bergström");
  });
});

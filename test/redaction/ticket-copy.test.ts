import { describe, expect, it } from "vitest";
import { isPseudonym } from "../../src/redaction/pseudonym.js";
import {
  originalIdOfCopy,
  planTicketCopy,
  replacementExternalId,
  type TicketCopyInput,
} from "../../src/redaction/ticket-copy.js";
import type { Account } from "../../src/simulator/account.js";
import { addUser } from "../../src/simulator/factory.js";
import { useSimulator } from "../support/sim.js";
import {
  AGENT,
  attachment,
  comment,
  known,
  noAuthors,
  REQUESTER,
  spec,
  ticket,
} from "./ticket-plan.fixtures.js";

const M = "\u2587";
const closedTicket = ticket({
  status: "closed",
  subject: "Refund for anna@example.com",
  tags: ["refund", "customer_anna"],
  custom_fields: [
    { id: 1, value: "anna@example.com" },
    { id: 2, value: "gold" },
  ],
  satisfaction_rating: { score: "good" },
});
const copyOf = (input: Partial<TicketCopyInput> = {}) =>
  planTicketCopy({
    ticket: closedTicket,
    comments: [
      comment(11, "I am Anna Berg, anna@example.com, order 4411", { created_at: "2024-01-02T10:00:00Z" }),
      comment(12, "Order 4411 refunded to anna@example.com", {
        author_id: AGENT,
        public: false,
        created_at: "2024-01-03T09:30:00Z",
        attachments: [attachment(500), attachment(501, { inline: true })],
      }),
    ],
    authors: noAuthors,
    known,
    spec: spec({ closedTickets: "Replace", customFieldIds: [1], tagPatterns: ["^customer_"] }),
    ...input,
  });

describe("planTicketCopy", () => {
  it("keeps the original's statistics: status, times, people, group, brand, form and other fields", () => {
    const { ticket: copy } = copyOf();
    expect(copy).toMatchObject({
      status: "closed",
      priority: "normal",
      type: "question",
      requester_id: REQUESTER,
      submitter_id: REQUESTER,
      assignee_id: AGENT,
      group_id: 5,
      organization_id: 7,
      brand_id: 3,
      ticket_form_id: 2,
      created_at: "2024-01-02T10:00:00Z",
      updated_at: "2024-01-05T10:00:00Z",
      solved_at: "2024-01-04T10:00:00Z",
    });
    expect(copy.custom_fields).toEqual([
      { id: 1, value: M.repeat(16) },
      { id: 2, value: "gold" },
    ]);
  });

  it("leaves solved_at out when the ticket JSON does not carry it, as the import refuses a null time", () => {
    const { solved_at: _, ...withoutSolvedAt } = closedTicket;
    for (const original of [withoutSolvedAt, { ...closedTicket, solved_at: null }]) {
      const { ticket: copy } = copyOf({ ticket: original });
      expect(copy).not.toHaveProperty("solved_at");
      expect(copy.updated_at).toBe("2024-01-05T10:00:00Z");
    }
  });

  it("carries the marker tag and the tags that do not match the policy's patterns", () => {
    expect(copyOf().ticket.tags).toEqual(["refund", "hush-redacted"]);
  });

  it("keeps each comment's author, visibility and time, with its text masked", () => {
    const { ticket: copy } = copyOf();
    expect(copy.subject).toBe(`Refund for ${M.repeat(16)}`);
    expect(copy.comments.map(({ value: _, ...kept }) => kept)).toEqual([
      { author_id: REQUESTER, public: true, created_at: "2024-01-02T10:00:00Z" },
      { author_id: AGENT, public: false, created_at: "2024-01-03T09:30:00Z" },
    ]);
    expect(copy.comments[0]?.value).toMatch(/^I am ▇▇▇▇ ▇▇▇▇[▇ ,]+, order 4411$/);
    expect(copy.comments[1]?.value).toBe(`Order 4411 refunded to ${M.repeat(16)}`);
  });

  it("writes pseudonyms into comments, the same token for the same person everywhere", () => {
    const { ticket: copy } = copyOf({
      comments: [
        comment(11, "Mail from anna@example.com today"),
        comment(12, "Reply sent to ANNA@example.com"),
      ],
      spec: spec({
        closedTickets: "Replace",
        masking: { mode: "Detected", replacement: { kind: "pseudonym", key: "account-key-0123456789" } },
      }),
    });
    const tokens = copy.comments.flatMap((c) => c.value?.match(/anon-[a-z]{16}/g) ?? []);
    expect(tokens).toHaveLength(2);
    expect(tokens.every(isPseudonym)).toBe(true);
    expect(tokens[0]).toBe(tokens[1]);
    expect(copy.subject).toBe(`Refund for ${tokens[0]}`);
  });

  it("writes a fixed replacement text into comments", () => {
    const { ticket: copy } = copyOf({
      spec: spec({
        closedTickets: "Replace",
        masking: { mode: "Detected", replacement: { kind: "text", text: "[x]" } },
      }),
    });
    expect(copy.comments[1]?.value).toBe("Order 4411 refunded to [x]");
  });

  it("copies comments the policy does not select as they are", () => {
    const { ticket: copy } = copyOf({
      spec: spec({ closedTickets: "Replace", comments: { visibility: "public" } }),
    });
    expect(copy.comments[1]?.value).toBe("Order 4411 refunded to anna@example.com");
  });

  it("drops attachments, counts them and says why", () => {
    const plan = copyOf();
    expect(plan.droppedAttachments).toBe(2);
    expect(plan.lost.find((l) => l.field === "attachments")?.reason).toMatch(
      /^2 attachment\(s\) are not copied/,
    );
    expect(plan.lost.map((l) => l.field)).toEqual(expect.arrayContaining(["satisfaction_rating", "via"]));
  });

  it("keeps a comment that had only attachments, with a placeholder, so the comment count stays", () => {
    const plan = copyOf({ comments: [comment(11, "", { attachments: [attachment(500)] })] });
    expect(plan.ticket.comments).toEqual([expect.objectContaining({ value: "[attachments removed]" })]);
  });

  it("links the copy to its original by a deterministic external_id that reads back to the original's id", () => {
    expect(copyOf().ticket.external_id).toBe("hush-replaces-101");
    expect(copyOf().ticket.external_id).toBe(replacementExternalId(101));
    expect(originalIdOfCopy(copyOf().ticket.external_id)).toBe(101);
  });

  it("reads no original from an external_id that is not a link", () => {
    for (const id of [
      null,
      undefined,
      "",
      "crm-123",
      "hush-replaces-",
      "hush-replaces-01",
      "hush-replaces-12x",
    ]) {
      expect(originalIdOfCopy(id)).toBeNull();
    }
  });

  it("refuses to copy a ticket that is not closed", () => {
    expect(() => copyOf({ ticket: ticket({ status: "solved" }) })).toThrow(/closed tickets only/);
  });
});

describe("planTicketCopy against the simulator", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acme = (): Account => s.current.sim.account("acme")!;

  it("is accepted by the import API, keeping comment authors, visibility and the link to its original", async () => {
    const requester = addUser(acme(), { name: "Anna Berg", email: "anna@example.com" });
    const agent = addUser(acme(), { name: "Agent", email: "agent@acme.test", role: "agent" });
    const plan = copyOf({
      ticket: {
        ...closedTicket,
        requester_id: requester.id,
        submitter_id: requester.id,
        assignee_id: agent.id,
        group_id: null,
        organization_id: null,
        brand_id: null,
        ticket_form_id: null,
      },
      comments: [
        comment(11, "I am Anna Berg", { author_id: requester.id, created_at: "2024-01-02T10:00:00Z" }),
        comment(12, "Refunded", { author_id: agent.id, public: false, created_at: "2024-01-03T09:30:00Z" }),
      ],
    });
    const res = await s.current.api("POST", "/api/v2/imports/tickets.json", { ticket: plan.ticket });
    expect(res.status).toBe(201);
    const copy = (await s.current.api("GET", `/api/v2/tickets/${res.body.ticket.id}.json`)).body.ticket;
    expect(copy).toMatchObject({
      status: "closed",
      external_id: "hush-replaces-101",
      created_at: "2024-01-02T10:00:00Z",
      tags: ["refund", "hush-redacted"],
      assignee_id: agent.id,
    });
    const comments = await s.current.api("GET", `/api/v2/tickets/${copy.id}/comments.json`);
    expect(
      comments.body.comments.map((c: { body: string; public: boolean; author_id: number }) => [
        c.body,
        c.public,
        c.author_id,
      ]),
    ).toEqual([
      [`I am ${M.repeat(4)} ${M.repeat(4)}`, true, requester.id],
      ["Refunded", false, agent.id],
    ]);
  });

  it("is accepted by the import API when the original's solved_at is unknown", async () => {
    const requester = addUser(acme(), { name: "Anna Berg", email: "anna@example.com" });
    const { solved_at: _, ...withoutSolvedAt } = closedTicket;
    const plan = copyOf({
      ticket: {
        ...withoutSolvedAt,
        requester_id: requester.id,
        submitter_id: requester.id,
        assignee_id: null,
        group_id: null,
        organization_id: null,
        brand_id: null,
        ticket_form_id: null,
      },
      comments: [comment(11, "Thanks", { author_id: requester.id, created_at: "2024-01-02T10:00:00Z" })],
    });
    const res = await s.current.api("POST", "/api/v2/imports/tickets.json", { ticket: plan.ticket });
    expect(res.status).toBe(201);
    expect(res.body.ticket).toMatchObject({ status: "closed", updated_at: "2024-01-05T10:00:00Z" });
  });
});

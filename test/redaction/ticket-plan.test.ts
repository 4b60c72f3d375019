import { describe, expect, it } from "vitest";
import { planTicketRedaction, type TicketRedactionInput } from "../../src/redaction/ticket-plan.js";
import { residualFindings } from "../../src/redaction/verify.js";
import type { Account } from "../../src/simulator/account.js";
import { addTicket, addUser } from "../../src/simulator/factory.js";
import type { Comment, Ticket } from "../../src/zendesk/types.js";
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
const plan = (input: Partial<TicketRedactionInput>) =>
  planTicketRedaction({ ticket: ticket(), comments: [], authors: noAuthors, known, spec: spec(), ...input });

describe("planTicketRedaction on an open ticket", () => {
  it("masks the subject by ticket update and wraps personal data of comments in <redact>", () => {
    const p = plan({
      ticket: ticket({ subject: "Refund for anna@example.com (order 4411)" }),
      comments: [comment(11, "Mail anna@example.com about order 4411")],
    });
    expect(p.strategy).toBe("InPlace");
    expect(p.ticketUpdate?.subject).toBe(`Refund for ${M.repeat(16)} (order 4411)`);
    expect(p.commentRedactions).toEqual([
      {
        commentId: 11,
        htmlBody:
          '<div class="zd-comment" dir="auto"><p>Mail <redact>anna@example.com</redact> about order 4411</p></div>',
        attachmentUrls: [],
      },
    ]);
    expect(p.findings.email).toBe(2);
    expect(p.changesSomething).toBe(true);
  });

  it("adds the marker tag to every ticket it changes and keeps the other tags", () => {
    const p = plan({ comments: [comment(11, "I am Anna Berg")] });
    expect(p.ticketUpdate).toEqual({ tags: ["refund", "vip", "hush-redacted"] });
  });

  it("plans nothing, not even the marker, for a ticket without personal data", () => {
    const p = plan({ comments: [comment(11, "Where is order 4411? It was due 2024-05-01.")] });
    expect(p.changesSomething).toBe(false);
    expect(p.ticketUpdate).toBeUndefined();
    expect(p.commentRedactions).toEqual([]);
  });

  it("finds the requester's name, which no pattern could", () => {
    const p = plan({ comments: [comment(11, "Best regards,\nAnna Berg")] });
    expect(p.commentRedactions[0]?.htmlBody).toContain("<redact>Anna Berg</redact>");
    expect(p.findings.knownIdentifiers).toBe(1);
  });

  it("writes a fixed text into the subject but notes that Zendesk writes ▇ in comments", () => {
    const p = plan({
      ticket: ticket({ subject: "Call +45 23 45 67 89" }),
      comments: [comment(11, "Call +45 23 45 67 89")],
      spec: spec({ masking: { mode: "Detected", replacement: { kind: "text", text: "[phone]" } } }),
    });
    expect(p.ticketUpdate?.subject).toBe("Call [phone]");
    expect(p.commentRedactions[0]?.htmlBody).toContain("<redact>");
    expect(p.notes.join(" ")).toMatch(/Zendesk writes ▇ for redacted comment text/);
  });

  it("redacts only public comments when the policy says public", () => {
    const p = plan({
      comments: [
        comment(11, "Public: anna@example.com"),
        comment(12, "Note: anna@example.com", { public: false }),
      ],
      spec: spec({ comments: { visibility: "public" } }),
    });
    expect(p.commentRedactions.map((c) => c.commentId)).toEqual([11]);
  });

  it("redacts only private comments when the policy says private", () => {
    const p = plan({
      comments: [
        comment(11, "Public: anna@example.com"),
        comment(12, "Note: anna@example.com", { public: false }),
      ],
      spec: spec({ comments: { visibility: "private" } }),
    });
    expect(p.commentRedactions.map((c) => c.commentId)).toEqual([12]);
  });

  it("redacts comments by author role, treating an author of unknown role as an end user", () => {
    const p = plan({
      comments: [
        comment(11, "From the customer: anna@example.com"),
        comment(12, "From the agent: anna@example.com", { author_id: AGENT }),
        comment(13, "From a deleted user: anna@example.com", { author_id: 404 }),
      ],
      authors: new Map([
        [REQUESTER, "end-user"],
        [AGENT, "agent"],
      ]),
      spec: spec({ comments: { visibility: "all", authorRoles: ["end-user"] } }),
    });
    expect(p.commentRedactions.map((c) => c.commentId)).toEqual([11, 13]);
  });

  it("masks only the custom fields the policy names: text masked, a number cleared, others kept", () => {
    const p = plan({
      ticket: ticket({
        custom_fields: [
          { id: 1, value: "Contact anna@example.com" },
          { id: 2, value: 4523456789 },
          { id: 3, value: "anna@example.com" },
          { id: 4, value: true },
        ],
      }),
      spec: spec({
        customFieldIds: [1, 2, 4],
        detection: { detectors: ["email", "knownIdentifiers"], region: "DK" },
      }),
    });
    // Field 2 holds the requester's phone as a number: it cannot hold ▇, so it is cleared.
    expect(p.ticketUpdate?.custom_fields).toEqual([
      { id: 1, value: `Contact ${M.repeat(16)}` },
      { id: 2, value: null },
    ]);
    const full = plan({
      ticket: ticket({ custom_fields: [{ id: 2, value: 4523456789 }] }),
      spec: spec({ customFieldIds: [2], masking: { mode: "Full", replacement: { kind: "blocks" } } }),
    });
    expect(full.ticketUpdate?.custom_fields).toEqual([{ id: 2, value: null }]);
  });

  it("removes tags that match the policy's patterns", () => {
    const p = plan({
      ticket: ticket({ tags: ["refund", "customer_anna_berg", "vip"] }),
      spec: spec({ tagPatterns: ["^customer_"] }),
    });
    expect(p.ticketUpdate?.tags).toEqual(["refund", "vip", "hush-redacted"]);
    expect(p.changesSomething).toBe(true);
  });

  it("keeps tags when the policy does not name tags", () => {
    const p = plan({
      ticket: ticket({ tags: ["customer_anna_berg"] }),
      spec: spec({ fields: ["comments"], tagPatterns: ["^customer_"] }),
    });
    expect(p.changesSomething).toBe(false);
  });

  it("removes attachments through comment_redactions when the policy says remove", () => {
    const p = plan({ comments: [comment(11, "See attached", { attachments: [attachment(500)] })] });
    expect(p.commentRedactions).toEqual([{ commentId: 11, attachmentUrls: [attachment(500).content_url] }]);
    expect(p.attachmentRedactions).toEqual([]);
  });

  it("redacts attachments of an open ticket with the attachment endpoint when the policy says redact", () => {
    const p = plan({
      comments: [comment(11, "See attached", { attachments: [attachment(500)] })],
      spec: spec({ attachments: "redact" }),
    });
    expect(p.attachmentRedactions).toEqual([{ commentId: 11, attachmentId: 500 }]);
    expect(p.commentRedactions).toEqual([]);
    expect(p.ticketUpdate?.tags).toContain("hush-redacted");
  });

  it("removes an inline image together with its <img> element", () => {
    const image = attachment(501, {
      inline: true,
      file_name: "id.png",
      content_url: "https://acme.zendesk.com/attachments/token/att501/?name=id.png",
    });
    const c = comment(11, "x", {
      html_body: `<div class="zd-comment" dir="auto"><p>My ID: <img src="${image.content_url.replace("&", "&amp;")}"></p></div>`,
      attachments: [image],
    });
    const p = plan({ comments: [c], spec: spec({ attachments: "redact" }) });
    expect(p.commentRedactions[0]?.attachmentUrls).toEqual([image.content_url]);
    expect(p.commentRedactions[0]?.htmlBody).toContain(`<img src="${image.content_url}" redact>`);
    expect(p.attachmentRedactions).toEqual([]);
  });

  it("skips attachments Zendesk already redacted or deleted", () => {
    const p = plan({
      comments: [
        comment(11, "old", {
          attachments: [
            attachment(502, { file_name: "redacted.txt", size: 0 }),
            attachment(503, { deleted: true }),
          ],
        }),
      ],
    });
    expect(p.changesSomething).toBe(false);
  });

  it("removes a mailto: link whose address is personal data even when its text is not", () => {
    const c = comment(11, "x", {
      html_body:
        '<div class="zd-comment" dir="auto"><p>Write to <a href="mailto:anna@example.com">our customer</a></p></div>',
    });
    const p = plan({ comments: [c] });
    expect(p.commentRedactions[0]?.htmlBody).toBe(
      '<div class="zd-comment" dir="auto"><p>Write to <a href="mailto:anna@example.com" redact><redact>our customer</redact></a></p></div>',
    );
  });

  it("wraps every word and removes every link in Full mode", () => {
    const c = comment(11, "x", {
      html_body:
        '<div class="zd-comment" dir="auto"><p>Hello <a href="https://shop.example">shop</a></p></div>',
    });
    const p = plan({
      comments: [c],
      spec: spec({ masking: { mode: "Full", replacement: { kind: "blocks" } } }),
    });
    expect(p.commentRedactions[0]?.htmlBody).toBe(
      '<div class="zd-comment" dir="auto"><p><redact>Hello</redact> <a href="https://shop.example" redact><redact>shop</redact></a></p></div>',
    );
  });

  it("plans no second redaction in Full mode for a comment Zendesk already masked", () => {
    const full = spec({
      fields: ["subject", "comments"],
      masking: { mode: "Full", replacement: { kind: "blocks" } },
    });
    const masked = comment(11, "x", {
      html_body: `<div class="zd-comment" dir="auto"><p>${M.repeat(5)} ${M.repeat(3)}</p></div>`,
    });
    const p = plan({ ticket: ticket({ subject: `${M}${M} ${M}` }), comments: [masked], spec: full });
    expect(p.commentRedactions).toEqual([]);
    expect(p.changesSomething).toBe(false);
    const partly = comment(12, "x", { html_body: `<p>${M.repeat(4)} left</p>` });
    expect(plan({ comments: [partly], spec: full }).commentRedactions[0]?.htmlBody).toBe(
      `<p>${M.repeat(4)} <redact>left</redact></p>`,
    );
  });

  it("reports the via and metadata of comments as unchangeable instead of skipping them silently", () => {
    const c = comment(11, "Order 4411", {
      via: { channel: "email", source: { from: { address: "anna@example.com", name: "Anna Berg" } } },
      metadata: { system: { ip_address: "192.0.2.10" } },
    });
    const p = plan({ comments: [c], spec: spec({ fields: ["comments", "via"] }) });
    expect(p.unchangeable.map((u) => u.field)).toEqual(["via"]);
    expect(p.unchangeable[0]?.reason).toMatch(/no API to change the via or metadata/);
    expect(JSON.stringify(p)).not.toContain("anna@example.com");
  });
});

describe("planTicketRedaction on a closed ticket", () => {
  const closed = (fields: Partial<Ticket> = {}) =>
    ticket({ status: "closed", subject: "anna@example.com", tags: ["customer_anna"], ...fields });
  const inputs = (): Partial<TicketRedactionInput> => ({
    ticket: closed({ custom_fields: [{ id: 1, value: "anna@example.com" }] }),
    comments: [comment(11, "anna@example.com", { attachments: [attachment(500)] })],
    spec: spec({ customFieldIds: [1], tagPatterns: ["^customer_"], attachments: "redact" }),
  });

  it("with InPlace redacts comments and attachments through comment_redactions only", () => {
    const p = plan(inputs());
    expect(p.ticketUpdate).toBeUndefined();
    expect(p.attachmentRedactions).toEqual([]);
    expect(p.commentRedactions).toHaveLength(1);
    expect(p.commentRedactions[0]?.attachmentUrls).toEqual([attachment(500).content_url]);
    expect(p.notes.join(" ")).toMatch(/attachment redact endpoint refuses closed tickets/);
    expect(p.changesSomething).toBe(true);
  });

  it("with InPlace lists subject, custom fields, tags and the marker as unchangeable, each with a reason", () => {
    const p = plan(inputs());
    expect(p.unchangeable.map((u) => u.field)).toEqual(["subject", "customFields", "tags", "markerTag"]);
    for (const u of p.unchangeable) expect(u.reason).toMatch(/closed ticket \(ZENDESK_API\.md 5\.7\)/);
  });

  it("with Replace changes nothing in place and says a copy is needed", () => {
    const p = plan({ ...inputs(), spec: spec({ ...inputs().spec, closedTickets: "Replace" }) });
    expect(p.strategy).toBe("Replace");
    expect(p.ticketUpdate).toBeUndefined();
    expect(p.commentRedactions).toEqual([]);
    expect(p.unchangeable).toEqual([]);
    expect(p.changesSomething).toBe(true);
    expect(p.findings.email).toBeGreaterThan(0);
  });

  it("with Replace needs no copy of a ticket without personal data", () => {
    const p = plan({
      ticket: ticket({ status: "closed" }),
      comments: [comment(11, "Order 4411 arrived")],
      spec: spec({ closedTickets: "Replace" }),
    });
    expect(p.changesSomething).toBe(false);
  });
});

describe("planTicketRedaction against the simulator", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acme = (): Account => s.current.sim.account("acme")!;

  async function read(id: number): Promise<{ ticket: Ticket; comments: Comment[] }> {
    const t = await s.current.api("GET", `/api/v2/tickets/${id}.json`);
    const c = await s.current.api("GET", `/api/v2/tickets/${id}/comments.json?include_inline_images=true`);
    return { ticket: t.body.ticket, comments: c.body.comments };
  }

  async function apply(id: number, p: ReturnType<typeof plan>): Promise<void> {
    if (p.ticketUpdate) {
      const res = await s.current.api("PUT", `/api/v2/tickets/${id}.json`, { ticket: p.ticketUpdate });
      expect(res.status).toBe(200);
    }
    for (const r of p.commentRedactions) {
      const res = await s.current.api("PUT", `/api/v2/comment_redactions/${r.commentId}.json`, {
        ticket_id: id,
        ...(r.htmlBody === undefined ? {} : { html_body: r.htmlBody }),
        ...(r.attachmentUrls.length ? { external_attachment_urls: r.attachmentUrls } : {}),
      });
      expect(res.status).toBe(200);
    }
  }

  it.each(["open", "closed"] as const)(
    "leaves no detected item in a %s ticket, keeps order numbers, and finds nothing to do the second time",
    async (status) => {
      const requester = addUser(acme(), { name: "Anna Berg", email: "anna@example.com" });
      const stored = addTicket(acme(), { requester_id: requester.id, status, subject: "Order 4411" }, [
        { body: "Hi, I am Anna Berg.\n\nMail anna@example.com or call +45 23 45 67 89 about order 4411." },
        { body: "Thanks Anna, order 4411 ships today.", public: false },
      ]);
      const detection = { detectors: ["email", "phone", "knownIdentifiers"] as const, region: "DK", known };
      const before = await read(stored.id);
      const first = plan({ ...before, spec: spec() });
      expect(first.changesSomething).toBe(true);
      await apply(stored.id, first);

      const after = await read(stored.id);
      expect(
        residualFindings(
          after.comments.map((c) => c.body),
          { ...detection, detectors: [...detection.detectors] },
        ),
      ).toEqual([]);
      expect(after.comments.map((c) => c.body).join("\n")).toContain("order 4411");
      expect(after.comments[0]?.body).toContain(`Mail ${M.repeat(16)} or call`);
      const second = plan({ ...after, spec: spec() });
      expect(second.commentRedactions).toEqual([]);
      expect(second.ticketUpdate).toBeUndefined();
      expect(second.changesSomething).toBe(false);
    },
  );
});

import { beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../src/simulator/account.js";
import { DAY } from "../../src/simulator/clock.js";
import { addTicket, addUser } from "../../src/simulator/factory.js";
import type { AttachmentRecord, CommentRecord, Ticket } from "../../src/simulator/model.js";
import { useSimulator } from "../support/sim.js";

const MARK = "\u2587";
const marks = (text: string): string => MARK.repeat([...text].length);

describe("comments, redaction and audits", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const acme = (): Account => s.current.sim.account("acme")!;
  let requesterId = 0;
  let nextAttachment = 90_000;

  const attachment = (fields: Partial<AttachmentRecord> = {}): AttachmentRecord => {
    nextAttachment += 1;
    return {
      id: nextAttachment,
      file_name: "passport.txt",
      content_type: "text/plain",
      content: "passport number X1234567",
      size: 24,
      inline: false,
      deleted: false,
      ...fields,
    };
  };

  const ticketWith = (
    comments: (Partial<CommentRecord> & { body: string })[],
    fields: Partial<Ticket> = {},
  ): Ticket => addTicket(acme(), { requester_id: requesterId, status: "open", ...fields }, comments);

  const commentsOf = async (ticket: Ticket, query = "") =>
    (await s.current.api("GET", `/api/v2/tickets/${ticket.id}/comments.json${query}`)).body.comments;

  const redact = (commentId: number, body: unknown, auth?: string) =>
    s.current.api("PUT", `/api/v2/comment_redactions/${commentId}.json`, body, auth);

  beforeEach(() => {
    s.current.sim.limiter(acme()).reset();
    if (requesterId === 0) requesterId = addUser(acme(), { name: "Customer", email: "c@example.org" }).id;
  });

  describe("listing comments", () => {
    it("walks a 250-comment ticket exactly once with cursor pagination, oldest first", async () => {
      const start = acme().clock.now() - DAY;
      const ticket = ticketWith(
        Array.from({ length: 250 }, (_, i) => ({ body: `comment ${i}`, created_at: start + i * 1000 })),
      );
      const seen: string[] = [];
      let path: string | null = `/api/v2/tickets/${ticket.id}/comments.json?page[size]=100`;
      let pages = 0;
      while (path) {
        const res: { status: number; body: any } = await s.current.api(
          "GET",
          path.replace(s.current.url, ""),
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.comments.map((c: { body: string }) => c.body));
        path = res.body.meta.has_more ? res.body.links.next : null;
        pages += 1;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => `comment ${i}`));

      const newest = await commentsOf(ticket, "?page[size]=2&sort=-created_at");
      expect(newest.map((c: { body: string }) => c.body)).toEqual(["comment 249", "comment 248"]);
      const offset = await s.current.api(
        "GET",
        `/api/v2/tickets/${ticket.id}/comments.json?per_page=100&page=3&sort_order=desc`,
      );
      expect(offset.body.count).toBe(250);
      expect(offset.body.next_page).toBeNull();
      expect(offset.body.comments.at(-1).body).toBe("comment 0");
    });

    it("lists inline images only with include_inline_images=true", async () => {
      const image = attachment({ file_name: "face.png", content_type: "image/png", inline: true });
      const ticket = ticketWith([{ body: "see image", attachments: [image, attachment()] }]);
      expect((await commentsOf(ticket))[0].attachments).toHaveLength(1);
      const withInline = await commentsOf(ticket, "?include_inline_images=true");
      expect(withInline[0].attachments.map((a: { id: number }) => a.id)).toContain(image.id);
    });

    it("lists comments of closed and archived tickets but not of soft-deleted ones", async () => {
      const closed = ticketWith([{ body: "closed" }], { status: "closed" });
      const archived = ticketWith([{ body: "archived" }], { status: "closed", archive_immediately: true });
      expect(await commentsOf(closed)).toHaveLength(1);
      expect(await commentsOf(archived)).toHaveLength(1);
      const gone = ticketWith([{ body: "deleted" }]);
      acme().tickets.delete(gone.id);
      acme().deletedTickets.set(gone.id, {
        ticket: gone,
        deleted_at: acme().clock.now(),
        previous_state: "open",
        actor_id: requesterId,
        scrubbed_at: null,
      });
      const res = await s.current.api("GET", `/api/v2/tickets/${gone.id}/comments.json`);
      expect(res.status).toBe(404);
    });

    it("counts comments and makes one private, which a closed ticket refuses", async () => {
      const ticket = ticketWith([{ body: "one" }, { body: "two" }]);
      const count = await s.current.api("GET", `/api/v2/tickets/${ticket.id}/comments/count.json`);
      expect(count.body.count.value).toBe(2);
      const [first] = await commentsOf(ticket);
      const res = await s.current.api(
        "PUT",
        `/api/v2/tickets/${ticket.id}/comments/${first.id}/make_private`,
        {},
      );
      expect(res.status).toBe(200);
      expect(res.text).toBe("null");
      expect((await commentsOf(ticket))[0].public).toBe(false);
      const closed = ticketWith([{ body: "x" }], { status: "closed" });
      const [c] = await commentsOf(closed);
      const refused = await s.current.api(
        "PUT",
        `/api/v2/tickets/${closed.id}/comments/${c.id}/make_private`,
        {},
      );
      expect(refused.status).toBe(422);
    });
  });

  describe("comment_redactions (Agent Workspace)", () => {
    const body = "My ID is 847564, name مرحبا 👋🏽 done";

    it.each([
      ["open", {}],
      ["closed", { status: "closed" as const }],
      ["archived", { status: "closed" as const, archive_immediately: true }],
    ])("masks each redacted code point with ▇ on an %s ticket", async (_state, fields) => {
      const ticket = ticketWith([{ body }], fields);
      const before = ticket.generated_timestamp;
      s.current.sim.clock.advance(5_000);
      const [comment] = await commentsOf(ticket);
      const html = comment.html_body
        .replace("847564", "<redact>847564</redact>")
        .replace("مرحبا 👋🏽", "<redact>مرحبا 👋🏽</redact>");
      const res = await redact(comment.id, { ticket_id: ticket.id, html_body: html });
      expect(res.status).toBe(200);
      const expected = `My ID is ${marks("847564")}, name ${marks("مرحبا 👋🏽")} done`;
      expect(marks("مرحبا 👋🏽")).toHaveLength(8);
      expect(res.body.comment.plain_body).toBe(expected);
      const [after] = await commentsOf(ticket);
      expect(after.body).toBe(expected);
      expect(after.html_body).not.toContain("847564");
      expect(after.html_body).toContain(marks("847564"));
      expect(ticket.tags).toContain("redacted_content");
      expect(ticket.generated_timestamp).toBeGreaterThan(before);

      const audits = (await s.current.api("GET", `/api/v2/tickets/${ticket.id}/audits.json`)).body.audits;
      const events = audits.flatMap((a: { events: unknown[] }) => a.events);
      expect(events).toContainEqual(
        expect.objectContaining({ type: "CommentRedactionEvent", comment_id: comment.id }),
      );
      // The original audit's Comment event shows the comment as it is now.
      expect(JSON.stringify(audits)).not.toContain("847564");
    });

    it("keeps no copy of redacted text in the audits of a ticket created through the API", async () => {
      const created = await s.current.api("POST", "/api/v2/tickets.json", {
        ticket: {
          subject: "Card",
          comment: { body: "Card 4111 1111 1111 1111 please" },
          requester_id: requesterId,
        },
      });
      expect(JSON.stringify(created.body.audit)).toContain("4111 1111 1111 1111");
      const id = created.body.ticket.id;
      const [comment] = (await s.current.api("GET", `/api/v2/tickets/${id}/comments.json`)).body.comments;
      const html = comment.html_body.replace("4111 1111 1111 1111", "<redact>4111 1111 1111 1111</redact>");
      expect((await redact(comment.id, { ticket_id: id, html_body: html })).status).toBe(200);

      const raw = await s.current.inspect("GET", `/__sim/tickets/${id}`);
      expect(JSON.stringify(raw)).not.toContain("4111");
      const audits = (await s.current.api("GET", `/api/v2/tickets/${id}/audits.json`)).body.audits;
      expect(JSON.stringify(audits)).not.toContain("4111");
      expect(audits[0].events[0]).toMatchObject({
        type: "Comment",
        body: `Card ${marks("4111 1111 1111 1111")} please`,
      });
    });

    it("refuses an html_body whose text outside <redact> differs from the comment", async () => {
      const ticket = ticketWith([{ body: "Call me on 555-0100" }]);
      const [comment] = await commentsOf(ticket);
      const rewritten = comment.html_body
        .replace("Call me", "Do not call")
        .replace("555-0100", "<redact>555-0100</redact>");
      const res = await redact(comment.id, { ticket_id: ticket.id, html_body: rewritten });
      expect(res.status).toBe(422);
      expect(res.body.error).toBe("RecordInvalid");
      expect((await commentsOf(ticket))[0].body).toBe("Call me on 555-0100");
      expect(ticket.tags).not.toContain("redacted_content");
    });

    it("removes elements with the redact attribute and masks their wrapped text", async () => {
      const ticket = ticketWith([
        {
          body: "profile: jane.example",
          html_body:
            '<div class="zd-comment"><p>profile: <a href="http://jane.example">jane.example</a></p></div>',
        },
      ]);
      const [comment] = await commentsOf(ticket);
      const html = comment.html_body.replace(
        '<a href="http://jane.example">jane.example</a>',
        '<a href="http://jane.example" redact><redact>jane.example</redact></a>',
      );
      const res = await redact(comment.id, { ticket_id: ticket.id, html_body: html });
      expect(res.status).toBe(200);
      expect(res.body.comment.body).toBe(`profile: ${marks("jane.example")}`);
      expect(res.body.comment.html_body).not.toContain("jane.example");
      expect(res.body.comment.html_body).not.toContain("<a");
    });

    it("replaces external_attachment_urls with an empty redacted.txt", async () => {
      const ticket = ticketWith([{ body: "scan attached", attachments: [attachment()] }], {
        status: "closed",
        archive_immediately: true,
      });
      const [comment] = await commentsOf(ticket);
      const url: string = comment.attachments[0].content_url;
      const download = await fetch(url, { headers: { authorization: s.current.adminAuth } });
      expect(await download.text()).toBe("passport number X1234567");

      const res = await redact(comment.id, { ticket_id: ticket.id, external_attachment_urls: [url] });
      expect(res.status).toBe(200);
      expect(res.body.comment.attachments[0]).toMatchObject({
        file_name: "redacted.txt",
        size: 0,
        content_type: "text/plain",
      });
      const after = await fetch(res.body.comment.attachments[0].content_url, {
        headers: { authorization: s.current.adminAuth },
      });
      expect(after.status).toBe(200);
      expect(await after.text()).toBe("");
      const audits = (await s.current.api("GET", `/api/v2/tickets/${ticket.id}/audits.json`)).body.audits;
      expect(audits.flatMap((a: { events: unknown[] }) => a.events)).toContainEqual(
        expect.objectContaining({
          type: "AttachmentRedactionEvent",
          attachment_id: comment.attachments[0].id,
          comment_id: comment.id,
        }),
      );
    });

    it("answers 404 for a comment that is not on the given ticket, 422 without ticket_id", async () => {
      const a = ticketWith([{ body: "a" }]);
      const b = ticketWith([{ body: "b" }]);
      const [comment] = await commentsOf(a);
      const html = comment.html_body.replace(">a<", "><redact>a</redact><");
      expect((await redact(comment.id, { ticket_id: b.id, html_body: html })).status).toBe(404);
      expect((await redact(comment.id, { html_body: html })).status).toBe(422);
      expect((await redact(99_999_999, { ticket_id: a.id, html_body: html })).status).toBe(404);
    });
  });

  describe("legacy string and attachment redaction", () => {
    it("masks every occurrence of the text on an open ticket, 422 when it does not occur", async () => {
      const ticket = ticketWith([{ body: "SSN 987-65-4320, again 987-65-4320" }]);
      const [comment] = await commentsOf(ticket);
      const path = `/api/v2/tickets/${ticket.id}/comments/${comment.id}/redact.json`;
      const res = await s.current.api("PUT", path, { text: "987-65-4320" });
      expect(res.status).toBe(200);
      expect(res.body.comment.plain_body).toBe(`SSN ${marks("987-65-4320")}, again ${marks("987-65-4320")}`);
      expect(ticket.tags).toContain("redacted_content");
      expect((await s.current.api("PUT", path, { text: "not there" })).status).toBe(422);
    });

    it("redacts an attachment of an open ticket into an empty redacted.txt", async () => {
      const file = attachment();
      const ticket = ticketWith([{ body: "file", attachments: [file] }]);
      const [comment] = await commentsOf(ticket);
      const res = await s.current.api(
        "PUT",
        `/api/v2/tickets/${ticket.id}/comments/${comment.id}/attachments/${file.id}/redact.json`,
        {},
      );
      expect(res.status).toBe(200);
      expect(res.body.attachment).toMatchObject({ id: file.id, file_name: "redacted.txt", size: 0 });
    });

    it.each([
      ["closed", { status: "closed" as const }],
      ["archived", { status: "closed" as const, archive_immediately: true }],
    ])("refuses both on a %s ticket with 422", async (_state, fields) => {
      const file = attachment();
      const ticket = ticketWith([{ body: "secret 42", attachments: [file] }], fields);
      const [comment] = await commentsOf(ticket);
      const base = `/api/v2/tickets/${ticket.id}/comments/${comment.id}`;
      const text = await s.current.api("PUT", `${base}/redact.json`, { text: "42" });
      expect(text.status).toBe(422);
      expect(JSON.stringify(text.body)).toMatch(/closed prevents ticket update/i);
      const att = await s.current.api("PUT", `${base}/attachments/${file.id}/redact.json`, {});
      expect(att.status).toBe(422);
      expect((await commentsOf(ticket))[0].body).toBe("secret 42");
    });
  });

  it("refuses every redaction to an agent without the delete permission, with 403", async () => {
    const file = attachment();
    const ticket = ticketWith([{ body: "secret 42", attachments: [file] }]);
    const [comment] = await commentsOf(ticket);
    const agent = s.current.agentAuth;
    const html = comment.html_body.replace("42", "<redact>42</redact>");
    const base = `/api/v2/tickets/${ticket.id}/comments/${comment.id}`;
    expect((await redact(comment.id, { ticket_id: ticket.id, html_body: html }, agent)).status).toBe(403);
    expect((await s.current.api("PUT", `${base}/redact`, { text: "42" }, agent)).status).toBe(403);
    expect((await s.current.api("PUT", `${base}/attachments/${file.id}/redact`, {}, agent)).status).toBe(403);
    expect((await commentsOf(ticket))[0].body).toBe("secret 42");
    const deleter = await redact(
      comment.id,
      { ticket_id: ticket.id, html_body: html },
      s.current.deleterAuth,
    );
    expect(deleter.status).toBe(200);
  });

  it("shows an attachment by the url its comments give, redacted once redacted; 404 once the ticket is deleted", async () => {
    const file = attachment({ file_name: "id-card.txt" });
    const ticket = ticketWith([{ body: "see file", attachments: [file] }]);
    const [comment] = await commentsOf(ticket);
    const shown = await s.current.api("GET", comment.attachments[0].url.replace(s.current.url, ""));
    expect(shown.status).toBe(200);
    expect(shown.body.attachment).toEqual(comment.attachments[0]);
    const base = `/api/v2/tickets/${ticket.id}/comments/${comment.id}`;
    await s.current.api("PUT", `${base}/attachments/${file.id}/redact.json`, {});
    const after = await s.current.api("GET", `/api/v2/attachments/${file.id}`);
    expect(after.body.attachment).toMatchObject({ id: file.id, file_name: "redacted.txt", size: 0 });
    expect((await s.current.api("DELETE", `/api/v2/tickets/${ticket.id}.json`)).status).toBe(204);
    const gone = await s.current.api("GET", `/api/v2/attachments/${file.id}.json`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toBe("RecordNotFound");
  });

  it("lists every audit of an archived ticket on one page: Zendesk does not paginate them", async () => {
    const ticket = ticketWith(
      Array.from({ length: 3 }, (_, i) => ({
        body: `c${i}`,
        created_at: acme().clock.now() - DAY + i * 1000,
      })),
      { status: "closed", archive_immediately: true },
    );
    const res = await s.current.api("GET", `/api/v2/tickets/${ticket.id}/audits.json?page[size]=1`);
    expect(res.status).toBe(200);
    expect(res.body.audits).toHaveLength(3);
    expect(res.body).toMatchObject({ next_page: null, previous_page: null, count: 3 });
    expect(res.body.meta).toBeUndefined();
  });

  it("synthesizes a Comment audit event for comments without a stored audit", async () => {
    const ticket = ticketWith([{ body: "first" }, { body: "second", public: false }]);
    const res = await s.current.api("GET", `/api/v2/tickets/${ticket.id}/audits.json?page[size]=1`);
    expect(res.body.audits).toHaveLength(1);
    expect(res.body.meta.has_more).toBe(true);
    expect(res.body.audits[0].events[0]).toMatchObject({ type: "Comment", body: "first", public: true });
  });
});

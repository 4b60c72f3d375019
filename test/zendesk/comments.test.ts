import { beforeEach, describe, expect, it, vi } from "vitest";
import { addTicket, addUser } from "../../src/simulator/factory.js";
import type { AttachmentRecord, Ticket } from "../../src/simulator/model.js";
import { redactAttachment, redactCommentInWorkspace } from "../../src/zendesk/comments.js";
import { ClosedTicketError, UnavailableError } from "../../src/zendesk/errors.js";
import { listTicketComments } from "../../src/zendesk/tickets.js";
import { useSimulator } from "../support/sim.js";
import { answered, collect, simClient } from "./endpoint-support.js";

describe("comment redaction", () => {
  const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });
  const account = () => s.current.sim.account("acme")!;
  let nextAttachment = 70_000;
  const file = (): AttachmentRecord => ({
    id: nextAttachment++,
    file_name: "passport.txt",
    content_type: "text/plain",
    content: "scan",
    size: 4,
    inline: false,
    deleted: false,
  });
  const ticketWith = (body: string, fields: Partial<Ticket> = {}, attachments: AttachmentRecord[] = []) => {
    const requester = addUser(account(), { name: "Customer" });
    return addTicket(account(), { requester_id: requester.id, status: "open", ...fields }, [
      { body, attachments },
    ]);
  };

  beforeEach(async () => {
    await s.current.inspect("POST", "/__sim/reset");
  });

  it.each([
    ["open", {}],
    ["closed", { status: "closed" as const }],
    ["archived", { status: "closed" as const, archive_immediately: true }],
  ])("redacts marked text of a comment on an %s ticket", async (_state, fields) => {
    const client = simClient(s.current);
    const ticket = ticketWith("My ID is 847564, thanks", fields);
    const [comment] = await collect(listTicketComments(client, ticket.id));
    const redacted = await redactCommentInWorkspace(client, {
      ticketId: ticket.id,
      commentId: comment!.id,
      htmlBody: comment!.html_body.replace("847564", "<redact>847564</redact>"),
    });
    expect(redacted.id).toBe(comment!.id);
    expect(account().comments(ticket)[0]!.body).toBe("My ID is ▇▇▇▇▇▇, thanks");
  });

  it("removes attachments by their content URL, on closed tickets too", async () => {
    const client = simClient(s.current);
    const attachment = file();
    const ticket = ticketWith("see file", { status: "closed" }, [attachment]);
    const [comment] = await collect(listTicketComments(client, ticket.id));
    await redactCommentInWorkspace(client, {
      ticketId: ticket.id,
      commentId: comment!.id,
      attachmentUrls: [comment!.attachments[0]!.content_url],
    });
    expect(account().comments(ticket)[0]!.attachments[0]).toMatchObject({
      file_name: "redacted.txt",
      size: 0,
    });
  });

  it("paces a redaction as an update of its ticket", async () => {
    const client = simClient(s.current);
    const acquire = vi.spyOn(client.budget, "acquire");
    const ticket = ticketWith("secret 42");
    const [comment] = await collect(listTicketComments(client, ticket.id));
    await redactCommentInWorkspace(client, {
      ticketId: ticket.id,
      commentId: comment!.id,
      htmlBody: comment!.html_body.replace("42", "<redact>42</redact>"),
    });
    expect(acquire).toHaveBeenLastCalledWith(
      [{ bucket: "tickets-update" }, { bucket: "ticket-updates-per-ticket", key: ticket.id }],
      undefined,
    );
  });

  it("sends a redaction once even after a 5xx: if it went through, the same markup would no longer fit", async () => {
    const client = simClient(s.current);
    const ticket = ticketWith("secret 42");
    const [comment] = await collect(listTicketComments(client, ticket.id));
    await s.current.inspect("PUT", "/__sim/faults", { errorRate: 1 });
    const redaction = redactCommentInWorkspace(client, {
      ticketId: ticket.id,
      commentId: comment!.id,
      htmlBody: comment!.html_body.replace("42", "<redact>42</redact>"),
    });
    await expect(redaction).rejects.toBeInstanceOf(UnavailableError);
    expect(await answered(s.current, "PUT", "/api/v2/comment_redactions/:comment_id", 503)).toBe(1);
  });

  it("refuses a redaction that names nothing to remove, before sending it", async () => {
    const client = simClient(s.current);
    await expect(redactCommentInWorkspace(client, { ticketId: 1, commentId: 1 })).rejects.toThrow(
      /html_body .*or attachment URLs/,
    );
  });

  it("redacts an attachment of an open ticket with the legacy endpoint, and reports a closed one", async () => {
    const client = simClient(s.current);
    const open = ticketWith("file", {}, [file()]);
    const [comment] = await collect(listTicketComments(client, open.id));
    const attachment = await redactAttachment(client, {
      ticketId: open.id,
      commentId: comment!.id,
      attachmentId: comment!.attachments[0]!.id,
    });
    expect(attachment).toMatchObject({ file_name: "redacted.txt", size: 0 });

    const closed = ticketWith("file", { status: "closed" }, [file()]);
    const [closedComment] = await collect(listTicketComments(client, closed.id));
    await expect(
      redactAttachment(client, {
        ticketId: closed.id,
        commentId: closedComment!.id,
        attachmentId: closedComment!.attachments[0]!.id,
      }),
    ).rejects.toBeInstanceOf(ClosedTicketError);
  });
});

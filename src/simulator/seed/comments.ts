import { viaChannel } from "../factory.js";
import type { AttachmentRecord, CommentRecord, Ticket } from "../model.js";
import { commentId, personaOf, type SeedContext } from "./context.js";
import { ipAddress } from "./pii.js";
import { planTicket, type TicketPlan } from "./plan.js";
import { Rng } from "./rng.js";
import { TicketSlots } from "./slots.js";
import { ticketVia } from "./tickets.js";

// Comments of seeded tickets, regenerated on demand from (seed, ticket id): the same call always
// returns equal comments, so a million tickets need no comment storage until one is changed.

const COMMENTS = 0x7001;

const CLIENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
];

type Kind = "opening" | "reply" | "note" | "followUp" | "closing";

/** The shape of a thread: opening, then agent and customer taking turns, now and then a private note. */
function threadKinds(plan: TicketPlan, count: number, rng: Rng): Kind[] {
  const kinds: Kind[] = ["opening"];
  const closes = (plan.status === "solved" || plan.status === "closed") && count >= 3;
  for (let i = 1; i < count; i++) {
    if (closes && i === count - 1) kinds.push("closing");
    else if (rng.chance(0.12)) kinds.push("note");
    else kinds.push(kinds[i - 1] === "reply" || kinds[i - 1] === "note" ? "followUp" : "reply");
  }
  return kinds;
}

/** Comment times run from the ticket's creation to its last update, in order. */
function commentTime(plan: TicketPlan, i: number, count: number, rng: Rng): number {
  if (i === 0 || count === 1) return plan.createdAt;
  if (i === count - 1) return plan.updatedAt;
  const step = (plan.updatedAt - plan.createdAt) / (count - 1);
  return Math.floor((plan.createdAt + step * (i + (rng.float() - 0.5) * 0.6)) / 1000) * 1000;
}

function attachment(id: number, plan: TicketPlan, slots: TicketSlots, rng: Rng): AttachmentRecord {
  const p = plan.requester;
  if (rng.chance(0.35)) {
    const size = rng.between(40_000, 2_500_000);
    return {
      id,
      file_name: rng.pick(["photo.jpg", "IMG_2231.jpg", "screenshot.png"]),
      content_type: rng.chance(0.5) ? "image/jpeg" : "image/png",
      content: null,
      size,
      inline: false,
      deleted: false,
    };
  }
  const lines =
    plan.topic === "refund" || plan.topic === "invoice"
      ? [
          `Order: ${plan.order}`,
          `Invoice: ${slots.value("invoice", rng)}`,
          `Amount: ${slots.value("amount", rng)}`,
          `Account holder: ${p.name}`,
          `IBAN: ${p.iban ?? "-"}`,
          `Card: ${p.card}`,
        ]
      : [
          `Order: ${plan.order}`,
          `Product: ${plan.product.name} (${plan.product.sku})`,
          `Deliver to: ${p.name}`,
          p.address,
          `Phone: ${p.phone.international}`,
          `Email: ${p.email}`,
        ];
  const nid = p.nationalId;
  if (nid && rng.chance(0.5)) lines.push(`ID: ${nid.value}`);
  const content = `${lines.join("\n")}\n`;
  const name =
    plan.topic === "refund" || plan.topic === "invoice" ? "bank-details.txt" : "shipping-label.txt";
  return {
    id,
    file_name: name,
    content_type: "text/plain",
    content,
    size: Buffer.byteLength(content),
    inline: false,
    deleted: false,
  };
}

export function seededComments(ctx: SeedContext, ticket: Ticket): CommentRecord[] {
  if (ticket.id < 1 || ticket.id > ctx.ticketCount) return [];
  const plan = planTicket(ctx, ticket.id);
  const count = Math.min(ticket.comment_count, 60);
  const rng = new Rng(ctx.seed, COMMENTS, ticket.id);
  const slots = new TicketSlots(ctx, plan);
  const pack = plan.requester.profile.pack;
  const kinds = threadKinds(plan, count, rng);
  const agent = plan.responder;
  const comments: CommentRecord[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i]!;
    const id = commentId(ticket.id, i);
    const byAgent = kind === "reply" || kind === "note";
    // CCs now and then speak up in place of the requester.
    const authorId = byAgent
      ? agent.id
      : kind === "followUp" && plan.ccIds.length > 0 && rng.chance(0.3)
        ? rng.pick(plan.ccIds)
        : plan.requester.userId;
    let body: string;
    if (kind === "opening") body = slots.fill(slots.choose(pack.openings[plan.topic], rng), rng);
    else if (kind === "reply") {
      const greeting = pack.greeting.replace("{first}", plan.requester.firstName);
      body = `${greeting}\n\n${slots.fill(slots.choose(pack.replies, rng), rng)}\n\n${pack.signoff}\n${agent.firstName}`;
    } else if (kind === "note") body = slots.fill(slots.choose(pack.internalNotes, rng), rng);
    else if (kind === "closing") body = slots.fill(slots.choose(pack.closings, rng), rng);
    else {
      body = slots.fill(slots.choose(pack.followUps, rng), rng);
      if (authorId !== plan.requester.userId) body = `${body}\n\n${personaOf(ctx, authorId).name}`;
    }
    const attachments =
      !byAgent && (rng.chance(0.1) || (i === 0 && ticket.id % 10 === 3))
        ? [attachment(id, plan, slots, rng)]
        : [];
    comments.push({
      id,
      type: "Comment",
      author_id: authorId,
      body,
      html_body: null,
      public: kind !== "note",
      created_at: commentTime(plan, i, count, rng),
      audit_id: id,
      attachments,
      via: byAgent ? viaChannel("web") : ticketVia(plan),
      metadata: {
        system: {
          client: byAgent ? CLIENTS[0]! : rng.pick(CLIENTS),
          ip_address: ipAddress(rng),
          location: byAgent
            ? "Copenhagen"
            : plan.requester.profile.timeZone.split("/")[1]!.replace(/_/g, " "),
        },
        custom: {},
      },
    });
  }
  return comments;
}

import type { Account } from "../account.js";
import { viaChannel } from "../factory.js";
import type { CustomFieldValue, Ticket, Via } from "../model.js";
import type { SeedContext } from "./context.js";
import { flat } from "./flat.js";
import { type Channel, planTicket, type TicketPlan } from "./plan.js";
import { TicketSlots } from "./slots.js";

/**
 * Shared, frozen values for the many tickets that hold the same thing. Safe because the simulator
 * replaces a ticket's arrays and via rather than mutating them (lifecycle.ts, tickets/attributes.ts);
 * should anything mutate them in place, freezing makes it fail loudly instead of leaking across tickets.
 */
const EMPTY: number[] = Object.freeze([]) as unknown as number[];
const deepFreeze = <T extends object>(value: T): T => {
  for (const v of Object.values(value)) if (v && typeof v === "object") deepFreeze(v);
  return Object.freeze(value);
};
const SHARED_VIA = new Map<Channel, Via>(
  (["web", "api", "mobile"] as const).map((c) => [c, deepFreeze(viaChannel(c))]),
);
const SUPPORT_ADDRESS = deepFreeze({ address: "support@nordlys.example.com", name: "Nordlys Support" });
const PRODUCT_VALUES = new Map<string, string>();
const productValue = (sku: string): string => {
  let value = PRODUCT_VALUES.get(sku);
  if (!value) {
    value = sku.toLowerCase().replace(/-/g, "_");
    PRODUCT_VALUES.set(sku, value);
  }
  return value;
};

// Seeded ticket records: lean plain objects, all of one shape, because a million of them must fit
// in memory. Comments are not stored here; the comment source regenerates them (comments.ts).

/** Tag lists are few (topic x language x extra), so tickets share frozen ones. */
const TAG_LISTS = new Map<string, string[]>();
function tagList(topic: string, language: string, extra: string | null): string[] {
  const key = `${topic}|${language}|${extra}`;
  let tags = TAG_LISTS.get(key);
  if (!tags) {
    const lang = `lang_${language.toLowerCase().replace(/-/g, "_")}`;
    tags = Object.freeze(extra ? [topic, lang, extra] : [topic, lang]) as string[];
    TAG_LISTS.set(key, tags);
  }
  return tags;
}

/** Ratings without a comment are shared too. */
const RATINGS = new Map(
  (["unoffered", "offered", "good", "bad"] as const).map((score) => [score, Object.freeze({ score })]),
);

export function ticketVia(plan: TicketPlan, channel: Channel = plan.channel): Via {
  const shared = SHARED_VIA.get(channel);
  if (shared) return shared;
  const p = plan.requester;
  return {
    channel: "email",
    source: { from: { address: p.email, name: p.name }, to: SUPPORT_ADDRESS, rel: null },
  };
}

function customFields(ctx: SeedContext, plan: TicketPlan): CustomFieldValue[] {
  const { rng, requester } = plan;
  const f = ctx.fields;
  const fields: CustomFieldValue[] = [
    { id: f.orderNumber, value: flat(plan.order) },
    { id: f.product, value: productValue(plan.product.sku) },
  ];
  if (plan.topic === "refund" || plan.topic === "invoice") {
    fields.push({ id: f.purchaseDate, value: flat(new Date(plan.purchasedAt).toISOString().slice(0, 10)) });
  }
  if (plan.topic === "refund")
    fields.push({ id: f.refundAmount, value: (plan.product.price / 100).toFixed(2) });
  if (rng.chance(0.4)) {
    fields.push({
      id: f.customerPhone,
      value: rng.chance(0.5) ? requester.phone.national : requester.phone.international,
    });
  }
  if (plan.topic === "delivery" && rng.chance(0.7))
    fields.push({ id: f.shippingAddress, value: requester.address });
  // slice() drops the spare capacity push() reserved.
  return fields.slice();
}

function satisfaction(plan: TicketPlan, slots: TicketSlots): Ticket["satisfaction_rating"] {
  if (plan.status !== "solved" && plan.status !== "closed") return null;
  const { rng } = plan;
  const score = rng.weighted({ unoffered: 45, offered: 20, good: 27, bad: 8 });
  const pack = plan.requester.profile.pack;
  if (score === "good" && rng.chance(0.4))
    return { score, comment: slots.fill(slots.choose(pack.ratingGood, rng), rng) };
  if (score === "bad" && rng.chance(0.7))
    return { score, comment: slots.fill(slots.choose(pack.ratingBad, rng), rng) };
  return RATINGS.get(score)!;
}

export function buildTicket(account: Account, ctx: SeedContext, id: number): Ticket {
  const plan = planTicket(ctx, id);
  const { rng } = plan;
  const slots = new TicketSlots(ctx, plan);
  const pack = plan.requester.profile.pack;
  const subject = slots.fill(slots.choose(pack.subjects[plan.topic], rng), rng);
  const extra = plan.channel === "mobile" ? "mobile_app" : rng.chance(0.05) ? "vip" : null;
  const tags = tagList(plan.topic, pack.code, extra);
  const priority = rng.weighted({ none: 30, low: 15, normal: 40, high: 12, urgent: 3 });
  const type = rng.weighted({ none: 20, question: 40, incident: 20, problem: 10, task: 10 });
  const brandId = ctx.brandIds[rng.int(ctx.brandIds.length)] ?? account.brands.keys().next().value ?? 1;
  const custom = customFields(ctx, plan);
  // Same keys in the same order as factory.makeTicket, so seeded and created tickets share a shape.
  return {
    id,
    external_id: null,
    subject,
    status: plan.status,
    priority: priority === "none" ? null : priority,
    type: type === "none" ? null : type,
    submitter_id: plan.requester.userId,
    assignee_id: plan.assignee?.id ?? null,
    group_id: ctx.groupIds[plan.topic],
    organization_id: account.users.get(plan.requester.userId)?.organization_id ?? null,
    brand_id: brandId,
    ticket_form_id: null,
    collaborator_ids:
      plan.ccIds.length + plan.followerIds.length > 0 ? [...plan.ccIds, ...plan.followerIds] : EMPTY,
    follower_ids: plan.followerIds.length > 0 ? plan.followerIds : EMPTY,
    email_cc_ids: plan.ccIds.length > 0 ? plan.ccIds : EMPTY,
    tags,
    custom_fields: custom,
    via: ticketVia(plan),
    updated_at: plan.updatedAt,
    solved_at: plan.solvedAt,
    closed_at: plan.closedAt,
    generated_timestamp: Math.floor(plan.updatedAt / 1000),
    archive_immediately: false,
    satisfaction_rating: satisfaction(plan, slots),
    comment_count: plan.commentCount,
    version: 0,
    requester_id: plan.requester.userId,
    created_at: plan.createdAt,
  };
}

import { DAY, HOUR } from "../clock.js";
import type { TicketStatus } from "../model.js";
import { orderNumber, PRODUCTS, type Product } from "./business.js";
import { MAX_COMMENTS, personaOf, type SeedAgent, type SeedContext } from "./context.js";
import { TOPICS, type Topic } from "./languages/index.js";
import type { Persona } from "./personas.js";
import { Rng } from "./rng.js";

// The skeleton of a seeded ticket as a pure function of (context, ticket id): who, when, what
// about, how it ended. The ticket record and its lazily generated comments both derive from it.

const TICKET = 0x5001;
const YEAR = 365 * DAY;
/** Zendesk's default automation closes solved tickets 4 days after solving. */
const CLOSE_AFTER_SOLVED = 4 * DAY;

export type Channel = "email" | "web" | "api" | "mobile";

export interface TicketPlan {
  id: number;
  /** The ticket's own stream, positioned after the plan's draws (for subject and fields). */
  rng: Rng;
  requester: Persona;
  topic: Topic;
  status: TicketStatus;
  channel: Channel;
  createdAt: number;
  updatedAt: number;
  solvedAt: number | null;
  closedAt: number | null;
  commentCount: number;
  assignee: SeedAgent | null;
  /** The agent who answers (the assignee, or who picked it up before it was unassigned). */
  responder: SeedAgent;
  ccIds: number[];
  followerIds: number[];
  order: string;
  product: Product;
  /** When the customer bought the product. */
  purchasedAt: number;
}

/** A few tickets carry long threads (20-60 comments): about 2 in every 100. */
export const isLongThread = (id: number): boolean => id % 50 === 5;

const second = (ms: number): number => Math.floor(ms / 1000) * 1000;

function pickStatus(rng: Rng, ageDays: number): TicketStatus {
  if (ageDays > 60) return rng.weighted({ closed: 88, solved: 3, open: 3, pending: 2, hold: 3, new: 1 });
  if (ageDays > 7) return rng.weighted({ closed: 35, solved: 30, pending: 12, open: 13, hold: 5, new: 5 });
  return rng.weighted({ new: 25, open: 35, pending: 15, hold: 5, solved: 20 });
}

export function planTicket(ctx: SeedContext, id: number): TicketPlan {
  const rng = new Rng(ctx.seed, TICKET, id);
  // Every customer gets a ticket first; later tickets favour a smaller set of repeat customers.
  const index = id <= ctx.customerCount ? id - 1 : Math.floor(rng.float() ** 2 * ctx.customerCount);
  const requester = personaOf(ctx, ctx.firstCustomerId + index);
  const topic = TOPICS[rng.int(TOPICS.length)]!;
  const long = isLongThread(id);

  // About a third of tickets are recent (last 60 days), the rest spread over three years.
  let age = rng.chance(0.3) ? rng.float() * 60 * DAY : rng.float() * 3 * YEAR;
  if (long) age = Math.max(age, 45 * DAY);
  const createdAt = second(ctx.now - age);
  let status = pickStatus(rng, age / DAY);
  if (long && status === "new") status = "open";

  const span = long ? rng.between(7, 40) * DAY : rng.between(1, 240) * HOUR + rng.int(HOUR);
  let solvedAt: number | null = null;
  let closedAt: number | null = null;
  let updatedAt: number;
  if (status === "closed" || status === "solved") {
    solvedAt = second(Math.min(createdAt + span, ctx.now - HOUR));
    closedAt = status === "closed" ? second(solvedAt + CLOSE_AFTER_SOLVED + rng.int(DAY)) : null;
    if (closedAt !== null && closedAt > ctx.now) {
      status = "solved";
      closedAt = null;
    }
    updatedAt = closedAt ?? solvedAt;
  } else if (status === "new") {
    updatedAt = createdAt;
  } else {
    updatedAt = second(Math.min(createdAt + span, ctx.now - rng.int(HOUR)));
  }
  updatedAt = Math.max(updatedAt, createdAt);

  const commentCount =
    status === "new"
      ? 1
      : long
        ? rng.between(20, MAX_COMMENTS)
        : Number(rng.weighted({ "1": 12, "2": 45, "3": 26, "4": 11, "5": 6 }));

  const channel = rng.weighted<Channel>({ email: 55, web: 25, api: 10, mobile: 10 });
  const speakers = ctx.agentsByLanguage.get(requester.profile.language);
  const responder = speakers && speakers.length > 0 ? rng.pick(speakers) : rng.pick(ctx.agents);
  const assignee = status === "new" && rng.chance(0.7) ? null : responder;

  // Arrays are built at their final size: a pushed-to array reserves room for 16 more elements.
  let ccIds: number[] = [];
  if (rng.chance(0.15)) {
    const a = ctx.firstCustomerId + rng.int(ctx.customerCount);
    const b = rng.chance(0.4) ? ctx.firstCustomerId + rng.int(ctx.customerCount) : a;
    const okA = a !== requester.userId;
    const okB = b !== requester.userId && b !== a;
    ccIds = okA && okB ? [a, b] : okA ? [a] : okB ? [b] : [];
  }
  const follower = rng.chance(0.1) ? rng.pick(ctx.agents).id : null;
  const followerIds = follower !== null && follower !== assignee?.id ? [follower] : [];

  const product = rng.pick(PRODUCTS);
  const purchasedAt = second(createdAt - rng.between(1, 30) * DAY);
  const order = orderNumber(rng, new Date(purchasedAt).getUTCFullYear());
  return {
    id,
    rng,
    requester,
    topic,
    status,
    channel,
    createdAt,
    updatedAt,
    solvedAt,
    closedAt,
    commentCount,
    assignee,
    responder,
    ccIds,
    followerIds,
    order,
    product,
    purchasedAt,
  };
}

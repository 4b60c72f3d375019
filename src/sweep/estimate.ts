import { planTicketRedaction } from "../redaction/ticket-plan.js";
import { planUserAnonymization } from "../redaction/user-plan.js";
import type { BucketName } from "../zendesk/budget-buckets.js";
import type { ZendeskClient } from "../zendesk/client.js";
import { NotFoundError } from "../zendesk/errors.js";
import { listIdentities } from "../zendesk/identities.js";
import { MAX_PAGE_SIZE } from "../zendesk/paginate.js";
import { getTicket } from "../zendesk/tickets.js";
import type { Identity } from "../zendesk/types.js";
import { getUser } from "../zendesk/users.js";
import { isExempt } from "./exemption.js";
import { failureOf } from "./outcome.js";
import { peopleOnTicket, readTicketPeople } from "./people.js";
import { isCopy } from "./replace-ticket.js";
import type { SweepPlan } from "./sweep-plan.js";
import { readComments } from "./verify.js";

// How many requests a sweep makes per item, for previews: read a few sample items (GET only),
// plan them as the executor would, and count the requests and the endpoint buckets the plan needs.
// Deletions, and samples that cannot be read, use the figures below: measured ones from the
// redaction-strategies benchmark (README) and counts of the bulk requests per 100 items.

export interface ItemCost {
  /** API requests for one item. */
  requests: number;
  /** Uses of endpoint buckets that may be scarcer than the account limit (ZENDESK_API.md 2.4). */
  buckets: Partial<Record<BucketName, number>>;
}

/** A Zendesk job is a submission and at least one read of its status (7). */
const JOB = 2;
/** Per 100 items: show_many, then a destroy_many job. */
const BULK_DELETE = (1 + JOB) / 100;

/** Figures per item when no sample could be read (README, "Redaction strategies"). */
export function tableCost(plan: SweepPlan): ItemCost {
  const permanently = plan.action === "PermanentlyDelete";
  if (plan.action === "Delete" || permanently) {
    if (plan.target === "tickets") {
      return permanently
        ? {
            requests: BULK_DELETE + JOB / 100,
            buckets: { "tickets-destroy": 1, "deleted-tickets-destroy-many": 0.01 },
          }
        : { requests: BULK_DELETE, buckets: { "tickets-destroy": 1 } };
    }
    // Users: permanent deletion is one request per user, then one show_many per 100 to verify.
    return permanently
      ? { requests: BULK_DELETE + 1 + 0.01, buckets: { "deleted-users-destroy": 1 } }
      : { requests: BULK_DELETE, buckets: {} };
  }
  if (plan.action === "Anonymize") return { requests: 6, buckets: { "user-updates": 1 } };
  if (plan.ticketSpec?.closedTickets === "Replace") {
    return { requests: plan.permanentlyDeleteOriginals ? 10 : 9, buckets: { "tickets-destroy": 1 } };
  }
  return { requests: 7.92, buckets: { "tickets-update": 3.9 } };
}

/** The cost of one sample item, or undefined when it cannot be read (gone since it matched). */
export async function sampleCost(
  client: ZendeskClient,
  plan: SweepPlan,
  id: number,
  signal?: AbortSignal,
): Promise<ItemCost | undefined> {
  try {
    if (plan.action === "Redact") return await ticketCost(client, plan, id, signal);
    if (plan.action === "Anonymize") return await userCost(client, plan, id, signal);
    return undefined;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    failureOf(error); // rethrows what is not Zendesk's answer
    return undefined;
  }
}

const pages = (items: number): number => Math.max(1, Math.ceil(items / MAX_PAGE_SIZE));

async function ticketCost(
  client: ZendeskClient,
  plan: SweepPlan,
  id: number,
  signal?: AbortSignal,
): Promise<ItemCost> {
  const spec = plan.ticketSpec;
  if (!spec) throw new TypeError("a Redact plan has a ticket spec");
  const ticket = await getTicket(client, id, signal);
  if (isCopy(ticket) || isExempt({ exemptTags: plan.exemptTags }, ticket.tags))
    return { requests: 1, buckets: {} };
  const comments = await readComments(client, id, signal);
  const people = await readTicketPeople(client, ticket, comments, signal);
  const peopleReads = Math.ceil(peopleOnTicket(ticket, comments).length / MAX_PAGE_SIZE);
  const reads = 1 + pages(comments.length) + peopleReads;
  const redaction = planTicketRedaction({
    ticket,
    comments,
    authors: people.roles,
    known: people.known,
    spec,
  });
  if (ticket.status === "closed" && spec.closedTickets === "Replace") {
    // Look for a copy in the ticket list and in search; without changes, that is all.
    if (!redaction.changesSomething) return { requests: reads + 2, buckets: {} };
    const permanent = plan.permanentlyDeleteOriginals ? JOB : 0;
    // Import, read the copy back, delete the original (and permanently).
    const requests = reads + 2 + 1 + 1 + pages(comments.length) + 1 + permanent;
    return {
      requests,
      buckets: { "tickets-destroy": 1, ...(permanent ? { "deleted-tickets-destroy": 1 } : {}) },
    };
  }
  const redactions = redaction.commentRedactions.length + redaction.attachmentRedactions.length;
  const update = ticket.status !== "closed" && redaction.ticketUpdate ? 1 : 0;
  const marker = redactions > 0 && !ticket.tags.includes(spec.markerTag) ? 1 : 0;
  const changes = redactions + update + marker;
  // A change is verified by reading the ticket and its comments again.
  const verify = changes > 0 ? 1 + pages(comments.length) : 0;
  return { requests: reads + changes + verify, buckets: { "tickets-update": changes } };
}

async function userCost(
  client: ZendeskClient,
  plan: SweepPlan,
  id: number,
  signal?: AbortSignal,
): Promise<ItemCost> {
  const spec = plan.userSpec;
  if (!spec) throw new TypeError("an Anonymize plan has a user spec");
  const user = await getUser(client, id, signal);
  if (user.role !== "end-user" || !user.active || isExempt({ exemptTags: plan.exemptTags }, user.tags)) {
    return { requests: 1, buckets: {} };
  }
  const identities: Identity[] = [];
  for await (const identity of listIdentities(client, id, signal)) identities.push(identity);
  const anonymization = planUserAnonymization({ user, identities, spec });
  const update = Object.keys(anonymization.update).length > 0 ? 1 : 0;
  const changes = anonymization.identityChanges.length + update;
  const verify = changes > 0 ? 1 + pages(identities.length) : 0;
  return {
    requests: 1 + pages(identities.length) + changes + verify,
    buckets: { "user-updates": update },
  };
}

/** The mean of some costs. */
export function meanCost(costs: readonly ItemCost[]): ItemCost {
  const buckets: Partial<Record<BucketName, number>> = {};
  for (const cost of costs)
    for (const [bucket, uses] of Object.entries(cost.buckets) as [BucketName, number][])
      buckets[bucket] = (buckets[bucket] ?? 0) + uses / costs.length;
  return { requests: costs.reduce((sum, c) => sum + c.requests, 0) / costs.length, buckets };
}

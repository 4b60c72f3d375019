import type { SweepContext } from "./context.js";

/**
 * Whether a record read just now carries one of the sweep's exemption tags. Search lags behind
 * changes (ZENDESK_API.md 4.1), so a record tagged legal-hold a minute ago can still be matched by
 * a query that excludes the tag; the record itself is the truth. Ticket tags are lower-case, user
 * tags keep the case they were sent in, so the comparison ignores case.
 */
export function isExempt(ctx: Pick<SweepContext, "exemptTags">, tags: readonly string[]): boolean {
  const exempt = ctx.exemptTags;
  if (!exempt || exempt.length === 0) return false;
  return tags.some((tag) => exempt.includes(tag.toLowerCase()));
}

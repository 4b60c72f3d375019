/**
 * A search query the simulator cannot run as written. Zendesk answers such queries with an error
 * rather than a guess (ZENDESK_API.md 4.1), so the simulator never returns a silently wrong result:
 * the message names the offending term and says how to write it.
 */
export class SearchQueryError extends Error {
  override readonly name = "SearchQueryError";
}

import type { Account } from "../account.js";
import { isoTime } from "../clock.js";
import { organizationJson, ticketJson, userJson } from "../serialize.js";
import type { Hit } from "./evaluate.js";

/** A search result: the record's usual JSON plus `result_type` (ZENDESK_API.md 4.1). */
export function resultJson(account: Account, hit: Hit, baseUrl: string): Record<string, unknown> {
  switch (hit.type) {
    case "ticket":
      return { ...ticketJson(account, hit.record, baseUrl), result_type: "ticket" };
    case "user":
      return { ...userJson(hit.record, baseUrl), result_type: "user" };
    case "organization":
      return { ...organizationJson(hit.record, baseUrl), result_type: "organization" };
    case "group":
      return {
        url: `${baseUrl}/api/v2/groups/${hit.record.id}.json`,
        id: hit.record.id,
        name: hit.record.name,
        description: "",
        default: false,
        deleted: false,
        is_public: true,
        created_at: isoTime(0),
        updated_at: isoTime(0),
        result_type: "group",
      };
  }
}

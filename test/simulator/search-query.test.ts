import { beforeEach, describe, expect, it, vi } from "vitest";
import { Account } from "../../src/simulator/account.js";
import { DAY, HOUR, SimClock } from "../../src/simulator/clock.js";
import { addTicket, addUser, viaChannel } from "../../src/simulator/factory.js";
import type { Ticket, User } from "../../src/simulator/model.js";
import { SearchQueryError } from "../../src/simulator/search/errors.js";
import { scan, typesOf } from "../../src/simulator/search/evaluate.js";
import { parseQuery } from "../../src/simulator/search/parser.js";
import { FirstK } from "../../src/simulator/search/select.js";

let account: Account;
let clock: SimClock;
let jane: User;
let bob: User;
let agent: User;
/** The clock's time when each test starts (the simulator clock only moves forward). */
let T0: number;

/** The ids of what a query finds, as "ticket:1", "user:2", ... sorted. */
function find(query: string): string[] {
  const parsed = parseQuery(query);
  const found: string[] = [];
  scan(account, parsed, { account, now: clock.now(), me: agent }, typesOf(parsed), (type, record) =>
    found.push(`${type}:${record.id}`),
  );
  return found.sort();
}

const tickets = (query: string): number[] =>
  find(`type:ticket ${query}`)
    .map((s) => Number(s.slice("ticket:".length)))
    .sort((a, b) => a - b);

function ticket(fields: Partial<Ticket>, comments: string[] = []): Ticket {
  return addTicket(
    account,
    { requester_id: jane.id, created_at: T0 - 10 * DAY, updated_at: T0 - 10 * DAY, ...fields },
    comments.map((body) => ({ body })),
  );
}

beforeEach(() => {
  clock = new SimClock();
  T0 = clock.now();
  account = new Account("acme", clock);
  agent = addUser(account, { name: "Agent Smith", email: "smith@acme.test", role: "agent" });
  jane = addUser(account, { name: "Jane Doe", email: "jane.doe@example.com", tags: ["vip"] });
  bob = addUser(account, { name: "Bob Stone", email: "bob@example.com", external_id: "crm-7" });
  account.organizations.set(1, {
    id: 1,
    name: "MD Photo",
    domain_names: ["mdphoto.test"],
    created_at: T0 - 100 * DAY,
    updated_at: T0 - 100 * DAY,
  });
  account.groups.set(5, { id: 5, name: "Support" });
});

describe("search query language: structure", () => {
  it("ANDs different keywords", () => {
    const a = ticket({ status: "open", priority: "high" });
    ticket({ status: "open", priority: "low" });
    ticket({ status: "pending", priority: "high" });
    expect(tickets("status:open priority:high")).toEqual([a.id]);
  });

  it("ORs the same keyword repeated", () => {
    const a = ticket({ tags: ["silver"] });
    const b = ticket({ tags: ["bronze"] });
    ticket({ tags: ["gold"] });
    expect(tickets("tags:silver tags:bronze")).toEqual([a.id, b.id]);
    const open = ticket({ status: "open" });
    const pending = ticket({ status: "pending" });
    expect(tickets("status:open status:pending")).toEqual([open.id, pending.id]);
  });

  it("negates any term with -", () => {
    const a = ticket({ tags: ["invoice"] });
    const b = ticket({ tags: ["other"] });
    const c = ticket({ tags: [] });
    expect(tickets("-tags:invoice")).toEqual([b.id, c.id]);
    expect(tickets("-tags:invoice -tags:other")).toEqual([c.id]);
    expect(tickets("tags:invoice -status:new")).toEqual([]);
    expect(tickets("-status:open")).toEqual([a.id, b.id, c.id]);
  });

  it("searches every type without type:, and only the named types with it", () => {
    const t = ticket({ subject: "Jane's camera" });
    expect(find("jane")).toEqual([`ticket:${t.id}`, `user:${jane.id}`]);
    expect(find("type:user jane")).toEqual([`user:${jane.id}`]);
    expect(find("-type:user jane")).toEqual([`ticket:${t.id}`]);
    expect(find("type:organization photo")).toEqual(["organization:1"]);
    expect(find("type:group support")).toEqual(["group:5"]);
    // A keyword of one type limits a type-less search to that type.
    expect(find("email:jane.doe@example.com")).toEqual([`user:${jane.id}`]);
    expect(find("status:new")).toEqual([`ticket:${t.id}`]);
  });

  it("reads inline order_by and sort", () => {
    const q = parseQuery("type:ticket order_by:created sort:asc");
    expect(q.orderBy).toBe("created_at");
    expect(q.sortOrder).toBe("asc");
  });
});

describe("search query language: ticket keywords", () => {
  it("orders status new<open<pending<hold<solved<closed", () => {
    const ids = Object.fromEntries(
      (["new", "open", "pending", "hold", "solved", "closed"] as const).map((s) => [
        s,
        ticket({ status: s }).id,
      ]),
    );
    expect(tickets("status<solved")).toEqual([ids.new, ids.open, ids.pending, ids.hold]);
    expect(tickets("status<=pending")).toEqual([ids.new, ids.open, ids.pending]);
    expect(tickets("status>hold")).toEqual([ids.solved, ids.closed]);
    expect(tickets("status>=hold")).toEqual([ids.hold, ids.solved, ids.closed]);
  });

  it("orders priority low<normal<high<urgent and finds none", () => {
    const low = ticket({ priority: "low" });
    const high = ticket({ priority: "high" });
    const urgent = ticket({ priority: "urgent" });
    const unset = ticket({ priority: null });
    expect(tickets("priority>normal")).toEqual([high.id, urgent.id]);
    expect(tickets("priority<high")).toEqual([low.id]);
    expect(tickets("priority:none")).toEqual([unset.id]);
  });

  it("matches ticket_type", () => {
    const incident = ticket({ type: "incident" });
    ticket({ type: "question" });
    expect(tickets("ticket_type:incident")).toEqual([incident.id]);
  });

  it("needs every tag of a quoted tags value, and finds tickets without tags with tags:none", () => {
    const both = ticket({ tags: ["superman", "is_awesome"] });
    ticket({ tags: ["superman"] });
    const none = ticket({ tags: [] });
    expect(tickets('tags:"superman is_awesome"')).toEqual([both.id]);
    expect(tickets("tags:none")).toEqual([none.id]);
    expect(tickets("tags:super*")).toHaveLength(2);
  });

  it("finds people by id, email, name, none and me", () => {
    const a = ticket({ requester_id: bob.id, assignee_id: agent.id, collaborator_ids: [jane.id] });
    const b = ticket({ requester_id: jane.id, assignee_id: null });
    expect(tickets(`requester:${bob.id}`)).toEqual([a.id]);
    expect(tickets("requester:bob@example.com")).toEqual([a.id]);
    expect(tickets("requester:BOB@EXAMPLE.COM")).toEqual([a.id]);
    expect(tickets('requester:"Jane Doe"')).toEqual([b.id]);
    expect(tickets("assignee:none")).toEqual([b.id]);
    expect(tickets("assignee:me")).toEqual([a.id]);
    expect(tickets("submitter:jane.doe@example.com")).toEqual([b.id]);
    expect(tickets("cc:jane.doe@example.com")).toEqual([a.id]);
    expect(tickets("cc:none")).toEqual([b.id]);
    expect(tickets("requester:nobody@example.com")).toEqual([]);
  });

  it("finds commenters from the comments", () => {
    const a = addTicket(account, { requester_id: jane.id }, [
      { body: "hi" },
      { body: "reply", author_id: agent.id },
    ]);
    ticket({}, ["hello"]);
    expect(tickets(`commenter:${agent.id}`)).toEqual([a.id]);
  });

  it("finds organizations and groups by id, name and none", () => {
    const a = ticket({ organization_id: 1, group_id: 5 });
    const b = ticket({ organization_id: null, group_id: null });
    expect(tickets('organization:"MD Photo"')).toEqual([a.id]);
    expect(tickets("organization:1")).toEqual([a.id]);
    expect(tickets("organization:none")).toEqual([b.id]);
    expect(tickets("group:support")).toEqual([a.id]);
    expect(tickets("group:none")).toEqual([b.id]);
  });

  it("searches subject, description and comment text separately", () => {
    const a = ticket({ subject: "Photo printer broken" }, ["The printer jams", "Try the tray"]);
    const b = ticket({ subject: "Invoice" }, ["Where is my photograph?"]);
    expect(tickets("subject:photo")).toEqual([a.id]);
    expect(tickets("subject:photo*")).toEqual([a.id]);
    expect(tickets("description:jams")).toEqual([a.id]);
    expect(tickets("description:tray")).toEqual([]);
    expect(tickets("comment:tray")).toEqual([a.id]);
    expect(tickets("comment:photo*")).toEqual([b.id]);
  });

  it("matches bare words as whole words, case-insensitively, over subject and comments", () => {
    const a = ticket({ subject: "Refund request" }, ["My card 4111 was charged twice"]);
    const b = ticket({ subject: "Refunds policy" }, ["see attached"]);
    expect(tickets("refund")).toEqual([a.id]);
    expect(tickets("REFUND")).toEqual([a.id]);
    expect(tickets("refund*")).toEqual([a.id, b.id]);
    expect(tickets("charged")).toEqual([a.id]);
    expect(tickets("-charged")).toEqual([b.id]);
  });

  it("matches quoted phrases as words in order", () => {
    const a = ticket({}, ["Please call me back tomorrow"]);
    ticket({}, ["Back to me, please call"]);
    expect(tickets('"call me back"')).toEqual([a.id]);
    expect(tickets('comment:"call me back"')).toEqual([a.id]);
  });

  it("matches custom fields by value, none and numeric comparison", () => {
    const a = ticket({
      custom_fields: [
        { id: 42, value: "gold" },
        { id: 43, value: 10 },
      ],
    });
    const b = ticket({
      custom_fields: [
        { id: 42, value: null },
        { id: 43, value: 3 },
      ],
    });
    expect(tickets("custom_field_42:gold")).toEqual([a.id]);
    expect(tickets("custom_field_42:none")).toEqual([b.id]);
    expect(tickets("custom_field_43>5")).toEqual([a.id]);
    expect(tickets("custom_field_43<=3")).toEqual([b.id]);
  });

  it("matches has_attachment, via and external_id", () => {
    const a = addTicket(account, { requester_id: jane.id, via: viaChannel("email"), external_id: "EXT-1" }, [
      {
        body: "see file",
        attachments: [
          {
            id: 9,
            file_name: "a.txt",
            content_type: "text/plain",
            content: "x",
            size: 1,
            inline: false,
            deleted: false,
          },
        ],
      },
    ]);
    const b = ticket({ via: viaChannel("web") }, ["no file"]);
    expect(tickets("has_attachment:true")).toEqual([a.id]);
    expect(tickets("has_attachment:false")).toEqual([b.id]);
    expect(tickets("via:mail")).toEqual([a.id]);
    expect(tickets("via:web")).toEqual([b.id]);
    expect(tickets("external_id:ext-1")).toEqual([a.id]);
    expect(tickets("external_id:none")).toEqual([b.id]);
  });
});

describe("search query language: dates", () => {
  it("reads updated<90days as last updated MORE than 90 days ago", () => {
    const old = ticket({ updated_at: T0 - 100 * DAY });
    const recent = ticket({ updated_at: T0 - 10 * DAY });
    expect(tickets("updated<90days")).toEqual([old.id]);
    expect(tickets("updated>90days")).toEqual([recent.id]);
  });

  it("reads created>4hours as created within the last 4 hours", () => {
    const fresh = ticket({ created_at: T0 - 1 * HOUR });
    ticket({ created_at: T0 - 5 * HOUR });
    expect(tickets("created>4hours")).toEqual([fresh.id]);
    expect(tickets("created>4hour")).toEqual([fresh.id]);
    expect(tickets("created>240minutes")).toEqual([fresh.id]);
  });

  it("supports weeks, months and years", () => {
    const a = ticket({ created_at: T0 - 75 * DAY });
    const b = ticket({ created_at: T0 - 800 * DAY });
    expect(tickets("created>3months")).toEqual([a.id]);
    expect(tickets("created<2years")).toEqual([b.id]);
    expect(tickets("created>20weeks")).toEqual([a.id]);
  });

  it("compares date-only values at UTC day granularity", () => {
    const start = ticket({ created_at: Date.UTC(2024, 4, 1, 0, 0, 0) });
    const end = ticket({ created_at: Date.UTC(2024, 4, 1, 23, 59, 59) });
    const before = ticket({ created_at: Date.UTC(2024, 3, 30, 23, 59, 59) });
    const after = ticket({ created_at: Date.UTC(2024, 4, 2, 0, 0, 0) });
    expect(tickets("created:2024-05-01")).toEqual([start.id, end.id]);
    expect(tickets("created<2024-05-01")).toEqual([before.id]);
    expect(tickets("created<=2024-05-01")).toEqual([start.id, end.id, before.id]);
    expect(tickets("created>2024-05-01")).toEqual([after.id]);
    expect(tickets("created>=2024-05-01")).toEqual([start.id, end.id, after.id]);
    // A range is two ANDed comparisons, not an OR.
    expect(tickets("created>2024-04-30 created<2024-05-02")).toEqual([start.id, end.id]);
  });

  it("compares ISO date-times to the second", () => {
    const a = ticket({ updated_at: Date.UTC(2024, 4, 1, 11, 59, 59) });
    const b = ticket({ updated_at: Date.UTC(2024, 4, 1, 12, 0, 0) });
    expect(tickets("updated<2024-05-01T12:00:00Z")).toEqual([a.id]);
    expect(tickets("updated>=2024-05-01T12:00:00Z")).toEqual([b.id]);
    expect(tickets("updated<2024-05-01T14:00:00+02:00")).toEqual([a.id]);
  });

  it("finds unsolved tickets with solved:none", () => {
    const solved = ticket({ status: "solved", solved_at: T0 - DAY });
    const open = ticket({ status: "open" });
    expect(tickets("solved:none")).toEqual([open.id]);
    expect(tickets("solved>2days")).toEqual([solved.id]);
  });
});

describe("search query language: users and organizations", () => {
  it("finds users by email, name, role, tags, external_id, phone and bare text", () => {
    const phoned = addUser(account, { name: "Phil", phone: "+15551234567" });
    expect(find("type:user email:jane.doe@example.com")).toEqual([`user:${jane.id}`]);
    expect(find("type:user email:jane*")).toEqual([`user:${jane.id}`]);
    expect(find("type:user name:stone")).toEqual([`user:${bob.id}`]);
    expect(find("type:user role:agent")).toEqual([`user:${agent.id}`]);
    expect(find("type:user tags:vip")).toEqual([`user:${jane.id}`]);
    expect(find("type:user external_id:crm-7")).toEqual([`user:${bob.id}`]);
    expect(find("type:user phone:+15551234567")).toEqual([`user:${phoned.id}`]);
    expect(find("type:user example")).toEqual([`user:${jane.id}`, `user:${bob.id}`].sort());
  });

  it("does not find deleted users", () => {
    bob.deleted_at = T0;
    expect(find("type:user bob")).toEqual([]);
  });

  it("finds organizations by name and created date", () => {
    expect(find('type:organization name:"md photo"')).toEqual(["organization:1"]);
    expect(find("type:organization created<30days")).toEqual(["organization:1"]);
    expect(find("type:organization created>30days")).toEqual([]);
  });
});

/** The message of the SearchQueryError a query raises; fails the test when it raises none. */
function error(query: string): string {
  try {
    find(query);
  } catch (e) {
    expect(e).toBeInstanceOf(SearchQueryError);
    return (e as Error).message;
  }
  throw new Error(`query ${query} did not fail`);
}

describe("search query language: errors name the problem", () => {
  it("rejects invalid dates and units", () => {
    expect(error("created<2024-13-45")).toMatch(/not a real calendar date/);
    expect(error("created<yesterday")).toMatch(/not a date.*YYYY-MM-DD/);
    expect(error("updated<4fortnights")).toMatch(/"fortnights".*not a time unit.*minutes, hours/);
    expect(error("created:4hours")).toMatch(/relative time needs < or >/);
  });

  it("rejects comparisons on keywords without an order", () => {
    expect(error("tags>foo")).toMatch(/tags cannot be compared with >.*tags:value/);
    expect(error("requester<5")).toMatch(/requester cannot be compared/);
  });

  it("rejects unbalanced quotes", () => {
    expect(error('organization:"MD Photo')).toMatch(/never closed/);
  });

  it("rejects unknown values of enumerated keywords", () => {
    expect(error("status:opne")).toMatch(/status must be one of new, open, pending, hold, solved, closed/);
    expect(error("priority>critical")).toMatch(/priority must be one of low, normal, high, urgent/);
    expect(error("type:tickets")).toMatch(/type:ticket, type:user/);
    expect(error("has_attachment:yes")).toMatch(/true or false/);
    expect(error("type:user role:owner")).toMatch(/end-user, agent or admin/);
  });

  it("rejects empty values, misplaced wildcards and keywords of another type", () => {
    expect(error("status:")).toMatch(/no value/);
    expect(error("subject:ph*to")).toMatch(/only allowed at the end/);
    expect(error("type:ticket email:a@b.c")).toMatch(/email is not a keyword for tickets/);
    expect(error("")).toMatch(/empty/);
    expect(error("order_by:colour")).toMatch(/order_by takes/);
  });

  it("treats an unknown keyword as text rather than failing", () => {
    const t = ticket({ subject: "colour: blue" });
    expect(tickets("colour:blue")).toEqual([t.id]);
  });
});

describe("search query language: the policies Hush runs", () => {
  it("combines negated tags, status order and an absolute date as Hush's retention query does", () => {
    const old = ticket({ status: "open", created_at: Date.UTC(2023, 5, 1) });
    ticket({ status: "open", created_at: Date.UTC(2023, 5, 1), tags: ["legal-hold"] });
    ticket({ status: "pending", created_at: Date.UTC(2023, 5, 1), tags: ["hush-redacted", "x"] });
    ticket({ status: "solved", created_at: Date.UTC(2023, 5, 1) });
    ticket({ status: "open", created_at: Date.UTC(2024, 0, 1, 12) });
    expect(tickets("-tags:legal-hold -tags:hush-redacted status<solved created<2024-01-01")).toEqual([
      old.id,
    ]);
  });

  it("reads relative dates with <= and >= the same way as < and >", () => {
    const old = ticket({ updated_at: T0 - 100 * DAY });
    const recent = ticket({ updated_at: T0 - 10 * DAY });
    expect(tickets("updated<=90days")).toEqual([old.id]);
    expect(tickets("updated>=90days")).toEqual([recent.id]);
    expect(tickets("status:closed updated<90days")).toEqual([]);
  });

  it("matches keywords and values case-insensitively", () => {
    const spam = ticket({ status: "closed", tags: ["spam"] });
    expect(tickets("STATUS:Closed Tags:SPAM")).toEqual([spam.id]);
    expect(tickets("requester:JANE.DOE@EXAMPLE.COM")).toEqual([spam.id]);
    // Stored tags are matched case-insensitively too (user tags keep the case they were sent in).
    const premium = addUser(account, { name: "Pia", tags: ["Premium_Support"] });
    expect(find("type:user tags:premium_support")).toEqual([`user:${premium.id}`]);
    expect(find('type:user tags:"PREMIUM_SUPPORT"')).toEqual([`user:${premium.id}`]);
  });

  it("finds a ticket by its id written as a bare number, as Zendesk's query=3245227 does", () => {
    const a = ticket({ subject: "Hello" });
    ticket({ subject: "Other" });
    expect(tickets(String(a.id))).toEqual([a.id]);
  });

  it("finds Hush's copies by external_id and custom field values", () => {
    const copy = ticket({ external_id: "hush-copy-123", custom_fields: [{ id: 77, value: "EU" }] });
    ticket({ external_id: "hush-copy-1234" });
    expect(find("external_id:hush-copy-123")).toEqual([`ticket:${copy.id}`]);
    expect(tickets("custom_field_77:eu")).toEqual([copy.id]);
  });

  it("finds end users not updated for two years", () => {
    jane.updated_at = T0 - 800 * DAY;
    expect(find("type:user role:end-user updated<2years")).toEqual([`user:${jane.id}`]);
  });
});

describe("search query language: cost", () => {
  it("reads comments only for terms that need them, so structured queries stay cheap on a big account", () => {
    ticket({ status: "closed", tags: ["spam"], updated_at: T0 - 100 * DAY }, ["hello"]);
    const comments = vi.spyOn(account, "comments");
    find(
      "type:ticket status:closed tags:spam updated<90days -tags:legal-hold requester:jane.doe@example.com",
    );
    expect(comments).not.toHaveBeenCalled();
    find("type:ticket status:closed hello");
    expect(comments).toHaveBeenCalledTimes(1);
    // Cheap terms run first: a ticket they rule out never has its comments read.
    comments.mockClear();
    find("type:ticket status:open hello");
    expect(comments).not.toHaveBeenCalled();
  });
});

describe("search query language: syntax Zendesk does not have is refused, not guessed", () => {
  it("refuses OR, AND, NOT and parentheses instead of searching them as words", () => {
    ticket({ status: "closed", subject: "or and not" });
    expect(error("status:closed OR status:solved")).toMatch(
      /OR.*repeat the keyword.*status:closed status:solved/,
    );
    expect(error("tags:a AND tags:b")).toMatch(/AND.*terms are ANDed/);
    expect(error("NOT tags:a")).toMatch(/NOT.*-tags:a/);
    expect(error("(status:closed status:solved)")).toMatch(/parenthes/);
    expect(error("type:ticket (tags:a)")).toMatch(/parenthes/);
    // Quoted, the same characters are an ordinary phrase.
    expect(tickets('"or and not"')).toHaveLength(1);
  });

  it("refuses relative dates written with a space or as words", () => {
    expect(error("updated<90 days")).toMatch(/"90" is not a date/);
    expect(error("created>yesterday")).toMatch(/not a date/);
  });

  it("refuses Zendesk keywords the simulator does not implement rather than searching them as text", () => {
    expect(error('form:"Default Ticket Form"')).toMatch(/form.*not supported by the simulator/);
    expect(error("recipient:support@acme.test")).toMatch(/recipient.*not supported/);
    expect(error("satisfaction:bad")).toMatch(/satisfaction.*not supported/);
    expect(error("fieldvalue:12345")).toMatch(/fieldvalue.*not supported/);
    expect(error("type:user user:amy")).toMatch(/user.*not supported/);
  });
});

describe("selecting the first results", () => {
  it("keeps exactly the first k of a large stream in order", () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5003);
    const first = new FirstK<number>(100, (a, b) => a - b);
    for (const v of values) first.push(v);
    expect(first.result()).toEqual([...values].sort((a, b) => a - b).slice(0, 100));
  });
});

import { describe, expect, it } from "vitest";
import { type RedactionPolicy, redactionPolicySchema } from "../../src/api/redaction-policy.js";
import { checkAccount, checkPolicy, queryTypeTerms } from "../../src/api/validate.js";
import { type ZendeskAccount, zendeskAccountSchema } from "../../src/api/zendesk-account.js";

const policyWith = (spec: Record<string, unknown>): RedactionPolicy =>
  redactionPolicySchema.parse({
    apiVersion: "hush.dev/v1alpha1",
    kind: "RedactionPolicy",
    metadata: { name: "p", namespace: "privacy" },
    spec: { accountRef: { name: "acme" }, query: "type:ticket status:closed", ...spec },
  });

const accountWith = (spec: Record<string, unknown>): ZendeskAccount =>
  zendeskAccountSchema.parse({
    apiVersion: "hush.dev/v1alpha1",
    kind: "ZendeskAccount",
    metadata: { name: "acme" },
    spec: { subdomain: "acme", credentials: { secretRef: { name: "acme" } }, ...spec },
  });

const problems = (spec: Record<string, unknown>) => checkPolicy(policyWith(spec));
const paths = (spec: Record<string, unknown>) => problems(spec).map((p) => p.path);

describe("checkPolicy", () => {
  it("accepts a plain policy with every default", () => {
    expect(problems({})).toEqual([]);
  });

  describe("action and target", () => {
    it("refuses Redact on users and Anonymize on tickets, naming the actions that fit", () => {
      expect(problems({ target: "users", query: "type:user", action: "Redact" })).toEqual([
        {
          path: "spec.action",
          message:
            "Redact works on tickets, but target is users; with target users use Anonymize, Delete or PermanentlyDelete, or set target: tickets",
        },
      ]);
      expect(problems({ action: "Anonymize" })[0]).toMatchObject({
        path: "spec.action",
        message: expect.stringContaining("Anonymize works on users, but target is tickets"),
      });
    });

    it("lets Delete and PermanentlyDelete work on tickets and users", () => {
      for (const action of ["Delete", "PermanentlyDelete"]) {
        expect(problems({ action })).toEqual([]);
        expect(problems({ action, target: "users", query: "type:user" })).toEqual([]);
      }
    });
  });

  describe("query", () => {
    it("refuses a type: that disagrees with target, and -type:", () => {
      expect(problems({ query: "type:user role:end-user" })).toEqual([
        {
          path: "spec.query",
          message:
            "says type:user but target is tickets; write type:ticket or leave type out (Hush adds it from target), or change target to users",
        },
      ]);
      expect(problems({ query: "type:organization" })[0]!.message).toMatch(
        /change target \(tickets or users\)$/,
      );
      expect(problems({ query: "status:closed -type:user" })[0]!.message).toMatch(
        /^has -type:user; leave type out/,
      );
    });

    it("reads type: terms wherever they are, in any case", () => {
      expect(queryTypeTerms('status:closed Type:Ticket (type:"user")')).toEqual([
        { type: "ticket", negated: false },
        { type: "user", negated: false },
      ]);
      expect(queryTypeTerms("subtype:x mytype:y")).toEqual([]);
    });

    it("refuses a blank query", () => {
      expect(problems({ query: "   " })).toEqual([
        {
          path: "spec.query",
          message: "is blank; write a Zendesk search query, e.g. type:ticket status:closed updated<90days",
        },
      ]);
    });

    it("refuses a query that selects only exempt or already marked records", () => {
      expect(paths({ query: "tags:legal-hold", exemptions: { tags: ["legal-hold"] } })).toEqual([
        "spec.query",
      ]);
      expect(paths({ query: "tags:hush-redacted" })).toEqual(["spec.query"]);
      expect(paths({ query: "tags:spam tags:legal-hold", exemptions: { tags: ["legal-hold"] } })).toEqual([]);
    });
  });

  describe("redaction settings", () => {
    it("needs text for a Text replacement and refuses text for other replacements", () => {
      expect(problems({ redact: { replacement: { type: "Text" } } })).toEqual([
        {
          path: "spec.redact.replacement.text",
          message:
            "is required with replacement type Text; give the text that stands for masked data, e.g. [redacted]",
        },
      ]);
      expect(paths({ redact: { replacement: { text: "[x]" } } })).toEqual(["spec.redact.replacement.text"]);
      expect(problems({ redact: { replacement: { type: "Text", text: "[x]" } } })).toEqual([]);
    });

    it("ties tagPatterns to tags in fields, both ways", () => {
      expect(paths({ redact: { fields: ["tags"] } })).toEqual(["spec.redact.tagPatterns"]);
      expect(paths({ redact: { tagPatterns: ["^customer-"] } })).toEqual(["spec.redact.fields"]);
      expect(problems({ redact: { fields: ["tags"], tagPatterns: ["^customer-"] } })).toEqual([]);
    });

    it("refuses tag patterns that do not compile, could backtrack exponentially or match the marker tag", () => {
      const result = problems({
        redact: { fields: ["tags"], tagPatterns: ["(unclosed", "(a+)+$", "^hush-"] },
      });
      expect(result.map((p) => p.path)).toEqual([
        "spec.redact.tagPatterns[0]",
        "spec.redact.tagPatterns[1]",
        "spec.redact.tagPatterns[2]",
      ]);
      expect(result[0]!.message).toMatch(/not a valid regular expression/);
      expect(result[1]!.message).toMatch(/exponential time/);
      expect(result[2]!.message).toMatch(/matches the marker tag hush-redacted/);
    });

    it("refuses custom patterns that cannot be used", () => {
      expect(
        paths({ redact: { masking: "Detected", patterns: [{ name: "bad", regex: "([a-z]+)*@" }] } }),
      ).toEqual(["spec.redact.patterns[0].regex"]);
      expect(paths({ redact: { patterns: [{ name: "bad", regex: "[unclosed" }] } })).toEqual([
        "spec.redact.patterns[0].regex",
      ]);
    });

    it("accepts patterns and detectors with Full masking, where they check what is left after acting", () => {
      const redact = { detectors: ["email"], patterns: [{ name: "order", regex: "ORD-[0-9]+" }] };
      expect(problems({ redact })).toEqual([]);
    });

    it("refuses settings that fields make useless", () => {
      expect(paths({ redact: { fields: ["subject"], customFieldIds: [1] } })).toEqual(["spec.redact.fields"]);
      expect(paths({ redact: { fields: ["subject"], attachmentMethod: "Redact" } })).toEqual([
        "spec.redact.attachmentMethod",
      ]);
      expect(paths({ redact: { fields: ["subject"], comments: { visibility: "Public" } } })).toEqual([
        "spec.redact.comments",
      ]);
      expect(paths({ redact: { comments: { authorRoles: [] } } })).toEqual([
        "spec.redact.comments.authorRoles",
      ]);
    });

    it("allows permanentlyDeleteOriginals only with Replace", () => {
      expect(paths({ redact: { permanentlyDeleteOriginals: true } })).toEqual([
        "spec.redact.permanentlyDeleteOriginals",
      ]);
      expect(paths({ redact: { permanentlyDeleteOriginals: true, closedTickets: "Replace" } })).toEqual([]);
    });
  });

  describe("settings of another action", () => {
    it("refuses redact settings on a Delete policy: the author likely meant Redact", () => {
      expect(problems({ action: "Delete", redact: { masking: "Detected" } })).toEqual([
        {
          path: "spec.redact",
          message:
            "is used only with action Redact, but action is Delete; remove redact, or set action: Redact if redaction is what you meant",
        },
      ]);
    });

    it("refuses anonymize settings on a Redact policy, and accepts them on Anonymize", () => {
      expect(paths({ anonymize: { phones: "Replace" } })).toEqual(["spec.anonymize"]);
      expect(
        problems({
          target: "users",
          query: "type:user",
          action: "Anonymize",
          anonymize: { phones: "Replace" },
        }),
      ).toEqual([]);
    });
  });

  describe("schedule", () => {
    it("needs exactly one of cron and interval", () => {
      expect(problems({ schedule: {} })[0]).toMatchObject({
        path: "spec.schedule",
        message: expect.stringMatching(/^needs cron or interval/),
      });
      expect(problems({ schedule: { cron: "0 3 * * *", interval: "1h" } })).toEqual([
        { path: "spec.schedule", message: "has both cron and interval; keep one of them" },
      ]);
    });

    it("accepts five-field cron expressions in an IANA time zone, and the nicknames", () => {
      expect(problems({ schedule: { cron: "0 3 * * *", timeZone: "Europe/Copenhagen" } })).toEqual([]);
      expect(problems({ schedule: { cron: "*/15 8-17 * * MON-FRI" } })).toEqual([]);
      expect(problems({ schedule: { cron: "@daily" } })).toEqual([]);
    });

    it("refuses cron expressions with the wrong number of fields, invalid values or no matching date", () => {
      expect(problems({ schedule: { cron: "0 0 3 * * *" } })[0]!.message).toBe(
        "must have five fields (minute hour day-of-month month day-of-week), e.g. 0 3 * * * for 03:00 daily; it has 6",
      );
      expect(problems({ schedule: { cron: "61 3 * * *" } })[0]!.message).toMatch(
        /^is not a valid cron expression \(Invalid value for minute: 61\)/,
      );
      expect(problems({ schedule: { cron: "0 0 30 2 *" } })[0]!.message).toMatch(/^never matches a date/);
      expect(problems({ schedule: { cron: "@reboot" } })[0]!.message).toMatch(/is not a schedule nickname/);
    });

    it("refuses unknown time zones, suggesting the one meant, and a time zone without cron", () => {
      expect(problems({ schedule: { cron: "0 3 * * *", timeZone: "Europe/Copenhagn" } })).toEqual([
        {
          path: "spec.schedule.timeZone",
          message:
            '"Europe/Copenhagn" is not an IANA time zone; use a name such as Europe/Copenhagen, America/New_York or UTC; did you mean Europe/Copenhagen?',
        },
      ]);
      expect(paths({ schedule: { interval: "1h", timeZone: "UTC" } })).toEqual(["spec.schedule.timeZone"]);
    });

    it("refuses intervals shorter than a minute", () => {
      expect(problems({ schedule: { interval: "30s" } })).toEqual([
        {
          path: "spec.schedule.interval",
          message: "is shorter than 1m; sweeps may start at most once a minute, e.g. 15m or 1h",
        },
      ]);
      expect(problems({ schedule: { interval: "1m" } })).toEqual([]);
      expect(problems({ schedule: { interval: "1h30m" } })).toEqual([]);
    });
  });

  it("refuses the marker tag as an exemption", () => {
    expect(paths({ exemptions: { tags: ["legal-hold", "hush-redacted"] } })).toEqual([
      "spec.exemptions.tags[1]",
    ]);
  });
});

describe("checkAccount", () => {
  it("accepts an account with defaults", () => {
    expect(checkAccount(accountWith({}))).toEqual([]);
  });

  it("refuses the High Volume add-on on the Team plan, which Zendesk does not sell it for", () => {
    expect(
      checkAccount(accountWith({ rateLimit: { plan: "Team", highVolume: true } })).map((p) => p.path),
    ).toEqual(["spec.rateLimit.highVolume"]);
    expect(checkAccount(accountWith({ rateLimit: { plan: "Professional", highVolume: true } }))).toEqual([]);
  });

  it("refuses a region code that names no country", () => {
    expect(checkAccount(accountWith({ defaultRegion: "QQ" }))).toEqual([
      {
        path: "spec.defaultRegion",
        message: '"QQ" is not an ISO 3166-1 country code; use one such as DK, SE, DE or US',
      },
    ]);
    expect(checkAccount(accountWith({ defaultRegion: "SE" }))).toEqual([]);
  });

  it("refuses base URLs with credentials, a query or the API path", () => {
    const messages = (baseURL: string) => checkAccount(accountWith({ baseURL })).map((p) => p.message);
    expect(messages("http://user:pw@127.0.0.1:8080")[0]).toMatch(/^must not carry credentials/);
    expect(messages("http://127.0.0.1:8080/?x=1")[0]).toMatch(/^must not have a query/);
    expect(messages("http://127.0.0.1:8080/api/v2")[0]).toMatch(/^must not end in \/api\/v2/);
    expect(messages("http://127.0.0.1:8080/accounts/acme")).toEqual([]);
  });
});

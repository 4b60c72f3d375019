import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, REDACTED } from "../../src/observability/index.js";

// The log never carries a secret or an email, even when an object holding one is logged whole.

const TOKEN = "zd-token-6f1e2d3c4b5a";
const EMAIL = "ingrid.bergstrom@example.net";

function capture(): { destination: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join("");
  return {
    destination,
    text,
    lines: () =>
      text()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("the logger", () => {
  it("writes JSON lines at the level asked for", () => {
    const out = capture();
    const logger = createLogger({ level: "info", destination: out.destination, name: "hush" });
    logger.debug("not shown");
    logger.info({ policy: "support/gdpr-retention", acted: 12 }, "sweep ended");
    expect(out.lines()).toEqual([
      expect.objectContaining({
        level: 30,
        name: "hush",
        policy: "support/gdpr-retention",
        acted: 12,
        msg: "sweep ended",
      }),
    ]);
  });

  it("redacts tokens, authorization headers and emails wherever they are nested", () => {
    const out = capture();
    const logger = createLogger({ destination: out.destination });
    logger.info(
      {
        token: TOKEN,
        account: { credentials: { email: EMAIL, token: TOKEN } },
        request: {
          headers: { authorization: `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString("base64")}` },
        },
        config: { zendesk: { auth: { oauthToken: TOKEN, apiToken: TOKEN, password: TOKEN } } },
        user: { email: EMAIL },
      },
      "connecting",
    );
    const text = out.text();
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(Buffer.from(`${EMAIL}/token:${TOKEN}`).toString("base64"));
    const [line] = out.lines();
    expect(line).toMatchObject({
      token: REDACTED,
      account: { credentials: REDACTED },
      request: { headers: { authorization: REDACTED } },
      config: { zendesk: { auth: { oauthToken: REDACTED, apiToken: REDACTED, password: REDACTED } } },
      user: { email: REDACTED },
    });
  });

  it("refuses an unknown level, naming the ones it knows", () => {
    expect(() => createLogger({ level: "verbose" })).toThrow(
      'unknown log level "verbose"; use one of fatal, error, warn, info, debug, trace, silent',
    );
  });
});

import pino from "pino";
import { expect, it } from "vitest";
import { anonymizeUser } from "../../src/sweep/anonymize-user.js";
import { deleteUser } from "../../src/sweep/delete-user.js";
import type { ItemOutcome } from "../../src/sweep/outcome.js";
import { redactTicket } from "../../src/sweep/ticket.js";
import { pinoRequestLogger } from "../../src/zendesk/index.js";
import { useSimulator } from "../support/sim.js";
import {
  attachFile,
  CARD,
  context,
  createCustomer,
  createOpenTicket,
  hushClient,
  importClosedTicket,
  ticketSpec,
  userSpec,
} from "./fixtures.js";

const s = useSimulator({ accounts: [{ subdomain: "acme", tickets: 0 }] });

it("puts no personal data into outcomes or request logs, whatever the path and its ending", async () => {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
  const { client } = hushClient(s.current, { logger: pinoRequestLogger(logger) });
  const { client: asAgent } = hushClient(s.current, { as: "agent", logger: pinoRequestLogger(logger) });
  const ingrid = await createCustomer(s.current);
  const open = await createOpenTicket(s.current, ingrid);
  const closed = await importClosedTicket(s.current, ingrid);
  const replaced = await importClosedTicket(s.current, ingrid);
  const withFile = await importClosedTicket(s.current, ingrid);
  attachFile(s.current, withFile);
  const replace = ticketSpec({ closedTickets: "Replace" });

  const outcomes: ItemOutcome[] = [
    await redactTicket(context(asAgent), open, ticketSpec()), // refused by Zendesk: 403
    await redactTicket(context(client), open, ticketSpec()),
    await redactTicket(context(client), closed, ticketSpec()),
    await redactTicket(context(client), replaced, replace, { permanentlyDeleteOriginals: true }),
    await redactTicket(context(client), withFile, { ...replace, fields: ["comments"] }), // refused by Hush
    await deleteUser(context(client), ingrid.id, { permanently: true }), // refused: open ticket
    await anonymizeUser(context(client), ingrid.id, userSpec()),
  ];

  expect(outcomes.map((o) => o.result)).toEqual([
    "failed",
    "acted",
    "acted",
    "acted",
    "failed",
    "failed",
    "acted",
  ]);
  expect(lines.length).toBeGreaterThan(20);
  const written = JSON.stringify(outcomes) + lines.join("");
  const [local] = ingrid.email.split("@") as [string];
  for (const trace of [
    "Ingrid",
    "Bergström",
    local,
    ingrid.phone,
    ingrid.phone.slice(3),
    CARD,
    "4111",
    "Double charge",
  ]) {
    expect(written).not.toContain(trace);
  }
  await client.close();
  await asAgent.close();
});

// Scale benchmark of the seed: one account with a million tickets (or --tickets N). Prints figures
// only; nothing here asserts, because timings depend on the machine.
import { parseArgs } from "node:util";
import { Account } from "../src/simulator/account.js";
import { SimClock } from "../src/simulator/clock.js";
import { countMatches, typesOf } from "../src/simulator/search/evaluate.js";
import { parseQuery } from "../src/simulator/search/parser.js";
import { seedAccount } from "../src/simulator/seed/index.js";

// Not strict: bench/run.ts passes every bench the same arguments.
const { values } = parseArgs({
  options: { tickets: { type: "string", default: "1000000" }, seed: { type: "string", default: "1" } },
  strict: false,
});
const tickets = Number(values.tickets);
const seed = Number(values.seed);
if (!Number.isInteger(tickets) || tickets < 1)
  throw new Error(`--tickets must be a positive integer, got ${values.tickets}`);

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const account = new Account("bench", new SimClock());
let started = performance.now();
const summary = seedAccount(account, { seed, tickets });
const seedMs = performance.now() - started;

gc?.();
const memory = process.memoryUsage();
console.log(`tickets:              ${summary.tickets}`);
console.log(
  `users:                ${summary.users} (${summary.agents} agents), organizations: ${summary.organizations}`,
);
console.log(
  `comments implied:     ${summary.comments} (${(summary.comments / summary.tickets).toFixed(2)} per ticket)`,
);
console.log(`seed time:            ${seconds(seedMs)}`);
console.log(`heap used after GC:   ${mib(memory.heapUsed)}${gc ? "" : " (no --expose-gc: GC not forced)"}`);
console.log(`RSS after GC:         ${mib(memory.rss)}`);

// Search over the whole account: structured queries must not read (and so generate) comments.
const readComments = account.comments.bind(account);
let commentReads = 0;
account.comments = (ticket) => {
  commentReads++;
  return readComments(ticket);
};
for (const query of ["type:ticket status:closed updated<90days", "type:ticket -tags:vip status<solved"]) {
  const parsed = parseQuery(query);
  commentReads = 0;
  started = performance.now();
  const count = countMatches(
    account,
    parsed,
    { account, now: account.clock.now(), me: null },
    typesOf(parsed),
  );
  console.log(
    `search ${JSON.stringify(query)}: ${count} matches in ${seconds(performance.now() - started)}, ${commentReads} comment reads`,
  );
}
account.comments = readComments;

started = performance.now();
let generated = 0;
let bodyChars = 0;
for (const ticket of account.tickets.values()) {
  const comments = account.comments(ticket);
  generated += comments.length;
  for (const c of comments) bodyChars += c.body.length;
}
const scanMs = performance.now() - started;
console.log(
  `comment scan:         ${generated} comments (${mib(bodyChars)} of body text) in ${seconds(scanMs)}`,
);
// maxRSS is in kibibytes.
console.log(`peak RSS:             ${mib(process.resourceUsage().maxRSS * 1024)}`);

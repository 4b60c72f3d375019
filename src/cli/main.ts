#!/usr/bin/env node
import { runDemo } from "./demo.js";
import { runRedact } from "./redact.js";
import { runSimulator } from "./simulator.js";

const USAGE = `Usage: hush <command> [options]

Commands:
  simulator   Serve the bundled Zendesk simulator with seeded data
  demo        Start the simulator with 10,000 seeded tickets and show Zendesk calls answered by it
  redact      Mask personal data in text from stdin, to see what a policy's detectors would do

Run "hush <command> --help" for a command's options.`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  simulator: runSimulator,
  demo: runDemo,
  redact: runRedact,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`hush: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  return command(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`hush: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);

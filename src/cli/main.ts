#!/usr/bin/env node
import { runDemo } from "./demo.js";
import { runRedact } from "./redact.js";
import { runRun } from "./run.js";
import { runSimulator } from "./simulator.js";
import { runSweepCommand } from "./sweep.js";
import { runValidate } from "./validate.js";

const USAGE = `Usage: hush <command> [options]

Commands:
  simulator   Serve the bundled Zendesk simulator with seeded data
  demo        Run the example policies against a seeded simulator: progress, before/after, metrics
  redact      Mask personal data in text from stdin, to see what a policy's detectors would do
  validate    Check ZendeskAccount, RedactionPolicy and Secret files: every problem with its field
  sweep       Run one sweep of a policy against its Zendesk account (-f FILE...; --dry-run previews)
  run         Run every policy in a directory on its schedule, without a cluster (--dir DIR)
  operator    Run the Kubernetes operator: reconcile ZendeskAccounts and RedactionPolicies in a cluster

Run "hush <command> --help" for a command's options.`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  simulator: runSimulator,
  demo: runDemo,
  redact: runRedact,
  validate: runValidate,
  sweep: runSweepCommand,
  run: runRun,
  // Loaded on demand: only the operator needs the Kubernetes client.
  operator: async (args) => (await import("./operator.js")).runOperatorCli(args),
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

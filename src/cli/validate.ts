import { parseArgs } from "node:util";
import { checkReferences, formatProblem, loadResourceFiles } from "../api/load.js";

// `hush validate`: checks resource files as the API server and Hush would, without touching
// Zendesk: schema (types, enums, bounds, unknown fields), semantic rules (action and target,
// schedule, patterns, query) and references between the files (account, Secrets, pseudonym key).

const HELP = `Usage: hush validate -f FILE [-f FILE...] [options]

Checks ZendeskAccount, RedactionPolicy and Secret manifests (multi-document YAML or JSON) and
prints one line per problem: file:document kind namespace/name: field: what is wrong (line N).

Options:
  -f, --filename PATH  a file, or a directory whose .yaml/.yml/.json files are read; repeat for several
  --no-references      check each resource on its own: do not require the policies' accounts and the
                       accounts' Secrets to be among the files
  --json               print {"valid", "files", "counts", "problems"} as JSON instead
  -h, --help           show this help

Exit codes: 0 all valid, 2 a problem was found (or the command line is wrong).

Examples:
  hush validate -f account.yaml -f policy.yaml
  hush validate -f examples/`;

export interface ValidateIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export async function runValidate(args: string[]): Promise<number> {
  return validate(args, { stdout: process.stdout, stderr: process.stderr });
}

export async function validate(args: string[], io: ValidateIO): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(args));
  } catch (error) {
    io.stderr.write(
      `hush validate: ${(error as Error).message}\nRun "hush validate --help" for the options.\n`,
    );
    return 2;
  }
  if (values.help) {
    io.stdout.write(`${HELP}\n`);
    return 0;
  }
  const paths = [...(values.filename ?? []), ...positionals];
  if (paths.length === 0) {
    io.stderr.write(
      'hush validate: no file given; name the resource files with -f FILE (see "hush validate --help")\n',
    );
    return 2;
  }

  const { resources, problems, files } = await loadResourceFiles(paths);
  if (!values["no-references"]) {
    // A reference to a resource that is in the files but invalid is not missing: its own problems say why.
    const invalid = new Set(problems.map((p) => `${p.kind} ${p.name}`));
    problems.push(...checkReferences(resources).filter((p) => !p.refers || !invalid.has(p.refers)));
  }
  const counts = {
    accounts: resources.accounts.length,
    policies: resources.policies.length,
    secrets: resources.secrets.length,
  };
  const valid = problems.length === 0;

  if (values.json) {
    io.stdout.write(`${JSON.stringify({ valid, files, counts, problems }, null, 2)}\n`);
    return valid ? 0 : 2;
  }
  for (const problem of problems) io.stdout.write(`${formatProblem(problem)}\n`);
  if (valid) {
    io.stdout.write(
      `OK: ${plural(counts.accounts, "ZendeskAccount")}, ${plural(counts.policies, "RedactionPolicy", "RedactionPolicies")}, ${plural(counts.secrets, "Secret")} in ${plural(files.length, "file")}\n`,
    );
    return 0;
  }
  const inFiles = new Set(problems.map((p) => p.file)).size;
  io.stderr.write(
    `hush validate: ${plural(problems.length, "problem")} in ${plural(inFiles, "file")}; fix ${problems.length === 1 ? "it" : "them"} and run hush validate again\n`,
  );
  return 2;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      filename: { type: "string", short: "f", multiple: true },
      "no-references": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

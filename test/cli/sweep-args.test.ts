import { describe, expect, it } from "vitest";
import { parseSweepArgs, UsageError } from "../../src/cli/sweep-args.js";

// Every mistake on the command line names the option and says what to write instead.

const usageError = (args: string[]): string => {
  try {
    parseSweepArgs(args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parseSweepArgs(${JSON.stringify(args)}) accepted the arguments`);
};

describe("hush sweep's arguments", () => {
  it("reads files, flags and values", () => {
    expect(
      parseSweepArgs([
        "-f",
        "account.yaml",
        "--file",
        "policy.yaml",
        "-fsecret.yaml",
        "--state",
        "/tmp/state",
        "--audit",
        "-",
        "--concurrency",
        "8",
        "--policy",
        "privacy/gdpr",
        "--approve",
        "g3-n1200-0123abcd",
        "--json",
      ]),
    ).toEqual({
      files: ["account.yaml", "policy.yaml", "secret.yaml"],
      dryRun: false,
      json: true,
      help: false,
      approve: "g3-n1200-0123abcd",
      policy: "privacy/gdpr",
      stateDir: "/tmp/state",
      audit: "-",
      concurrency: 8,
    });
    expect(parseSweepArgs(["-f", "all.yaml", "--dry-run"])).toMatchObject({
      files: ["all.yaml"],
      dryRun: true,
    });
  });

  it("answers --help without asking for files", () => {
    expect(parseSweepArgs(["--help"]).help).toBe(true);
    expect(parseSweepArgs(["-h"]).help).toBe(true);
  });

  it("asks for resource files when none is named", () => {
    expect(usageError([])).toBe(
      "no resource files: name the account, the policy and (optionally) the Secret with -f, e.g. -f account.yaml -f policy.yaml -f secret.yaml",
    );
  });

  it("names an unknown option, suggests the likely one and lists the others", () => {
    const message = usageError(["-f", "a.yaml", "--dryrun"]);
    expect(message).toContain("unknown option --dryrun; did you mean --dry-run?");
    expect(message).toContain(
      "--filename, --dry-run, --approve, --policy, --state, --audit, --concurrency, --json",
    );
    expect(usageError(["-f", "a.yaml", "-x"])).toMatch(/^unknown option -x \(options: /);
  });

  it("names an option whose value is missing, with the value it takes", () => {
    expect(usageError(["-f"])).toBe("-f needs a value: -f FILE");
    expect(usageError(["-f", "--dry-run"])).toBe("-f needs a value: -f FILE");
    expect(usageError(["-f", "a.yaml", "--state"])).toBe("--state needs a value: --state DIR");
    expect(usageError(["-f", "a.yaml", "--approve"])).toBe("--approve needs a value: --approve PREVIEW_ID");
    expect(usageError(["-f", "a.yaml", "--policy="])).toBe("--policy is empty: --policy NS/NAME");
  });

  it("refuses a value given to a flag", () => {
    expect(usageError(["-f", "a.yaml", "--dry-run=yes"])).toBe(
      "--dry-run takes no value; write --dry-run alone (got --dry-run=yes)",
    );
  });

  it("refuses a file named without -f", () => {
    expect(usageError(["-f", "a.yaml", "policy.yaml"])).toBe(
      'unexpected argument "policy.yaml": name each resource file with -f (-f policy.yaml)',
    );
  });

  it("refuses an option given twice, except -f", () => {
    expect(usageError(["-f", "a.yaml", "--state", "x", "--state", "y"])).toBe(
      "--state is given twice; give it once",
    );
  });

  it("keeps --concurrency within what a policy allows", () => {
    for (const bad of ["0", "33", "2.5", "four", "-1"]) {
      const message = usageError(["-f", "a.yaml", `--concurrency=${bad}`]);
      expect(message).toBe(`--concurrency must be a whole number from 1 to 32; got "${bad}"`);
    }
  });

  it("refuses to approve a dry run", () => {
    expect(usageError(["-f", "a.yaml", "--dry-run", "--approve", "g1-n5-00000000"])).toBe(
      "--approve runs a sweep and --dry-run only previews one; leave one of them out",
    );
  });

  it("wants --policy as NAMESPACE/NAME or NAME", () => {
    expect(parseSweepArgs(["-f", "a.yaml", "--policy", "gdpr"]).policy).toBe("gdpr");
    expect(usageError(["-f", "a.yaml", "--policy", "Privacy/GDPR"])).toBe(
      "--policy must be NAMESPACE/NAME or NAME of a RedactionPolicy (lower-case letters, digits, '-' and '.'); got \"Privacy/GDPR\"",
    );
  });
});

import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const hush = fileURLToPath(new URL("../../bin/hush", import.meta.url));
const M = "\u2587";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `hush redact` as a user would, with `input` on stdin. */
async function redact(args: string[], input: string, env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(hush, ["redact", ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.on("error", () => {}); // the command may exit before reading everything (bad flags)
  child.stdin.end(input);
  const [code] = await once(child, "exit");
  return { code, stdout, stderr };
}

const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("hush redact on plain text", () => {
  it("masks emails, phones and cards and keeps the rest of the text and its line breaks", async () => {
    const input =
      "Hi,\nmail anna@example.com or call +45 21 34 56 78.\n\nCard 4111 1111 1111 1111, order 4411.\n";
    const run = await redact(["--region", "DK"], input);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `Hi,\nmail ${M.repeat(16)} or call ${M.repeat(3)} ${M.repeat(2)} ${M.repeat(2)} ${M.repeat(2)} ${M.repeat(2)}.\n\nCard ${M.repeat(4)} ${M.repeat(4)} ${M.repeat(4)} ${M.repeat(4)}, order 4411.\n`,
    );
  });

  it("masks every character but whitespace in Full mode, in any script", async () => {
    const run = await redact(["--mode", "Full"], "Hej Zoë,\n\tمرحبا 👨‍👩‍👧\n");
    expect(run.stdout).toBe(`${M.repeat(3)} ${M.repeat(4)}\n\t${M.repeat(5)} ${M}\n`);
  });

  it("prints findings as JSON lines with detector, offsets and line, but no matched text", async () => {
    const run = await redact(["--json"], "first line\nmail anna@example.com\n");
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([{ detector: "email", start: 16, end: 32, line: 2 }]);
    expect(run.stdout).not.toContain("anna");
  });

  it("adds the matched text with --show-matches", async () => {
    const run = await redact(["--json", "--show-matches"], "mail anna@example.com\n");
    expect(lines(run.stdout)).toEqual([
      { detector: "email", start: 5, end: 21, line: 1, match: "anna@example.com" },
    ]);
  });

  it("counts offsets from the start of the whole input across paragraphs", async () => {
    const input = "a@b.dk\n\nsecond paragraph c@d.dk\n";
    const run = await redact(["--json", "--detectors", "email"], input);
    const found = lines(run.stdout) as { start: number; end: number; line: number }[];
    expect(found.map((f) => input.slice(f.start, f.end))).toEqual(["a@b.dk", "c@d.dk"]);
    expect(found.map((f) => f.line)).toEqual([1, 3]);
  });

  it("uses only the detectors named with --detectors", async () => {
    const run = await redact(
      ["--detectors", "phone", "--region", "DK"],
      "anna@example.com +45 21 34 56 78\n",
    );
    expect(run.stdout.startsWith("anna@example.com ")).toBe(true);
    expect(run.stdout).not.toContain("21 34");
  });

  it("masks matches of custom patterns given with --pattern", async () => {
    const run = await redact(
      ["--pattern", "CUST-\\d{6}", "--pattern", "member \\d+"],
      "ref cust-123456, Member 77\n",
    );
    expect(run.stdout).toBe(`ref ${M.repeat(11)}, ${M.repeat(6)} ${M.repeat(2)}\n`);
  });

  it("masks the names of the people given with --known", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hush-redact-"));
    const file = join(dir, "known.json");
    writeFileSync(file, JSON.stringify({ names: ["Anna Berg"], emails: [], phones: [] }));
    const run = await redact(["--known", file], "Thanks, Anna Berg\n");
    expect(run.stdout).toBe(`Thanks, ${M.repeat(4)} ${M.repeat(4)}\n`);
  });

  it("writes a fixed text with --replace-with", async () => {
    const run = await redact(["--replace-with", "[email]"], "to a@b.dk and c@d.dk\n");
    expect(run.stdout).toBe("to [email] and [email]\n");
  });

  it("writes the same pseudonym for the same address with --pseudonymize and the key from the environment", async () => {
    const run = await redact(["--pseudonymize"], "to Anna@Example.com\ncc anna@example.com\n", {
      HUSH_PSEUDONYM_KEY: "a-secret-key-0123456789",
    });
    const tokens = run.stdout.match(/anon-[a-z]{16}/g);
    expect(tokens).toHaveLength(2);
    expect(tokens![0]).toBe(tokens![1]);
  });

  it("streams: prints a paragraph before the input has ended", async () => {
    const child = spawn(hush, ["redact"], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stdin.write("first a@b.dk\n\n");
    while (!stdout.includes("first")) {
      if (child.exitCode !== null) throw new Error("hush redact exited early");
      await once(child.stdout, "data");
    }
    expect(stdout).toBe(`first ${M.repeat(6)}\n\n`);
    child.stdin.end("second c@d.dk\n");
    await once(child, "exit");
    expect(stdout).toBe(`first ${M.repeat(6)}\n\nsecond ${M.repeat(6)}\n`);
  });

  it("masks a large input paragraph by paragraph without losing a line", async () => {
    const input = Array.from(
      { length: 20_000 },
      (_, i) => `line ${i}: user${i}@example.com\n${i % 5 === 0 ? "\n" : ""}`,
    ).join("");
    const run = await redact(["--detectors", "email"], input);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")).toHaveLength(input.split("\n").length);
    expect(run.stdout).not.toMatch(/@example\.com/);
    expect(run.stdout).toContain("line 19999: ");
  });
});

describe("hush redact on JSON lines", () => {
  const input = '{"text":"mail a@b.dk"}\n{"text":"nothing here"}\n\n{"text":"c@d.dk, e@f.dk"}\n';

  it("recognises JSON lines and prints one masked text per line", async () => {
    const run = await redact([], input);
    expect(lines(run.stdout)).toEqual([
      { text: `mail ${M.repeat(6)}` },
      { text: "nothing here" },
      { text: `${M.repeat(6)}, ${M.repeat(6)}` },
    ]);
  });

  it("prints the findings of each line with --json", async () => {
    const run = await redact(["--json"], input);
    expect(lines(run.stdout)).toEqual([
      { findings: [{ detector: "email", start: 5, end: 11 }] },
      { findings: [] },
      {
        findings: [
          { detector: "email", start: 0, end: 6 },
          { detector: "email", start: 8, end: 14 },
        ],
      },
    ]);
  });

  it("treats JSON as plain text with --input text", async () => {
    const run = await redact(["--input", "text"], '{"text":"a@b.dk"}\n');
    expect(run.stdout).toBe(`{"text":"${M.repeat(6)}"}\n`);
  });

  it("names the line that is not a JSON object with a text, without printing its content", async () => {
    const run = await redact(["--input", "jsonl"], '{"text":"ok"}\n{"txt":"secret@example.com"}\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('input line 2 is not a JSON object with a string "text"');
    expect(run.stderr).not.toContain("secret");
  });
});

describe("hush redact with wrong options", () => {
  const fails = async (args: string[], message: string) => {
    const run = await redact(args, "");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  };

  it("lists the valid detectors when one is unknown", () =>
    fails(
      ["--detectors", "email,passport"],
      'unknown detector "passport"; valid detectors are email, phone, paymentCard, iban, ipAddress, nationalId, postalAddress, knownIdentifiers, custom',
    ));

  it("says which pattern is not a valid regular expression", () =>
    fails(
      ["--pattern", "ok\\d", "--pattern", "([a-z"],
      '--pattern #2 ("([a-z") cannot be used: the pattern is not a valid regular expression; write it in JavaScript syntax',
    ));

  it("refuses a pattern that can take exponential time", () =>
    fails(["--pattern", "(a+)+b"], "--pattern #1"));

  it("names the allowed modes", () =>
    fails(["--mode", "Partial"], '--mode must be one of Detected, Full; got "Partial"'));

  it("asks for a country code for --region", () =>
    fails(["--region", "Denmark"], "--region must be a two-letter country code"));

  it("refuses --json in Full mode", () =>
    fails(["--mode", "Full", "--json"], "--json lists the findings of Detected mode"));

  it("refuses --show-matches without --json", () =>
    fails(["--show-matches"], "--show-matches only applies to --json output; add --json"));

  it("asks for a pattern when custom is selected without one", () =>
    fails(["--detectors", "custom"], "add --pattern REGEX"));

  it("asks for the key of --pseudonymize", () => fails(["--pseudonymize"], "HUSH_PSEUDONYM_KEY"));

  it("refuses a replacement with --json, which prints no masked text", () =>
    fails(
      ["--json", "--replace-with", "[x]"],
      "--replace-with changes the masked text, which --json does not print; drop --replace-with or --json",
    ));

  it("names the --known file it cannot read and asks for a readable one", () =>
    fails(
      ["--known", "/nonexistent/people.json"],
      '--known: cannot read "/nonexistent/people.json" (ENOENT); give the path of a readable JSON file',
    ));

  it("refuses a --known file that is JSON but not an object of lists", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hush-known-"));
    const file = join(dir, "people.json");
    writeFileSync(file, '["Anna Berg"]');
    await fails(["--known", file], '--known: the file is not a JSON object; give {"names": [...]');
  });

  it("names an unknown option and where to find the options", () =>
    fails(["--colour"], `Unknown option '--colour'\nRun "hush redact --help" for the options.`));

  it("prints its help with --help", async () => {
    const run = await redact(["--help"], "");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: hush redact [options] < input");
  });
});

describe("hush --help", () => {
  it("lists the redact command", async () => {
    const child = spawn(hush, ["--help"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      out += c;
    });
    await once(child, "exit");
    expect(out).toMatch(/^\s+redact\s+Mask personal data in text from stdin/m);
  });
});

import { readFileSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { parseArgs } from "node:util";
import { isSupportedCountry } from "libphonenumber-js";
import {
  applyMasking,
  compileCustomPattern,
  customPatternProblem,
  DETECTOR_NAMES,
  type DetectionOptions,
  type DetectorName,
  detect,
  type Finding,
  type KnownIdentifiers,
  type Masking,
} from "../redaction/index.js";

// `hush redact`: the redaction engine on text from stdin, so a user sees what a policy's
// detectors would do before running it. Input is streamed (paragraph by paragraph, or one JSON
// object per line), so large corpora go through in one call without being held in memory.

const DEFAULT_DETECTORS: readonly DetectorName[] = DETECTOR_NAMES.filter(
  (n) => n !== "custom" && n !== "knownIdentifiers",
);

const HELP = `Usage: hush redact [options] < input

Masks personal data in text read from stdin and writes the result to stdout.

Options:
  --mode M            Detected (mask what the detectors find; default) | Full (mask every character)
  --detectors LIST    comma-separated, from: ${DETECTOR_NAMES.join(", ")}
                      (default: ${DEFAULT_DETECTORS.join(",")}; plus custom with --pattern,
                      knownIdentifiers with --known)
  --region CC         country for national phone formats, e.g. DK (ISO 3166-1 alpha-2)
  --pattern REGEX     a custom pattern (JavaScript syntax, case-insensitive); repeat for several
  --known FILE        JSON {"names": [...], "emails": [...], "phones": [...]}: people to find by name
  --replace-with T    write T instead of ▇ for each finding (Full: for each line)
  --pseudonymize      write a keyed pseudonym for each finding; the key is read from the
                      environment variable HUSH_PSEUDONYM_KEY
  --input F           auto (default) | text | jsonl: one {"text": "..."} object per line
  --json              print findings instead of masked text: one JSON object per finding
                      (text input; offsets count UTF-16 code units from the start of the input)
                      or {"findings": [...]} per input line (jsonl input)
  --show-matches      with --json: include the matched text (it is personal data)
  -h, --help          show this help

Examples:
  hush redact < ticket.txt
  hush redact --detectors email,phone --region DK --json < export.jsonl`;

interface RedactOptions {
  masking: Masking;
  detection: DetectionOptions;
  input: "auto" | "text" | "jsonl";
  json: boolean;
  showMatches: boolean;
}

function parseOptions(args: string[]): RedactOptions | null {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(args).values;
  } catch (error) {
    throw new Error(`${(error as Error).message}\nRun "hush redact --help" for the options.`);
  }
  if (values.help) return null;
  const mode = oneOf("mode", values.mode ?? "Detected", ["Detected", "Full"]);
  const input = oneOf("input", values.input ?? "auto", ["auto", "text", "jsonl"]);
  const json = values.json ?? false;
  const showMatches = values["show-matches"] ?? false;
  if (json && mode === "Full")
    throw new Error("--json lists the findings of Detected mode; drop --json or --mode Full");
  if (showMatches && !json) throw new Error("--show-matches only applies to --json output; add --json");
  for (const flag of ["replace-with", "pseudonymize"] as const) {
    if (json && values[flag] !== undefined)
      throw new Error(
        `--${flag} changes the masked text, which --json does not print; drop --${flag} or --json`,
      );
  }

  const patterns = (values.pattern ?? []).map((source, i) => {
    const problem = customPatternProblem(source);
    if (problem) {
      throw new Error(
        `--pattern #${i + 1} (${JSON.stringify(source)}) cannot be used: ${problem}; write it in JavaScript syntax and quote it for the shell`,
      );
    }
    return compileCustomPattern(source);
  });
  const known = values.known === undefined ? undefined : readKnown(values.known);
  const detectors =
    values.detectors === undefined ? defaultDetectors(patterns, known) : parseDetectors(values.detectors);
  if (detectors.includes("custom") && patterns.length === 0)
    throw new Error("--detectors includes custom but no --pattern was given; add --pattern REGEX");
  if (detectors.includes("knownIdentifiers") && !known)
    throw new Error("--detectors includes knownIdentifiers but no --known was given; add --known FILE");

  const detection: DetectionOptions = { detectors };
  if (values.region !== undefined) detection.region = parseRegion(values.region);
  if (patterns.length > 0) detection.patterns = patterns;
  if (known) detection.known = known;
  return { masking: { mode, replacement: parseReplacement(values) }, detection, input, json, showMatches };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      mode: { type: "string" },
      detectors: { type: "string" },
      region: { type: "string" },
      pattern: { type: "string", multiple: true },
      known: { type: "string" },
      "replace-with": { type: "string" },
      pseudonymize: { type: "boolean" },
      input: { type: "string" },
      json: { type: "boolean" },
      "show-matches": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!found) throw new Error(`--${name} must be one of ${allowed.join(", ")}; got "${raw}"`);
  return found;
}

function parseDetectors(raw: string): DetectorName[] {
  const names = raw
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  if (names.length === 0)
    throw new Error(`--detectors is empty; name at least one of ${DETECTOR_NAMES.join(", ")}`);
  return names.map((name) => {
    const found = DETECTOR_NAMES.find((d) => d.toLowerCase() === name.toLowerCase());
    if (!found)
      throw new Error(
        `--detectors: unknown detector "${name}"; valid detectors are ${DETECTOR_NAMES.join(", ")}`,
      );
    return found;
  });
}

function defaultDetectors(patterns: readonly RegExp[], known: KnownIdentifiers | undefined): DetectorName[] {
  const detectors = [...DEFAULT_DETECTORS];
  if (patterns.length > 0) detectors.push("custom");
  if (known) detectors.push("knownIdentifiers");
  return detectors;
}

function parseRegion(raw: string): string {
  const region = raw.toUpperCase();
  if (!/^[A-Z]{2}$/.test(region) || !isSupportedCountry(region))
    throw new Error(`--region must be a two-letter country code such as DK, SE or US; got "${raw}"`);
  return region;
}

const KNOWN_SHAPE = '{"names": [...], "emails": [...], "phones": [...]}';

function readKnown(path: string): KnownIdentifiers {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new Error(
      code
        ? `--known: cannot read ${JSON.stringify(path)} (${code}); give the path of a readable JSON file`
        : `--known: the file is not JSON; give ${KNOWN_SHAPE}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(`--known: the file is not a JSON object; give ${KNOWN_SHAPE}`);
  const list = (key: string): string[] => {
    const value = (parsed as Record<string, unknown>)[key] ?? [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
      throw new Error(`--known: "${key}" must be a list of strings; give ${KNOWN_SHAPE}`);
    return value;
  };
  return { names: list("names"), emails: list("emails"), phones: list("phones") };
}

function parseReplacement(values: {
  "replace-with"?: string;
  pseudonymize?: boolean;
}): Masking["replacement"] {
  if (values["replace-with"] !== undefined && values.pseudonymize)
    throw new Error("give either --replace-with or --pseudonymize, not both");
  if (values["replace-with"] !== undefined) return { kind: "text", text: values["replace-with"] };
  if (!values.pseudonymize) return { kind: "blocks" };
  const key = process.env["HUSH_PSEUDONYM_KEY"];
  if (!key)
    throw new Error("--pseudonymize needs the key in the environment variable HUSH_PSEUDONYM_KEY; set it");
  return { kind: "pseudonym", key };
}

/** Lines of a stream, each with its line ending. */
async function* linesOf(stream: Readable): AsyncGenerator<string> {
  stream.setEncoding("utf8");
  let buffered = "";
  for await (const chunk of stream as AsyncIterable<string>) {
    buffered += chunk;
    let from = 0;
    for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n", from)) {
      yield buffered.slice(from, nl + 1);
      from = nl + 1;
    }
    buffered = buffered.slice(from);
  }
  if (buffered !== "") yield buffered;
}

/** A paragraph ends at a blank line, so detectors see an address or a name across line breaks. */
const MAX_PARAGRAPH = 64 * 1024;

type Output = { write(text: string): Promise<void> };

/** Writes with backpressure; a failed stream (EPIPE when the reader went away) rejects the next write. */
function writerOf(stream: Writable): Output {
  let failed: Error | undefined;
  stream.on("error", (error) => {
    failed = error;
  });
  return {
    async write(text) {
      if (failed) throw failed;
      if (stream.write(text)) return;
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        stream.once("error", onError);
        stream.once("drain", () => {
          stream.off("error", onError);
          resolve();
        });
      });
    },
  };
}

function findingJson(f: Finding, text: string, showMatches: boolean, offset = 0, line?: number) {
  return {
    detector: f.detector,
    ...(f.kind === undefined ? {} : { kind: f.kind }),
    start: f.start + offset,
    end: f.end + offset,
    ...(line === undefined ? {} : { line }),
    ...(showMatches ? { match: text.slice(f.start, f.end) } : {}),
  };
}

async function redactText(lines: AsyncIterable<string>, options: RedactOptions, out: Output): Promise<void> {
  let paragraph = "";
  let offset = 0;
  let line = 1;
  const flush = async (): Promise<void> => {
    if (paragraph === "") return;
    if (options.json) {
      for (const f of detect(paragraph, options.detection)) {
        const at = line + countNewlines(paragraph, f.start);
        await out.write(`${JSON.stringify(findingJson(f, paragraph, options.showMatches, offset, at))}\n`);
      }
    } else {
      await out.write(maskParagraph(paragraph, options));
    }
    offset += paragraph.length;
    line += countNewlines(paragraph, paragraph.length);
    paragraph = "";
  };
  for await (const text of lines) {
    paragraph += text;
    if (text.trim() === "" || paragraph.length >= MAX_PARAGRAPH) await flush();
  }
  await flush();
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function maskParagraph(paragraph: string, options: RedactOptions): string {
  if (options.masking.mode === "Detected")
    return applyMasking(paragraph, detect(paragraph, options.detection), options.masking);
  // Full mode line by line, so a fixed text or pseudonym replaces each line and the line breaks stay.
  return paragraph.replace(/[^\r\n]+/g, (text) => applyMasking(text, [], options.masking));
}

async function redactJsonLines(
  lines: AsyncIterable<string>,
  options: RedactOptions,
  out: Output,
): Promise<void> {
  let number = 0;
  for await (const raw of lines) {
    number++;
    if (raw.trim() === "") continue;
    const text = textOfJsonLine(raw);
    if (text === undefined) {
      throw new Error(
        `input line ${number} is not a JSON object with a string "text"; give one {"text": "..."} per line, or --input text for plain text`,
      );
    }
    if (options.json) {
      const findings = detect(text, options.detection).map((f) => findingJson(f, text, options.showMatches));
      await out.write(`${JSON.stringify({ findings })}\n`);
    } else {
      const findings = options.masking.mode === "Detected" ? detect(text, options.detection) : [];
      await out.write(`${JSON.stringify({ text: applyMasking(text, findings, options.masking) })}\n`);
    }
  }
}

function textOfJsonLine(raw: string): string | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    const text = (value as Record<string, unknown> | null)?.["text"];
    return typeof value === "object" && !Array.isArray(value) && typeof text === "string" ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the first non-blank lines to tell JSON lines from text, then replays them. */
async function detectInput(
  lines: AsyncIterator<string>,
): Promise<{ format: "text" | "jsonl"; lines: AsyncIterable<string> }> {
  const seen: string[] = [];
  let format: "text" | "jsonl" = "text";
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    seen.push(next.value);
    if (next.value.trim() !== "") {
      format = textOfJsonLine(next.value) === undefined ? "text" : "jsonl";
      break;
    }
  }
  async function* replay(): AsyncGenerator<string> {
    yield* seen;
    for (let next = await lines.next(); !next.done; next = await lines.next()) yield next.value;
  }
  return { format, lines: replay() };
}

/** Runs `hush redact` on the given streams; returns the exit code. */
export async function redactStream(args: string[], input: Readable, output: Writable): Promise<number> {
  const options = parseOptions(args);
  if (!options) {
    output.write(`${HELP}\n`);
    return 0;
  }
  const out = writerOf(output);
  let lines: AsyncIterable<string> = linesOf(input);
  let format = options.input;
  if (format === "auto") ({ format, lines } = await detectInput(lines[Symbol.asyncIterator]()));
  if (format === "jsonl") await redactJsonLines(lines, options, out);
  else await redactText(lines, options, out);
  return 0;
}

export async function runRedact(args: string[]): Promise<number> {
  if (process.stdin.isTTY && !args.includes("--help") && !args.includes("-h"))
    process.stderr.write("hush redact: reading text from stdin (end with Ctrl-D)\n");
  try {
    return await redactStream(args, process.stdin, process.stdout);
  } catch (error) {
    // A reader that stopped early (`hush redact | head`) is not an error.
    if ((error as { code?: string }).code === "EPIPE") return 0;
    throw error;
  }
}

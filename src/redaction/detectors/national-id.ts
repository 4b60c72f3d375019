import { isolatedToken } from "../text.js";
import type { Finding } from "../types.js";
import { CHECKS, cprPassesMod11, type IdCheck } from "./national-id-checks.js";

// National identity numbers, found by shape and confirmed by checksum (and the birth date they
// encode, where they encode one). Shapes that are only digits and too common to trust on a
// checksum alone (nine, ten or twelve digits in a row, two letters and six digits) count only
// after an id keyword such as "CPR", "SSN", "personnummer" or "رقم الهوية".
//
// Several countries share a shape (DDMMYY-SSSS in Denmark, YYMMDD-NNNN in Sweden; nine digits in
// the US, Canada and Portugal). A number is named after the first check it passes, and a check
// whose own keyword stands before the number is tried first: "SIN 130692544" is Canadian.

interface KeyedCheck extends IdCheck {
  /** The check is tried first when this keyword stands before the number. */
  keyword?: RegExp;
}

interface IdRule {
  pattern: RegExp;
  /** A run of digits every match contains: rules needing a longer run than the text has are skipped. */
  minRun: number;
  checks: readonly KeyedCheck[];
  /** Only after an id keyword. */
  needsKeyword: boolean;
}

const word = (source: string): RegExp => new RegExp(`(?<!\\p{L})(?:${source})(?!\\p{L})`, "iu");
const DK: KeyedCheck = { ...CHECKS.dkCpr, keyword: word("cpr|cpr-n(?:umme)?r") };
const DK_MOD11: KeyedCheck = { ...DK, valid: (v) => cprPassesMod11(v) && CHECKS.dkCpr.valid(v) };
const SE: KeyedCheck = {
  ...CHECKS.sePersonnummer,
  keyword: word("personnumm?er|personnr|samordningsnummer"),
};
const FI: KeyedCheck = { ...CHECKS.fiHetu, keyword: word("henkilötunnus|hetu|sotu") };
const NO: KeyedCheck = { ...CHECKS.noFodselsnummer, keyword: word("f[øo]dselsnummer|fnr|d-nummer") };
const PL: KeyedCheck = { ...CHECKS.plPesel, keyword: word("pesel") };
const BR: KeyedCheck = { ...CHECKS.brCpf, keyword: word("cpf") };
const US: KeyedCheck = { ...CHECKS.usSsn, keyword: word("ssn|social security") };
const CA: KeyedCheck = { ...CHECKS.caSin, keyword: word("sin|nas|social insurance|assurance sociale") };
const PT: KeyedCheck = { ...CHECKS.ptNif, keyword: word("nif|contribuinte") };
const SA: KeyedCheck = { ...CHECKS.saNationalId, keyword: /هوية|الهوية|إقامة|الإقامة|iqama|saudi/iu };

const rule = (
  source: string,
  minRun: number,
  checks: readonly KeyedCheck[],
  needsKeyword = false,
): IdRule => ({
  // No lookarounds: isolatedToken checks the edges, far cheaper than a Unicode class at every offset.
  pattern: new RegExp(source, "g"),
  minRun,
  checks,
  needsKeyword,
});

const RULES: readonly IdRule[] = [
  // DDMMYY-SSSS and YYMMDD-NNNN: mod 11 suggests a CPR, Luhn a personnummer; a CPR issued since
  // 2007 may pass neither, so a valid date alone still counts. A HETU whose check character is a
  // digit has this shape too.
  rule("\\d{6}[-+ ]\\d{4}", 6, [DK_MOD11, SE, DK, FI]),
  rule("\\d{8}[-+]\\d{4}", 8, [SE]),
  rule("\\d{6}[-+A-FU-Y]\\d{3}[0-9A-FHJ-NPR-Y]", 6, [FI]),
  rule("\\d{11}|\\d{6} \\d{5}", 6, [NO, PL, BR]),
  rule("\\d{8}[- ]?[A-Za-z]", 8, [CHECKS.esDni]),
  rule("[XYZxyz][- ]?\\d{7}[- ]?[A-Za-z]", 7, [CHECKS.esNie]),
  rule("\\d{3}\\.\\d{3}\\.\\d{3}[-/]\\d{2}", 3, [BR]),
  rule("\\d{3}-\\d{2}-\\d{4}|\\d{3} \\d{2} \\d{4}", 4, [US]),
  rule("\\d{3}[- ]\\d{3}[- ]\\d{3}", 3, [CA]),
  rule("[A-Z]{2} ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]|[a-z]{2} ?\\d{2} ?\\d{2} ?\\d{2} ?[a-d]", 2, [CHECKS.gbNino]),
  rule("[12] ?\\d{2} ?\\d{2} ?(?:\\d{2}|2[AB]) ?\\d{3} ?\\d{3} ?\\d{2}", 1, [CHECKS.frNir]),
  rule("784-?\\d{4}-?\\d{7}-?\\d", 7, [CHECKS.aeEmiratesId]),
  // Digits only: trusted after a keyword.
  rule("\\d{10}", 10, [DK_MOD11, SE, DK, SA], true),
  rule("\\d{12}", 12, [SE], true),
  rule("\\d{9}", 9, [US, CA, PT], true),
  rule("[A-Z]{2}\\d{6}", 6, [CHECKS.gbNino], true),
];

/** Words that introduce an id number, in the languages Hush's users write. */
const ANY_KEYWORD = word(
  "cpr|cpr-n(?:umme)?r|personnumm?er|personnr|person(?:al)? ?(?:id|number)|f[øo]dselsnummer|fnr|henkilötunnus|hetu|" +
    "pesel|dni|nie|nif|cpf|ssn|social security|sin|nas|insurance|nino|ni number|id|identity|identidad|identidade|" +
    "identité|identitet|ausweis|legitimation|contribuinte|iqama|الهوية|هوية|الإقامة|إقامة",
);
const KEYWORD_DISTANCE = 40;

/** Every national identity number in `text` (digits must already be ASCII). */
export function findNationalIds(text: string): Finding[] {
  const longestRun = longestDigitRun(text);
  if (longestRun < 2) return [];
  const findings: Finding[] = [];
  const taken = new Set<string>();
  for (const { pattern, checks, needsKeyword, minRun } of RULES) {
    if (minRun > longestRun) continue;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      const span = `${start}:${end}`;
      if (taken.has(span) || !isolatedToken(text, start, end)) continue;
      const before = text.slice(Math.max(0, start - KEYWORD_DISTANCE), start);
      if (needsKeyword && !ANY_KEYWORD.test(before)) continue;
      const check = firstValid(checks, m[0], before);
      if (!check) continue;
      taken.add(span);
      findings.push({ detector: "nationalId", start, end, kind: check.kind });
    }
  }
  return findings.sort((a, b) => a.start - b.start || b.end - a.end);
}

function firstValid(checks: readonly KeyedCheck[], value: string, before: string): KeyedCheck | undefined {
  if (checks.length > 1) {
    const named = checks.find((c) => c.keyword?.test(before) && c.valid(value));
    if (named) return named;
  }
  return checks.find((c) => c.valid(value));
}

function longestDigitRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    run = c >= 48 && c <= 57 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

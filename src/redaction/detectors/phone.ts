import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import { isolatedEnd, isolatedStart } from "../text.js";
import type { Finding } from "../types.js";
import { cardGroups, type Group } from "./card-groups.js";

// Phone numbers, national ("23 45 67 89", "070-123 45 67", "(212) 555-0123") and international
// ("+45 23 45 67 89", "0045 23456789"). Runs of digits and phone punctuation are found here and
// validated by libphonenumber-js against the numbering plan of the account's region; international
// numbers carry their own country. A run that libphonenumber accepts is still refused when it is
// shaped like a date, sits next to a currency, continues an order or invoice code, or is a card
// number. A national number valid only in another region counts when a phone word ("tel",
// "ring", "llámenme", "جوال"...) comes shortly before it: customers write their own country's format.

// Digits and phone punctuation; a dot, dash or slash followed by a space ends a sentence or
// separates two items ("call +45 20 00 00 00. 11.0.0.1 is the router"), so the run stops there.
const RUN = /[+(]?\d(?:[\d \u00a0()]|[-./](?!\s))*\d/g;
const TRAILING_NON_DIGITS = /\D+$/;
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;

const DATE_SHAPE = /^(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./-]\d{1,2}[./-]\d{1,2})$/;
const IPV4_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const ENCLOSING_BRACKETS = /^\(|\)$/g;
/** 20240324: a date as systems print it, unless a phone word says otherwise (it is also a Danish mobile). */
const COMPACT_DATE = /^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/;
const CURRENCY_BEFORE = /(?:[$€£¥₹₽]|R\$|kr\.?|zł)\s?$/u;
const CURRENCY_AFTER = /^\s?(?:[$€£¥₹₽]|kr\b|zł|,-)/u;
// Three capitals count as a currency only when they are an ISO 4217 code standing alone ("99 DKK",
// "EUR 120"): "ORD" in "ORD-2024-001234" is the start of an order code, not an amount's unit.
const CODE_BEFORE = /([A-Z]{3})\s?$/;
const CODE_AFTER = /^\s?([A-Z]{3})/;
const CURRENCY_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** Regions tried for a national number that follows a phone word but is not valid in the account's region. */
const FALLBACK_REGIONS: readonly CountryCode[] = [
  "DK",
  "SE",
  "NO",
  "FI",
  "PL",
  "DE",
  "ES",
  "BR",
  "US",
  "GB",
  "PT",
  "FR",
  "NL",
  "IT",
  "SA",
  "AE",
  "EG",
];

// Word starts: "tel" covers telefon, telephone, teléfono, telèfon, telefonnummer; "ring" ringe, ring mig.
const PHONE_STEMS =
  "tel|tlf|phone|mobil|cell|call|ring|reach|nå|når|puhelin|soit|celular|ligu|llam|llám|móvil|truqu|" +
  "dzwo|kontakt|komór|numer|rückruf|ruf|anruf|erreichbar|portable|appel|whatsapp|sms|" +
  "هاتف|جوال|اتصل|رقم";
const PHONE_WORD = new RegExp(`(?<!\\p{L})(?:${PHONE_STEMS})`, "iu");
const PHONE_WORD_DISTANCE = 30;

/** Every phone number in `text`, judged against `region`'s numbering plan (digits must already be ASCII). */
export function findPhones(text: string, region?: string): Finding[] {
  const defaultRegion =
    region && isSupportedCountry(region.toUpperCase()) ? (region.toUpperCase() as CountryCode) : undefined;
  const findings: Finding[] = [];
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    let run = m[0];
    const stray = strayClosingBracket(run);
    if (stray >= 0) {
      // "(ordered 2015-01-01) 4111 …": the bracket closes an aside, not a number; read on after it.
      RUN.lastIndex = m.index + stray + 1;
      run = run.slice(0, stray).replace(TRAILING_NON_DIGITS, "");
    }
    if (countDigits(run) < MIN_DIGITS) continue;
    findInRun(text, m.index, run, defaultRegion, findings);
  }
  return findings;
}

/**
 * Reads the run group by group, taking at each point the longest stretch that is a valid number.
 * "23 45 67 89 / 87 65 43 21" and "12345678 87654321" give two numbers; a run that starts glued
 * to a code ("ORD-2024-…") or is a card number gives none.
 */
function findInRun(
  text: string,
  runStart: number,
  run: string,
  region: CountryCode | undefined,
  out: Finding[],
): void {
  if (!isolatedStart(text, runStart) || !isolatedEnd(text, runStart + run.length)) return;
  const groups: Group[] = [];
  for (const g of run.matchAll(/[+(]?\d+\)?/g)) groups.push({ start: g.index, end: g.index + g[0].length });
  const inCard = cardGroups(run, groups);
  let pos = 0;
  while (pos < groups.length) {
    const found = longestValid(text, runStart, run, groups, inCard, pos, region);
    if (found === undefined) {
      // Start again only where a new word starts (after a space), never inside "2024-001234".
      pos++;
      while (pos < groups.length && !/\s/.test(run.slice(groups[pos - 1]!.end, groups[pos]!.start))) pos++;
      continue;
    }
    const start = runStart + found.start;
    const end = runStart + groups[found.last]!.end;
    // A number ending inside the run must end at a space: "23456789-12" is a code, not a phone.
    if (found.last < groups.length - 1 && !/\s/.test(text[end] ?? "")) {
      pos = found.last + 1;
      continue;
    }
    out.push({ detector: "phone", start, end });
    pos = found.last + 1;
  }
}

/** The longest valid number starting at group `from`: its start in the run and its last group. */
function longestValid(
  text: string,
  runStart: number,
  run: string,
  groups: readonly Group[],
  inCard: readonly boolean[],
  from: number,
  region: CountryCode | undefined,
): { start: number; last: number } | undefined {
  let end = from;
  while (end < groups.length && !inCard[end]) end++;
  for (let last = end - 1; last >= from; last--) {
    const start = numberStart(run, groups[from]!.start, groups[last]!.end);
    const candidate = run.slice(start, groups[last]!.end);
    const n = countDigits(candidate);
    if (n < MIN_DIGITS || n > MAX_DIGITS + 2 || !bracketsBalanced(candidate)) continue;
    if (isPhone(text, runStart + start, candidate, region)) return { start, last };
  }
  return undefined;
}

/** Brackets in a phone number enclose a prefix, "(212) 555-0123": "3000 (4952" is two items. */
function bracketsBalanced(candidate: string): boolean {
  let open = 0;
  for (let i = 0; i < candidate.length; i++) {
    if (candidate[i] === "(") open++;
    else if (candidate[i] === ")" && --open < 0) return false;
  }
  return open === 0;
}

/**
 * Where a number spanning `start..end` of the run starts: an opening bracket is part of it only
 * when the number closes it ("(212) 555-0123"). In "(2015-01-01" the bracket belongs to the
 * sentence, and the date checks must see "2015-01-01" to recognise the date.
 */
const numberStart = (run: string, start: number, end: number): number =>
  run[start] === "(" && !run.slice(start, end).includes(")") ? start + 1 : start;

function isPhone(text: string, start: number, candidate: string, region: CountryCode | undefined): boolean {
  // "(2015-01-01)" is a date in brackets: the shapes are judged without them.
  const bare = candidate.replace(ENCLOSING_BRACKETS, "");
  if (DATE_SHAPE.test(bare) || IPV4_SHAPE.test(bare)) return false;
  const before = text.slice(Math.max(0, start - PHONE_WORD_DISTANCE), start);
  if (COMPACT_DATE.test(bare) && !PHONE_WORD.test(before)) return false;
  if (nextToCurrency(text, start, start + candidate.length)) return false;
  const international = candidate.startsWith("+") || candidate.startsWith("00");
  const normalised = candidate.startsWith("00") ? `+${candidate.slice(2)}` : candidate;
  if (international) return parsePhoneNumberFromString(normalised)?.isValid() === true;
  if (region && parsePhoneNumberFromString(normalised, region)?.isValid() === true) return true;
  if (!PHONE_WORD.test(before)) return false;
  return FALLBACK_REGIONS.some(
    (r) => r !== region && parsePhoneNumberFromString(normalised, r)?.isValid() === true,
  );
}

/** True when a currency symbol or code stands right before or after `start..end`: an amount. */
function nextToCurrency(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 4), start);
  const after = text.slice(end, end + 4);
  if (CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after)) return true;
  const codeBefore = CODE_BEFORE.exec(before);
  if (
    codeBefore?.[1] !== undefined &&
    CURRENCY_CODES.has(codeBefore[1]) &&
    isolatedStart(text, start - codeBefore[0].length)
  )
    return true;
  const codeAfter = CODE_AFTER.exec(after);
  return (
    codeAfter?.[1] !== undefined &&
    CURRENCY_CODES.has(codeAfter[1]) &&
    isolatedEnd(text, end + codeAfter[0].length)
  );
}

/** The index of the first ")" in `run` that closes no "(" before it, or -1. */
function strayClosingBracket(run: string): number {
  let open = 0;
  for (let i = 0; i < run.length; i++) {
    if (run[i] === "(") open++;
    else if (run[i] === ")") {
      if (open === 0) return i;
      open--;
    }
  }
  return -1;
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import { isolatedEnd, isolatedStart } from "../text.js";
import type { Finding } from "../types.js";
import { cardNetwork, luhnValid } from "./payment-card.js";

// Phone numbers, national ("23 45 67 89", "070-123 45 67", "(212) 555-0123") and international
// ("+45 23 45 67 89", "0045 23456789"). Runs of digits and phone punctuation are found here and
// validated by libphonenumber-js against the numbering plan of the account's region; international
// numbers carry their own country. A run that libphonenumber accepts is still refused when it is
// shaped like a date, sits next to a currency, continues an order or invoice code, or is a card
// number. A national number valid only in another region counts when a phone word ("tel",
// "ring", "llámenme", "جوال"...) comes shortly before it: customers write their own country's format.

const RUN = /[+(]?\d[\d \u00a0\-.()/]*\d/g;
const MIN_DIGITS = 7;
const MAX_DIGITS = 15;

const DATE_SHAPE = /^(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./-]\d{1,2}[./-]\d{1,2})$/;
const IPV4_SHAPE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** 20240324: a date as systems print it, unless a phone word says otherwise (it is also a Danish mobile). */
const COMPACT_DATE = /^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/;
const CURRENCY_BEFORE = /(?:[$€£¥₹₽]|R\$|kr\.?|zł|[A-Z]{3})\s?$/u;
const CURRENCY_AFTER = /^\s?(?:[$€£¥₹₽]|kr\b|zł|[A-Z]{3}\b|,-)/u;

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
    if (countDigits(m[0]) < MIN_DIGITS) continue;
    findInRun(text, m.index, m[0], defaultRegion, findings);
  }
  return findings;
}

interface Group {
  start: number;
  end: number;
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
  const digits = run.replace(/\D/g, "");
  if (
    digits.length >= 12 &&
    digits.length <= 19 &&
    (looksLikeCard(run) || (luhnValid(digits) && cardNetwork(digits)))
  )
    return;
  const groups: Group[] = [];
  for (const g of run.matchAll(/[+(]?\d+\)?/g)) groups.push({ start: g.index, end: g.index + g[0].length });
  let pos = 0;
  while (pos < groups.length) {
    const found = longestValid(text, runStart, run, groups, pos, region);
    if (found < 0) {
      // Start again only where a new word starts (after a space), never inside "2024-001234".
      pos++;
      while (pos < groups.length && !/\s/.test(run.slice(groups[pos - 1]!.end, groups[pos]!.start))) pos++;
      continue;
    }
    let start = runStart + groups[pos]!.start;
    const end = runStart + groups[found]!.end;
    // A number ending inside the run must end at a space: "23456789-12" is a code, not a phone.
    if (found < groups.length - 1 && !/\s/.test(text[end] ?? "")) {
      pos = found + 1;
      continue;
    }
    if (text[start] === "(" && !text.slice(start, end).includes(")")) start++;
    out.push({ detector: "phone", start, end });
    pos = found + 1;
  }
}

function longestValid(
  text: string,
  runStart: number,
  run: string,
  groups: readonly Group[],
  from: number,
  region: CountryCode | undefined,
): number {
  for (let to = groups.length - 1; to >= from; to--) {
    const candidate = run.slice(groups[from]!.start, groups[to]!.end);
    const n = countDigits(candidate);
    if (n < MIN_DIGITS || n > MAX_DIGITS + 2) continue;
    if (isPhone(text, runStart + groups[from]!.start, candidate, region)) return to;
  }
  return -1;
}

function isPhone(text: string, start: number, candidate: string, region: CountryCode | undefined): boolean {
  if (DATE_SHAPE.test(candidate) || IPV4_SHAPE.test(candidate)) return false;
  const before = text.slice(Math.max(0, start - PHONE_WORD_DISTANCE), start);
  if (COMPACT_DATE.test(candidate) && !PHONE_WORD.test(before)) return false;
  const end = start + candidate.length;
  if (CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 4), start))) return false;
  if (CURRENCY_AFTER.test(text.slice(end, end + 4))) return false;
  const international = candidate.startsWith("+") || candidate.startsWith("00");
  const normalised = candidate.startsWith("00") ? `+${candidate.slice(2)}` : candidate;
  if (international) return parsePhoneNumberFromString(normalised)?.isValid() === true;
  if (region && parsePhoneNumberFromString(normalised, region)?.isValid() === true) return true;
  if (!PHONE_WORD.test(before)) return false;
  return FALLBACK_REGIONS.some(
    (r) => r !== region && parsePhoneNumberFromString(normalised, r)?.isValid() === true,
  );
}

/** Three or more groups of exactly four digits: a card number (perhaps mistyped), never a phone. */
const looksLikeCard = (run: string): boolean => (run.match(/(?<!\d)\d{4}(?!\d)/g)?.length ?? 0) >= 3;

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

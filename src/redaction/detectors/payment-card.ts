import { isolatedEnd, isolatedStart } from "../text.js";
import type { Finding } from "../types.js";

// Payment card numbers: 12 to 19 digits, compact or grouped with spaces or dashes, that pass the
// Luhn check AND start with an issuer prefix registered for that length. The prefix table keeps
// Luhn's one-in-ten false positives among arbitrary long numbers (tracking, account and order
// numbers) down to the ranges card networks actually use.

interface Network {
  name: string;
  /** Inclusive prefix ranges, compared on the same number of leading digits. */
  ranges: readonly (readonly [string, string])[];
  lengths: readonly number[];
}

const range = (from: string, to = from): readonly [string, string] => [from, to];

// Sources: the networks' published BIN ranges as collected in ISO/IEC 7812 registries and
// card-validation libraries (card-validator, python-stdnum); lengths are those issued.
const NETWORKS: readonly Network[] = [
  { name: "visa", ranges: [range("4")], lengths: [13, 16, 19] },
  { name: "mastercard", ranges: [range("51", "55"), range("2221", "2720")], lengths: [16] },
  { name: "amex", ranges: [range("34"), range("37")], lengths: [15] },
  {
    name: "discover",
    ranges: [range("6011"), range("644", "649"), range("65"), range("622126", "622925")],
    lengths: [16, 17, 18, 19],
  },
  {
    name: "diners",
    ranges: [range("300", "305"), range("36"), range("38", "39")],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { name: "jcb", ranges: [range("3528", "3589")], lengths: [16, 17, 18, 19] },
  { name: "unionpay", ranges: [range("62"), range("81")], lengths: [16, 17, 18, 19] },
  {
    name: "maestro",
    ranges: [
      range("5018"),
      range("5020"),
      range("5038"),
      range("5893"),
      range("6304"),
      range("6759"),
      range("6761", "6763"),
    ],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  },
  { name: "dankort", ranges: [range("5019")], lengths: [16] },
  { name: "mir", ranges: [range("2200", "2204")], lengths: [16, 17, 18, 19] },
  {
    name: "elo",
    ranges: [
      range("509"),
      range("650"),
      range("6516"),
      range("6550"),
      range("636368"),
      range("6362", "6363"),
      range("5067"),
    ],
    lengths: [16],
  },
  { name: "hipercard", ranges: [range("606282"), range("3841")], lengths: [16, 19] },
  { name: "rupay", ranges: [range("60"), range("508"), range("82")], lengths: [16] },
  { name: "troy", ranges: [range("9792")], lengths: [16] },
];

/** The card network a digit string belongs to by prefix and length, if any. */
export function cardNetwork(digits: string): string | undefined {
  for (const network of NETWORKS) {
    if (!network.lengths.includes(digits.length)) continue;
    for (const [from, to] of network.ranges) {
      const head = digits.slice(0, from.length);
      if (head >= from && head <= to) return network.name;
    }
  }
  return undefined;
}

/** Luhn (ISO/IEC 7812-1) over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 1 && sum % 10 === 0;
}

// Groups of digits separated by single spaces or dashes; linear (a separator is required between groups).
const DIGIT_RUN = /\d+(?:[ \u00a0-]\d+)*/g;
const MIN_DIGITS = 12;
const MAX_DIGITS = 19;

/** Every payment card number in `text` (digits must already be ASCII). */
export function findPaymentCards(text: string): Finding[] {
  const findings: Finding[] = [];
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(text); m !== null; m = DIGIT_RUN.exec(text)) {
    if (m[0].length < MIN_DIGITS) continue;
    findCardsInRun(text, m.index, m[0], findings);
  }
  return findings;
}

/**
 * True when `next` can follow the card's `first` group: people write a card compact or in groups
 * of four (Amex and Diners 4-6-5 and 4-6-4), so a grouped card starts with four digits and has no
 * group of two. This keeps "+45 26 48 72 06 2024-02-15" (a phone then a date) from reading as one.
 */
const continuesCard = (first: { start: number; end: number }, next: { start: number; end: number }) =>
  first.end - first.start === 4 && next.end - next.start >= 3 && next.end - next.start <= 6;

/**
 * A run may hold a card number among other numbers ("order 12 card 4111 1111 1111 1111 exp 12 27"
 * is cut at words, but "4111 1111 1111 1111 1227" is not): try every group as a start and take the
 * longest valid card that ends at a group boundary. A card uses one separator throughout, and one
 * grouped by spaces (or compact) neither starts nor ends inside a code or date joined by dashes
 * ("…9199 2029-03-18"). When two valid cards overlap ("3000 4323 5634 6121 2150" is a Diners
 * number and a Visa number), both are reported: no digit of either leaks.
 */
function findCardsInRun(text: string, runStart: number, run: string, out: Finding[]): void {
  const groups: { start: number; end: number }[] = [];
  for (const g of run.matchAll(/\d+/g)) groups.push({ start: g.index, end: g.index + g[0].length });
  /** The separator after group k: " " (space or no-break space) or "-". */
  const sep = (k: number): string => (run[groups[k]!.end] === "-" ? "-" : " ");
  let coveredTo = -1;
  for (let i = 0; i < groups.length; i++) {
    const first = groups[i]!;
    if (i === 0 && !isolatedStart(text, runStart)) continue;
    const insideDashed = i > 0 && sep(i - 1) === "-";
    let best = -1;
    let network: string | undefined;
    let digits = "";
    let cardSep: string | undefined;
    for (let j = i; j < groups.length; j++) {
      const g = groups[j]!;
      if (j > i) {
        cardSep ??= sep(j - 1);
        if (sep(j - 1) !== cardSep || !continuesCard(first, g)) break;
      }
      digits += run.slice(g.start, g.end);
      if (digits.length > MAX_DIGITS) break;
      if (insideDashed && cardSep !== "-") continue;
      const endsAlone =
        j === groups.length - 1 ? isolatedEnd(text, runStart + g.end) : sep(j) !== "-" || cardSep === "-";
      if (digits.length < MIN_DIGITS || !endsAlone || !luhnValid(digits)) continue;
      const found = cardNetwork(digits);
      if (found) {
        best = j;
        network = found;
      }
    }
    // A shorter card inside one already found adds nothing.
    if (best <= coveredTo) continue;
    coveredTo = best;
    out.push({
      detector: "paymentCard",
      start: runStart + first.start,
      end: runStart + groups[best]!.end,
      kind: network,
    });
  }
}

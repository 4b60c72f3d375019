import { cardNetwork, luhnValid } from "./payment-card.js";

// Which digit groups of a phone run belong to a payment card number, so that the phone detector
// never reads a phone out of a card, and still finds a phone written right before one.

/** A group of digits in a run, as the phone detector splits it: "+45", "(212)", "4111", "(4111". */
export interface Group {
  start: number;
  end: number;
}

/**
 * Which groups of `run` belong to a card number. A card is written compact or as groups joined by
 * single spaces or dashes, starting with a group of four: three or more groups of exactly four
 * digits in a row ("4111 1111 1111 1112", even mistyped), or groups from a group of four on that
 * pass Luhn with a card prefix ("3782 822463 10005"). A group with "+" or a closing bracket is
 * never part of a card, so "+45 22 78 72 83 4400 4475 2000 0002" still holds a phone.
 */
export function cardGroups(run: string, groups: readonly Group[]): boolean[] {
  const inCard = groups.map(() => false);
  let first = 0;
  while (first < groups.length) {
    if (!canStartCard(run, groups[first]!)) {
      first++;
      continue;
    }
    let end = first + 1;
    while (end < groups.length && canContinueCard(run, groups, end)) end++;
    const digits = groups.slice(first, end).map((g) => digitsOf(run, g));
    for (let i = 0; i < digits.length; i++) markCardFrom(digits, i, first, inCard);
    markFourDigitRows(digits, first, inCard);
    first = end;
  }
  return inCard;
}

/** Marks the groups from `from` on that make a valid card number: compact, or from a group of four. */
function markCardFrom(digits: readonly string[], from: number, offset: number, inCard: boolean[]): void {
  if (digits[from]!.length !== 4) {
    if (isCardNumber(digits[from]!)) inCard[offset + from] = true;
    return;
  }
  let number = "";
  for (let last = from; last < digits.length && number.length <= 19; last++) {
    number += digits[last];
    if (isCardNumber(number)) inCard.fill(true, offset + from, offset + last + 1);
  }
}

/** Marks every row of three or more groups of exactly four digits. */
function markFourDigitRows(digits: readonly string[], offset: number, inCard: boolean[]): void {
  let rowStart = 0;
  for (let i = 0; i <= digits.length; i++) {
    if (i < digits.length && digits[i]!.length === 4) continue;
    if (i - rowStart >= 3) inCard.fill(true, offset + rowStart, offset + i);
    rowStart = i + 1;
  }
}

const isCardNumber = (digits: string): boolean =>
  digits.length >= 12 && digits.length <= 19 && luhnValid(digits) && cardNetwork(digits) !== undefined;

/** Digits, perhaps after an opening bracket ("(4111 1111 …"); never "+45" or "(212)". */
const canStartCard = (run: string, g: Group): boolean => run[g.start] !== "+" && isDigit(run, g.end - 1);

/** Digits only, after one space or one dash. */
const canContinueCard = (run: string, groups: readonly Group[], i: number): boolean =>
  isDigit(run, groups[i]!.start) &&
  isDigit(run, groups[i]!.end - 1) &&
  CARD_JOIN.test(run.slice(groups[i - 1]!.end, groups[i]!.start));
const CARD_JOIN = /^[ \u00a0-]$/;

const digitsOf = (run: string, g: Group): string =>
  run.slice(isDigit(run, g.start) ? g.start : g.start + 1, isDigit(run, g.end - 1) ? g.end : g.end - 1);
const isDigit = (s: string, i: number): boolean => s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

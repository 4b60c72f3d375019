import { getCountrySpecifications, isValidIBAN } from "ibantools";
import { letterOrDigitAt, letterOrDigitBefore } from "../text.js";
import type { Finding } from "../types.js";

// IBANs, compact ("DK5000400440116243") or printed in groups ("DK50 0040 0440 1162 43"), in upper
// or lower case. A candidate is read up to its country's registered length, then validated by
// ibantools: the BBAN layout, the mod-97 check digits and, for several countries, the national
// check digits inside the BBAN.

const LENGTHS: ReadonlyMap<string, number> = new Map(
  Object.entries(getCountrySpecifications()).flatMap(([country, spec]) =>
    spec.chars && spec.IBANRegistry ? [[country, spec.chars] as const] : [],
  ),
);

const START = /[A-Za-z]{2}\d{2}/g;

/** Every valid IBAN in `text` (offsets in `text`; digits must already be ASCII). */
export function findIbans(text: string): Finding[] {
  const findings: Finding[] = [];
  START.lastIndex = 0;
  for (let m = START.exec(text); m !== null; m = START.exec(text)) {
    const start = m.index;
    const length = LENGTHS.get(m[0].slice(0, 2).toUpperCase());
    if (!length || letterOrDigitBefore(text, start)) continue;
    const end = readIban(text, start, length);
    if (end < 0 || letterOrDigitAt(text, end)) continue;
    if (!isValidIBAN(compact(text.slice(start, end)))) continue;
    findings.push({ detector: "iban", start, end, kind: m[0].slice(0, 2).toUpperCase() });
    START.lastIndex = end;
  }
  return findings;
}

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** End offset after `length` alphanumerics read from `start`, single spaces allowed between; -1 if cut short. */
function readIban(text: string, start: number, length: number): number {
  let count = 0;
  let i = start;
  while (i < text.length && count < length) {
    const c = text.charCodeAt(i);
    if (isAlnum(c)) {
      count++;
      i++;
    } else if ((c === 32 || c === 0xa0) && count >= 4 && isAlnum(text.charCodeAt(i + 1))) i++;
    else break;
  }
  return count === length ? i : -1;
}

const compact = (value: string): string => value.replace(/[\s\u00a0]/g, "").toUpperCase();

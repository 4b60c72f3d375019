import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";
import { fold, foldWithOrigin, originalEnd, toAsciiDigits } from "../text.js";
import type { Finding, KnownIdentifiers } from "../types.js";
import { type CompiledNames, compileNames, findNames } from "./known-names.js";

// The identifiers of the people on a ticket, read from their user records: names (known-names.ts),
// email addresses (case- and diacritic-insensitively) and phone numbers in any formatting,
// compared by their digits in every form people write them (+45 23 45 67 89, 0045 23456789,
// 23 45 67 89; 070-123 45 67 for +46 70 123 45 67). These catch what no pattern can: a name, or a
// number written in a way the phone detector would not accept.

interface CompiledKnown {
  names: CompiledNames;
  emails: readonly string[];
  /** Digit strings of the known phones in all their written forms. */
  phoneDigits: ReadonlySet<string>;
  longestPhone: number;
}

const compiled = new WeakMap<KnownIdentifiers, Map<string, CompiledKnown>>();

/** Prepares (once per KnownIdentifiers object and region) what findKnownIdentifiers compares against. */
function compile(known: KnownIdentifiers, region: string | undefined): CompiledKnown {
  let byRegion = compiled.get(known);
  if (!byRegion) {
    byRegion = new Map();
    compiled.set(known, byRegion);
  }
  const key = region ?? "";
  let result = byRegion.get(key);
  if (!result) {
    const phoneDigits = new Set(known.phones.flatMap((p) => phoneForms(p, region)));
    result = {
      names: compileNames(known.names),
      emails: [...new Set(known.emails.map((e) => fold(e.trim())).filter((e) => e.includes("@")))],
      phoneDigits,
      longestPhone: Math.max(0, ...[...phoneDigits].map((d) => d.length)),
    };
    byRegion.set(key, result);
  }
  return result;
}

const MIN_PHONE_DIGITS = 6;

/** The digit strings a phone number is written as: international, with 00, national, and national with trunk prefix. */
export function phoneForms(phone: string, region?: string): string[] {
  const raw = toAsciiDigits(phone).replace(/\D/g, "");
  const forms = new Set<string>();
  if (raw.length >= MIN_PHONE_DIGITS) forms.add(raw);
  const defaultRegion =
    region && isSupportedCountry(region.toUpperCase()) ? (region.toUpperCase() as CountryCode) : undefined;
  const withPlus = phone.trim().startsWith("00") ? `+${phone.trim().slice(2)}` : phone;
  const parsed = parsePhoneNumberFromString(toAsciiDigits(withPlus), defaultRegion);
  if (parsed) {
    const international = `${parsed.countryCallingCode}${parsed.nationalNumber}`;
    forms.add(international);
    forms.add(`00${international}`);
    forms.add(parsed.nationalNumber);
    forms.add(parsed.formatNational().replace(/\D/g, ""));
  }
  return [...forms].filter((f) => f.length >= MIN_PHONE_DIGITS);
}

/** Every occurrence of the people's names, emails and phones in `text`. */
export function findKnownIdentifiers(text: string, known: KnownIdentifiers, region?: string): Finding[] {
  const c = compile(known, region);
  const findings = findNames(text, c.names);
  if (c.emails.length > 0 && text.includes("@")) findings.push(...findKnownEmails(text, c.emails));
  if (c.phoneDigits.size > 0) findings.push(...findKnownPhones(toAsciiDigits(text), c));
  return findings.sort((a, b) => a.start - b.start || b.end - a.end);
}

const EMAIL_CHAR = /[\p{L}\p{N}._%+-]/u;

function findKnownEmails(text: string, emails: readonly string[]): Finding[] {
  const f = foldWithOrigin(text);
  const out: Finding[] = [];
  for (const email of emails) {
    for (let at = f.folded.indexOf(email); at >= 0; at = f.folded.indexOf(email, at + 1)) {
      const end = at + email.length;
      const before = f.folded[at - 1];
      const after = f.folded[end];
      if (before !== undefined && EMAIL_CHAR.test(before)) continue;
      // "a@x.com" must not be found inside "a@x.com.evil.org" or "a@x.community".
      if (
        after !== undefined &&
        (/[\p{L}\p{N}-]/u.test(after) || (after === "." && /[\p{L}\p{N}]/u.test(f.folded[end + 1] ?? "")))
      )
        continue;
      out.push({
        detector: "knownIdentifiers",
        start: f.origin[at] ?? 0,
        end: originalEnd(text, f, end, f.origin[at] ?? 0),
        kind: "email",
      });
    }
  }
  return out;
}

const RUN = /\+?\d[\d \u00a0\-.()/]*\d/g;

/** Digit groups of phone-like runs whose digits, from a group start to a group end, equal a known phone. */
function findKnownPhones(text: string, c: CompiledKnown): Finding[] {
  const out: Finding[] = [];
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const groups = [...m[0].matchAll(/\d+/g)].map((g) => ({
      start: g.index,
      end: g.index + g[0].length,
      digits: g[0],
    }));
    let i = 0;
    while (i < groups.length) {
      let digits = "";
      let found = -1;
      for (let j = i; j < groups.length; j++) {
        digits += groups[j]?.digits ?? "";
        if (digits.length > c.longestPhone) break;
        if (c.phoneDigits.has(digits)) found = j;
      }
      if (found < 0) {
        i++;
        continue;
      }
      const first = groups[i]!;
      const start = m.index + (i === 0 && m[0].startsWith("+") ? 0 : first.start);
      out.push({ detector: "knownIdentifiers", start, end: m.index + groups[found]!.end, kind: "phone" });
      i = found + 1;
    }
  }
  return out;
}

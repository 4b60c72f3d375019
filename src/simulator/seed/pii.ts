import { luhnCheckDigit } from "./national-ids.js";
import type { Rng } from "./rng.js";

// Generators of personal data that is detected by checksum or shape: payment cards, IBANs, IP
// addresses and email addresses. National ids, phones and addresses live in their own modules.

export { postalAddress } from "./addresses.js";
export { type NationalIdKind, nationalId } from "./national-ids.js";
export { type PhoneNumber, phoneNumber } from "./phones.js";

export type CardBrand = "visa" | "mastercard" | "amex";

/** A card number with a real issuer prefix, a valid Luhn digit and the brand's usual grouping. */
export function cardNumber(
  rng: Rng,
  brand: CardBrand = rng.pick(["visa", "visa", "mastercard", "amex"]),
): string {
  let payload: string;
  if (brand === "visa") payload = `4${rng.digits(14)}`;
  else if (brand === "amex") payload = `${rng.pick(["34", "37"])}${rng.digits(12)}`;
  else if (rng.chance(0.7)) payload = `5${rng.between(1, 5)}${rng.digits(13)}`;
  else payload = `${rng.between(2221, 2720)}${rng.digits(11)}`;
  const digits = `${payload}${luhnCheckDigit(payload)}`;
  const style = rng.int(4);
  if (style === 0) return digits;
  const sep = style === 1 ? "-" : " ";
  return brand === "amex"
    ? `${digits.slice(0, 4)}${sep}${digits.slice(4, 10)}${sep}${digits.slice(10)}`
    : (digits.match(/.{4}/g) ?? []).join(sep);
}

/** BBAN layouts: n digits, a upper-case letters, c alphanumerics (ISO 13616 registry lengths). */
export const IBAN_LAYOUTS = {
  DK: "14n",
  SE: "20n",
  NO: "11n",
  FI: "14n",
  PL: "24n",
  ES: "20n",
  DE: "18n",
  GB: "4a14n",
  BR: "23n1a1c",
  PT: "21n",
  FR: "23n",
  SA: "2n18c",
  AE: "19n",
} as const;
export type IbanCountry = keyof typeof IBAN_LAYOUTS;

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** ISO 7064 mod 97-10 over the rearranged IBAN (letters count as 10..35). */
function mod97(text: string): number {
  let rest = 0;
  for (const ch of text) {
    const value = ch >= "A" ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rest = value > 9 ? (rest * 100 + value) % 97 : (rest * 10 + value) % 97;
  }
  return rest;
}

function bban(rng: Rng, layout: string): string {
  let out = "";
  for (const [, count, kind] of layout.matchAll(/(\d+)([nac])/g)) {
    const n = Number(count);
    if (kind === "n") out += rng.digits(n);
    else for (let i = 0; i < n; i++) out += rng.pick(kind === "a" ? [...LETTERS] : [...ALNUM]);
  }
  return out;
}

const digitsOf = (text: string): number[] => [...text].map(Number);
const weighted = (digits: number[], weights: readonly number[]): number =>
  digits.reduce((sum, d, i) => sum + d * weights[i % weights.length]!, 0);

/** Spain's two "dígitos de control": bank+branch and account, weights 1,2,4,8,5,10,9,7,3,6 mod 11. */
function spanishControl(digits: string): number {
  const rest = 11 - (weighted(digitsOf(digits), [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11);
  return rest === 11 ? 0 : rest === 10 ? 1 : rest;
}

/**
 * Several countries put their own check digits inside the BBAN, and strict IBAN validators check
 * them too; a seeded IBAN that fails them would be invisible to such a detector.
 */
const NATIONAL_BBAN: Partial<Record<IbanCountry, (rng: Rng) => string>> = {
  // Bank+account, then a mod-11 digit over weights 5,4,3,2,7,6,5,4,3,2 (10 is never issued).
  NO: (rng) => {
    for (;;) {
      const body = rng.digits(10);
      const rest = 11 - (weighted(digitsOf(body), [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11);
      if (rest !== 10) return `${body}${rest === 11 ? 0 : rest}`;
    }
  },
  // The 8-digit bank sort code ends with a check digit over weights 3,9,7,1,3,9,7.
  PL: (rng) => {
    const sort = rng.digits(7);
    const check = (10 - (weighted(digitsOf(sort), [3, 9, 7, 1, 3, 9, 7]) % 10)) % 10;
    return `${sort}${check}${rng.digits(16)}`;
  },
  // Bank(4) branch(4) control(2) account(10).
  ES: (rng) => {
    const bankBranch = rng.digits(8);
    const account = rng.digits(10);
    return `${bankBranch}${spanishControl(`00${bankBranch}`)}${spanishControl(account)}${account}`;
  },
  // Bank(4) branch(4) account(11) and two digits making the whole BBAN ≡ 1 (mod 97).
  PT: (rng) => {
    const body = rng.digits(19);
    return `${body}${String(98 - mod97(`${body}00`)).padStart(2, "0")}`;
  },
  // Bank(5) branch(5) account(11) and the "clé RIB": 97 - (89·bank + 15·branch + 3·account) mod 97.
  FR: (rng) => {
    const bank = rng.digits(5);
    const branch = rng.digits(5);
    const account = rng.digits(11);
    const key = 97 - ((89 * Number(bank) + 15 * Number(branch) + 3 * (Number(account) % 97)) % 97);
    return `${bank}${branch}${account}${String(key).padStart(2, "0")}`;
  },
};

/**
 * An IBAN with correct mod-97 check digits, national length and, where the country has them,
 * national check digits inside the BBAN; grouped in fours or compact.
 */
export function iban(rng: Rng, country: IbanCountry): string {
  const body = NATIONAL_BBAN[country]?.(rng) ?? bban(rng, IBAN_LAYOUTS[country]);
  const check = 98 - mod97(`${body}${country}00`);
  const compact = `${country}${String(check).padStart(2, "0")}${body}`;
  return rng.chance(0.7) ? (compact.match(/.{1,4}/g) ?? []).join(" ") : compact;
}

/** A public-looking IPv4 address (from blocks allocated to European, American and Gulf ISPs). */
export function ipv4(rng: Rng): string {
  const first = rng.pick([
    31, 37, 46, 62, 77, 78, 80, 81, 83, 85, 89, 91, 94, 151, 176, 177, 186, 189, 212, 213,
  ]);
  return `${first}.${rng.int(256)}.${rng.int(256)}.${rng.between(1, 254)}`;
}

/** An IPv6 address in a global unicast block, in compressed form now and then. */
export function ipv6(rng: Rng): string {
  const group = (): string => rng.int(0x10000).toString(16);
  const prefix = rng.pick(["2a02", "2a01", "2001", "2a00", "2804", "2600"]);
  const groups = [prefix, group(), group(), group(), group(), group(), group(), group()];
  if (rng.chance(0.5)) return `${groups.slice(0, 4).join(":")}::${groups.slice(6).join(":")}`;
  return groups.join(":");
}

export const ipAddress = (rng: Rng): string => (rng.chance(0.8) ? ipv4(rng) : ipv6(rng));

/** ASCII form of a Latin name for email local parts: "Łukasz Øster" → "lukasz", "oster". */
export function asciiName(name: string): string {
  return name
    .toLowerCase()
    .replace(/ł/g, "l")
    .replace(/ø/g, "o")
    .replace(/æ/g, "ae")
    .replace(/ß/g, "ss")
    .normalize("NFD")
    .replace(/[^a-z]/g, "");
}

/**
 * A personal email address in one of the shapes people choose. `unique` (a number) ends the local
 * part: names contain no digits, so two different (name, number) pairs never give the same address.
 */
export function emailAddress(
  rng: Rng,
  first: string,
  last: string,
  domains: readonly string[],
  unique: number,
): string {
  const f = asciiName(first) || "user";
  const l = asciiName(last) || "mail";
  const domain = rng.pick(domains);
  switch (rng.int(4)) {
    case 0:
      return `${f}.${l}${unique}@${domain}`;
    case 1:
      return `${f}${l}${unique}@${domain}`;
    case 2:
      return `${f[0]}.${l}${unique}@${domain}`;
    default:
      return `${l}.${f}${unique}@${domain}`;
  }
}

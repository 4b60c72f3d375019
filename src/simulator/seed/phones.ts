import type { Rng } from "./rng.js";

// Mobile numbers valid for their country (checked against libphonenumber's metadata in the tests),
// written the way people of that country write them, nationally and internationally.

export interface PhoneNumber {
  national: string;
  international: string;
}

interface PhonePlan {
  code: string;
  /** The national significant number (no trunk prefix). */
  nsn: (rng: Rng) => string;
  /** Splits the national significant number into the groups written nationally. */
  national: (nsn: string) => string;
  international: (nsn: string) => string;
}

/** Cuts `text` into groups of the given sizes and joins them with `sep`. */
const groups = (text: string, sizes: readonly number[], sep = " "): string => {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(text.slice(at, at + size));
    at += size;
  }
  return parts.join(sep);
};

const plan = (
  code: string,
  nsn: PhonePlan["nsn"],
  national: PhonePlan["national"],
  intlSizes: readonly number[],
): PhonePlan => ({ code, nsn, national, international: (n) => `+${code} ${groups(n, intlSizes)}` });

const pick = (digits: string) => (rng: Rng) => rng.pick([...digits]);
const nanp = (areas: readonly number[]) => (rng: Rng) => {
  let exchange = rng.between(200, 999);
  if (exchange % 100 === 11) exchange += 1;
  return `${rng.pick(areas)}${exchange}${rng.digits(4)}`;
};
const nanpNational = (n: string): string => `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`;

export const PHONE_PLANS = {
  DK: plan(
    "45",
    (r) => `${pick("234567")(r)}${r.digits(7)}`,
    (n) => groups(n, [2, 2, 2, 2]),
    [2, 2, 2, 2],
  ),
  SE: plan(
    "46",
    (r) => `7${pick("02369")(r)}${r.digits(7)}`,
    (n) => `0${n.slice(0, 2)}-${groups(n.slice(2), [3, 2, 2])}`,
    [2, 3, 2, 2],
  ),
  NO: plan(
    "47",
    (r) => `${pick("49")(r)}${r.digits(7)}`,
    (n) => groups(n, [3, 2, 3]),
    [3, 2, 3],
  ),
  FI: plan(
    "358",
    (r) => `4${pick("0123456")(r)}${r.digits(7)}`,
    (n) => `0${groups(n, [2, 3, 4])}`,
    [2, 3, 4],
  ),
  PL: plan(
    "48",
    (r) =>
      `${r.pick(["50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"])}${r.digits(7)}`,
    (n) => groups(n, [3, 3, 3]),
    [3, 3, 3],
  ),
  DE: plan(
    "49",
    (r) => `17${r.digits(1)}${r.digits(7)}`,
    (n) => `0${groups(n, [3, 7])}`,
    [3, 7],
  ),
  ES: plan(
    "34",
    (r) => `6${r.digits(8)}`,
    (n) => groups(n, [3, 2, 2, 2]),
    [3, 2, 2, 2],
  ),
  BR: plan(
    "55",
    (r) => `${r.pick(["11", "21", "31", "41", "51", "61", "71", "81", "85"])}9${r.digits(8)}`,
    (n) => `(${n.slice(0, 2)}) ${n.slice(2, 7)}-${n.slice(7)}`,
    [2, 5, 4],
  ),
  US: plan("1", nanp([212, 312, 415, 503, 617, 646, 713, 206, 303, 512]), nanpNational, [3, 3, 4]),
  CA: plan("1", nanp([416, 604, 514, 403, 613, 647]), nanpNational, [3, 3, 4]),
  GB: plan(
    "44",
    (r) => `7${pick("123")(r)}${r.digits(8)}`,
    (n) => `0${groups(n, [4, 6])}`,
    [4, 6],
  ),
  PT: plan(
    "351",
    (r) => `9${pick("1236")(r)}${r.digits(7)}`,
    (n) => groups(n, [3, 3, 3]),
    [3, 3, 3],
  ),
  FR: plan(
    "33",
    (r) => `6${r.digits(8)}`,
    (n) => `0${groups(n, [1, 2, 2, 2, 2])}`,
    [1, 2, 2, 2, 2],
  ),
  SA: plan(
    "966",
    (r) => `5${pick("0345689")(r)}${r.digits(7)}`,
    (n) => `0${groups(n, [2, 3, 4])}`,
    [2, 3, 4],
  ),
  AE: plan(
    "971",
    (r) => `5${pick("024568")(r)}${r.digits(7)}`,
    (n) => `0${groups(n, [2, 3, 4])}`,
    [2, 3, 4],
  ),
  EG: plan(
    "20",
    (r) => `1${pick("0125")(r)}${r.digits(8)}`,
    (n) => `0${groups(n, [2, 4, 4])}`,
    [2, 4, 4],
  ),
} as const satisfies Record<string, PhonePlan>;

export type PhoneCountry = keyof typeof PHONE_PLANS;

export function phoneNumber(rng: Rng, country: PhoneCountry): PhoneNumber {
  const p: PhonePlan = PHONE_PLANS[country];
  const nsn = p.nsn(rng);
  return { national: p.national(nsn), international: p.international(nsn) };
}

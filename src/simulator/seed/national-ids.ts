import type { Rng } from "./rng.js";

// National identity numbers with valid check digits, in the form people type them. The redaction
// engine recognises these by checksum, so an invalid one would be useless test data.

export type NationalIdKind =
  | "DK_CPR"
  | "SE_PERSONNUMMER"
  | "NO_FODSELSNUMMER"
  | "FI_HETU"
  | "PL_PESEL"
  | "ES_DNI"
  | "ES_NIE"
  | "BR_CPF"
  | "US_SSN"
  | "CA_SIN"
  | "GB_NINO"
  | "PT_NIF"
  | "FR_NIR"
  | "SA_NATIONAL_ID"
  | "AE_EMIRATES_ID";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Luhn check digit for a string of digits (the digit to append). */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

interface BirthDate {
  year: number;
  month: number;
  day: number;
}

function birthDate(rng: Rng, fromYear = 1945, toYear = 2004): BirthDate {
  return { year: rng.between(fromYear, toYear), month: rng.between(1, 12), day: rng.between(1, 28) };
}

const weightedSum = (digits: string, weights: readonly number[]): number =>
  weights.reduce((sum, w, i) => sum + w * (digits.charCodeAt(i) - 48), 0);

/** Danish CPR, DDMMYY-SSSS. Post-2007 CPRs may fail mod 11; these always pass it. */
function cpr(rng: Rng): string {
  for (;;) {
    const b = birthDate(rng, 1940, 1999);
    // First serial digit 0-3 means 1900-1999 for every birth year.
    const head = `${pad(b.day)}${pad(b.month)}${pad(b.year % 100)}${rng.between(0, 3)}${rng.digits(2)}`;
    const rest = weightedSum(head, [4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11;
    const check = (11 - rest) % 11;
    if (check === 10) continue;
    return `${head.slice(0, 6)}-${head.slice(6)}${check}`;
  }
}

/** Swedish personnummer, YYMMDD-NNNC with a Luhn check digit. */
function personnummer(rng: Rng): string {
  const b = birthDate(rng);
  const payload = `${pad(b.year % 100)}${pad(b.month)}${pad(b.day)}${rng.digits(3)}`;
  return `${payload.slice(0, 6)}-${payload.slice(6)}${luhnCheckDigit(payload)}`;
}

/** Norwegian fødselsnummer, DDMMYYIIIKK with two mod-11 check digits (individual 000-499: 1900s). */
function fodselsnummer(rng: Rng): string {
  for (;;) {
    const b = birthDate(rng, 1940, 1999);
    const base = `${pad(b.day)}${pad(b.month)}${pad(b.year % 100)}${pad(rng.between(0, 499), 3)}`;
    const k1 = (11 - (weightedSum(base, [3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11)) % 11;
    if (k1 === 10) continue;
    const withK1 = `${base}${k1}`;
    const k2 = (11 - (weightedSum(withK1, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11)) % 11;
    if (k2 === 10) continue;
    return `${withK1}${k2}`;
  }
}

/** Finnish HETU, DDMMYY[-+A]NNNC, the check character indexing DDMMYYNNN mod 31. */
function hetu(rng: Rng): string {
  const b = birthDate(rng, 1945, 2005);
  const sign = b.year >= 2000 ? "A" : "-";
  const date = `${pad(b.day)}${pad(b.month)}${pad(b.year % 100)}`;
  const individual = pad(rng.between(2, 899), 3);
  const check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[Number(date + individual) % 31];
  return `${date}${sign}${individual}${check}`;
}

/** Polish PESEL, YYMMDDZZZXQ; months of 2000s births carry +20. */
function pesel(rng: Rng): string {
  const b = birthDate(rng, 1945, 2005);
  const month = b.year >= 2000 ? b.month + 20 : b.month;
  const base = `${pad(b.year % 100)}${pad(month)}${pad(b.day)}${rng.digits(4)}`;
  const check = (10 - (weightedSum(base, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10)) % 10;
  return `${base}${check}`;
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spanish DNI, 8 digits and the letter of the number mod 23. */
function dni(rng: Rng): string {
  const n = rng.between(1_000_000, 99_999_999);
  return `${pad(n, 8)}${DNI_LETTERS[n % 23]}`;
}

/** Spanish NIE, X/Y/Z (0/1/2) + 7 digits + the DNI letter of the whole number. */
function nie(rng: Rng): string {
  const prefix = rng.int(3);
  const digits = rng.digits(7);
  return `${"XYZ"[prefix]}${digits}${DNI_LETTERS[Number(`${prefix}${digits}`) % 23]}`;
}

/** Brazilian CPF, 000.000.000-00 with two mod-11 check digits. */
function cpf(rng: Rng): string {
  let base = rng.digits(9);
  if (/^(\d)\1+$/.test(base)) base = `1${base.slice(1, 8)}2`;
  const check = (digits: string): number => {
    const weights = Array.from({ length: digits.length }, (_, i) => digits.length + 1 - i);
    return ((weightedSum(digits, weights) * 10) % 11) % 10;
  };
  const d1 = check(base);
  const d2 = check(`${base}${d1}`);
  const all = `${base}${d1}${d2}`;
  return `${all.slice(0, 3)}.${all.slice(3, 6)}.${all.slice(6, 9)}-${all.slice(9)}`;
}

/** US SSN, AAA-GG-SSSS: area not 000, 666 or 9xx; group not 00; serial not 0000. */
function ssn(rng: Rng): string {
  let area = rng.between(1, 899);
  if (area === 666) area = 667;
  return `${pad(area, 3)}-${pad(rng.between(1, 99))}-${pad(rng.between(1, 9999), 4)}`;
}

/** Canadian SIN, 000 000 000 with a Luhn check digit; first digit 1-7 (9 is temporary residents). */
function sin(rng: Rng): string {
  const payload = `${rng.between(1, 7)}${rng.digits(7)}`;
  const all = `${payload}${luhnCheckDigit(payload)}`;
  return `${all.slice(0, 3)} ${all.slice(3, 6)} ${all.slice(6)}`;
}

/** UK National Insurance number: valid prefix letters, six digits, suffix A-D. */
function nino(rng: Rng): string {
  const first = "ABCEGHJKLMNOPRSTWXYZ";
  const second = "ABCEGHJKLMNPRSTWXYZ";
  const banned = new Set(["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]);
  let prefix: string;
  do prefix = rng.pick([...first]) + rng.pick([...second]);
  while (banned.has(prefix));
  const d = rng.digits(6);
  const suffix = rng.pick(["A", "B", "C", "D"]);
  return rng.chance(0.5)
    ? `${prefix} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${suffix}`
    : `${prefix}${d}${suffix}`;
}

/** Portuguese NIF of a person (first digit 1-3), mod-11 check digit. */
function nif(rng: Rng): string {
  const base = `${rng.between(1, 3)}${rng.digits(7)}`;
  const rest = weightedSum(base, [9, 8, 7, 6, 5, 4, 3, 2]) % 11;
  return `${base}${rest < 2 ? 0 : 11 - rest}`;
}

/** French NIR (numéro de sécurité sociale), 13 digits and key 97 - (n mod 97). */
function nir(rng: Rng): string {
  const b = birthDate(rng);
  const dept = pad(rng.between(1, 95));
  const body = `${rng.between(1, 2)}${pad(b.year % 100)}${pad(b.month)}${dept}${rng.digits(3)}${pad(rng.between(1, 999), 3)}`;
  const key = 97 - Number(BigInt(body) % 97n);
  return `${body[0]} ${body.slice(1, 3)} ${body.slice(3, 5)} ${body.slice(5, 7)} ${body.slice(7, 10)} ${body.slice(10)} ${pad(key)}`;
}

/** Saudi national ID (1: citizen, 2: resident), 10 digits, Luhn. */
function saudiId(rng: Rng): string {
  const payload = `${rng.between(1, 2)}${rng.digits(8)}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** Emirates ID, 784-YYYY-NNNNNNN-C, Luhn over all 15 digits. */
function emiratesId(rng: Rng): string {
  const year = String(rng.between(1960, 2004));
  const serial = rng.digits(7);
  const payload = `784${year}${serial}`;
  return `784-${year}-${serial}-${luhnCheckDigit(payload)}`;
}

export const NATIONAL_IDS: Readonly<Record<NationalIdKind, (rng: Rng) => string>> = {
  DK_CPR: cpr,
  SE_PERSONNUMMER: personnummer,
  NO_FODSELSNUMMER: fodselsnummer,
  FI_HETU: hetu,
  PL_PESEL: pesel,
  ES_DNI: dni,
  ES_NIE: nie,
  BR_CPF: cpf,
  US_SSN: ssn,
  CA_SIN: sin,
  GB_NINO: nino,
  PT_NIF: nif,
  FR_NIR: nir,
  SA_NATIONAL_ID: saudiId,
  AE_EMIRATES_ID: emiratesId,
};

export const nationalId = (kind: NationalIdKind, rng: Rng): string => NATIONAL_IDS[kind](rng);

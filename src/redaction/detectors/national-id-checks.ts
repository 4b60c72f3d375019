import { stdnum } from "stdnum";
import { luhnValid } from "./payment-card.js";

// Checksum and structure checks of national identity numbers, by kind. stdnum does the work where
// it is right; where it is not, the difference is written down here:
// - DK CPR: stdnum checks the birth date (century from the seventh digit) but not mod 11, which is
//   correct: CPR numbers issued since 2007 need not pass mod 11. We add the mod-11 check only to
//   tell a CPR from a Swedish personnummer of the same shape, never to reject one.
// - ES DNI: stdnum accepts K/L/M-prefixed numbers without a check letter; our candidates are
//   always eight digits and a letter, which stdnum checks mod 23.
// - BR CPF: stdnum accepts numbers of one repeated digit (111.111.111-11), which the Receita
//   Federal never issues and which are common placeholders; we reject them.
// - CA SIN: stdnum accepts any first digit; SINs start with 1-7 (by province) or 9 (temporary
//   residents), 0 and 8 are not issued.
// - GB NINO: stdnum accepts eight characters without the suffix letter; a bare "AB123456" is too
//   much like a product code, so the suffix is required unless an id keyword precedes it.
// - SA national ID and UAE Emirates ID: not in stdnum; both are Luhn over all digits, with the
//   first digit 1 (citizen) or 2 (resident) for Saudi ids and the prefix 784 for Emirates ids.

const compact = (value: string): string => value.replace(/[\s.\-/]/g, "").toUpperCase();
const valid = (country: string, name: string) => {
  const validator = stdnum[country]?.[name];
  if (!validator) throw new Error(`stdnum has no ${country}.${name} validator`);
  return (value: string): boolean => validator.validate(value).isValid;
};

const cprValid = valid("DK", "cpr");
const personnummerValid = valid("SE", "personnummer");
const fodselsnummerValid = valid("NO", "fodselsnummer");
const hetuValid = valid("FI", "hetu");
const peselValid = valid("PL", "pesel");
const dniValid = valid("ES", "dni");
const nieValid = valid("ES", "nie");
const cpfValid = valid("BR", "cpf");
const ssnValid = valid("US", "ssn");
const sinValid = valid("CA", "sin");
const ninoValid = valid("GB", "nino");
const nirValid = valid("FR", "nir");
const nifValid = valid("PT", "nif");

const weighted = (digits: string, weights: readonly number[]): number =>
  weights.reduce((sum, w, i) => sum + w * (digits.charCodeAt(i) - 48), 0);

/** Whether a ten-digit CPR also passes the pre-2007 mod-11 check (used only to label it). */
export const cprPassesMod11 = (value: string): boolean =>
  weighted(compact(value), [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 === 0;

/** "YYMMDD-NNNN" or "YYYYMMDD-NNNN"; the separator tells stdnum the century ("+" over 100 years). */
function personnummer(value: string): boolean {
  const c = value.replace(/\s/g, "");
  if (/^\d{10}$|^\d{12}$/.test(c)) return personnummerValid(`${c.slice(0, -4)}-${c.slice(-4)}`);
  return personnummerValid(c);
}

export interface IdCheck {
  /** The finding's kind, e.g. "DK-CPR". */
  kind: string;
  valid: (value: string) => boolean;
}

export const CHECKS = {
  dkCpr: { kind: "DK-CPR", valid: (v: string) => cprValid(compact(v)) },
  sePersonnummer: { kind: "SE-PERSONNUMMER", valid: personnummer },
  noFodselsnummer: { kind: "NO-FODSELSNUMMER", valid: (v: string) => fodselsnummerValid(compact(v)) },
  fiHetu: { kind: "FI-HETU", valid: (v: string) => hetuValid(v.toUpperCase()) },
  plPesel: { kind: "PL-PESEL", valid: (v: string) => peselValid(compact(v)) },
  esDni: { kind: "ES-DNI", valid: (v: string) => /^\d{8}[A-Z]$/.test(compact(v)) && dniValid(compact(v)) },
  esNie: { kind: "ES-NIE", valid: (v: string) => nieValid(compact(v)) },
  brCpf: {
    kind: "BR-CPF",
    valid: (v: string) => !/^(\d)\1{10}$/.test(compact(v)) && cpfValid(compact(v)),
  },
  usSsn: { kind: "US-SSN", valid: (v: string) => ssnValid(compact(v)) },
  caSin: { kind: "CA-SIN", valid: (v: string) => /^[1-79]/.test(compact(v)) && sinValid(compact(v)) },
  gbNino: { kind: "GB-NINO", valid: (v: string) => ninoValid(compact(v)) },
  frNir: { kind: "FR-NIR", valid: (v: string) => nirValid(compact(v)) },
  ptNif: { kind: "PT-NIF", valid: (v: string) => /^[1-3]/.test(v) && nifValid(compact(v)) },
  saNationalId: { kind: "SA-NATIONAL-ID", valid: (v: string) => /^[12]\d{9}$/.test(v) && luhnValid(v) },
  aeEmiratesId: {
    kind: "AE-EMIRATES-ID",
    valid: (v: string) => /^784\d{12}$/.test(compact(v)) && luhnValid(compact(v)),
  },
} as const satisfies Record<string, IdCheck>;

import type { NationalIdKind } from "../../src/simulator/seed/national-ids.js";

// Independent checks of personal data, written from the public specifications (not from the
// generators): the redaction engine will detect values by these rules, so seeded values must pass.

const digitsOf = (s: string): number[] => [...s.replace(/\D/g, "")].map(Number);

export function luhnValid(number: string): boolean {
  const d = digitsOf(number).reverse();
  const sum = d.reduce((acc, x, i) => acc + (i % 2 === 1 ? (x * 2 > 9 ? x * 2 - 9 : x * 2) : x), 0);
  return d.length > 1 && sum % 10 === 0;
}

export const IBAN_LENGTHS: Record<string, number> = {
  DK: 18,
  SE: 24,
  NO: 15,
  FI: 18,
  PL: 28,
  ES: 24,
  DE: 22,
  GB: 22,
  BR: 29,
  PT: 25,
  FR: 27,
  SA: 24,
  AE: 23,
};

export function ibanValid(value: string): boolean {
  const compact = value.replace(/ /g, "");
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  const numeric = [...rearranged].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join("");
  return BigInt(numeric) % 97n === 1n;
}

export function cardBrand(value: string): "visa" | "mastercard" | "amex" | null {
  const d = value.replace(/[ -]/g, "");
  if (!luhnValid(d)) return null;
  const grouped16 = /^\d{16}$|^\d{4}( \d{4}){3}$|^\d{4}(-\d{4}){3}$/;
  const grouped15 = /^\d{15}$|^\d{4} \d{6} \d{5}$|^\d{4}-\d{6}-\d{5}$/;
  if (d.length === 16 && grouped16.test(value)) {
    if (d[0] === "4") return "visa";
    const two = Number(d.slice(0, 2));
    const four = Number(d.slice(0, 4));
    if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return "mastercard";
  }
  if (d.length === 15 && grouped15.test(value) && /^3[47]/.test(d)) return "amex";
  return null;
}

const validDate = (mm: number, dd: number): boolean => mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
const DNI = "TRWAGMYFPDXBNJZSQVHLCKE";
const wsum = (d: number[], w: number[]): number => w.reduce((s, x, i) => s + x * d[i]!, 0);

export const NATIONAL_ID_VALID: Record<NationalIdKind, (v: string) => boolean> = {
  DK_CPR: (v) => {
    if (!/^\d{6}-\d{4}$/.test(v)) return false;
    const d = digitsOf(v);
    return (
      validDate(d[2]! * 10 + d[3]!, d[0]! * 10 + d[1]!) && wsum(d, [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]) % 11 === 0
    );
  },
  SE_PERSONNUMMER: (v) => /^\d{6}-\d{4}$/.test(v) && luhnValid(v),
  NO_FODSELSNUMMER: (v) => {
    if (!/^\d{11}$/.test(v)) return false;
    const d = digitsOf(v);
    const k = (w: number[]): number => (11 - (wsum(d, w) % 11)) % 11;
    return k([3, 7, 6, 1, 8, 9, 4, 5, 2]) === d[9] && k([5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) === d[10];
  },
  FI_HETU: (v) => {
    const m = /^(\d{6})[-+A](\d{3})([0-9A-Y])$/.exec(v);
    return !!m && "0123456789ABCDEFHJKLMNPRSTUVWXY"[Number(m[1]! + m[2]!) % 31] === m[3];
  },
  PL_PESEL: (v) => {
    if (!/^\d{11}$/.test(v)) return false;
    const d = digitsOf(v);
    const month = (d[2]! * 10 + d[3]!) % 20;
    return month >= 1 && month <= 12 && (10 - (wsum(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10)) % 10 === d[10];
  },
  ES_DNI: (v) => /^\d{8}[A-Z]$/.test(v) && DNI[Number(v.slice(0, 8)) % 23] === v[8],
  ES_NIE: (v) =>
    /^[XYZ]\d{7}[A-Z]$/.test(v) && DNI[Number("XYZ".indexOf(v[0]!) + v.slice(1, 8)) % 23] === v[8],
  BR_CPF: (v) => {
    if (!/^\d{3}\.\d{3}\.\d{3}-\d{2}$/.test(v)) return false;
    const d = digitsOf(v);
    const check = (n: number): number =>
      ((wsum(
        d,
        Array.from({ length: n }, (_, i) => n + 1 - i),
      ) *
        10) %
        11) %
      10;
    return check(9) === d[9] && check(10) === d[10] && new Set(d).size > 1;
  },
  US_SSN: (v) => {
    const m = /^(\d{3})-(\d{2})-(\d{4})$/.exec(v);
    return !!m && m[1] !== "000" && m[1] !== "666" && m[1]![0] !== "9" && m[2] !== "00" && m[3] !== "0000";
  },
  CA_SIN: (v) => /^[1-79]\d{2} \d{3} \d{3}$/.test(v) && luhnValid(v),
  GB_NINO: (v) => {
    const c = v.replace(/ /g, "");
    return (
      /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(c) &&
      !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].includes(c.slice(0, 2))
    );
  },
  PT_NIF: (v) => {
    if (!/^[123]\d{8}$/.test(v)) return false;
    const d = digitsOf(v);
    const r = wsum(d, [9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    return (r < 2 ? 0 : 11 - r) === d[8];
  },
  FR_NIR: (v) => {
    const c = v.replace(/ /g, "");
    return /^[12]\d{14}$/.test(c) && 97 - Number(BigInt(c.slice(0, 13)) % 97n) === Number(c.slice(13));
  },
  SA_NATIONAL_ID: (v) => /^[12]\d{9}$/.test(v) && luhnValid(v),
  AE_EMIRATES_ID: (v) => /^784-\d{4}-\d{7}-\d$/.test(v) && luhnValid(v),
};

/**
 * The birth date a date-bearing national id encodes, decoded with each country's century rules
 * (written from the public specifications), or null when the century or date is impossible.
 */
export const BIRTH_DATE: Partial<Record<NationalIdKind, (v: string) => Date | null>> = {
  DK_CPR: (v) => {
    const d = digitsOf(v);
    const yy = d[4]! * 10 + d[5]!;
    const c = d[6]!;
    // Seventh digit: 0-3 → 1900s; 4 and 9 → 2000-2036 else 1900s; 5-8 → 2000-2057 else 1858-1899.
    const century = c <= 3 ? 1900 : c === 4 || c === 9 ? (yy <= 36 ? 2000 : 1900) : yy <= 57 ? 2000 : 1800;
    return realDate(century + yy, d[2]! * 10 + d[3]!, d[0]! * 10 + d[1]!);
  },
  NO_FODSELSNUMMER: (v) => {
    const d = digitsOf(v);
    const yy = d[4]! * 10 + d[5]!;
    const individual = Number(v.slice(6, 9));
    const century =
      individual <= 499
        ? 1900
        : individual <= 749 && yy >= 54
          ? 1800
          : individual >= 900 && yy >= 40
            ? 1900
            : yy <= 39
              ? 2000
              : null;
    return century === null ? null : realDate(century + yy, d[2]! * 10 + d[3]!, d[0]! * 10 + d[1]!);
  },
  FI_HETU: (v) => {
    const sign = v[6]!;
    const century = "+".includes(sign)
      ? 1800
      : "-YXWVU".includes(sign)
        ? 1900
        : "ABCDEF".includes(sign)
          ? 2000
          : null;
    const d = digitsOf(v.slice(0, 6));
    return century === null
      ? null
      : realDate(century + d[4]! * 10 + d[5]!, d[2]! * 10 + d[3]!, d[0]! * 10 + d[1]!);
  },
  PL_PESEL: (v) => {
    const d = digitsOf(v);
    const mm = d[2]! * 10 + d[3]!;
    const offset = [80, 0, 20, 40, 60].find((o) => mm - o >= 1 && mm - o <= 12);
    if (offset === undefined) return null;
    const century = { 80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200 }[offset]!;
    return realDate(century + d[0]! * 10 + d[1]!, mm - offset, d[4]! * 10 + d[5]!);
  },
};

function realDate(year: number, month: number, day: number): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? date
    : null;
}

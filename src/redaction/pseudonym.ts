import { createHmac } from "node:crypto";

// Keyed pseudonyms: a stable token in place of an identifier, so that the same customer gives
// the same token in every ticket (repeat customers can still be counted) while nobody without
// the account's key can link a token back to a person or test a guess.

/** Every pseudonym is `anon-` and 16 letters of this alphabet (64 bits of HMAC-SHA256). */
const ALPHABET = "bcdfghjkmnpqrstv";
const TOKEN = /^anon-[bcdfghjkmnpqrstv]{16}$/;

/** True for a token made by `pseudonym`, so that pseudonymising twice changes nothing. */
export const isPseudonym = (text: string): boolean => TOKEN.test(text.trim());

// Combining Diacritical Marks (U+0300-U+036F) only: accents on Latin, Greek and Cyrillic letters,
// which people drop when they type a name. Marks of other scripts (Devanagari vowel signs, Arabic
// harakat are in other blocks) carry meaning and stay.
const LATIN_DIACRITICS = /[\u0300-\u036f]/g;
const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

/**
 * The form of an identifier that is hashed: compatibility forms folded (NFKC), accents of
 * Latin/Greek/Cyrillic letters dropped, lower case, whitespace collapsed. Phone-like values keep
 * only their digits (and a leading +), so "+45 12 34-56 78" and "+4512345678" agree; a national
 * and an international form of one number still differ, as nothing here knows the region.
 */
export function normaliseIdentifier(value: string): string {
  const trimmed = value.normalize("NFKC").trim();
  if (PHONE_LIKE.test(trimmed) && trimmed.replace(/\D/g, "").length >= 6) {
    return (trimmed.startsWith("+") ? "+" : "") + trimmed.replace(/\D/g, "");
  }
  return trimmed
    .normalize("NFD")
    .replace(LATIN_DIACRITICS, "")
    .normalize("NFC")
    .toLowerCase()
    .replace(/\s+/gu, " ");
}

/** Throws when a key cannot protect pseudonyms (an empty key makes them guessable). */
export function assertPseudonymKey(key: string): void {
  if (key.length === 0) {
    throw new Error(
      "The pseudonym key is empty; give the account a secret pseudonym key of at least 16 characters",
    );
  }
}

/** 64 bits of HMAC-SHA256(key, message) as 16 letters of ALPHABET. */
export function keyedToken(key: string, message: string): string {
  assertPseudonymKey(key);
  const digest = createHmac("sha256", key).update(message, "utf8").digest();
  let out = "";
  for (let i = 0; i < 8; i++) {
    const byte = digest[i] ?? 0;
    out += ALPHABET[byte >> 4]! + ALPHABET[byte & 15]!;
  }
  return out;
}

/**
 * The pseudonym of an identifier under an account's key, e.g. `anon-kqdtbvmhsrgcfpjn`. Letters
 * only, so that no number detector ever finds a phone number or card in a token.
 */
export function pseudonym(key: string, value: string): string {
  if (isPseudonym(value)) return value.trim();
  return `anon-${keyedToken(key, normaliseIdentifier(value))}`;
}

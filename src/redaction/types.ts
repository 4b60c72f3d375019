// The vocabulary of the redaction engine. Everything in src/redaction is pure: text and records
// in, plans and findings out, no I/O.

/** Detectors a policy can select for `Detected` masking. */
export const DETECTOR_NAMES = [
  "email",
  "phone",
  "paymentCard",
  "iban",
  "ipAddress",
  "nationalId",
  "postalAddress",
  "knownIdentifiers",
  "custom",
] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

/**
 * One piece of personal data found in a text. Offsets are UTF-16 code units (JavaScript string
 * indices), end exclusive. A finding never carries the matched text, so findings can be logged.
 */
export interface Finding {
  detector: DetectorName;
  start: number;
  end: number;
  /** A finer kind where useful, e.g. "DK-CPR", "IPv6", "name" (never personal data). */
  kind?: string;
}

/** The people on a ticket (requester, CCs, followers), read from their user records. */
export interface KnownIdentifiers {
  names: readonly string[];
  emails: readonly string[];
  phones: readonly string[];
}

export interface DetectionOptions {
  detectors: readonly DetectorName[];
  /** ISO 3166-1 alpha-2 region for national phone formats (the account's default), e.g. "DK". */
  region?: string;
  /** Custom patterns from the policy, used when `custom` is selected. */
  patterns?: readonly RegExp[];
  /** Used when `knownIdentifiers` is selected. */
  known?: KnownIdentifiers;
}

/** Zendesk's redaction marker (ZENDESK_API.md 6.6). */
export const MASK_CHAR = "\u2587";

export type MaskingMode = "Full" | "Detected";

/**
 * How masked content is replaced. `blocks` writes one ▇ per character; `text` writes a fixed
 * text; `pseudonym` writes a stable keyed token so repeat customers can still be counted.
 */
export type Replacement =
  | { kind: "blocks" }
  | { kind: "text"; text: string }
  | { kind: "pseudonym"; key: string };

export interface Masking {
  mode: MaskingMode;
  replacement: Replacement;
}

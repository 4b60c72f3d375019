import { findCustomPatterns } from "./detectors/custom.js";
import { findEmails } from "./detectors/email.js";
import { findIbans } from "./detectors/iban.js";
import { findIpAddresses } from "./detectors/ip-address.js";
import { findKnownIdentifiers } from "./detectors/known-identifiers.js";
import { findNationalIds } from "./detectors/national-id.js";
import { findPaymentCards } from "./detectors/payment-card.js";
import { findPhones } from "./detectors/phone.js";
import { findPostalAddresses } from "./detectors/postal-address.js";
import { toAsciiDigits } from "./text.js";
import type { DetectionOptions, DetectorName, Finding } from "./types.js";

// Runs the detectors a policy selected and returns non-overlapping findings in text order, so a
// masker can walk them once and no part of a detected item is left unmasked.

/** The text twice: as written, and with other scripts' digits made ASCII (same offsets) for number detectors. */
interface Texts {
  text: string;
  digits: string;
}
type Detector = (t: Texts, options: DetectionOptions) => Finding[];

const DETECTORS: Record<DetectorName, Detector> = {
  email: (t) => findEmails(t.text),
  phone: (t, o) => findPhones(t.digits, o.region),
  paymentCard: (t) => findPaymentCards(t.digits),
  iban: (t) => findIbans(t.digits),
  ipAddress: (t) => findIpAddresses(t.digits),
  nationalId: (t) => findNationalIds(t.digits),
  postalAddress: (t) => findPostalAddresses(t.digits),
  knownIdentifiers: (t, o) => (o.known ? findKnownIdentifiers(t.text, o.known, o.region) : []),
  custom: (t, o) => (o.patterns?.length ? findCustomPatterns(t.text, o.patterns) : []),
};

/**
 * The personal data in `text` that the selected detectors find, sorted by start. Overlapping
 * findings (from one detector or several) become one finding covering their union, so masking
 * never leaves a piece of either visible; it is named after the longest of them.
 */
export function detect(text: string, options: DetectionOptions): Finding[] {
  if (text.length === 0) return [];
  const texts: Texts = { text, digits: toAsciiDigits(text) };
  const all: Finding[] = [];
  for (const name of new Set(options.detectors)) {
    for (const f of DETECTORS[name](texts, options)) all.push(f);
  }
  return mergeOverlapping(all);
}

/** Sorts findings and merges the ones that overlap; touching findings stay separate. */
export function mergeOverlapping(findings: readonly Finding[]): Finding[] {
  const sorted = findings.filter((f) => f.end > f.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Finding[] = [];
  let current: Finding | undefined;
  let currentLongest = 0;
  for (const f of sorted) {
    if (current && f.start < current.end) {
      const length = f.end - f.start;
      if (length > currentLongest) {
        currentLongest = length;
        current = { ...withoutKind(f), start: current.start, end: Math.max(current.end, f.end) };
        if (f.kind !== undefined) current.kind = f.kind;
      } else current.end = Math.max(current.end, f.end);
      continue;
    }
    if (current) merged.push(current);
    current = { ...f };
    currentLongest = f.end - f.start;
  }
  if (current) merged.push(current);
  return merged;
}

const withoutKind = (f: Finding): Finding => ({ detector: f.detector, start: f.start, end: f.end });

import { detect } from "./detect.js";
import { emptyFindingCounts } from "./spec.js";
import { type DetectionOptions, type DetectorName, type Finding, MASK_CHAR } from "./types.js";

// Verification after acting: the executor re-reads what it changed (comment text, subject, field
// values) and runs the detectors again. Whatever they still find is a residual finding, counted
// and reported; a finding never carries the matched text, so the report holds no personal data.

/** A finding in the `text`-th of the verified texts. */
export interface ResidualFinding extends Finding {
  text: number;
}

/** What the detectors still find in `texts` (e.g. the comments of a ticket as Zendesk now shows them). */
export function residualFindings(texts: readonly string[], detection: DetectionOptions): ResidualFinding[] {
  const residual: ResidualFinding[] = [];
  texts.forEach((text, index) => {
    for (const f of detect(text, detection)) residual.push({ ...f, text: index });
  });
  return residual;
}

/** Residual findings per detector, every detector present. */
export function countResidual(findings: readonly Finding[]): Record<DetectorName, number> {
  const counts = emptyFindingCounts();
  for (const f of findings) counts[f.detector] += 1;
  return counts;
}

const UNMASKED = new RegExp(`[^\\s${MASK_CHAR}]`, "u");

/**
 * Whether a text that Full mode masked with blocks (as Zendesk does in comments) shows nothing but
 * ▇ and whitespace: the check for Full mode, where detectors cannot tell what was missed.
 */
export const isFullyMasked = (text: string): boolean => !UNMASKED.test(text);

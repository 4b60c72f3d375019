import type { Finding } from "../../../src/redaction/types.js";

/** The texts a detector's findings cover, for readable assertions (tests only: never log findings' text in code). */
export const matched = (text: string, findings: readonly Finding[]): string[] =>
  findings.map((f) => text.slice(f.start, f.end));

import { letterOrDigitAt, letterOrDigitBefore } from "../text.js";
import type { Finding } from "../types.js";

// IPv4 and IPv6 addresses. Version numbers are not addresses: three-part versions never match,
// and a four-part one is skipped when it follows "v", "version", a product name and a slash
// ("Chrome/1.2.3.4") or continues with more dotted parts ("1.2.3.4.5").

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`${OCTET}(?:\\.${OCTET}){3}`, "g");
const IPV4_EXACT = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const VERSION_WORD =
  /(?:^|[^\p{L}])(?:v|ver|version|versão|versión|versione|wersja|versjon|build|release)\.?\s*$/iu;

/** Every IPv4 and IPv6 address in `text` (digits must already be ASCII). */
export function findIpAddresses(text: string): Finding[] {
  const v4: Finding[] = [];
  const v6: Finding[] = [];
  if (text.includes(".")) findIpv4(text, v4);
  if (text.includes(":")) findIpv6(text, v6);
  if (v6.length === 0) return v4;
  // An IPv4 tail of an IPv6 address ("::ffff:192.0.2.128") is part of that address.
  const outside = v4.filter((a) => !v6.some((b) => b.start <= a.start && a.end <= b.end));
  return [...outside, ...v6].sort((a, b) => a.start - b.start);
}

function findIpv4(text: string, out: Finding[]): void {
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = text[start - 1];
    if (letterOrDigitBefore(text, start) || before === "." || before === "/" || before === "_") continue;
    if (letterOrDigitAt(text, end)) {
      // The octet regex stopped early inside a longer number ("1.2.3.456"): not an address.
      continue;
    }
    if (text[end] === "." && /\d/.test(text[end + 1] ?? "")) {
      IPV4.lastIndex = skipDotted(text, end);
      continue;
    }
    if (VERSION_WORD.test(text.slice(Math.max(0, start - 12), start))) continue;
    out.push({ detector: "ipAddress", start, end, kind: "IPv4" });
    IPV4.lastIndex = end;
  }
}

function skipDotted(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === "." || /\d/.test(text[i] ?? ""))) i++;
  return i;
}

// Maximal runs of hex digits, colons and dots; linear, validated afterwards.
const IPV6_RUN = /[0-9A-Fa-f:.]{3,}/g;

function findIpv6(text: string, out: Finding[]): void {
  IPV6_RUN.lastIndex = 0;
  for (let m = IPV6_RUN.exec(text); m !== null; m = IPV6_RUN.exec(text)) {
    let start = m.index;
    let end = start + m[0].length;
    // A trailing full stop or colon belongs to the sentence; a single leading colon to a label ("ip:").
    while (end > start && (text[end - 1] === "." || (text[end - 1] === ":" && text[end - 2] !== ":"))) end--;
    if (text[start] === ":" && text[start + 1] !== ":") start++;
    if (end - start < 3 || letterOrDigitBefore(text, start) || letterOrDigitAt(text, end)) continue;
    if (isIpv6(text.slice(start, end))) out.push({ detector: "ipAddress", start, end, kind: "IPv6" });
  }
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/**
 * RFC 4291 text forms: eight groups, or fewer with one "::", optionally ending in an embedded IPv4
 * address. At least three non-empty groups are required so that "::1", "fe80::1" and C++ names
 * like "abc::def" are not reported.
 */
export function isIpv6(value: string): boolean {
  const halves = value.split("::");
  if (halves.length > 2) return false;
  const groups: string[] = [];
  for (const half of halves) if (half !== "") groups.push(...half.split(":"));
  let count = groups.length;
  const last = groups[groups.length - 1] ?? "";
  if (last.includes(".")) {
    if (!IPV4_EXACT.test(last)) return false;
    groups.pop();
    count += 1; // an IPv4 tail takes two groups' room
  }
  if (!groups.every((g) => HEX_GROUP.test(g))) return false;
  if (halves.length === 2 ? count > 7 : count !== 8) return false;
  return groups.length + (last.includes(".") ? 2 : 0) >= 3;
}

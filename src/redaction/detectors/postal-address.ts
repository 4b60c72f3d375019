import type { Finding } from "../types.js";

// Postal addresses, only where a pattern is reliable. A finding starts at a street line — a
// street word with a house number — and extends over the parts that follow it when they look like
// an address (unit, district, town, state, postcode). Covered:
// - suffix streets (Danish, Swedish, Norwegian, German, Finnish): "Vesterbrogade 12",
//   "Karl Johans gate 3", "Hauptstraße 12a", "Mannerheimintie 12 A 5";
// - prefix streets (Spanish, Catalan, Portuguese, Brazilian, French, Polish, Italian):
//   "Calle de Alcalá 12", "Carrer de Mallorca 123", "Rua Augusta, 1234", "ul. Długa 5 m. 3",
//   and number first as the French write it: "12 rue de Rivoli";
// - English streets, number first: "221 Baker Street", "1234 Market St Apt 5", "10 2nd Ave";
// - Arabic: "12 شارع التحرير", "1234 طريق الملك فهد", "شقة 1203";
// - any "Words 12, <postcode> <Town>" line where the postcode has its country's shape: UK and
//   Canadian postcodes, US "ST 12345", "1620 København V", "114 55 Stockholm", "00-514 Warszawa",
//   "1200-203 Lisboa", "01234-567".
// Not covered: a town or postcode on its own, PO boxes, addresses without a house number, and
// streets named without a street word in other languages (known identifiers may still catch them).
//
// Latin letters are written as explicit ranges rather than \p{L}: a Unicode property class at every
// offset of a text with any character beyond Latin-1 is several times slower, and these patterns
// only describe Latin and Arabic addresses anyway.

const L = "A-Za-zÀ-ÖØ-öø-ɏ";
const UPPER = "(?:[A-ZÀ-ÖØ-Þ]|(?=\\p{Lu})[Ā-ɏ])";
const AR = "\\u0621-\\u064a\\u064b-\\u065f\\u066e-\\u06d3\\u06fa-\\u06ff";
const ARABIC_WORD = `[${AR}]+`;
const NOT_BEFORE = `(?<![${L}${AR}\\d])`;
const NOT_AFTER = `(?![${L}${AR}\\d])`;

/** "calle|rua" → "[Cc]alle|[Rr]ua": street words are written capitalised or not. */
const eitherCase = (words: string): string =>
  words
    .split("|")
    .map((w) => (/^[a-z]/.test(w) ? `[${w[0]?.toUpperCase()}${w[0]}]${w.slice(1)}` : w))
    .join("|");

// Internal dots only ("H.C."), so a town at the end of a sentence does not take its full stop.
const CAPITALISED = `${UPPER}[${L}'’-]*(?:\\.${UPPER}[${L}'’-]*)*`;
const NAME_WORD = `(?:${CAPITALISED}|\\d{1,3}(?:st|nd|rd|th|\\.)|[IVXL]+)`;
const PARTICLE =
  "(?:de|da|do|das|dos|del|de la|de las|de los|dels|la|las|los|di|du|des|d'|l'|am|an|der|den|von|van|e|y|i)";
const HOUSE = `\\d{1,5}(?:[a-zA-Z]${NOT_AFTER})?(?:-\\d{1,4})?(?:\\s[A-H]\\s\\d{1,3})?`;
const INLINE_UNIT = `(?:\\s(?:m\\.|${eitherCase("apt|apt.|apto|apto.|apartment|suite|ste.|unit|flat")}|lok\\.|#)\\s?\\d{1,5}[A-Za-z]?)?`;

const SUFFIXES =
  "gade|vej|allé|alle|plads|stræde|torv|vænge|boulevard|gatan|vägen|gränd|torget|backen|stigen|gata|gate|gaten|" +
  "veien|vei|vegen|plass|straße|strasse|str\\.|weg|allee|platz|gasse|damm|ufer|chaussee|katu|tie|kuja|polku|tori|väylä";
const SEPARATE_SUFFIXES =
  "gate|gata|gaten|vei|veien|vej|gade|allé|alle|allee|straße|strasse|plads|plass|torv|boulevard|platz|weg";
const PREFIXES =
  "calle|c/|avenida|avda.|av.|plaza|pza.|paseo|camino|carretera|ronda|travesía|carrer|avinguda|plaça|passeig|travessera|" +
  "rua|r.|travessa|alameda|praça|largo|estrada|rodovia|rue|avenue|boulevard|bd|place|allée|chemin|impasse|quai|cours|route|" +
  "ul.|ulica|al.|aleja|pl.|plac|os.|osiedle|via|viale|piazza|corso";
const ENGLISH =
  "street|st.|st|road|rd.|rd|avenue|ave.|ave|lane|ln.|ln|drive|dr.|dr|boulevard|blvd.|blvd|way|court|ct.|ct|place|pl.|pl|" +
  "close|crescent|terrace|square|sq.|sq|gardens|grove|mews|row|walk|parkway|pkwy|highway|hwy|circle|trail";
const escapeDots = (words: string): string => words.replace(/\./g, "\\.");
const PREFIX_WORD = `(?:${escapeDots(eitherCase(PREFIXES))})`;
const NAME = `(?:${PARTICLE}\\s)*${NAME_WORD}`;

const STREETS: readonly RegExp[] = [
  // Vesterbrogade 12 · Västra Hamngatan 5 · Hauptstraße 12a. The lookaheads first check cheaply
  // that a number follows, before the suffixes are tried at every letter of every capitalised word.
  `(?=(?:${CAPITALISED}\\s)?[${L}]+\\s\\d)(?:${CAPITALISED}\\s)?${UPPER}[${L}]*(?:${SUFFIXES})\\s${HOUSE}${INLINE_UNIT}`,
  // Karl Johans gate 12 · Dronningens gate 3 · Frankfurter Allee 5 (not "Boarding gate 12")
  `(?=(?:${CAPITALISED}\\s)?[${L}]+\\s[${L}]+\\s\\d)(?:${CAPITALISED}\\s)?${UPPER}[${L}]*(?:s|er|ens)\\s(?:${eitherCase(SEPARATE_SUFFIXES)})\\s${HOUSE}${INLINE_UNIT}`,
  // Calle de Alcalá 12 · Rua Augusta, 1234 · ul. Marszałkowska 12 m. 5
  `${PREFIX_WORD}\\s${NAME}(?:\\s${NAME}){0,4},?\\s${HOUSE}${INLINE_UNIT}`,
  // 12 rue de Rivoli · 123 Rue Sainte-Catherine
  `\\d{1,5}(?:\\s?(?:bis|ter))?,?\\s${PREFIX_WORD}\\s${NAME}(?:\\s${NAME}){0,3}`,
  // 221 Baker Street · 1234 Market St Apt 5 · 10 King St W
  `\\d{1,5}[a-zA-Z]?\\s${NAME_WORD}(?:\\s${NAME_WORD}){0,2}\\s(?:${escapeDots(eitherCase(ENGLISH))})(?:\\s(?:N|S|E|W|NE|NW|SE|SW)${NOT_AFTER})?${INLINE_UNIT}`,
  // 12 شارع التحرير · 1234 طريق الملك فهد · شقة 1203
  `\\d{1,5}\\s(?:شارع|طريق)(?:\\s${ARABIC_WORD}){1,4}`,
  `(?:شقة|مبنى|بناية|فيلا)\\s\\d{1,5}`,
].map((source) => new RegExp(`${NOT_BEFORE}(?:${source})${NOT_AFTER}`, "gu"));

const POSTCODE =
  "(?:[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}" + // UK
  "|[A-Z]{2}\\s[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d" + // Canada, with province
  "|[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d" + // Canada
  "|[A-Z]{2}\\s\\d{5}(?:-\\d{4})?" + // US state and ZIP
  "|\\d{5}-\\d{3}|\\d{4}-\\d{3}|\\d{2}-\\d{3}|\\d{3}\\s\\d{2}|\\d{4,5})"; // BR, PT, PL, SE, the rest
const TOWN = `(?:${CAPITALISED}|[A-Z]|am|an|de|del|la|le|sur|upon|on|${ARABIC_WORD})`;

const SEPARATOR = /\s*[,،]\s*|\s+-\s+/y;
const UNIT = new RegExp(
  `(?:\\d{1,2}\\.?\\s?(?:th|tv|mf|sal|etg\\.?|etage)|\\d{1,2}\\s?[ºª°]\\s?(?:Esq|Dto|Dta|Izq|Izda|Dcha|[A-H])?\\.?|\\d{1,2}[rnt]?\\s\\d{1,2}[ae]|` +
    `(?:${eitherCase("apto|apt|ap|apartamento|apartment|suite|ste|unit|flat|piso")}|m\\.|lok\\.|#)\\s?\\d{1,5}[A-Za-z]?)` +
    `(?:\\s-\\s${CAPITALISED}(?:\\s${CAPITALISED})?)?${NOT_AFTER}`,
  "uy",
);
const POSTCODE_PART = new RegExp(`(?:${TOWN}\\s){0,3}${POSTCODE}(?:\\s${TOWN}){0,3}${NOT_AFTER}`, "uy");
const PLACE = new RegExp(`${CAPITALISED}(?:\\s${TOWN}){0,3}(?:\\s-\\s[A-Z]{2})?${NOT_AFTER}`, "uy");
// A district, building or street part led by its word (حي, برج, شارع...), or a one-word town or
// district. A two-word place must end the clause (a comma, full stop or line end follows), and a
// word starting with the conjunction و ("and") never counts, so "، ورقم جوالي …" ("and my mobile
// number …") after an address is not taken.
const ARABIC_PART = new RegExp(
  `(?:(?:حي|برج|بناية|شارع|طريق|مبنى)(?:\\s${ARABIC_WORD}){1,4}|(?!و)${ARABIC_WORD}(?:\\s(?!و)${ARABIC_WORD}(?=\\s*(?:[,،.؛\\n]|$)))?)(?:\\s\\d{5})?${NOT_AFTER}`,
  "uy",
);

/** ", <postcode> <Town>": the anchor of a street line without a street word ("Esplanadi 12 A 5, 00100 Helsinki"). */
const POSTCODE_AFTER_COMMA = new RegExp(`,\\s(?:${POSTCODE})\\s${UPPER}`, "gu");
const STREET_BEFORE_POSTCODE = new RegExp(
  `${NOT_BEFORE}${CAPITALISED}(?:\\s${CAPITALISED}){0,2}\\s${HOUSE}$`,
  "u",
);

const MAX_PARTS = 4;

/** Every postal address in `text` that a reliable pattern recognises (digits must already be ASCII). */
export function findPostalAddresses(text: string): Finding[] {
  if (!/\d/.test(text)) return [];
  const findings: Finding[] = [];
  for (const street of STREETS) {
    street.lastIndex = 0;
    for (let m = street.exec(text); m !== null; m = street.exec(text)) {
      const arabic = /[\u0600-\u06ff]/.test(m[0]);
      findings.push({
        detector: "postalAddress",
        start: m.index,
        end: extend(text, m.index + m[0].length, arabic),
      });
    }
  }
  POSTCODE_AFTER_COMMA.lastIndex = 0;
  for (let m = POSTCODE_AFTER_COMMA.exec(text); m !== null; m = POSTCODE_AFTER_COMMA.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 60), m.index);
    const street = STREET_BEFORE_POSTCODE.exec(before);
    if (!street) continue;
    const start = m.index - before.length + street.index;
    findings.push({ detector: "postalAddress", start, end: extend(text, m.index, false) });
  }
  return unionOfOverlapping(findings);
}

/**
 * The end of the address whose street line ends at `end`: units and Arabic district and town
 * parts are taken as they come; town and state names only when a postcode follows them.
 */
function extend(text: string, end: number, arabic: boolean): number {
  let confirmed = end;
  let at = end;
  for (let part = 0; part < MAX_PARTS; part++) {
    const afterSeparator = stickyMatch(SEPARATOR, text, at);
    if (afterSeparator < 0) break;
    const postcode = stickyMatch(POSTCODE_PART, text, afterSeparator);
    if (postcode > 0 && /\d/.test(text.slice(afterSeparator, postcode))) return postcode;
    const unit = stickyMatch(UNIT, text, afterSeparator);
    if (unit > 0) {
      at = confirmed = unit;
      continue;
    }
    const next = stickyMatch(arabic ? ARABIC_PART : PLACE, text, afterSeparator);
    if (next < 0) break;
    at = next;
    if (arabic) confirmed = next;
  }
  return confirmed;
}

/** Several patterns may find one address ("Rua Augusta, 1234" as a prefix street and by its postcode): one finding each. */
function unionOfOverlapping(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [];
  for (const f of findings) {
    const last = out[out.length - 1];
    if (last && f.start < last.end) last.end = Math.max(last.end, f.end);
    else out.push({ ...f });
  }
  return out;
}

function stickyMatch(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? at + m[0].length : -1;
}

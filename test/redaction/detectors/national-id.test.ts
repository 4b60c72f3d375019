import { describe, expect, it } from "vitest";
import { findNationalIds } from "../../../src/redaction/detectors/national-id.js";
import { NATIONAL_IDS, type NationalIdKind } from "../../../src/simulator/seed/national-ids.js";
import { Rng } from "../../../src/simulator/seed/rng.js";
import { NATIONAL_ID_VALID } from "../../simulator/pii-checks.js";
import { matched } from "./matched.js";

const ids = (text: string): string[] => matched(text, findNationalIds(text));
const kinds = (text: string): (string | undefined)[] => findNationalIds(text).map((f) => f.kind);

/** The finding kind of each seeded national id kind. */
const KIND: Record<NationalIdKind, string> = {
  DK_CPR: "DK-CPR",
  SE_PERSONNUMMER: "SE-PERSONNUMMER",
  NO_FODSELSNUMMER: "NO-FODSELSNUMMER",
  FI_HETU: "FI-HETU",
  PL_PESEL: "PL-PESEL",
  ES_DNI: "ES-DNI",
  ES_NIE: "ES-NIE",
  BR_CPF: "BR-CPF",
  US_SSN: "US-SSN",
  CA_SIN: "CA-SIN",
  GB_NINO: "GB-NINO",
  PT_NIF: "PT-NIF",
  FR_NIR: "FR-NIR",
  SA_NATIONAL_ID: "SA-NATIONAL-ID",
  AE_EMIRATES_ID: "AE-EMIRATES-ID",
};

/** How people introduce each kind of number. */
const KEYWORD: Record<NationalIdKind, string> = {
  DK_CPR: "Mit CPR-nummer er",
  SE_PERSONNUMMER: "personnummer",
  NO_FODSELSNUMMER: "fødselsnummer",
  FI_HETU: "henkilötunnus",
  PL_PESEL: "PESEL",
  ES_DNI: "DNI",
  ES_NIE: "NIE",
  BR_CPF: "CPF",
  US_SSN: "SSN",
  CA_SIN: "SIN",
  GB_NINO: "NI number",
  PT_NIF: "NIF",
  FR_NIR: "numéro de sécurité sociale",
  SA_NATIONAL_ID: "رقم الهوية",
  AE_EMIRATES_ID: "Emirates ID",
};

/** The same number with its last character (the check digit or letter) changed. */
function withWrongCheck(value: string): string {
  const last = value.at(-1) ?? "0";
  const next = /\d/.test(last)
    ? String((Number(last) + 1) % 10)
    : last === "Y" || last === "Z"
      ? "A"
      : String.fromCharCode(last.charCodeAt(0) + 1);
  return value.slice(0, -1) + next;
}

describe("findNationalIds: valid and invalid checksums", () => {
  const cases: [string, string, string][] = [
    ["DK-CPR", "211062-5629", "321062-5629"],
    ["SE-PERSONNUMMER", "811218-9876", "811218-9875"],
    ["SE-PERSONNUMMER", "19811218-9876", "19811218-9875"],
    ["NO-FODSELSNUMMER", "15108695088", "15108695089"],
    ["FI-HETU", "131052-308T", "131052-308U"],
    ["FI-HETU", "010105A123P", "010105A123R"],
    ["PL-PESEL", "44051401359", "44051401358"],
    ["ES-DNI", "54362315K", "54362315Z"],
    ["ES-NIE", "X2482300W", "X2482300A"],
    ["BR-CPF", "390.533.447-05", "390.533.447-06"],
    ["US-SSN", "536-90-4399", "666-90-4399"],
    ["CA-SIN", "130 692 544", "130 692 545"],
    ["GB-NINO", "AB 12 34 56 C", "BG 12 34 56 C"],
    ["GB-NINO", "JW199311C", "QQ123456C"],
  ];
  it.each(cases)("%s: finds %s and rejects %s", (kind, valid, invalid) => {
    expect(kinds(`number: ${valid}.`)).toEqual([kind]);
    expect(ids(`number: ${valid}.`)).toEqual([valid]);
    expect(kinds(`number: ${invalid}.`)).not.toContain(kind);
  });

  it("rejects impossible birth dates (31 February, month 13, a future birth)", () => {
    expect(ids("310290-1234 011390-1234 010130-4000 44133101359")).toEqual([]);
  });

  it("rejects numbers stdnum accepts but no authority issues", () => {
    // A CPF of one repeated digit; a SIN starting with 0; the Woolworth wallet SSN; a NINO without suffix.
    expect(ids("111.111.111-11 046 454 286 078-05-1120 AB123456")).toEqual([]);
  });
});

describe("findNationalIds: every kind the simulator seeds", () => {
  it.each(Object.keys(NATIONAL_IDS) as NationalIdKind[])("finds seeded %s numbers in a sentence", (kind) => {
    for (let i = 0; i < 300; i++) {
      const value = NATIONAL_IDS[kind](new Rng(21, 4, i));
      expect(NATIONAL_ID_VALID[kind](value), value).toBe(true);
      expect(ids(`Verified by phone and ID number ${value}. Refund approved.`), value).toEqual([value]);
    }
  });

  it.each(Object.keys(NATIONAL_IDS) as NationalIdKind[])(
    "names seeded %s numbers after their own keyword",
    (kind) => {
      for (let i = 0; i < 300; i++) {
        const value = NATIONAL_IDS[kind](new Rng(24, 4, i));
        expect(kinds(`${KEYWORD[kind]} ${value}`), value).toEqual([KIND[kind]]);
      }
    },
  );

  it.each((Object.keys(NATIONAL_IDS) as NationalIdKind[]).filter((k) => k !== "DK_CPR"))(
    "rejects seeded %s numbers with a wrong check character",
    (kind) => {
      for (let i = 0; i < 300; i++) {
        const wrong = withWrongCheck(NATIONAL_IDS[kind](new Rng(22, 4, i)));
        if (NATIONAL_ID_VALID[kind](wrong)) continue; // SSN and NINO have no check digit
        expect(kinds(`ID number ${wrong}.`), wrong).not.toContain(KIND[kind]);
      }
    },
  );

  it("still finds a DK CPR that fails mod 11, as CPR numbers issued since 2007 may", () => {
    for (let i = 0; i < 50; i++) {
      const wrong = withWrongCheck(NATIONAL_IDS.DK_CPR(new Rng(23, 4, i)));
      expect(ids(`CPR ${wrong}`), wrong).toEqual([wrong]);
      expect(kinds(`CPR ${wrong}`), wrong).toEqual(["DK-CPR"]);
    }
  });
});

describe("findNationalIds: digits-only forms need an id keyword", () => {
  it("finds compact CPR, personnummer, SSN, SIN, NIF, Saudi id and NINO after a keyword", () => {
    expect(ids("Mit CPR-nummer er 2110625629")).toEqual(["2110625629"]);
    expect(ids("personnummer 198112189876")).toEqual(["198112189876"]);
    expect(ids("SSN: 536904399")).toEqual(["536904399"]);
    expect(ids("NIF 501964843")).toEqual(["501964843"]);
    expect(ids("رقم الهوية 1234567897")).toEqual(["1234567897"]);
    expect(ids("NI number AB123456")).toEqual(["AB123456"]);
  });

  it("leaves the same digits alone without one", () => {
    expect(ids("Invoice 2110625629, order 198112189876, parcel 536904399, ref 501964843, AB123456")).toEqual(
      [],
    );
  });
});

describe("findNationalIds: false positives", () => {
  it("leaves order and invoice numbers, dates, times, prices, phones and SKUs alone", () => {
    const text =
      "ORD-2024-001234 INV-2024-00042 12.03.2024 2024-03-12 03/12/2024 14:30:15 " +
      "1.234.567,89 kr $1,234.56 23 45 67 89 070-123 45 67 SKU-10442-BK 20240312 ORD-211062-5629";
    expect(ids(text)).toEqual([]);
  });

  it("does not read an id out of the middle of a longer number or code", () => {
    expect(ids("9211062-5629 211062-56291 X54362315K 544051401359 ABC12345678")).toEqual([]);
  });
});

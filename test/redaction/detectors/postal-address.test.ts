import { describe, expect, it } from "vitest";
import { findPostalAddresses } from "../../../src/redaction/detectors/postal-address.js";
import { type AddressStyle, postalAddress } from "../../../src/simulator/seed/addresses.js";
import { Rng } from "../../../src/simulator/seed/rng.js";
import { matched } from "./matched.js";

const addresses = (text: string): string[] => matched(text, findPostalAddresses(text));

const STYLES: AddressStyle[] = [
  "DK",
  "SE",
  "NO",
  "FI",
  "PL",
  "DE",
  "ES",
  "ES_CA",
  "GB",
  "US",
  "CA",
  "BR",
  "PT",
  "FR",
  "SA",
  "AE",
  "EG",
];

describe("findPostalAddresses", () => {
  it.each(STYLES)("finds every %s address the simulator seeds, whole, inside a sentence", (style) => {
    for (let i = 0; i < 200; i++) {
      const address = postalAddress(new Rng(41, 6, i), style);
      const text = `My address is ${address}. You can call me.`;
      const found = addresses(text);
      expect(
        found.some((f) => f.includes(address)),
        `${address} → ${JSON.stringify(found)}`,
      ).toBe(true);
    }
  });

  it("covers street lines in each language's own order", () => {
    const text = [
      "Vesterbrogade 12",
      "Karl Johans gate 3",
      "Hauptstraße 12a",
      "Calle de Alcalá 45",
      "Carrer del Consell de Cent 123",
      "Rua Augusta, 1234",
      "ul. Długa 5 m. 3",
      "12 rue de la République",
      "221B Baker Street",
      "1600 Pennsylvania Avenue NW",
      "12 شارع التحرير",
    ].join("; ");
    expect(addresses(text)).toEqual(text.split("; "));
  });

  it("takes the unit, town and postcode after the street, and stops before the sentence goes on", () => {
    expect(addresses("Send it to Nørrebrogade 12, 2. tv, 2200 København N. Thanks")).toEqual([
      "Nørrebrogade 12, 2. tv, 2200 København N",
    ]);
    expect(addresses("at 1234 Market St Apt 5, San Francisco, CA 94103 today")).toEqual([
      "1234 Market St Apt 5, San Francisco, CA 94103",
    ]);
    expect(addresses("I live at 12 Baker Street, Marylebone, and work nearby")).toEqual(["12 Baker Street"]);
  });

  it("finds a street line without a street word when a postcode and town follow", () => {
    expect(addresses("Osoite: Esplanadi 12 A 5, 00100 Helsinki.")).toEqual([
      "Esplanadi 12 A 5, 00100 Helsinki",
    ]);
  });

  it("does not take the Arabic clause after an address", () => {
    const text = "عنواني: 68 شارع التحرير، مدينة نصر، الجيزة، ورقم جوالي 0101234567.";
    expect(addresses(text)).toEqual(["68 شارع التحرير، مدينة نصر، الجيزة"]);
  });

  it("leaves streets without a number, products, gates, versions and amounts alone", () => {
    const text =
      "Station Road is closed. The Boarding gate 12 moved. Kettle Pro 1.7L, TrailLite Backpack 28L, " +
      "Orbit Smart Watch S2, version 2.4.1, 1.234,50 kr., ORD-2024-001234, 3-5 days, Ring 23 45 67 89.";
    expect(addresses(text)).toEqual([]);
  });
});

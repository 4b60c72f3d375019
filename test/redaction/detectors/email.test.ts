import { describe, expect, it } from "vitest";
import { findEmails } from "../../../src/redaction/detectors/email.js";
import { matched } from "./matched.js";

const emails = (text: string): string[] => matched(text, findEmails(text));

describe("findEmails", () => {
  it("finds plain, tagged and sub-domain addresses", () => {
    expect(emails("Write to anna.jensen@example.com or anna+tickets@mail.example.co.uk today")).toEqual([
      "anna.jensen@example.com",
      "anna+tickets@mail.example.co.uk",
    ]);
  });

  it("finds internationalised addresses in any script", () => {
    expect(emails("ÜMLAUT@bücher.de, søren@købmand.dk, 用户@例子.中国, почта@пример.рф")).toEqual([
      "ÜMLAUT@bücher.de",
      "søren@købmand.dk",
      "用户@例子.中国",
      "почта@пример.рф",
    ]);
  });

  it("leaves out the punctuation around an address", () => {
    expect(emails("(mail: 'anna@example.com'). <bo@example.dk>, \"x@example.org\"")).toEqual([
      "anna@example.com",
      "bo@example.dk",
      "x@example.org",
    ]);
  });

  it("stops the domain at a full stop or a trailing number", () => {
    expect(emails("Reply to ida@example.dk.")).toEqual(["ida@example.dk"]);
    expect(emails("ida@example.dk.2")).toEqual(["ida@example.dk"]);
  });

  it("ignores handles, bare hosts and at-signs that are not addresses", () => {
    expect(emails("@anna, a@b, user@localhost, 50 @ 3 kr, foo@-bar.com, foo.@example.com")).toEqual([]);
  });

  it("stays linear on long runs of word characters next to an at-sign", () => {
    const blob = `${"a".repeat(200_000)}@`;
    expect(findEmails(blob)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { fullModeRanges, readHtmlText, redactMarkup } from "../../src/redaction/html.js";
import type { Span } from "../../src/redaction/mask.js";
import { applyRedactMarkup, readHtml } from "../../src/simulator/redaction/markup.js";

const M = "\u2587";
const zd = (inner: string): string => `<div class="zd-comment" dir="auto">${inner}</div>`;
const rangeOf = (text: string, part: string): Span => {
  const start = text.indexOf(part);
  if (start < 0) throw new Error("part not in text");
  return { start, end: start + part.length };
};
/** Marks the given parts of an html_body's visible text for redaction. */
const markup = (html: string, parts: string[]) => {
  const parsed = readHtmlText(html);
  return redactMarkup(parsed, { ranges: parts.map((p) => rangeOf(parsed.text, p)) });
};
/** What the simulator (like Zendesk) leaves visible after applying the markup. */
const visibleAfter = (html: string): string =>
  applyRedactMarkup(html)
    .text.map((c) => (c.redacted ? M : c.ch))
    .join("");

describe("readHtmlText", () => {
  it("decodes character references, named ones included", () => {
    const parsed = readHtmlText(zd("<p>Ren&eacute; &amp; Zo&#235; &lt;3 &#x1F600;&nbsp;ok</p>"));
    expect(parsed.text).toBe("René & Zoë <3 😀\u00a0ok");
  });

  it("leaves text that only looks like a reference as written", () => {
    expect(readHtmlText("<p>AT&T &bogus; a&b</p>").text).toBe("AT&T &bogus; a&b");
  });

  it("separates paragraphs and <br> by line breaks, so words of two lines never run together", () => {
    expect(readHtmlText(zd("<p>Anna</p><p>Berg<br>4111</p><ul><li>a</li><li>b</li></ul>")).text).toBe(
      "Anna\nBerg\n4111\na\nb",
    );
  });

  it("reads an attribute value with > inside quotes as part of the tag", () => {
    const parsed = readHtmlText('<p><a title="a > b" href="mailto:x@y.z">mail</a> me</p>');
    expect(parsed.text).toBe("mail me");
    expect(parsed.elements.find((e) => e.name === "a")?.attributes).toEqual({
      title: "a > b",
      href: "mailto:x@y.z",
    });
  });

  it("skips comments and the content of style and script elements", () => {
    expect(readHtmlText("<!-- a@b.c --><style>p{}</style><p>hi</p><script>x<1</script>").text).toBe("hi");
  });

  it("records the text an element contains", () => {
    const parsed = readHtmlText("<p>Write to <a href='#'>Anna Berg</a>.</p>");
    const link = parsed.elements.find((e) => e.name === "a")!;
    expect(parsed.text.slice(link.textStart, link.textEnd)).toBe("Anna Berg");
  });
});

describe("redactMarkup", () => {
  it("wraps a finding in <redact> inside its text node", () => {
    const html = zd("<p>My ID number is 847564!</p>");
    expect(markup(html, ["847564"]).html).toBe(zd("<p>My ID number is <redact>847564</redact>!</p>"));
  });

  it("never cuts through a character reference: a finding touching one wraps the whole reference", () => {
    const html = "<p>Hi &#x1F600; and &copyright</p>";
    const parsed = readHtmlText(html);
    expect(parsed.text).toBe("Hi 😀 and ©right");
    // Half of the emoji's surrogate pair, and a piece of the legacy reference's text.
    const result = redactMarkup(parsed, {
      ranges: [
        { start: 3, end: 4 },
        { start: 11, end: 13 },
      ],
    });
    expect(result.html).toBe("<p>Hi <redact>&#x1F600;</redact> and <redact>&copyright</redact></p>");
  });

  it("splits a finding that crosses tags into one <redact> per text node", () => {
    const html = "<p>call <b>+45 12</b> 34 56 78</p>";
    expect(markup(html, ["+45 12 34 56 78"]).html).toBe(
      "<p>call <b><redact>+45 12</redact></b><redact> 34 56 78</redact></p>",
    );
  });

  it("splits a finding across a line break into the two paragraphs' text", () => {
    const html = "<p>Anna</p><p>Berg</p>";
    expect(markup(html, ["Anna\nBerg"]).html).toBe(
      "<p><redact>Anna</redact></p><p><redact>Berg</redact></p>",
    );
  });

  it("removes a link whose text is personal data: redact attribute and its whole text wrapped", () => {
    const html = '<p>Mail <a href="mailto:anna@example.com">anna@example.com</a> now</p>';
    expect(markup(html, ["anna@example.com"]).html).toBe(
      '<p>Mail <a href="mailto:anna@example.com" redact><redact>anna@example.com</redact></a> now</p>',
    );
  });

  it("removes elements the caller names, self-closing images included", () => {
    const html = '<p>see <img src="https://x/att/1" alt="scan"/> and <img src="https://x/att/2"></p>';
    const parsed = readHtmlText(html);
    const result = redactMarkup(parsed, {
      ranges: [],
      removeElement: (e) => e.name === "img" && e.attributes["src"] === "https://x/att/1",
    });
    expect(result.html).toBe(
      '<p>see <img src="https://x/att/1" alt="scan" redact/> and <img src="https://x/att/2"></p>',
    );
    expect(result.removedElements.map((e) => e.name)).toEqual(["img"]);
  });

  it("wraps every word in Full mode and leaves whitespace between them", () => {
    const html = zd("<p>Hi Anna,<br>thanks &amp; bye</p>");
    const parsed = readHtmlText(html);
    const result = redactMarkup(parsed, { ranges: fullModeRanges(parsed.text) });
    expect(result.html).toBe(
      zd(
        "<p><redact>Hi</redact> <redact>Anna,</redact><br><redact>thanks</redact> <redact>&amp;</redact> <redact>bye</redact></p>",
      ),
    );
  });

  it("returns the html unchanged when there is nothing to redact", () => {
    const html = zd("<p>Order 4411 shipped</p>");
    expect(markup(html, [])).toEqual({ html, changed: false, removedElements: [] });
  });

  it("gives markup that the simulator accepts as the same comment, with ▇ exactly where the findings were", () => {
    const html = zd(
      '<p>Dear Ren&#233;e, your card <b>4111 1111</b> 1111 1111 &amp; mail <a href="mailto:r@x.dk">r@x.dk</a></p><p>Order 88</p>',
    );
    const parsed = readHtmlText(html);
    const result = redactMarkup(parsed, {
      ranges: [rangeOf(parsed.text, "Renée"), rangeOf(parsed.text, "4111 1111 1111 1111")],
      removeElement: (e) => e.attributes["href"]?.startsWith("mailto:") === true,
    });
    const original = readHtml(html);
    const submitted = readHtml(result.html);
    expect(submitted.text).toBe(original.text);
    expect(submitted.structure).toBe(original.structure);
    expect(visibleAfter(result.html)).toBe(
      `Dear ${M.repeat(5)}, your card ${M.repeat(9)}${M.repeat(10)} & mail ${M.repeat(6)}Order 88`,
    );
    expect(applyRedactMarkup(result.html).removedUrls).toEqual(["mailto:r@x.dk"]);
  });
});

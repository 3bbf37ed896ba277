// Unit tests of the safe markdown renderer: `node --test widget/test/` (from web/).
import { test } from "node:test";
import assert from "node:assert/strict";

import { parseMarkdown, parseInline, renderMarkdown, safeHref, toPlainText } from "../src/markdown.js";

// A minimal DOM: enough for renderMarkdown, and it has no innerHTML at all, so a test passes only if
// the renderer builds nodes one by one.
class FakeNode {
  constructor(tag, text) {
    this.tagName = tag;
    this.text = text;
    this.attributes = {};
    this.children = [];
  }
  appendChild(child) {
    this.children.push(child);
    return child;
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  // Serialises like a browser would (escaping text), so assertions read naturally.
  get html() {
    if (this.tagName === "#text") return escape(this.text);
    const inner = this.children.map((c) => c.html).join("");
    if (this.tagName === "#fragment") return inner;
    const attrs = Object.entries(this.attributes)
      .map(([k, v]) => ` ${k}="${escape(v)}"`)
      .join("");
    return this.tagName === "br" ? "<br>" : `<${this.tagName}${attrs}>${inner}</${this.tagName}>`;
  }
}
const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fakeDocument = {
  createElement: (tag) => new FakeNode(tag),
  createTextNode: (text) => new FakeNode("#text", text),
  createDocumentFragment: () => new FakeNode("#fragment"),
};
const render = (text) => renderMarkdown(text, fakeDocument).html;

test("plain text becomes a paragraph, single newlines become <br>", () => {
  assert.equal(render("Hello\nthere"), "<p>Hello<br>there</p>");
  assert.equal(render("One\n\nTwo"), "<p>One</p><p>Two</p>");
});

test("bold with ** and __", () => {
  assert.equal(render("a **b** c __d__"), "<p>a <strong>b</strong> c <strong>d</strong></p>");
});

test("underscores inside words are not bold markers", () => {
  assert.equal(render("snake__case__name and window.__x=1 and __y__"), "<p>snake__case__name and window.__x=1 and <strong>y</strong></p>");
  assert.equal(render("__a__b__ c__"), "<p><strong>a__b</strong> c__</p>");
  assert.equal(render("(__see this__)"), "<p>(<strong>see this</strong>)</p>");
});

test("unclosed or spaced bold stays literal", () => {
  assert.equal(render("**not closed"), "<p>**not closed</p>");
  assert.equal(render("** spaced **"), "<p>** spaced **</p>");
});

test("italics, headings, code and images are not part of the subset", () => {
  assert.equal(render("*it* # h `c` ![i](https://x.example/i.png)"),
    '<p>*it* # h `c` !<a href="https://x.example/i.png" target="_blank" rel="noopener noreferrer">i</a></p>');
  assert.equal(render("# Heading"), "<p># Heading</p>");
});

test("bullet and numbered lists", () => {
  assert.equal(render("Causes:\n- plantar fasciitis\n- **Achilles**"),
    "<p>Causes:</p><ul><li>plantar fasciitis</li><li><strong>Achilles</strong></li></ul>");
  assert.equal(render("* one\n• two"), "<ul><li>one</li><li>two</li></ul>");
  assert.equal(render("1. first\n2) second"), "<ol><li>first</li><li>second</li></ol>");
  assert.equal(render("3. third\n4. fourth"), '<ol start="3"><li>third</li><li>fourth</li></ol>');
  assert.equal(render("- a\n1. b"), "<ul><li>a</li></ul><ol><li>b</li></ol>");
});

test("indented continuation lines join the previous list item", () => {
  assert.equal(render("- first line\n  continues\nafter"), "<ul><li>first line continues</li></ul><p>after</p>");
});

test("http and https links open in a new tab with noopener noreferrer", () => {
  assert.equal(render("[NICE](https://cks.nice.org.uk/topics/plantar-fasciitis/)"),
    '<p><a href="https://cks.nice.org.uk/topics/plantar-fasciitis/" target="_blank" rel="noopener noreferrer">NICE</a></p>');
  assert.equal(render("[site](http://example.org)"),
    '<p><a href="http://example.org/" target="_blank" rel="noopener noreferrer">site</a></p>');
});

test("tel and mailto links stay in the page", () => {
  assert.equal(render("[Call us](tel:+44-1234-567-890)"), '<p><a href="tel:+441234567890">Call us</a></p>');
  assert.equal(render("[Email](mailto:desk@clinic.example)"), '<p><a href="mailto:desk@clinic.example">Email</a></p>');
});

test("bare URLs are linked without trailing punctuation", () => {
  assert.equal(render("See https://example.org/a."),
    '<p>See <a href="https://example.org/a" target="_blank" rel="noopener noreferrer">https://example.org/a</a>.</p>');
});

test("dangerous schemes are shown as text", () => {
  for (const href of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox", "file:///etc/passwd", "//evil.example", "/relative", "java\tscript:alert(1)"]) {
    const text = `[click](${href})`;
    const html = render(text);
    assert.ok(!html.includes("<a"), `${href} must not become a link: ${html}`);
    assert.equal(html, `<p>${escape(text)}</p>`);
  }
});

test("credentials in URLs and malformed tel/mailto are refused", () => {
  assert.equal(safeHref("https://clinic.example@evil.example/"), null);
  assert.equal(safeHref("tel:call-me-maybe"), null);
  assert.equal(safeHref("mailto:not-an-address"), null);
  assert.equal(safeHref("https://"), null);
  assert.equal(safeHref("https://ok.example/path?q=1"), "https://ok.example/path?q=1");
});

test("HTML and script in bot text are text nodes, never elements", () => {
  const nasty = '<script>alert("x")</script><img src=x onerror=alert(1)> **<b>bold</b>**';
  const fragment = renderMarkdown(nasty, fakeDocument);
  const tags = [];
  const walk = (node) => {
    if (!node.tagName.startsWith("#")) tags.push(node.tagName);
    node.children.forEach(walk);
  };
  walk(fragment);
  assert.deepEqual(tags, ["p", "strong"]);
  assert.equal(fragment.html,
    "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; <strong>&lt;b&gt;bold&lt;/b&gt;</strong></p>");
});

test("link text is text, even when it looks like markup", () => {
  assert.equal(render("[<img src=x>](https://ok.example)"),
    '<p><a href="https://ok.example/" target="_blank" rel="noopener noreferrer">&lt;img src=x&gt;</a></p>');
});

test("attribute breaking attempts in URLs are refused or encoded", () => {
  // The markdown link is refused; the bare URL inside it is linked only up to the quote.
  assert.equal(render('[x](https://ok.example/"onmouseover="alert(1))'),
    '<p>[x](<a href="https://ok.example/" target="_blank" rel="noopener noreferrer">https://ok.example/</a>' +
    '&quot;onmouseover=&quot;alert(1))</p>');
  assert.equal(safeHref('https://ok.example/a"b'), "https://ok.example/a%22b");
});

test("very long input is cut, not choked on", () => {
  const blocks = parseMarkdown("**a** ".repeat(50000));
  assert.ok(blocks.length === 1);
  assert.ok(JSON.stringify(blocks).length < 200000);
});

test("parseInline gives a plain tree", () => {
  assert.deepEqual(parseInline("a **b [c](https://c.example)**"), [
    { type: "text", text: "a " },
    { type: "strong", children: [
      { type: "text", text: "b " },
      { type: "link", href: "https://c.example/", text: "c" },
    ] },
  ]);
});

test("toPlainText strips markup", () => {
  assert.equal(toPlainText("**Hi**\n- a\n- b"), "Hi\n\n• a\n• b");
});

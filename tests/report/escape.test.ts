import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeHtml, jsonForScript } from "../../src/report/index.js";
import { escapeMarkdown } from "../../src/report/escape.js";
import { createRng } from "../../src/util/random.js";

const alphabet = [
  "<",
  ">",
  "&",
  "/",
  "'",
  '"',
  "\\",
  "\u2028",
  "\u2029",
  "\n",
  "a",
  "s",
  "c",
  "r",
  "i",
  "p",
  "t",
  "!",
  "-",
  "é",
  "😀",
];

function randomText(rng: ReturnType<typeof createRng>): string {
  const length = rng.int(40);
  let text = "";
  for (let i = 0; i < length; i++) text += alphabet[rng.int(alphabet.length)];
  return text;
}

test("jsonForScript round-trips any string and never contains <, >, & or line separators", () => {
  const rng = createRng(11);
  const samples = [
    "</script><img src=x onerror=alert(1)>",
    "<!--",
    "\u2028\u2029",
    ...Array.from({ length: 500 }, () => randomText(rng)),
  ];
  for (const text of samples) {
    const value = { text, nested: [text, { t: text }] };
    const encoded = jsonForScript(value);
    assert.doesNotMatch(encoded, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(encoded), value);
  }
});

test("escapeHtml leaves no markup and keeps the text readable", () => {
  assert.equal(
    escapeHtml(`<img src=x onerror="alert(1)">&'`),
    "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;",
  );
  const rng = createRng(5);
  for (let i = 0; i < 300; i++) assert.doesNotMatch(escapeHtml(randomText(rng)), /[<>"']/);
});

test("escapeMarkdown neutralises HTML and table pipes", () => {
  assert.equal(escapeMarkdown("a|b <img src=x>\nc"), "a\\|b &lt;img src=x&gt; c");
});

test("escapeMarkdown leaves no control character in a report (ESC, NUL, C1), and shows each as \\uXXXX", () => {
  const hostile = "run\u001b[2J\u001b]0;pwned\u0007\u0000\u009bname\u007f";
  const escaped = escapeMarkdown(hostile);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
  assert.doesNotMatch(escaped, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  for (const code of ["001b", "0007", "0000", "009b", "007f"]) assert.ok(escaped.includes(`u${code}`), code);
  assert.ok(escaped.startsWith("run") && escaped.endsWith("u007f"));
});

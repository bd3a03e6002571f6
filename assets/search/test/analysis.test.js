// The JS analysis against the shared vectors (searchidx/testdata/analysis-vectors.json),
// the same file go test ./searchidx/analysis runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { analyze, parseQuery, licences, fold } from "../analysis.js";

const vectors = JSON.parse(readFileSync(new URL("../../../searchidx/testdata/analysis-vectors.json", import.meta.url), "utf8"));
const render = (toks) => toks.map((t) => (t.exact ? t.term + "=" + t.exact : t.term));

test("vectors file is complete", () => {
  assert.equal(vectors.version, 1);
  assert.ok(vectors.cases.length > 20 && vectors.licences.length > 20);
});

for (const c of vectors.cases) {
  test(`analysis: ${c.name}`, () => {
    if (c.mode === "index") {
      assert.deepEqual(render(analyze(c.input, true)), c.tokens);
    } else {
      const q = parseQuery(c.input);
      assert.deepEqual(render(q.tokens), c.tokens);
      assert.equal(q.open, c.open);
    }
  });
}

for (const c of vectors.licences) {
  test(`licences: ${c.input}`, () => {
    assert.deepEqual(licences(c.input), c.want);
  });
}

test("fold: case folding beyond toLowerCase", () => {
  // Expected values are what Go's analysis.Fold returns.
  assert.equal(fold("STRASSE Straße ẞ"), "strasse strasse ss");
  assert.equal(fold("ΣΊΣΥΦΟΣ ς"), "σισυφοσ σ");
  assert.equal(fold("ſ ı İstanbul"), "s ı istanbul");
  assert.equal(fold("ŉ ǰ ΐ ϐ ϑ ﬀ Ǆ ǅ µ Ω K"), "ʼn j ι β θ ff dz dz μ ω k");
  assert.equal(fold("ＰＬ１２ Ⅻ ①"), "pl12 xii 1");
});

// Runs the same queries through the Go engine (mip search --json) and the
// JavaScript client on a built site's index and reports any difference in
// totals, ranked ids, scores, sections, corrections, fallback, completions
// or facet counts. The queries come from the site's products: names, first
// words, prefixes, typos (two letters swapped), licence numbers, a type
// filter and a section restriction.
//
//   node engines-agree.mjs SITE_DIR MIP_BINARY
import { Index } from "../../assets/search/engine.js";
import { readFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
const [site, mip] = process.argv.slice(2);
const ix = await Index.open(async (n) => new Uint8Array(await readFile(site + "/search/idx/" + n)));
const products = (await readFile(site + "/api/v1/products.ndjson", "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l));
const qs = [];
for (let i = 0; i < products.length && qs.length < 160; i += 97) {
  const p = products[i];
  const name = p.name.toLowerCase();
  const w = name.split(/\s+/)[0];
  qs.push({ q: name }, { q: w + " " }, { q: w.slice(0, 2) }, { q: w.slice(0, 4) });
  if (w.length >= 5) qs.push({ q: w.slice(0, 2) + w[3] + w[2] + w.slice(4) + " " });
  if (p.licences.length) qs.push({ q: p.licences[0].display });
  qs.push({ q: w + " tablets", types: ["PIL"] }, { q: w, section: "side-effects" });
}
qs.push({ q: "the " }, { q: "the and of", section: "indications" }, { q: "a" }, { q: "nausea vomiting", section: "side-effects" });
let bad = 0;
const sorted = (o) => Object.fromEntries(Object.entries(o || {}).sort());
for (const c of qs) {
  const args = ["search", "--json"];
  for (const t of c.types || []) args.push("--type", t);
  if (c.section) args.push("--section", c.section);
  args.push(site, c.q);
  const go = JSON.parse(execFileSync(mip, args, { encoding: "utf8" }));
  const js = await ix.search({ query: c.q, types: c.types, section: c.section });
  const g = JSON.stringify([go.Total, (go.Hits || []).map((h) => [h.Doc, h.Score, h.Section]), go.Corrected || "", !!go.Fallback, go.Completions || [], sorted(go.Facets.Types), sorted(go.Facets.Territories)]);
  const j = JSON.stringify([js.total, js.hits.map((h) => [h.doc, h.score, h.section]), js.corrected, js.fallback, js.completions, sorted(js.facets.types), sorted(js.facets.territories)]);
  if (g !== j) {
    bad++;
    console.log("DIFF", JSON.stringify(c), "\n go", g.slice(0, 300), "\n js", j.slice(0, 300));
  }
}
console.log(`Go and JS engines: ${qs.length} queries, ${bad} differ`);
process.exit(bad ? 1 : 0);

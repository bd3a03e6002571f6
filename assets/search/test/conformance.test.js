// The JS client against the conformance suite the Go engine wrote
// (searchidx/testdata/conformance, go test ./searchidx -run Conformance):
// the same index files, read from disk, must give the same answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readFile } from "node:fs";
import { promisify } from "node:util";
import { Index, distance } from "../engine.js";

const dir = new URL("../../../searchidx/testdata/conformance/", import.meta.url);
const cases = JSON.parse(readFileSync(new URL("queries.json", dir), "utf8"));
const read = promisify(readFile);

// open opens the conformance index; with dirs, its directory form (idx-dirs
// holds the manifest and the directories, the other files are idx's).
function open(dirs = false) {
  const fetched = [];
  const load = async (name) => {
    let b;
    try {
      if (!dirs) throw new Error("one level");
      b = new Uint8Array(await read(new URL("idx-dirs/" + name, dir)));
    } catch {
      b = new Uint8Array(await read(new URL("idx/" + name, dir)));
    }
    fetched.push(name);
    return b;
  };
  return Index.open(load).then((ix) => ({ ix, fetched }));
}

// Go's JSON drops empty maps to null only for nil; compare as Go writes.
function asGo(res) {
  return {
    total: res.total,
    hits: res.hits.map((h) => ({ doc: h.doc, score: h.score, section: h.section, url: h.card.url, product: h.card.product })),
    corrected: res.corrected,
    corrections: res.corrections.map((c) => ({ from: c.from, to: c.to })),
    fallback: res.fallback,
    completions: res.completions,
    types: res.facets.types,
    territories: res.facets.territories,
    ...(res.facets.substances && Object.keys(res.facets.substances).length ? { substances: res.facets.substances } : {}),
  };
}

test("suite is substantial", () => {
  assert.ok(cases.length > 100);
  assert.ok(cases.some((c) => c.want.corrected) && cases.some((c) => c.want.fallback) && cases.some((c) => c.want.error));
});

test("every query agrees with the Go engine, on one session's cache", async () => {
  const { ix } = await open();
  for (const c of cases) {
    const r = c.request;
    let got;
    try {
      got = asGo(await ix.search({ ...r }));
    } catch (e) {
      got = { error: String(e.message) };
    }
    const want = { ...c.want };
    if (want.error) {
      assert.ok(got.error, `${JSON.stringify(r)}: want error ${want.error}, got ${JSON.stringify(got)}`);
      continue;
    }
    if (want.types === null) want.types = {};
    if (want.territories === null) want.territories = {};
    if (want.corrections === null) want.corrections = [];
    assert.deepEqual(got, want, JSON.stringify(r));
  }
});

test("the directory form of the index gives the same answers", async () => {
  const { ix } = await open(true);
  assert.ok(ix.m.shardsPerDir > 0 && ix.m.dirs.length >= 3);
  for (const c of cases) {
    if (c.want.error) continue;
    const got = asGo(await ix.search({ ...c.request }));
    const want = { ...c.want };
    if (want.types === null) want.types = {};
    if (want.territories === null) want.territories = {};
    if (want.corrections === null) want.corrections = [];
    assert.deepEqual(got, want, JSON.stringify(c.request));
  }
  const cold = await open(true);
  await cold.ix.search({ query: "zqvcapsules " });
  assert.equal(cold.fetched[0], "manifest.bin");
  assert.ok(cold.fetched[1].startsWith("f/d-"), cold.fetched.join(" "));
  assert.ok(cold.fetched[2].startsWith("f/t-"), cold.fetched.join(" "));
});

test("each query agrees on a cold cache too", async () => {
  for (const c of cases.slice(0, 40)) {
    const { ix } = await open();
    if (c.want.error) continue;
    const got = asGo(await ix.search({ ...c.request }));
    assert.equal(got.total, c.want.total, JSON.stringify(c.request));
    assert.deepEqual(got.hits, c.want.hits, JSON.stringify(c.request));
  }
});

test("a query fetches only what it needs", async () => {
  const { ix, fetched } = await open();
  await ix.search({ query: "zqvcapsules " });
  const shards = fetched.filter((n) => n.startsWith("f/t-"));
  const cards = fetched.filter((n) => n.startsWith("f/c-"));
  assert.equal(fetched[0], "manifest.bin");
  assert.ok(shards.length >= 1 && shards.length <= 2, fetched.join(" "));
  assert.ok(cards.length >= 1 && cards.length <= 2, fetched.join(" "));
  const before = fetched.length;
  await ix.search({ query: "zqvcapsules " });
  assert.equal(fetched.length, before, "a repeated query is served from the session cache");
});

test("distance (same cases as Go's TestDistance)", () => {
  for (const [a, b, k, want] of [
    ["paracetamol", "paracetamol", 1, 0], ["paracetanol", "paracetamol", 1, 1], ["paracetmol", "paracetamol", 1, 1],
    ["paracettamol", "paracetamol", 1, 1], ["paracetaoml", "paracetamol", 1, 1], ["apracetamol", "paracetamol", 1, 1],
    ["baracetamol", "paracetamol", 1, 1], ["paracitamal", "paracetamol", 2, 2], ["paracitamal", "paracetamol", 1, 2],
    ["ibuprofen", "paracetamol", 2, 3], ["abc", "abcdef", 2, 3], ["", "ab", 2, 2],
  ]) {
    assert.equal(distance(Array.from(a), Array.from(b), k), want, `${a} ${b} ${k}`);
  }
});

test("damaged files are errors", async () => {
  const { ix } = await open();
  const good = ix.load;
  ix.load = async (name) => {
    const b = (await good(name)).slice();
    b[b.length - 1] ^= 0xff;
    return b.subarray(0, b.length - 1);
  };
  ix.shards.clear();
  ix.cards.clear();
  await assert.rejects(ix.search({ query: "paracetamol" }), /malformed/);
});

test("split entries: a first page reads no chunk, a later page reads them, a misplaced chunk is an error", async () => {
  const { ix, fetched } = await open();
  await ix.search({ query: "t" });
  assert.ok(!fetched.some((n) => n.startsWith("f/p-")), fetched.join(" "));
  await ix.search({ query: "t", page: 1 });
  const chunks = fetched.filter((n) => n.startsWith("f/p-"));
  assert.ok(chunks.length >= 2, fetched.join(" "));

  const other = await open();
  const good = other.ix.load;
  other.ix.load = (name) => good(name === chunks[1] ? chunks[0] : name);
  await assert.rejects(other.ix.search({ query: "t", page: 1 }), /malformed/);
});

// The search engine: what mip/searchidx/query does (FORMAT.md section 6),
// over the same files, fetched through load(name) → Promise<Uint8Array>.
// Document sets are bit sets (Uint32Array) over the index's documents.
import { parseQuery, WORD, fold } from "./analysis.js";
import {
  bin, text, bits, popcount, setRange, kindOf, TERM, decodeManifest, decodeShard, decodeCards,
  shardName, cardFileName, shardFor, shardsWithPrefix, hasUnion, lookup, withPrefix,
  dirName, dirFor, dirsWithPrefix, decodeDir, directory, chunkName, chunkEnd, decodeChunk,
} from "./format.js";

const MAX_QUERY_BYTES = 256;
const MAX_COMPLETIONS = 10;
const PRODUCT_SCORE = 2 ** 30;

const and = (a, b) => {
  const o = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) o[i] = a[i] & b[i];
  return o;
};
const orInto = (o, b) => {
  for (let i = 0; i < o.length; i++) o[i] |= b[i];
  return o;
};
const card = (s) => {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i]) n += popcount(s[i]);
  return n;
};
const has = (s, id) => (s[id >>> 5] >>> (id & 31)) & 1;
function rangeCount(s, lo, hi) {
  let n = 0;
  for (let id = lo; id < hi; ) {
    if (!(id & 31) && id + 32 <= hi) {
      n += popcount(s[id >>> 5]);
      id += 32;
    } else n += has(s, id++);
  }
  return n;
}

// cutQuery cuts text to 256 bytes of UTF-8 without splitting a character.
function cutQuery(s) {
  const b = new TextEncoder().encode(s);
  if (b.length <= MAX_QUERY_BYTES) return s;
  let k = MAX_QUERY_BYTES;
  while (k > 0 && (b[k] & 0xc0) === 0x80) k--;
  return new TextDecoder().decode(b.subarray(0, k));
}

// distance is the optimal-string-alignment distance of the code point
// arrays a and b, or k+1 when more than k.
export function distance(a, b, k) {
  if (Math.abs(a.length - b.length) > k) return k + 1;
  let prev2 = new Array(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > k) return k + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[b.length], k + 1);
}

export class Index {
  // open fetches and decodes the manifest.
  static async open(load) {
    const ix = new Index(load);
    ix.m = decodeManifest(await load("manifest.bin"));
    ix.words = (ix.m.docs + 31) >>> 5;
    return ix;
  }

  constructor(load) {
    this.load = load;
    this.shards = new Map(); // index → Promise of entries
    this.dirs = new Map(); // directory → Promise of its shards
    this.cards = new Map(); // file → Promise of cards
    this.chunks = new Map(); // file → Promise of a chunk's postings
  }

  dir(d) {
    let p = this.dirs.get(d);
    if (!p) {
      p = this.load(dirName(this.m, d)).then((b) => decodeDir(b, this.m, d));
      p.catch(() => this.dirs.delete(d));
      this.dirs.set(d, p);
    }
    return p;
  }

  // view returns the manifest, or for an index with directories the view
  // of directories ds (consecutive) once they are fetched.
  async view(ds) {
    if (!this.m.shardsPerDir) return this.m;
    return directory(this.m, ds[0], await Promise.all(ds.map((d) => this.dir(d))));
  }

  // shard returns shard i of the view v (the manifest by default).
  shard(v, i) {
    if (i === undefined) [v, i] = [this.m, v];
    const n = v.base + i;
    let p = this.shards.get(n);
    if (!p) {
      p = this.load(shardName(v, i)).then(decodeShard);
      p.catch(() => this.shards.delete(n));
      this.shards.set(n, p);
    }
    return p;
  }

  // keyShard and prefixShards fetch the shards of a key, of a prefix.
  async keyShard(key) {
    const v = await this.view([dirFor(this.m, key)]);
    return this.shard(v, shardFor(v, key));
  }

  async prefixShards(prefix) {
    const v = await this.view(dirsWithPrefix(this.m, prefix));
    return Promise.all(shardsWithPrefix(v, prefix).map((i) => this.shard(v, i)));
  }

  async lookup(key) {
    return lookup(await this.keyShard(key), key);
  }

  async withPrefix(prefix) {
    return (await this.prefixShards(prefix)).flatMap((s) => withPrefix(s, prefix));
  }

  cardFile(f) {
    let p = this.cards.get(f);
    if (!p) {
      p = this.load(cardFileName(this.m, f)).then(decodeCards);
      p.catch(() => this.cards.delete(f));
      this.cards.set(f, p);
    }
    return p;
  }

  bits(h) {
    return bits(h, this.m.docs);
  }

  // docCount returns the number of documents of a term or union entry (of
  // all of them for a split entry, whatever chunks are loaded).
  docCount(e) {
    return e.split ? e.split.df : card(this.matches(e));
  }

  chunk(e, k) {
    const name = chunkName(e.split, k);
    let p = this.chunks.get(name);
    if (!p) {
      p = this.load(name).then((b) => decodeChunk(b, e, k, this.m.docs));
      p.catch(() => this.chunks.delete(name));
      this.chunks.set(name, p);
    }
    return p;
  }

  // loadSplit returns the split entry e with the postings of its chunks
  // whose range holds a document of want (a bit set; every chunk if null).
  async loadSplit(e, want) {
    const s = e.split;
    const ks = s.chunks.map((_, k) => k).filter((k) => !want || rangeCount(want, s.chunks[k].start, chunkEnd(s, k, this.m.docs)) > 0);
    const chunks = await Promise.all(ks.map((k) => this.chunk(e, k)));
    const merge = (list, key) => {
      const m = new Map();
      for (const c of chunks) {
        for (const x of c[list]) {
          const k = x[key];
          if (!m.has(k)) m.set(k, new Uint32Array(this.words));
          orInto(m.get(k), this.bits(x.bm));
        }
      }
      return [...m.keys()].map((k) => ({ [key]: k, bm: { set: m.get(k) } }));
    };
    return {
      key: e.key, split: s, completions: e.completions, docs: null, df: 0,
      levels: merge("levels", "level").sort((a, b) => b.level - a.level),
      exact: merge("exact", "surface").sort((a, b) => (a.surface < b.surface ? -1 : 1)),
      sections: merge("sections", "code").sort((a, b) => a.code - b.code),
    };
  }

  // materialise sets the word's entries (a split one with the postings of
  // its chunks holding a document of want, all if null), matches and exact.
  async materialise(w, want) {
    w.entries = await Promise.all(w.resolved.map((e) => (e.split ? this.loadSplit(e, want) : e)));
    w.matches = new Uint32Array(this.words);
    w.exact = null;
    for (const e of w.entries) {
      orInto(w.matches, this.matches(e));
      if (w.token.exact === "") continue;
      for (const x of e.exact) {
        if (x.surface === w.token.exact) w.exact = orInto(w.exact || new Uint32Array(this.words), this.bits(x.bm));
      }
    }
  }

  // matches returns every document of a term entry.
  matches(e) {
    if (!e.all) {
      e.all = new Uint32Array(this.words);
      for (const l of e.levels) orInto(e.all, this.bits(l.bm));
    }
    return e.all;
  }

  // resolve finds the entries of one query word (resolve.go).
  async resolve(t, open, correct) {
    const w = { token: t, term: t.term, resolved: [], entries: [], matches: null, exact: null };
    const add = (e) => w.resolved.push(e);
    let completions = [];
    if (open && hasUnion(this.m, t.term)) {
      const e = await this.lookup("*" + t.term);
      if (!e) throw new Error(`malformed index file: no union entry for ${text(t.term)}`);
      add(e);
      completions = e.completions;
    } else if (open) {
      const es = (await this.withPrefix(t.term)).map((e) => [e, kindOf(e.key) === TERM ? this.docCount(e) : 0]);
      es.sort((a, b) => b[1] - a[1]);
      for (const [e] of es) {
        if (kindOf(e.key) !== TERM) continue;
        add(e);
        if (completions.length < MAX_COMPLETIONS) completions.push(e.key);
      }
    } else {
      const e = await this.lookup(t.term);
      if (e) add(e);
    }
    let corr = null;
    if (correct && w.resolved.length === 0 && t.kind === WORD) {
      const to = await this.correct(t.term);
      if (to !== "") {
        const e = await this.lookup(to);
        if (e) {
          add(e);
          w.term = to;
          corr = { from: text(t.term), to: text(to) };
        }
      }
    }
    return { w, completions, corr };
  }

  // correct returns the term nearest to term within the typo tolerance, or "".
  async correct(term) {
    const r = Array.from(text(term));
    const n = r.length;
    const k = n >= 9 ? 2 : n >= 5 ? 1 : 0;
    if (k === 0) return "";
    const h = n >> 1;
    let best = null;
    const consider = (t, df) => {
      if (t === term) return;
      const d = distance(Array.from(text(t)), r, k);
      if (d > k) return;
      if (!best || d < best.d || (d === best.d && (df > best.df || (df === best.df && t < best.t)))) best = { t, d, df };
    };
    const [fwd, bwd] = await Promise.all([
      this.withPrefix(bin(r.slice(0, h).join(""))),
      this.withPrefix("~" + bin(r.slice(h + 1).reverse().join(""))),
    ]);
    for (const e of fwd) if (kindOf(e.key) === TERM) consider(e.key, this.docCount(e));
    for (const e of bwd) consider(bin(Array.from(text(e.key.slice(1))).reverse().join("")), e.df);
    return best ? best.t : "";
  }

  groupDocs(keep) {
    const s = new Uint32Array(this.words);
    for (const g of this.m.groups) if (keep(g)) setRange(s, g.start, g.start + g.count);
    return s;
  }

  sectionCodes(name) {
    if (!name) return null;
    const l = name.toLowerCase();
    const codes = this.m.sections.filter((d) => d.id.toLowerCase() === l || d.name.toLowerCase() === l).map((d) => d.code);
    if (codes.length === 0) throw new Error(`unknown section "${name}"`);
    return codes;
  }

  // search runs a request {query, types, territory, substance, section,
  // page, pageSize, substanceCounts, noCorrect} and returns what Go's Search returns.
  async search(req) {
    const size = req.pageSize > 0 ? req.pageSize : 10;
    const page = req.page > 0 ? req.page : 0;
    const q = parseQuery(cutQuery(req.query || ""));
    const res = { total: 0, hits: [], corrected: "", corrections: [], fallback: false, completions: [], facets: { types: {}, territories: {} } };
    const subKey = req.substance ? "#" + bin(fold(req.substance.trim())) : null;

    // Fetch every shard the query needs at once: each word's, the product
    // key's (next to its first word) and the substance filter's.
    const toks = [];
    const seen = new Set();
    q.tokens.forEach((t, i) => {
      const term = bin(t.term);
      if (seen.has(term)) return;
      seen.add(term);
      toks.push([{ ...t, term, exact: bin(t.exact) }, q.open && i === q.tokens.length - 1]);
    });
    const want = [];
    for (const [t, open] of toks) {
      want.push(open && hasUnion(this.m, t.term) ? this.keyShard("*" + t.term) : open ? this.prefixShards(t.term) : this.keyShard(t.term));
    }
    if (subKey && toks.length) want.push(this.keyShard(subKey));
    const prefetch = Promise.all(want);
    prefetch.catch(() => {});

    const words = await Promise.all(toks.map(([t, open]) => this.resolve(t, open, !req.noCorrect)));
    await prefetch;
    const ws = [];
    toks.forEach(([, open], i) => {
      const { w, completions, corr } = words[i];
      if (corr) res.corrections.push(corr);
      if (open) res.completions = completions.map(text);
      ws.push(w);
    });
    if (res.corrections.length) res.corrected = ws.map((w) => text(w.term)).join(" ");
    if (ws.length === 0) return res;
    const codes = this.sectionCodes(req.section);
    if (await this.firstPage(req, size, page, ws, codes, res)) return res;

    // Postings: the word in fewest documents whole; of the others' split
    // entries, the chunks that can hold one of its documents.
    let rarest = 0;
    const dfs = ws.map((w) => w.resolved.reduce((n, e) => n + this.docCount(e), 0));
    dfs.forEach((n, i) => {
      if (n < dfs[rarest]) rarest = i;
    });
    await this.materialise(ws[rarest], null);
    await Promise.all(ws.map((w, i) => (i === rarest ? null : this.materialise(w, ws[rarest].matches))));
    const partial = ws.some((w, i) => i !== rarest && w.resolved.some((e) => e.split));
    let sets = ws.map((w) => (codes ? this.inSections(w, codes) : w.matches));
    let base = sets[0].slice();
    for (const s of sets.slice(1)) base = and(base, s);
    if (ws.length > 1 && card(base) === 0) {
      if (partial) {
        await Promise.all(ws.map((w) => this.materialise(w, null)));
        sets = ws.map((w) => (codes ? this.inSections(w, codes) : w.matches));
      }
      res.fallback = true;
      base = sets.reduce((o, s) => orInto(o, s), new Uint32Array(this.words));
    }
    const matched = base.slice();
    if (subKey) {
      const e = await this.lookup(subKey);
      base = e ? and(base, this.bits(e.docs)) : new Uint32Array(this.words);
    }
    const types = req.types || [];
    const typeDocs = this.groupDocs((g) => types.length === 0 || types.includes(g.type));
    const terrDocs = this.groupDocs((g) => territoryKeeps(req.territory || "", g.territory));
    const byTerr = and(base, typeDocs);
    const byType = and(base, terrDocs);
    for (const g of this.m.groups) {
      let n = rangeCount(byType, g.start, g.start + g.count);
      if (n > 0) res.facets.types[g.type] = (res.facets.types[g.type] || 0) + n;
      n = rangeCount(byTerr, g.start, g.start + g.count);
      if (n > 0) res.facets.territories[g.territory] = (res.facets.territories[g.territory] || 0) + n;
    }
    const final = and(and(base, typeDocs), terrDocs);

    let product = null;
    if (ws.length >= 2) {
      const e = await this.lookup(ws.map((w) => w.term).join(" "));
      if (e) product = this.bits(e.docs);
    }

    // Score with bit-set passes: for each word, its levels from the highest
    // (over all its entries) give each result not yet scored that level;
    // then the exact-form bonus and the fallback's bonus.
    const L = this.m.levels;
    const sc = this.scores && this.scores.length === this.m.docs ? this.scores : (this.scores = new Int32Array(this.m.docs));
    const add = (mask, v) => {
      for (let x = 0; x < mask.length; x++) {
        for (let b = mask[x]; b; b &= b - 1) sc[x * 32 + 31 - Math.clz32(b & -b)] += v;
      }
    };
    let maxScore = 0;
    ws.forEach((w, i) => {
      const inWord = and(final, sets[i]);
      const left = inWord.slice();
      const ls = w.entries.flatMap((e) => e.levels).sort((p, q) => q.level - p.level);
      for (const l of ls) {
        const got = and(left, this.bits(l.bm));
        for (let x = 0; x < got.length; x++) left[x] &= ~got[x];
        add(got, l.level);
      }
      for (let x = 0; x < left.length; x++) inWord[x] &= ~left[x]; // no level: not matched
      if (w.exact) add(and(inWord, w.exact), 1);
      if (res.fallback) add(inWord, 2 * L);
      maxScore += L + 1 + (res.fallback ? 2 * L : 0);
    });
    // Rank: count each score, find the scores the page needs, then take
    // their ids in increasing order (the tie-break) in one pass.
    const hist = new Int32Array(maxScore + 2);
    const P = maxScore + 1; // the product's documents, first
    const scoreOf = (id) => (product && has(product, id) ? P : sc[id]);
    for (let x = 0; x < final.length; x++) {
      for (let b = final[x]; b; b &= b - 1) {
        hist[scoreOf(x * 32 + 31 - Math.clz32(b & -b))]++;
        res.total++;
      }
    }
    const from = page * size;
    const need = new Map();
    for (let v = P, at = 0; v >= 0 && at < from + size; v--) {
      if (hist[v] && at + hist[v] > from) need.set(v, { skip: Math.max(0, from - at), take: Math.min(from + size, at + hist[v]) - Math.max(from, at), ids: [] });
      at += hist[v];
    }
    for (let x = 0; x < final.length; x++) {
      for (let b = final[x]; b; b &= b - 1) {
        const id = x * 32 + 31 - Math.clz32(b & -b);
        const n = need.get(scoreOf(id));
        if (n) {
          if (n.skip) n.skip--;
          else if (n.ids.length < n.take) n.ids.push(id);
        }
        sc[id] = 0;
      }
    }
    const pageIds = [...need].flatMap(([v, n]) => n.ids.map((id) => [id, v === P ? PRODUCT_SCORE : v]));
    const files = await Promise.all(pageIds.map(([id]) => this.cardFile(Math.floor(id / this.m.cardsPerFile))));
    pageIds.forEach(([id, score], i) => {
      const c = files[i][id % this.m.cardsPerFile];
      if (!c) throw new Error(`malformed index file: no card for document ${id}`);
      res.hits.push({ doc: id, score, card: c, section: this.sectionOf(id, ws, codes) });
    });

    if (!req.substanceCounts) return res;
    res.facets.substances = {};
    const subs = res.hits.flatMap((h) => h.card.substances);
    if (req.substance) subs.push(req.substance);
    const withFilters = and(and(matched, typeDocs), terrDocs);
    const keys = [...new Set(subs.map((s) => fold(s.trim())))];
    const entries = await Promise.all(keys.map((k) => this.lookup("#" + bin(k))));
    keys.forEach((k, i) => {
      res.facets.substances[k] = entries[i] ? card(and(withFilters, this.bits(entries[i].docs))) : 0;
    });
    return res;
  }

  // firstPage answers a query of one word from what the shard keeps of its
  // split entry when the request needs no more (firstPage in
  // searchidx/query/first.go); it returns whether it did.
  async firstPage(req, size, page, ws, codes, res) {
    if (ws.length !== 1 || codes || req.substance || req.substanceCounts) return false;
    const w = ws[0];
    const splits = w.resolved.filter((e) => e.split);
    const rest = w.resolved.filter((e) => !e.split);
    if (splits.length !== 1) return false;
    const c = splits[0];
    const s = c.split;
    if ((page + 1) * size > s.k) return false;
    if (s.groups.length !== this.m.groups.length) throw new Error(`malformed index file: ${text(c.key)} counts ${s.groups.length} groups, the manifest has ${this.m.groups.length}`);
    const exact = w.token.exact;
    if (exact !== "" && rest.some((e) => e.exact.some((x) => x.surface === exact))) return false;
    const variant = exact === "" ? -1 : s.surfaces.indexOf(exact);
    const u = new Uint32Array(this.words);
    for (const e of rest) orInto(u, this.matches(e));
    const loaded = card(u) > 0 ? await this.loadSplit(c, u) : { levels: [], exact: [], sections: [] };
    const inC = new Uint32Array(this.words);
    for (const l of loaded.levels) orInto(inC, this.bits(l.bm));
    const both = and(inC, u);

    const types = req.types || [];
    const allowed = new Uint32Array(this.words);
    for (const g of this.m.groups) {
      const gi = this.m.groups.indexOf(g);
      const n = s.groups[gi] + rangeCount(u, g.start, g.start + g.count) - rangeCount(both, g.start, g.start + g.count);
      const typeOK = types.length === 0 || types.includes(g.type);
      const terrOK = territoryKeeps(req.territory || "", g.territory);
      if (n > 0 && terrOK) res.facets.types[g.type] = (res.facets.types[g.type] || 0) + n;
      if (n > 0 && typeOK) res.facets.territories[g.territory] = (res.facets.territories[g.territory] || 0) + n;
      if (typeOK && terrOK) {
        res.total += n;
        setRange(allowed, g.start, g.start + g.count);
      }
    }

    const top = new Map();
    for (const t of s.top) if (t.id < this.m.docs && has(allowed, t.id)) top.set(t.id, t);
    const ids = and(u, allowed);
    for (const id of top.keys()) ids[id >>> 5] |= 1 << (id & 31);
    const cs = [];
    for (let x = 0; x < ids.length; x++) {
      for (let b = ids[x]; b; b &= b - 1) {
        const id = x * 32 + 31 - Math.clz32(b & -b);
        let score = 0;
        let section = 0;
        let bonus = 0;
        let ents = rest;
        const t = top.get(id);
        if (t) {
          score = t.level;
          section = t.section;
          if (variant >= 0 && (t.exact >>> variant) & 1) bonus = 1;
        } else {
          ents = [...rest, loaded];
          for (const xs of loaded.exact) if (xs.surface === exact && has(this.bits(xs.bm), id)) bonus = 1;
        }
        for (const e of ents) {
          for (const l of e.levels) {
            if (has(this.bits(l.bm), id)) {
              score = Math.max(score, l.level);
              break;
            }
          }
          for (const sp of e.sections) {
            if (has(this.bits(sp.bm), id)) {
              if (section === 0 || sp.code < section) section = sp.code;
              break;
            }
          }
        }
        cs.push({ id, score: score + bonus, section });
      }
    }
    cs.sort((a, b) => b.score - a.score || a.id - b.id);
    const pageHits = cs.slice(page * size, page * size + size);
    const files = await Promise.all(pageHits.map((h) => this.cardFile(Math.floor(h.id / this.m.cardsPerFile))));
    pageHits.forEach((h, i) => {
      const cd = files[i][h.id % this.m.cardsPerFile];
      if (!cd) throw new Error(`malformed index file: no card for document ${h.id}`);
      let sec = "";
      for (const d of this.m.sections) if (h.section > 0 && d.code === h.section) sec = d.id;
      res.hits.push({ doc: h.id, score: h.score, card: cd, section: sec });
    });
    return true;
  }

  // inSections returns the documents holding the word in the sections, or
  // all its documents when it is too common to have section postings.
  inSections(w, codes) {
    const out = new Uint32Array(this.words);
    for (const e of w.entries) {
      if (this.docCount(e) > this.m.sectionMaxDocs) return w.matches;
      for (const sp of e.sections) if (codes.includes(sp.code)) orInto(out, this.bits(sp.bm));
    }
    return out;
  }

  // sectionOf returns the id of the section holding the most query words
  // for document id (lowest code on ties), or "".
  sectionOf(id, ws, codes) {
    const count = new Map();
    for (const w of ws) {
      const found = new Set();
      for (const e of w.entries) {
        for (const sp of e.sections) {
          if ((!codes || codes.includes(sp.code)) && has(this.bits(sp.bm), id)) found.add(sp.code);
        }
      }
      for (const c of found) count.set(c, (count.get(c) || 0) + 1);
    }
    let best = 0;
    let bestN = 0;
    for (const [c, n] of count) {
      if (n > bestN || (n === bestN && c < best)) [best, bestN] = [c, n];
    }
    let out = "";
    for (const d of this.m.sections) if (bestN > 0 && d.code === best) out = d.id;
    return out;
  }
}

export function territoryKeeps(filter, t) {
  if (filter === "") return true;
  if (filter === "GB" || filter === "NI") return t === filter || t === "UK" || t === "";
  return t === filter;
}

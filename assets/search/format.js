// Decoding of the search index files (searchidx/FORMAT.md): the manifest,
// term shards and card files, and the parts of roaring's portable
// serialisation the index uses. Keys are kept as byte strings (one char per
// UTF-8 byte) so that comparisons and prefixes are byte-wise, as in Go.

export class FormatError extends Error {}
const fail = (what, off) => {
  throw new FormatError(`malformed index file: ${what} at byte ${off}`);
};

const utf8 = new TextDecoder();
const utf8enc = new TextEncoder();

// bin returns the byte string of s; text undoes it.
export const bin = (s) => String.fromCharCode(...utf8enc.encode(s));
export const text = (b) => utf8.decode(Uint8Array.from(b, (c) => c.charCodeAt(0)));

class Reader {
  constructor(b) {
    this.b = b;
    this.off = 0;
  }
  uvarint() {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.off >= this.b.length) fail("bad varint", this.off);
      const c = this.b[this.off++];
      v += (c & 0x7f) * mul;
      if (c < 0x80) {
        if (v > Number.MAX_SAFE_INTEGER) fail("varint too large", this.off);
        return v;
      }
      mul *= 128;
    }
    fail("bad varint", this.off);
  }
  count(min) {
    const v = this.uvarint();
    if (v > Math.floor((this.b.length - this.off) / min) + 1) fail("count too large", this.off);
    return v;
  }
  byte() {
    if (this.off >= this.b.length) fail("unexpected end", this.off);
    return this.b[this.off++];
  }
  bytes(n) {
    if (n > this.b.length - this.off) fail("length past end", this.off);
    const p = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return p;
  }
  // bstr reads a str as a byte string; str as text.
  bstr() {
    const p = this.bytes(this.uvarint());
    let s = "";
    for (let i = 0; i < p.length; i += 4096) s += String.fromCharCode(...p.subarray(i, i + 4096));
    return s;
  }
  str() {
    return utf8.decode(this.bytes(this.uvarint()));
  }
  magic(m, version = 1) {
    for (let i = 0; i < 4; i++) if (this.byte() !== m.charCodeAt(i)) fail("bad magic, want " + m, this.off);
    if (this.byte() !== version) fail(`version, want ${version}`, this.off);
  }
  // keys reads sorted keys, each as the prefix shared with the one before
  // and the rest, as byte strings.
  keys() {
    const out = [];
    let prev = "";
    for (let i = 0, n = this.count(2); i < n; i++) {
      const shared = this.uvarint();
      if (shared > prev.length) fail("shared prefix longer than previous key", this.off);
      const k = prev.slice(0, shared) + this.bstr();
      if (i > 0 && k <= prev) fail("keys out of order", this.off);
      out.push(k);
      prev = k;
    }
    return out;
  }
  hashes() {
    const out = [];
    for (let i = this.count(8); i > 0; i--) out.push(hex(this.bytes(8)));
    return out;
  }
  // bitmap checks the shape of a roaring bitmap and returns a lazy handle.
  bitmap() {
    const n = this.uvarint();
    const start = this.off;
    this.bytes(n);
    const used = roaring(this.b, start, start + n, null);
    if (used !== n) fail(`bitmap uses ${used} of ${n} bytes`, start);
    return { b: this.b, off: start, end: start + n, set: null };
  }
  done() {
    if (this.off !== this.b.length) fail("trailing bytes", this.off);
  }
}

const u16 = (b, i) => b[i] | (b[i + 1] << 8);
const u32 = (b, i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

// roaring reads a portable-format bitmap in b[off:end]. With out (a
// Uint32Array bit set) it sets the bitmap's values there and checks them;
// it returns the number of bytes the bitmap uses.
function roaring(b, off, end, out) {
  const need = (p) => {
    if (p > end) fail("bitmap past end", off);
  };
  need(off + 4);
  const cookie = u32(b, off);
  let size;
  let runs = null;
  let p;
  if ((cookie & 0xffff) === 12347) {
    size = (cookie >>> 16) + 1;
    runs = off + 4;
    p = runs + ((size + 7) >> 3);
  } else if (cookie === 12346) {
    need(off + 8);
    size = u32(b, off + 4);
    p = off + 8;
  } else fail("bad bitmap cookie", off);
  if (size > 65536) fail("bitmap too large", off);
  const header = p;
  p += 4 * size;
  if (!runs || size >= 4) p += 4 * size; // offsets
  need(p);
  const limit = out ? out.length * 32 : 0;
  let lastKey = -1;
  for (let k = 0; k < size; k++) {
    const key = u16(b, header + 4 * k);
    const card = u16(b, header + 4 * k + 2) + 1;
    if (key <= lastKey) fail("bitmap keys out of order", off);
    lastKey = key;
    const base = key * 65536;
    if (runs && b[runs + (k >> 3)] & (1 << (k & 7))) {
      need(p + 2);
      const n = u16(b, p);
      need(p + 2 + 4 * n);
      if (out) {
        let total = 0;
        let next = 0;
        for (let r = 0; r < n; r++) {
          const s = u16(b, p + 2 + 4 * r);
          const l = u16(b, p + 4 + 4 * r);
          if (s < next || s + l > 65535) fail("bad run", off);
          next = s + l + 2;
          total += l + 1;
          if (base + s + l >= limit) fail("document id out of range", off);
          setRange(out, base + s, base + s + l + 1);
        }
        if (total !== card) fail("bad run cardinality", off);
      }
      p += 2 + 4 * n;
    } else if (card > 4096) {
      need(p + 8192);
      if (out) {
        let total = 0;
        for (let w = 0; w < 2048; w++) {
          const v = u32(b, p + 4 * w);
          if (v) {
            if (base + w * 32 + 31 - Math.clz32(v) >= limit) fail("document id out of range", off);
            out[(base >>> 5) + w] |= v;
            total += popcount(v);
          }
        }
        if (total !== card) fail("bad bitmap cardinality", off);
      }
      p += 8192;
    } else {
      need(p + 2 * card);
      if (out) {
        let prev = -1;
        for (let i = 0; i < card; i++) {
          const v = u16(b, p + 2 * i);
          if (v <= prev) fail("bitmap values out of order", off);
          prev = v;
          const id = base + v;
          if (id >= limit) fail("document id out of range", off);
          out[id >>> 5] |= 1 << (id & 31);
        }
      }
      p += 2 * card;
    }
  }
  return p - off;
}

export function popcount(v) {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

// setRange sets bits lo..hi-1.
export function setRange(s, lo, hi) {
  while (lo < hi && lo & 31) {
    s[lo >>> 5] |= 1 << (lo & 31);
    lo++;
  }
  while (lo + 32 <= hi) {
    s[lo >>> 5] = 0xffffffff;
    lo += 32;
  }
  while (lo < hi) {
    s[lo >>> 5] |= 1 << (lo & 31);
    lo++;
  }
}

// bits returns the documents of a bitmap handle as a bit set of n documents.
export function bits(h, n) {
  if (!h.set) {
    const s = new Uint32Array((n + 31) >>> 5);
    roaring(h.b, h.off, h.end, s);
    h.set = s;
  }
  return h.set;
}

const hex = (p) => Array.from(p, (c) => c.toString(16).padStart(2, "0")).join("");

export const TERM = 0, FACET = 1, VOCAB = 2, PRODUCT = 3, UNION = 4;

// kindOf returns the kind of the entry with the key.
export function kindOf(key) {
  switch (key[0]) {
    case "#":
      return FACET;
    case "~":
      return VOCAB;
    case "*":
      return UNION;
  }
  return key.includes(" ") ? PRODUCT : TERM;
}

export function decodeManifest(b) {
  const r = new Reader(b);
  r.magic("MIPM", 2);
  const m = {
    docs: r.uvarint(),
    levels: r.uvarint(),
    cardsPerFile: r.uvarint(),
    filesPerPack: r.uvarint(),
    shardsPerPack: r.uvarint(),
    sectionMaxDocs: r.uvarint(),
    groups: [],
    shards: [],
    shardPacks: [],
    packs: [],
    sections: [],
    unions: [],
    shardsPerDir: 0,
    numShards: 0,
    dirs: [],
    base: 0,
  };
  if (m.docs > 2 ** 31) fail("too many documents", r.off);
  let total = 0;
  for (let i = r.count(3); i > 0; i--) {
    const g = { type: r.str(), territory: r.str(), count: r.uvarint(), start: total };
    total += g.count;
    m.groups.push(g);
  }
  m.shards = r.keys();
  if (m.shards.length > 0 && m.shards[0] !== "") fail("first shard key not empty", r.off);
  m.shardPacks = r.hashes();
  m.packs = r.hashes();
  for (let i = r.count(3); i > 0; i--) m.sections.push({ code: r.byte(), id: r.str(), name: r.str() });
  m.unions = r.keys();
  m.shardsPerDir = r.uvarint();
  if (m.shardsPerDir > 0) {
    m.numShards = r.uvarint();
    for (const first of r.keys()) m.dirs.push({ first, hash: "" });
    for (const d of m.dirs) d.hash = hex(r.bytes(8));
  }
  r.done();
  if (m.shardsPerDir > 0) {
    if (m.shards.length || m.shardPacks.length) throw new FormatError("shards listed in both the manifest and directories");
    if (m.shardsPerPack < 1 || m.shardsPerDir % m.shardsPerPack !== 0) throw new FormatError("bad shards per directory");
    if (m.numShards < 1 || m.dirs.length !== Math.ceil(m.numShards / m.shardsPerDir) || m.dirs[0].first !== "") throw new FormatError("bad directories");
  }
  const cardFiles = Math.ceil(m.docs / m.cardsPerFile);
  if (total !== m.docs) throw new FormatError(`groups hold ${total} documents, manifest says ${m.docs}`);
  if (m.levels < 1 || m.levels > 255) throw new FormatError(`${m.levels} impact levels`);
  if (!m.shardsPerDir && m.shards.length === 0) throw new FormatError("no shards");
  if (!m.shardsPerDir && (m.shardsPerPack < 1 || m.shardPacks.length !== Math.ceil(m.shards.length / m.shardsPerPack))) throw new FormatError("bad shard packs");
  if (m.docs > 0 && (m.cardsPerFile < 1 || m.filesPerPack < 1)) throw new FormatError("bad card layout");
  if (m.docs > 0 && m.packs.length !== Math.ceil(cardFiles / m.filesPerPack)) throw new FormatError("bad card packs");
  return m;
}

// shardName returns the file of shard i of m.shards (the index's shard
// m.base + i; see directory).
export const shardName = (m, i) => `f/t-${m.shardPacks[Math.floor(i / m.shardsPerPack)]}-${m.base + i}.bin`;
export const dirName = (m, d) => `f/d-${m.dirs[d].hash}-${d}.bin`;

// search returns the last i with list[i] <= key (by first(list[i])), or 0.
function search(list, key, first = (x) => x) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (first(list[mid]) > key) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(lo - 1, 0);
}

// dirFor returns the directory whose shards hold key.
export const dirFor = (m, key) => search(m.dirs, key, (d) => d.first);

// dirsWithPrefix returns the directories whose shards may hold keys starting with prefix.
export function dirsWithPrefix(m, prefix) {
  const first = dirFor(m, prefix);
  const out = [first];
  for (let i = first + 1; i < m.dirs.length && m.dirs[i].first.startsWith(prefix); i++) out.push(i);
  return out;
}

// decodeDir reads directory d of the index m describes.
export function decodeDir(b, m, d) {
  const r = new Reader(b);
  r.magic("MIPD", 2);
  const dir = { first: r.uvarint(), shards: r.keys(), packs: r.hashes() };
  r.done();
  const want = Math.min(m.shardsPerDir, m.numShards - d * m.shardsPerDir);
  if (dir.first !== d * m.shardsPerDir) throw new FormatError(`directory ${d} starts at shard ${dir.first}`);
  if (dir.shards.length !== want || dir.shards[0] !== m.dirs[d].first) throw new FormatError(`directory ${d} holds the wrong shards`);
  if (d + 1 < m.dirs.length && dir.shards[dir.shards.length - 1] >= m.dirs[d + 1].first) throw new FormatError(`directory ${d} overlaps the next`);
  if (dir.packs.length !== Math.ceil(dir.shards.length / m.shardsPerPack)) throw new FormatError(`directory ${d}: bad packs`);
  return dir;
}

// directory returns m for a one-level index; for one with directories, a
// view whose shards are those of the consecutive directories given (the
// first being d0), numbered from base.
export function directory(m, d0, dirs) {
  if (!m.shardsPerDir) return m;
  return { ...m, base: d0 * m.shardsPerDir, shards: dirs.flatMap((d) => d.shards), shardPacks: dirs.flatMap((d) => d.packs) };
}
export const cardFileName = (m, f) => `f/c-${m.packs[Math.floor(f / m.filesPerPack)]}-${f}.bin`;

// shardFor returns the shard that holds key, whether or not it exists.
export const shardFor = (m, key) => search(m.shards, key);

// shardsWithPrefix returns the shards that may hold keys starting with prefix.
export function shardsWithPrefix(m, prefix) {
  const first = shardFor(m, prefix);
  const out = [first];
  for (let i = first + 1; i < m.shards.length && m.shards[i].startsWith(prefix); i++) out.push(i);
  return out;
}

// hasUnion reports whether the index holds the union entry of prefix: the
// manifest lists it.
export function hasUnion(m, prefix) {
  const i = search(m.unions, prefix);
  return m.unions.length > 0 && m.unions[i] === prefix;
}

// readPostings reads an entry's levels and, for a term, its exact forms
// and sections (in a shard, or in a chunk file) into e.
function readPostings(r, kind, e, nl) {
  let last = 256;
  for (let j = nl; j > 0; j--) {
    const level = r.byte();
    if (level >= last || level === 0) fail("levels not strictly decreasing", r.off);
    last = level;
    e.levels.push({ level, bm: r.bitmap() });
  }
  if (kind === UNION) return;
  for (let j = r.count(2); j > 0; j--) {
    const x = { surface: r.bstr(), bm: r.bitmap() };
    if (e.exact.length && x.surface <= e.exact[e.exact.length - 1].surface) fail("exact forms out of order", r.off);
    e.exact.push(x);
  }
  for (let j = r.count(2); j > 0; j--) {
    const sp = { code: r.byte(), bm: r.bitmap() };
    if (e.sections.length && sp.code <= e.sections[e.sections.length - 1].code) fail("sections out of order", r.off);
    e.sections.push(sp);
  }
}

// MAX_SURFACES: a split entry's top documents mark its exact forms in a
// 32-bit mask.
const MAX_SURFACES = 32;

// readSplit reads what a shard keeps of a split entry (FORMAT.md section 4).
function readSplit(r, kind) {
  const s = { groups: [], k: 0, surfaces: [], top: [], hash: "", chunks: [], df: 0 };
  for (let i = r.count(1); i > 0; i--) s.groups.push(r.uvarint());
  s.df = s.groups.reduce((a, b) => a + b, 0);
  s.k = r.byte();
  if (s.k === 0) fail("split entry keeps no top documents", r.off);
  const ns = r.count(1);
  if (ns > MAX_SURFACES || (kind === UNION && ns > 0)) fail("too many exact forms", r.off);
  for (let i = 0; i < ns; i++) {
    const x = r.bstr();
    if (i > 0 && x <= s.surfaces[i - 1]) fail("exact forms out of order", r.off);
    s.surfaces.push(x);
  }
  let id = 0;
  for (let i = 0, n = r.count(4); i < n; i++) {
    const gap = r.uvarint();
    if (i > 0 && gap === 0) fail("top documents out of order", r.off);
    id += gap;
    if (id > 0xffffffff) fail("document id out of range", r.off);
    const t = { id, level: r.byte(), exact: r.uvarint(), section: r.byte() };
    if (t.level === 0 || t.exact >= 2 ** ns || (kind === UNION && (t.exact !== 0 || t.section !== 0))) fail("bad top document", r.off);
    s.top.push(t);
  }
  s.hash = hex(r.bytes(8));
  const nc = r.count(1);
  if (nc === 0) fail("split entry without chunks", r.off);
  let start = 0;
  let total = 0;
  for (let i = 0; i < nc; i++) {
    if (i > 0) {
      const gap = r.uvarint();
      if (gap === 0) fail("chunks out of order", r.off);
      start += gap;
    }
    if (start > 0xffffffff) fail("chunk start out of range", r.off);
    const c = { start, docs: r.uvarint() };
    if (c.docs === 0 || c.docs > 2 ** 32) fail("bad chunk", r.off);
    total += c.docs;
    s.chunks.push(c);
  }
  if (total !== s.df) fail("chunks and groups disagree", r.off);
  return s;
}

// chunkEnd returns the first id after chunk k of the split s.
export const chunkEnd = (s, k, docs) => (k + 1 < s.chunks.length ? s.chunks[k + 1].start : docs);
export const chunkName = (s, k) => `f/p-${s.hash}-${k}.bin`;

// decodeChunk reads chunk k of the split entry e, checking that it holds
// the chunk's documents, all within its range, at one level each.
export function decodeChunk(b, e, k, docs) {
  const kind = kindOf(e.key);
  if (!e.split || k < 0 || k >= e.split.chunks.length || (kind !== TERM && kind !== UNION)) throw new FormatError(`malformed index file: no chunk ${k} of ${e.key}`);
  const r = new Reader(b);
  r.magic("MIPP");
  const out = { key: e.key, split: e.split, levels: [], exact: [], sections: [], docs: null, df: 0, completions: [] };
  const nl = r.count(2);
  if (nl === 0) fail("chunk without levels", r.off);
  readPostings(r, kind, out, nl);
  r.done();
  const lo = e.split.chunks[k].start;
  const hi = chunkEnd(e.split, k, docs);
  const outside = (set) => {
    for (let w = 0; w < set.length; w++) {
      if (!set[w]) continue;
      const first = w * 32 + 31 - Math.clz32(set[w] & -set[w]);
      const last = w * 32 + 31 - Math.clz32(set[w]);
      if (first < lo || last >= hi) return true;
    }
    return false;
  };
  let n = 0;
  let bad = false;
  const all = new Uint32Array((docs + 31) >>> 5);
  for (const l of out.levels) {
    const set = bits(l.bm, docs);
    bad = bad || outside(set);
    for (let w = 0; w < set.length; w++) {
      if (set[w]) {
        n += popcount(set[w]);
        all[w] |= set[w];
      }
    }
  }
  let union = 0;
  for (let w = 0; w < all.length; w++) if (all[w]) union += popcount(all[w]);
  for (const x of out.exact) bad = bad || outside(bits(x.bm, docs));
  for (const sp of out.sections) bad = bad || outside(bits(sp.bm, docs));
  if (union !== e.split.chunks[k].docs) throw new FormatError(`malformed index file: chunk ${k} of ${e.key} holds ${union} documents, its entry says ${e.split.chunks[k].docs}`);
  if (n !== union) throw new FormatError(`malformed index file: chunk ${k} of ${e.key}: levels overlap`);
  if (bad) throw new FormatError(`malformed index file: chunk ${k} of ${e.key} holds documents outside ${lo}..${hi}`);
  return out;
}

export function decodeShard(b) {
  const r = new Reader(b);
  r.magic("MIPS", 2);
  const n = r.count(3);
  const entries = [];
  let prev = "";
  for (let i = 0; i < n; i++) {
    const shared = r.uvarint();
    if (shared > prev.length) fail("shared prefix longer than previous key", r.off);
    const e = { key: prev.slice(0, shared) + r.bstr(), levels: [], exact: [], sections: [], docs: null, df: 0, completions: [], split: null };
    if (i > 0 && e.key <= prev) fail("keys out of order", r.off);
    const kind = kindOf(e.key);
    if (kind === TERM || kind === UNION) {
      const nl = r.count(2);
      if (nl > 0) readPostings(r, kind, e, nl);
      else e.split = readSplit(r, kind);
      if (kind === UNION) {
        for (let j = r.count(1); j > 0; j--) e.completions.push(r.bstr());
      }
    } else if (kind === VOCAB) {
      e.df = r.uvarint();
    } else {
      e.docs = r.bitmap();
    }
    entries.push(e);
    prev = e.key;
  }
  r.done();
  return entries;
}

// lookup returns the entry of the shard with key, or null.
export function lookup(entries, key) {
  const i = lowerBound(entries, key);
  return i < entries.length && entries[i].key === key ? entries[i] : null;
}

export function withPrefix(entries, prefix) {
  let j = lowerBound(entries, prefix);
  const out = [];
  while (j < entries.length && entries[j].key.startsWith(prefix)) out.push(entries[j++]);
  return out;
}

function lowerBound(entries, key) {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function decodeCards(b) {
  const r = new Reader(b);
  r.magic("MIPC");
  const table = [];
  for (let i = r.count(1); i > 0; i--) table.push(r.str());
  const str = () => {
    const i = r.uvarint();
    if (i >= table.length) fail("string index out of range", r.off);
    return table[i];
  };
  const list = () => {
    const out = [];
    for (let i = r.count(1); i > 0; i--) out.push(str());
    return out;
  };
  const cards = [];
  for (let i = r.count(10); i > 0; i--) {
    const c = {};
    for (const f of ["type", "territory", "product", "title", "date", "url", "snippet"]) c[f] = str();
    c.substances = list();
    c.licences = list();
    c.size = r.uvarint();
    cards.push(c);
  }
  r.done();
  return cards;
}

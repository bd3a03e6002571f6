// Text analysis of a search query: the JavaScript twin of
// mip/searchidx/analysis (searchidx/ANALYSIS.md). Strings here are ordinary
// JavaScript strings; positions are UTF-16 code units, which agree with the
// Go byte positions wherever the rules look at them (only ASCII characters
// are ever matched, and a non-ASCII character is "alphanumeric" for
// boundaries in both).

const isDigitCode = (c) => c >= 48 && c <= 57;
const isDigit = (s, i) => i >= 0 && i < s.length && isDigitCode(s.charCodeAt(i));
// Go's isAlnumByte: ASCII digit or lower-case letter, or any non-ASCII byte.
const isAlnumByte = (s, i) => {
  const c = s.charCodeAt(i);
  return isDigitCode(c) || (c >= 97 && c <= 122) || c >= 0x80;
};
const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;
const isAlnumRune = (ch) => LETTER_OR_DIGIT.test(ch);
const MARKS = /\p{Mn}/gu;
const SPACE_END = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;

// utf8Len is the byte length of s in UTF-8 (Go's len).
export function utf8Len(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

// fold: NFKC, full case folding, diacritics removed (ANALYSIS.md section 1).
// Full case folding is upper-casing then lower-casing, which agrees with
// Unicode's CaseFolding.txt (C+F) once the dotless i is kept and the final
// sigma (which toLowerCase produces by context) made plain; Cherokee, which
// folds to upper case, is not a concern of this portal.
export function fold(s) {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  s = s.normalize("NFKC");
  s = s
    .split("\u0131")
    .map((p) => p.toLowerCase().toUpperCase().toLowerCase())
    .join("\u0131")
    .replace(/\u03c2/g, "\u03c3");
  return s.normalize("NFD").replace(MARKS, "").normalize("NFC");
}

const PREFIXES = ["plgb", "plni", "plpi", "pl", "thrgb", "thrni", "thr", "nrgb", "nrni", "nr"];
const isSep = (s, i) => {
  const c = s[i];
  return c === " " || c === "/" || c === "_" || c === "-";
};
const boundaryAt = (s, i) => i >= s.length || !isAlnumByte(s, i);
function digitsAt(s, i, n) {
  if (i + n > s.length) return false;
  for (let k = i; k < i + n; k++) if (!isDigit(s, k)) return false;
  return true;
}
function skipSeps(s, i) {
  while (i < s.length && isSep(s, i)) i++;
  return i;
}

function licenceTail(s, i, needSep) {
  if (!digitsAt(s, i, 5)) return null;
  const company = s.slice(i, i + 5);
  const j = skipSeps(s, i + 5);
  if (needSep && j === i + 5) return null;
  if (!digitsAt(s, j, 4)) return null;
  const product = s.slice(j, j + 4);
  let end = j + 4;
  if (end + 5 <= s.length && s[end] === "-" && digitsAt(s, end + 1, 4) && boundaryAt(s, end + 5)) end += 5;
  if (end < s.length && s[end] === "r" && boundaryAt(s, end + 1)) end++;
  if (!boundaryAt(s, end)) return null;
  return { company, product, end };
}

// licenceAt reads a licence number starting at s[i]: {start, end, prefix,
// company, product}, or null.
function licenceAt(s, i) {
  for (const p of PREFIXES) {
    if (!s.startsWith(p, i)) continue;
    const t = licenceTail(s, skipSeps(s, i + p.length), false);
    if (t) return { start: i, end: t.end, prefix: p, company: t.company, product: t.product };
    break;
  }
  if (!isDigit(s, i)) return null;
  if (digitsAt(s, i, 2) && i + 3 < s.length && isSep(s, i + 2) && digitsAt(s, i + 3, 9) && boundaryAt(s, i + 12)) {
    return { start: i, end: i + 12, prefix: "pl", company: s.slice(i + 3, i + 8), product: s.slice(i + 8, i + 12) };
  }
  const t = licenceTail(s, i, true);
  return t ? { start: i, end: t.end, prefix: "pl", company: t.company, product: t.product } : null;
}

function findLicences(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && isAlnumByte(s, i - 1)) continue;
    const c = s[i];
    const n = s[i + 1];
    if (!isDigit(s, i) && !((c === "p" && n === "l") || (c === "t" && n === "h") || (c === "n" && n === "r"))) continue;
    const m = licenceAt(s, i);
    if (m) {
      out.push(m);
      i = m.end - 1;
    }
  }
  return out;
}

// licences returns the licence numbers in text, in display form.
export function licences(text) {
  return findLicences(fold(text)).map((m) => m.prefix.toUpperCase() + " " + m.company + "/" + m.product);
}

function partialLicenceAt(s, i) {
  for (const p of PREFIXES) {
    if (!s.startsWith(p, i)) continue;
    let j = skipSeps(s, i + p.length);
    let digits = "";
    for (; j < s.length && digits.length < 9; j++) {
      if (isDigit(s, j)) digits += s[j];
      else if (!(isSep(s, j) && digits.length === 5)) return null;
    }
    if (j !== s.length || digits.length === 0 || digits.length >= 9) return null;
    return p + digits;
  }
  return null;
}

// splitRuns returns the runs of s: [text, joined] pairs.
function splitRuns(s) {
  const runs = [];
  let start = -1;
  let joiner = false;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i);
    const ch = String.fromCodePoint(cp);
    const w = ch.length;
    const alnum = cp < 0x80 ? isDigitCode(cp) || ((cp | 0x20) >= 97 && (cp | 0x20) <= 122) : isAlnumRune(ch);
    if (!alnum && start >= 0) {
      const prevDigit = isDigit(s, i - 1);
      if (ch === "." && prevDigit && isDigit(s, i + 1)) {
        i += w;
        continue;
      }
      if (ch === "%" && prevDigit) {
        i += w;
        runs.push([s.slice(start, i), joiner]);
        start = -1;
        joiner = false;
        continue;
      }
    }
    if (alnum && start < 0) {
      start = i;
    } else if (!alnum && start >= 0) {
      runs.push([s.slice(start, i), joiner]);
      start = -1;
      joiner = false;
      if ((ch === "-" || ch === "/" || ch === "\u2010" || ch === "\u2011") && i + w < s.length) {
        const next = String.fromCodePoint(s.codePointAt(i + w));
        if (isAlnumRune(next)) joiner = true;
      }
      if ((ch === "'" || ch === "\u2019") && s[i + w] === "s" && boundaryAt(s, i + w + 1)) {
        i += w + 1;
        continue;
      }
    }
    i += w;
  }
  if (start >= 0) runs.push([s.slice(start), joiner]);
  return runs;
}

function isNumber(s) {
  if (s === "" || !isDigit(s, 0) || !isDigit(s, s.length - 1)) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s, i) && s[i] !== ".") return false;
  return true;
}

const UNITS = {
  mg: "mg", milligram: "mg", milligrams: "mg",
  g: "g", gram: "g", grams: "g",
  mcg: "mcg", ug: "mcg", "\u03bcg": "mcg", microgram: "mcg", micrograms: "mcg",
  ng: "ng", nanogram: "ng", nanograms: "ng",
  kg: "kg",
  ml: "ml", millilitre: "ml", millilitres: "ml", milliliter: "ml", milliliters: "ml",
  l: "l", litre: "l", litres: "l",
  iu: "iu", unit: "units", units: "units",
  mmol: "mmol", micromol: "micromol",
  "%": "%",
};
const unit = (s) => (Object.hasOwn(UNITS, s) ? UNITS[s] : null);

// Token kinds, as Go's analysis.Kind.
export const WORD = 0, NUMBER = 1, STRENGTH = 2, LICENCE = 3, COMPOUND = 4;

function strength(dst, num, u, index) {
  dst.push({ term: num + u, exact: "", kind: STRENGTH });
  if (index) dst.push({ term: num, exact: "", kind: NUMBER });
}

// stem removes English plural endings and a final e (ANALYSIS.md section 5).
export function stem(w) {
  if (utf8Len(w) <= 3) return w;
  if (w.endsWith("ies") && utf8Len(w) > 4 && !w.endsWith("eies") && !w.endsWith("aies")) return w.slice(0, -3) + "y";
  if (w.endsWith("xes")) return w.slice(0, -2);
  if (w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) w = w.slice(0, -1);
  if (utf8Len(w) > 4 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

function appendRun(dst, s, index) {
  if (isNumber(s)) {
    dst.push({ term: s, exact: "", kind: NUMBER });
    return;
  }
  if (s.endsWith("%")) {
    strength(dst, s.slice(0, -1), "%", index);
    return;
  }
  let d = 0;
  while (d < s.length && (isDigit(s, d) || s[d] === ".")) d++;
  if (d > 0 && isNumber(s.slice(0, d))) {
    const u = unit(s.slice(d));
    if (u !== null) {
      strength(dst, s.slice(0, d), u, index);
      return;
    }
  }
  for (let i = 0; i < s.length; i++) {
    if (isDigit(s, i)) {
      dst.push({ term: s, exact: "", kind: WORD });
      return;
    }
  }
  const t = stem(s);
  dst.push({ term: t, exact: t !== s && t + "e" !== s ? s : "", kind: WORD });
}

function tokenizeRuns(s, index, dst) {
  const runs = splitRuns(s);
  for (let i = 0; i < runs.length; ) {
    let j = i + 1;
    while (j < runs.length && runs[j][1]) j++;
    if (j - i === 1) {
      const text = runs[i][0];
      if (isNumber(text) && j < runs.length && !(j + 1 < runs.length && runs[j + 1][1])) {
        const u = unit(runs[j][0]);
        if (u !== null) {
          strength(dst, text, u, index);
          i = j + 1;
          continue;
        }
      }
      appendRun(dst, text, index);
      i = j;
      continue;
    }
    for (let k = i; k < j; k++) appendRun(dst, runs[k][0], index);
    if (index && j - i <= 4) {
      dst.push({ term: runs.slice(i, j).map((r) => r[0]).join(""), exact: "", kind: COMPOUND });
    }
    i = j;
  }
  return dst;
}

function analyzeFolded(s, index, dst = []) {
  let last = 0;
  for (const m of findLicences(s)) {
    tokenizeRuns(s.slice(last, m.start), index, dst);
    dst.push({ term: m.prefix + m.company + m.product, exact: "", kind: LICENCE });
    last = m.end;
  }
  return tokenizeRuns(s.slice(last), index, dst);
}

// analyze splits text into tokens {term, exact, kind}; index selects the
// index mode (extra tokens for strengths and compounds), else query mode.
export function analyze(text, index) {
  return analyzeFolded(fold(text), index);
}

// parseQuery analyses what a person typed: {tokens, open}.
export function parseQuery(text) {
  const s = fold(text);
  let open = s.length > 0 && !SPACE_END.test(s);
  if (open) {
    const last = String.fromCodePoint(s.codePointAt(s.length - 1 - (s.length > 1 && /[\udc00-\udfff]/.test(s[s.length - 1]) ? 1 : 0)));
    if (!isAlnumRune(last) && last !== "%") open = false;
  }
  if (open) {
    for (let i = 0; i < s.length; i++) {
      if (i > 0 && isAlnumByte(s, i - 1)) continue;
      const p = partialLicenceAt(s, i);
      if (p !== null && !licenceAt(s, i)) {
        const tokens = analyzeFolded(s.slice(0, i), false);
        tokens.push({ term: p, exact: "", kind: LICENCE });
        return { tokens, open };
      }
    }
  }
  const tokens = analyzeFolded(s, false);
  return { tokens, open: open && tokens.length > 0 };
}

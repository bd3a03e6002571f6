// Measures the search client in headless Chromium through the DevTools
// protocol (Playwright's Network events), beside Pagefind's own client on the same documents:
//
//   node bench-search.mjs SITE_DIR PAGEFIND_BUNDLE_DIR
//
// SITE_DIR is a built mip site (its index at search/idx/); PAGEFIND_BUNDLE_DIR
// is what `npx pagefind --site DIR` wrote over the same site's document pages
// (DIR/pagefind). Files are served gzip-compressed at level 9, as a static
// host serves precompressed files. For each query, on a cold cache (a fresh
// browser context, nothing fetched but a blank harness page), it reports the
// bytes transferred (compressed, headers excluded), the files fetched, and
// the dependent fetches (the longest chain of requests each started only
// after the previous one finished, counted from the harness page); then the
// warm compute time of each query repeated in the same page (p50/p95 over
// 200 runs, 30 for Pagefind: search and the first page of results, everything cached).
import { readFile, readdir, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { chromium } from "playwright-core";
import { Index } from "../../assets/search/engine.js";

const [siteArg, pfArg] = process.argv.slice(2);
if (!siteArg) {
  console.error("usage: node bench-search.mjs SITE_DIR [PAGEFIND_BUNDLE_DIR]");
  process.exit(2);
}
const site = path.resolve(siteArg);
const pagefind = pfArg ? path.resolve(pfArg) : null;
// The client as published: the site's minified, fingerprinted modules.
const engineURL = "/assets/search/" + (await readdir(path.join(site, "assets/search"))).find((f) => /^engine\.[0-9a-f]{16}\.js$/.test(f));

const types = { ".js": "text/javascript", ".html": "text/html", ".json": "application/json", ".wasm": "application/wasm", ".css": "text/css" };
const gz = new Map();

// The harness pages: one per engine, each a blank page whose script runs
// window.bench(q) and reports the result. No inline script, so the site's
// CSP applies.
const harness = (src) => `<!doctype html><html lang="en"><title>bench</title><script type="module" src="${src}"></script></html>`;
const mipHarness = `
const load = async (n) => new Uint8Array(await (await fetch("/search/idx/" + n)).arrayBuffer());
let ix;
window.bench = async (req) => {
  if (!ix) {
    const { Index } = await import("${engineURL}");
    ix = await Index.open(load);
  }
  const r = await ix.search(req);
  return { total: r.total, first: r.hits.map((h) => h.card.product + " | " + h.card.title).slice(0, 3), corrected: r.corrected };
};
window.ready = true;`;
const pfHarness = `
let pf;
window.bench = async (req) => {
  if (!pf) {
    pf = await import("/pagefind/pagefind.js");
    await pf.options({ baseUrl: "/" });
    await pf.init();
  }
  // The site's pages carry no data-pagefind-filter markup, so Pagefind
  // cannot filter by type: the filtered query runs unfiltered.
  const r = await pf.search(req.query);
  const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
  return { total: r.results.length, first: data.map((d) => d.meta.title).slice(0, 3) };
};
window.ready = true;`;

async function serveFile(file, res, csp) {
  const ext = path.extname(file);
  let body = gz.get(file);
  if (!body) {
    const raw = await readFile(file);
    const z = gzipSync(raw, { level: 9 });
    body = z.length < raw.length ? { data: z, enc: "gzip" } : { data: raw, enc: null };
    gz.set(file, body);
  }
  const h = { "Content-Type": types[ext] || "application/octet-stream", "Cache-Control": "no-store" };
  if (body.enc) h["Content-Encoding"] = body.enc;
  if (csp) h["Content-Security-Policy"] = csp;
  res.writeHead(200, h);
  res.end(body.data);
}

function serve(csp) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    const p = decodeURIComponent(url.pathname);
    try {
      if (p === "/mip.html" || p === "/pf.html") {
        res.writeHead(200, { "Content-Type": "text/html", ...(csp ? { "Content-Security-Policy": csp } : {}) });
        res.end(harness(p === "/mip.html" ? "/bench/mip.js" : "/bench/pf.js"));
        return;
      }
      if (p === "/bench/mip.js" || p === "/bench/pf.js") {
        res.writeHead(200, { "Content-Type": "text/javascript" });
        res.end(p === "/bench/mip.js" ? mipHarness : pfHarness);
        return;
      }
      let file;
      if (p.startsWith("/pagefind/") && pagefind) file = path.join(pagefind, p.slice(10));
      else file = path.join(site, p);
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      // 20 ms before every file, as a network would add: requests sent
      // together then overlap, so the dependent-fetch count is exact.
      await new Promise((r) => setTimeout(r, 20));
      await serveFile(file, res, csp);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

// chain is the number of dependent fetches: the longest chain of requests
// each of which started after the one before it had finished.
function chain(reqs) {
  const sorted = [...reqs].sort((a, b) => a.start - b.start);
  const depth = new Map();
  let best = 0;
  for (const r of sorted) {
    let d = 1;
    for (const q of sorted) {
      if (q !== r && q.end !== undefined && q.end <= r.start) d = Math.max(d, depth.get(q) + 1);
    }
    depth.set(r, d);
    best = Math.max(best, d);
  }
  return best;
}

async function cold(browser, base, pageName, req) {
  // A fresh context: an empty cache. Requests of the page and of its
  // workers (Pagefind searches in one) are reported by Playwright from the
  // DevTools protocol's Network events: timing and encoded body size.
  const context = await browser.newContext();
  const page = await context.newPage();
  const reqs = [];
  const pending = [];
  let recording = false;
  context.on("requestfinished", (r) => {
    if (!recording) return;
    pending.push(
      r.sizes().then((sz) => {
        const t = r.timing();
        reqs.push({ url: r.url(), start: t.startTime, end: t.startTime + t.responseEnd, bytes: sz.responseBodySize });
      }),
    );
  });
  await page.goto(base + "/" + pageName);
  await page.waitForFunction(() => window.ready);
  recording = true;
  const t0 = Date.now();
  const out = await page.evaluate((r) => window.bench(r), req);
  const ms = Date.now() - t0;
  await page.waitForTimeout(200);
  await Promise.all(pending);
  const list = reqs.filter((r) => !r.url.includes("/bench/"));
  const size = (r) => r.bytes || 0;
  const isCode = (r) => /\.(js|wasm)$|\/wasm\.[a-z]+\.pagefind$/.test(new URL(r.url).pathname);
  const code = list.filter(isCode);
  const data = list.filter((r) => !isCode(r));
  const result = {
    files: list.length, bytes: list.reduce((n, r) => n + size(r), 0), codeBytes: code.reduce((n, r) => n + size(r), 0),
    dataBytes: data.reduce((n, r) => n + size(r), 0), dependent: chain(list), dataDependent: chain(data), ms, out,
    urls: list.map((r) => r.url.replace(base, "")),
  };
  await context.close();
  return result;
}

async function warm(browser, base, pageName, reqs, runs = 50) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "/" + pageName);
  await page.waitForFunction(() => window.ready);
  // Every query a few times first: the files are fetched and the engine's
  // code is compiled by the JIT before anything is timed.
  await page.evaluate(async ([rs, n]) => {
    for (let i = 0; i < n; i++) for (const r of rs) await window.bench(r);
  }, [reqs, runs === 200 ? 20 : 2]);
  const out = [];
  for (const req of reqs) {
    const times = await page.evaluate(
      async ([r, n]) => {
        await window.bench(r);
        const t = [];
        for (let i = 0; i < n; i++) {
          const s = performance.now();
          await window.bench(r);
          t.push(performance.now() - s);
        }
        return t.sort((a, b) => a - b);
      },
      [req, runs],
    );
    out.push({ p50: times[Math.floor(runs * 0.5)], p95: times[Math.ceil(runs * 0.95) - 1], max: times[runs - 1] });
  }
  await context.close();
  return out;
}

// The query set, from the index: a term in one document, a term in every
// document, a two-word AND, a typo, a licence number, a short prefix, and a
// query with a type filter.
async function querySet() {
  const ix = await Index.open(async (n) => new Uint8Array(await readFile(path.join(site, "search/idx", n))));
  const all = await ix.view(ix.m.dirs.map((_, d) => d));
  const vocab = all.shards.map((f, i) => [f, i]).filter(([f]) => f.startsWith("~"));
  let rare = null;
  for (const [, i] of vocab) {
    const entries = await ix.shard(all, i);
    const e = entries.find((x) => x.df === 1 && /^~[a-z]{7,}$/.test(x.key));
    if (e) {
      rare = [...e.key.slice(1)].reverse().join("");
      break;
    }
  }
  const products = (await readFile(path.join(site, "api/v1/products.ndjson"), "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const lic = products.find((p) => p.licences.length && p.licences[0].display.startsWith("PL "));
  return [
    ["rare term", { query: rare + " " }],
    ["common term", { query: "the " }],
    ["two-word AND", { query: "amoxicillin capsules " }],
    ["typo", { query: "amoxicilin " }],
    ["licence number", { query: lic.licences[0].display }],
    ["short prefix", { query: "am" }],
    ["filtered (PIL)", { query: "amoxicillin ", types: ["PIL"] }],
  ];
}

const queries = await querySet();
const csp = (await readFile(path.join(site, "_headers"), "utf8")).match(/Content-Security-Policy: (.*)/)[1];
const server = await serve(null);
const strict = await serve(csp);
const base = `http://127.0.0.1:${server.address().port}`;
const strictBase = `http://127.0.0.1:${strict.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const engines = [["mip", "mip.html"]];
if (pagefind) engines.push(["pagefind", "pf.html"]);
const report = {};
try {
  for (const [name, pageName] of engines) {
    report[name] = { cold: [], warm: [] };
    for (const [label, req] of queries) {
      // A first run fills the server's gzip cache, so that compressing a
      // file on first use does not stall the measured run.
      await cold(browser, base, pageName, req);
      const r = await cold(browser, base, pageName, req);
      report[name].cold.push({ label, query: req.query, ...r });
    }
    report[name].warm = await warm(browser, base, pageName, queries.map(([, q]) => q), name === "mip" ? 200 : 30);
    // Under the site's CSP (no unsafe-inline, no wasm-unsafe-eval).
    try {
      const r = await cold(browser, strictBase, pageName, queries[0][1]);
      report[name].underCSP = r.out && r.out.total > 0 ? "works" : "no results";
    } catch (e) {
      report[name].underCSP = "fails: " + e.message.split("\n")[0].slice(0, 120);
    }
  }
} finally {
  await browser.close();
  server.close();
  strict.close();
}

const kb = (n) => (n / 1000).toFixed(1) + " kB";
for (const [name] of engines) {
  console.log(`\n${name} (under the site's CSP: ${report[name].underCSP})`);
  console.log("query".padEnd(16) + "text".padEnd(24) + "files  code     data      all       dependent (data)  results  warm p50/p95 ms  first result");
  report[name].cold.forEach((c, i) => {
    const w = report[name].warm[i];
    console.log(
      c.label.padEnd(16) + JSON.stringify(c.query).slice(0, 22).padEnd(24) + String(c.files).padEnd(7) + kb(c.codeBytes).padEnd(9) +
        kb(c.dataBytes).padEnd(10) + kb(c.bytes).padEnd(10) + `${c.dependent} (${c.dataDependent})`.padEnd(18) + String(c.out.total).padEnd(9) +
        `${w.p50.toFixed(1)}/${w.p95.toFixed(1)}`.padEnd(16) + (c.out.first[0] || "").slice(0, 40),
    );
  });
  const all = report[name].warm.map((w) => w.p95);
  console.log(`warm p95, worst query: ${Math.max(...all).toFixed(2)} ms`);
}
if (process.env.BENCH_JSON) {
  await (await import("node:fs/promises")).writeFile(process.env.BENCH_JSON, JSON.stringify(report, null, 1));
}

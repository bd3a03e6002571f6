// Checks a built mip site: axe-core (WCAG 2.2 A and AA rules) in headless
// Chromium over one page of every kind, a keyboard-only walk from the home
// page to a PDF, the Nu HTML Checker over every page, and every JSON file
// against the JSON Schema published beside it.
//
//   node run.mjs SITE_DIR [EXTRA_HTML_DIR…]
//
// Every EXTRA_HTML_DIR's HTML goes through the Nu HTML Checker too (make
// test-browser passes generator/pages' un-minified golden pages, which
// include a document's extracted text).
//
// Chromium is the system's (/usr/bin/chromium, or $CHROMIUM); nothing is
// downloaded. Java runs the checker from the vnu-jar package.
import { readFile, readdir, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";
import Ajv2020 from "ajv/dist/2020.js";
import { searchChecks } from "./search.mjs";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
const site = path.resolve(process.argv[2] || "");
if (!process.argv[2]) {
  console.error("usage: node run.mjs SITE_DIR");
  process.exit(2);
}
let failures = 0;
function fail(msg) {
  failures++;
  console.error("FAIL " + msg);
}
function pass(msg) {
  console.log("ok   " + msg);
}

async function walk(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...(await walk(p)));
    } else {
      out.push(p);
    }
  }
  return out;
}

// The security headers of the site's _headers file, "/*" block.
async function siteHeaders() {
  const lines = (await readFile(path.join(site, "_headers"), "utf8")).split("\n");
  const headers = {};
  let inAll = false;
  for (const line of lines) {
    if (!line.startsWith(" ")) {
      inAll = line.trim() === "/*";
      continue;
    }
    if (inAll && line.includes(":")) {
      const i = line.indexOf(":");
      headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
  }
  return headers;
}

const types = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json",
  ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".pdf": "application/pdf",
  ".atom": "application/atom+xml", ".xml": "application/xml", ".txt": "text/plain",
};

// A static server like the CDN: directory index, 404.html, the CSP.
// serve serves the site; with idx, its /search/idx/ comes from that folder.
async function serve(idx) {
  const headers = await siteHeaders();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    let file = path.join(site, decodeURIComponent(url.pathname));
    if (idx && url.pathname.startsWith("/search/idx/")) {
      file = path.join(idx, decodeURIComponent(url.pathname.slice("/search/idx/".length)));
    }
    if (!file.startsWith(site) && !(idx && file.startsWith(idx))) {
      res.writeHead(400).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) {
        file = path.join(file, "index.html");
      }
      const body = await readFile(file);
      res.writeHead(200, { ...headers, "Content-Type": types[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, "Content-Type": types[".html"] });
      res.end(await readFile(path.join(site, "404.html")));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

// One page of every kind, found in the built site.
async function pagesToCheck() {
  const first = async (dir, pred = () => true) => {
    for (const e of (await readdir(path.join(site, dir))).sort()) {
      if (await pred(e)) {
        return `/${dir}/${e}/`;
      }
    }
    throw new Error(`no page under /${dir}/`);
  };
  const withHistory = async (id) => {
    const p = JSON.parse(await readFile(path.join(site, "api/v1/products", id + ".json"), "utf8"));
    return p.previous_versions.length > 0 && p.documents.length > 0;
  };
  const letter = await first("a-z", async (e) => (await stat(path.join(site, "a-z", e))).isDirectory());
  return [
    "/", "/a-z/", letter, await first("substances"), await first("products", withHistory), await first("documents"),
    "/search/", "/does-not-exist/", "/about/", "/accessibility/", "/cookies/", "/privacy/", "/disclaimer/", "/open-data/",
  ];
}

async function axeCheck(browser, base, pages) {
  const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  for (const js of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled: js, bypassCSP: false });
    for (const p of pages) {
      const page = await context.newPage();
      const problems = [];
      page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(m.text()));
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("response", (r) => r.status() >= 400 && r.url() !== base + p && problems.push(`${r.status()} ${r.url()}`));
      await page.goto(base + p, { waitUntil: "load" });
      const h1 = await page.locator("h1").count();
      if (h1 !== 1) {
        fail(`${p}: ${h1} h1 elements`);
      }
      if (js) {
        if (problems.length) {
          fail(`${p}: console errors: ${problems.join(" | ")}`);
        }
        // axe is injected through the devtools protocol, so the page's CSP
        // does not block it.
        await page.evaluate(axeSource);
        const result = await page.evaluate(() =>
          window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }),
        );
        if (result.violations.length) {
          for (const v of result.violations) {
            fail(`${p}: axe ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
          }
        } else {
          pass(`${p}: axe, ${result.passes.length} rules passed, no violations`);
        }
      } else {
        // Without JavaScript the gated documents are visible after the disclaimer.
        const gated = await page.locator("[data-mip-gate]").count();
        if (gated) {
          const hidden = await page.locator("#documents[hidden], #search-results[hidden]").count();
          if (hidden) {
            fail(`${p}: without JavaScript the results are hidden`);
          } else {
            pass(`${p}: without JavaScript the disclaimer is shown and the results are reachable`);
          }
        }
      }
      await page.close();
    }
    await context.close();
  }
}

// The old portal's addresses reach the new pages through the static pages
// and redirect.js (the _redirects file does it on hosts that read it).
async function legacyRedirects(browser, base) {
  const letters = JSON.parse(await readFile(path.join(site, "api/v1/letters.json"), "utf8")).letters;
  const letter = letters.find((l) => l.substances > 0 && l.products > 0);
  const index = JSON.parse(await readFile(path.join(site, "api/v1/letters", letter.letter.toLowerCase() + ".json"), "utf8"));
  const sub = index.substances[0];
  const prod = index.products[0];
  const cases = [
    ["/?search=para%20cetamol", "/search/?q=para%20cetamol"],
    [`/?letter=${letter.letter.toLowerCase()}`, `/a-z/${letter.letter.toLowerCase()}/`],
    [`/?substance=${encodeURIComponent(sub.name.toUpperCase())}`, `/substances/${sub.id}/`],
    [`/product/?product=${encodeURIComponent(prod.name)}`, `/products/${prod.id}/`],
  ];
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const [from, to] of cases) {
    await page.goto(base + from);
    try {
      await page.waitForURL((u) => u.pathname + u.search === to, { timeout: 5000 });
      pass(`redirect: ${from} → ${to}`);
    } catch {
      const u = new URL(page.url());
      fail(`redirect: ${from} went to ${u.pathname + u.search}, want ${to}`);
    }
  }
  await context.close();
}

async function tabTo(page, pred, limit = 200) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const hit = await page.evaluate(pred);
    if (hit) {
      return true;
    }
  }
  return false;
}

// Keyboard only: home → letter → substance → product → the gate → a PDF link.
async function keyboardWalk(browser, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + "/", { waitUntil: "load" });
  const steps = [
    ["a letter of the A to Z", () => /^\/a-z\/[a-z0-9]\/$/.test(new URL(document.activeElement.href || "x:", location).pathname)],
    ["a substance", () => /^\/substances\//.test(new URL(document.activeElement.href || "x:", location).pathname)],
    ["a product", () => /^\/products\//.test(new URL(document.activeElement.href || "x:", location).pathname)],
  ];
  for (const [what, pred] of steps) {
    if (!(await tabTo(page, pred))) {
      fail(`keyboard: could not reach ${what} from ${new URL(page.url()).pathname}`);
      return context.close();
    }
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  }
  const productURL = new URL(page.url()).pathname;
  if (!(await tabTo(page, () => document.activeElement.textContent.includes("I understand") && document.activeElement.tagName === "BUTTON"))) {
    fail(`keyboard: no disclaimer button on ${productURL}`);
    return context.close();
  }
  await page.keyboard.press("Enter");
  if (await page.evaluate(() => window.localStorage.length) !== 0) {
    fail("the disclaimer answer was stored without the user asking");
  }
  if (!(await tabTo(page, () => /\/docs\/[0-9a-f]{64}\.pdf$/.test(document.activeElement.href || "")))) {
    fail(`keyboard: could not reach a PDF link on ${productURL}`);
    return context.close();
  }
  const href = await page.evaluate(() => document.activeElement.href);
  const res = await page.request.get(href);
  if (res.status() !== 200 || res.headers()["content-type"] !== "application/pdf") {
    fail(`keyboard: the PDF link ${href} gives ${res.status()} ${res.headers()["content-type"]}`);
  } else {
    pass(`keyboard: home → letter → substance → ${productURL} → disclaimer → ${new URL(href).pathname}`);
  }
  // Asked to remember: stored, and the gate is not shown again.
  await page.reload({ waitUntil: "load" });
  if (!(await page.locator("#documents").isHidden())) {
    fail("an answer that was not to be remembered was remembered");
  }
  await page.locator("input[name=remember]").check();
  await page.getByRole("button", { name: /I understand/ }).click();
  await page.reload({ waitUntil: "load" });
  if ((await page.evaluate(() => window.localStorage.getItem("mip-disclaimer-accepted"))) !== "yes" || (await page.locator("#documents").isHidden())) {
    fail("an answer the user asked to remember was not remembered");
  } else {
    pass("disclaimer: stored only when the user asks, and then not asked again");
  }
  await context.close();
}

function nuCheck(files) {
  const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
  const r = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) {
    fail(`Nu HTML Checker: ${r.error.message}`);
    return;
  }
  const messages = JSON.parse(r.stderr || "{\"messages\":[]}").messages.filter((m) => m.type === "error");
  for (const m of messages) {
    fail(`html: ${new URL(m.url).pathname}:${m.lastLine}: ${m.message}`);
  }
  if (!messages.length) {
    pass(`Nu HTML Checker: ${files.length} pages, no errors`);
  }
}

async function schemaCheck(files) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const dir = path.join(site, "api/v1/schemas");
  const schemas = {};
  for (const f of await readdir(dir)) {
    if (f.endsWith(".schema.json")) {
      schemas[f] = ajv.compile(JSON.parse(await readFile(path.join(dir, f), "utf8")));
    }
  }
  const rules = [
    [/^api\/v1\/documents\/[0-9a-f]{64}\.json$/, "document.schema.json"],
    [/^api\/v1\/products\/[^/]+\.json$/, "product.schema.json"],
    [/^api\/v1\/substances\/[^/]+\.json$/, "substance.schema.json"],
    [/^api\/v1\/letters\/[a-z0-9]\.json$/, "letter.schema.json"],
    [/^api\/v1\/letters\.json$/, "letters.schema.json"],
    [/^api\/v1\/build\.json$/, "build.schema.json"],
    [/^api\/v1\/changes\.json$/, "changes.schema.json"],
    [/^api\/v1\/history\.json$/, "history.schema.json"],
  ];
  let n = 0;
  for (const file of files) {
    const rel = path.relative(site, file);
    if (rel === "api/v1/products.ndjson") {
      const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
      lines.forEach((line, i) => {
        n++;
        if (!schemas["product.schema.json"](JSON.parse(line))) {
          fail(`${rel}:${i + 1}: ${ajv.errorsText(schemas["product.schema.json"].errors)}`);
        }
      });
      continue;
    }
    // _manifest.json is the build's own record of the output (mip verify,
    // mip publish), never uploaded: not open data.
    if (!rel.endsWith(".json") || rel.startsWith("api/v1/schemas/") || rel === "_manifest.json") {
      continue;
    }
    const rule = rules.find(([re]) => re.test(rel));
    if (!rule) {
      fail(`${rel}: no schema describes it`);
      continue;
    }
    n++;
    const validate = schemas[rule[1]];
    if (!validate(JSON.parse(await readFile(file, "utf8")))) {
      fail(`${rel}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  pass(`JSON Schemas: ${n} documents checked`);
}

const files = await walk(site);
const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const fixture = await serve(path.resolve(import.meta.dirname, "../../searchidx/testdata/conformance/idx"));
const fixtureBase = `http://127.0.0.1:${fixture.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  await searchChecks(browser, { base, fixtureBase, pass, fail });
  if (!process.env.SEARCH_ONLY) {
    await axeCheck(browser, base, await pagesToCheck());
    await keyboardWalk(browser, base);
    await legacyRedirects(browser, base);
  }
} finally {
  await browser.close();
  server.close();
  fixture.close();
}
if (process.env.SEARCH_ONLY) {
  process.exit(failures ? 1 : 0);
}
const extra = [];
for (const dir of process.argv.slice(3)) {
  extra.push(...(await walk(path.resolve(dir))).filter((f) => f.endsWith(".html")));
}
nuCheck([...files.filter((f) => f.endsWith(".html")), ...extra]);
await schemaCheck(files);
if (failures) {
  console.error(`${failures} problem(s)`);
  process.exit(1);
}
console.log("all browser, HTML and JSON checks passed");

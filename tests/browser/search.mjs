// End-to-end checks of the /search/ page in headless Chromium, under the
// site's CSP. Most run against the conformance index
// (searchidx/testdata/conformance/idx, served at /search/idx/), whose
// documents are known; one runs against the built site's own index.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export async function searchChecks(browser, { base, fixtureBase, pass, fail }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(m.text()));
  page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") && problems.push(`${r.status()} ${r.url()}`));
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("dialog", (d) => {
    problems.push("a dialog opened: " + d.message());
    d.dismiss();
  });
  const check = (ok, msg) => (ok ? pass("search: " + msg) : fail("search: " + msg));
  const status = () => page.locator("#search-status");
  const headings = () => page.locator(".mip-result__heading").allInnerTexts();
  // changed waits for the status to say something other than before: the
  // URL changes before the new results are drawn.
  const changed = async (before) => {
    await page.waitForFunction((b) => {
      const s = document.querySelector("#search-status");
      return s && s.textContent !== "" && s.textContent !== b;
    }, before, { timeout: 10000 });
  };
  const settled = async (want) => {
    await page.waitForFunction((w) => {
      const s = document.querySelector("#search-status");
      return s && s.textContent !== "" && (!w || new RegExp(w).test(s.textContent));
    }, want, { timeout: 10000 });
  };

  try {
    // The disclaimer comes first; the answer is not remembered.
    await page.goto(fixtureBase + "/search/");
    check(await page.locator("#search-results").isHidden(), "results hidden behind the disclaimer");
    await page.getByRole("button", { name: /I understand/ }).click();
    await page.locator("#search").pressSequentially("paracetanol", { delay: 40 });
    await settled();
    check(new URLSearchParams(new URL(page.url()).search).get("q") === "paracetanol", "the typed query is in the URL");
    check(await page.locator("#search-results").isVisible(), "results shown after the disclaimer");
    const corrected = await page.locator(".mip-corrected").innerText();
    check(/Showing results for paracetamol/.test(corrected) && /Search instead for paracetanol/.test(corrected), `misspelt name corrected: ${corrected}`);
    check((await headings())[0] === "para-spc", `misspelt name finds the product first: ${(await headings())[0]}`);
    await page.getByRole("link", { name: /Search instead for/ }).click();
    await settled("No results");
    check(new URL(page.url()).searchParams.get("exact") === "1", "the exact search is in the URL");
    check(await page.getByText("There are no matching results").isVisible(), "no-results guidance shown");
    check(await page.locator("#search-results").getByRole("link", { name: "A to Z of active substances" }).isVisible(), "no-results guidance links the A to Z");

    // Results as you type, with the query in the URL.
    await page.locator("#search").fill("");
    await page.locator("#search").pressSequentially("tablets", { delay: 30 });
    await page.waitForFunction(() => new URLSearchParams(location.search).get("q") === "tablets");
    await settled("^[0-9,]+ results");
    const all = await status().innerText();
    const total = parseInt(all.replace(/,/g, ""), 10);
    check(total > 20 && /page 1 of/.test(all), `typing searches: ${all}`);
    check((await page.locator(".mip-result mark").count()) > 0, "query words marked in results");

    // Filter by type.
    await page.getByLabel(/Patient Information Leaflet \(\d+\)/).check();
    await page.waitForFunction(() => new URLSearchParams(location.search).getAll("type").includes("PIL"));
    await changed(all);
    const tags = await page.locator(".mip-result .govuk-tag").allInnerTexts();
    check(tags.length > 0 && tags.every((t) => t === "PIL"), `type filter: ${tags.join(" ")}`);
    const filtered = await status().innerText();
    const firstPage = await headings();

    // Page 2, then back.
    await page.locator(".govuk-pagination__next a").click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get("page") === "2");
    await settled("page 2");
    check((await page.locator(".mip-results").getAttribute("start")) === "11", "page 2 numbers results from 11");
    check(await page.evaluate(() => document.activeElement.id === "results-heading"), "focus moves to the results on a new page");
    const secondPage = await headings();
    check(secondPage.length > 0 && secondPage[0] !== firstPage[0], "page 2 shows other results");
    await page.goBack();
    await settled("page 1");
    check(JSON.stringify(await headings()) === JSON.stringify(firstPage) && (await status().innerText()) === filtered, "back restores page 1 with the filter");
    check(await page.getByLabel(/Patient Information Leaflet/).isChecked(), "back keeps the filter ticked");
    await page.reload();
    await page.getByRole("button", { name: /I understand/ }).click();
    await settled();
    check(JSON.stringify(await headings()) === JSON.stringify(firstPage), "a reload gives the same view");

    // Territory: Northern Ireland keeps NI, UK-wide and unknown-territory documents.
    const beforeNI = await status().innerText();
    await page.getByLabel(/Northern Ireland/).check();
    await page.waitForFunction(() => new URLSearchParams(location.search).get("territory") === "NI");
    await changed(beforeNI);
    const niCount = parseInt((await page.locator("label[for=territory-NI]").innerText()).match(/\((\d+)\)/)[1], 10);
    check(parseInt((await status().innerText()).replace(/,/g, ""), 10) === niCount, `territory filter: ${await status().innerText()}, label said ${niCount}`);

    // Active substance: choosing one keeps the results with it, as many as its label said.
    const subLabel = page.locator("label[for=substance-1]");
    if (await subLabel.count()) {
      const want = parseInt((await subLabel.innerText()).match(/\((\d+)\)/)[1], 10);
      const beforeSub = await status().innerText();
      await page.locator("#substance-1").check();
      await page.waitForFunction(() => new URLSearchParams(location.search).has("substance"));
      if (want !== parseInt(beforeSub.replace(/,/g, ""), 10)) await changed(beforeSub);
      check(parseInt((await status().innerText()).replace(/,/g, ""), 10) === want, `substance filter: ${await status().innerText()}, label said ${want}`);
      check(await page.locator("#substance-1").isChecked(), "the chosen substance stays ticked");
    } else {
      check(false, "no active substance filter after a search");
    }

    // A corrected word among others: the others stay as typed.
    await page.locator("#search").fill("paracetanol tablets");
    await page.waitForFunction(() => /Showing results for/.test(document.querySelector(".mip-corrected")?.textContent || "") && new URLSearchParams(location.search).get("q") === "paracetanol tablets");
    const shown = await page.locator(".mip-corrected strong").first().innerText();
    check(shown === "paracetamol tablets", `correction shown in the words typed: ${shown}`);

    // Licence number.
    await page.goto(fixtureBase + "/search/?q=" + encodeURIComponent("PL 12345/0001"));
    await page.getByRole("button", { name: /I understand/ }).click();
    await settled();
    const lic = await headings();
    check(lic[0] === "para-spc" && lic[1] === "para-pil", `licence number finds its documents: ${lic.slice(0, 2)}`);

    // Section-restricted search: the word is in section 4.8 of one SPC.
    await page.goto(fixtureBase + "/search/?q=hepatotoxicity&section=side-effects");
    await page.getByRole("button", { name: /I understand/ }).click();
    await settled();
    const matched = await page.locator(".mip-result__facts").allInnerTexts();
    check(matched.length === 1 && /Matched in\s*section 4\.8 of the SPC/.test(matched[0]), `section search finds the word in side effects: ${matched}`);
    check((await page.locator("#search-section").inputValue()) === "side-effects", "section shown in its select");
    await page.locator("#search-section").selectOption("indications");
    await page.waitForFunction(() => new URLSearchParams(location.search).get("section") === "indications");
    await settled("No results");
    check(true, "the same word restricted to indications finds nothing");

    // A product name with markup shows as text.
    await page.goto(fixtureBase + "/search/?q=boldamine");
    await page.getByRole("button", { name: /I understand/ }).click();
    await settled();
    const xss = await headings();
    check(xss[0] === "<img src=x onerror=alert(1)> 10MG CAPSULES", `markup in a product name is text: ${xss[0]}`);
    check((await page.locator("#search-results img, #search-results script, #search-results b").count()) === 0, "no element made from data");
    check((await page.locator(".mip-result__snippet").first().innerText()).includes("<script>alert(2)</script>"), "markup in a snippet is text");

    // axe on a results page with filters and pagination.
    await page.goto(fixtureBase + "/search/?q=tablets&type=SPC&page=2");
    await page.getByRole("button", { name: /I understand/ }).click();
    await settled();
    await page.evaluate(await readFile(require.resolve("axe-core/axe.min.js"), "utf8"));
    const axe = await page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }),
    );
    check(axe.violations.length === 0, `axe on a results page: ${axe.violations.map((v) => v.id + " " + v.nodes.map((n) => n.target).join(",")).join("; ") || "no violations"}`);

    // The site's own index: a result links its document page and its PDF.
    await page.goto(base + "/search/?q=ibuprofen");
    await page.getByRole("button", { name: /I understand/ }).click();
    await settled();
    const doc = await page.locator(".mip-result__heading a").first().getAttribute("href");
    const pdf = await page.locator(".mip-result a[type='application/pdf']").first().getAttribute("href");
    const pdfText = await page.locator(".mip-result a[type='application/pdf']").first().locator("xpath=..").innerText();
    check(/^\/documents\/[0-9a-f]{64}\/$/.test(doc) && pdf === doc.replace(/^\/documents\/(\w+)\/$/, "/docs/$1.pdf") && /\(PDF, \d+ KB\)/.test(pdfText), `site index: ${doc} ${pdf} ${pdfText.replace(/\s+/g, " ")}`);
    const docPage = await page.request.get(base + doc);
    check(docPage.ok(), "the result's document page exists");
    check(problems.length === 0, `no console errors${problems.length ? ": " + problems.join(" | ") : ""}`);

    // The index cannot be reached: a clear message, with the A to Z.
    const down = await context.newPage();
    await down.route("**/search/idx/**", (r) => r.abort());
    await down.goto(fixtureBase + "/search/?q=paracetamol");
    await down.getByRole("button", { name: /I understand/ }).click();
    await down.waitForFunction(() => /not available/.test(document.querySelector("#search-status")?.textContent || ""), null, { timeout: 10000 });
    check(await down.locator("#search-results").getByRole("link", { name: "A to Z of active substances" }).isVisible(), "index unreachable: message with the A to Z");
  } catch (e) {
    fail("search: " + e.message.split("\n")[0]);
  } finally {
    await context.close();
  }
}

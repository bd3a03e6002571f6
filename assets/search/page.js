// The /search/ page: reads the query, filters, section and page from the
// URL, searches the index at /search/idx/ as the person types, and writes
// the results into #search-results. Every piece of data goes into the page
// as a text node; query words are marked with <mark> elements.
import { Index } from "./engine.js";
import { parseQuery, analyze, fold } from "./analysis.js";
import { loader } from "./load.js";

const TYPES = {
  SPC: "Summary of Product Characteristics",
  PIL: "Patient Information Leaflet",
  PAR: "Public Assessment Report",
};
const SECTIONS = {
  indications: "Indications (SPC 4.1)",
  posology: "Dose (SPC 4.2)",
  contraindications: "Contraindications (SPC 4.3)",
  warnings: "Warnings and precautions (SPC 4.4)",
  interactions: "Interactions (SPC 4.5)",
  pregnancy: "Pregnancy and breast-feeding (SPC 4.6)",
  driving: "Driving and using machines (SPC 4.7)",
  "side-effects": "Side effects (SPC 4.8, leaflet section 4)",
  overdose: "Overdose (SPC 4.9)",
  uses: "What the medicine is used for (leaflet section 1)",
  "before-use": "Before using the medicine (leaflet section 2)",
  "how-to-use": "How to use the medicine (leaflet section 3)",
  storage: "How to store the medicine (leaflet section 5)",
  contents: "Contents of the pack (leaflet section 6)",
};
const PAGE_SIZE = 10;
const MONTHS = "January February March April May June July August September October November December".split(" ");

const load = loader("/search/idx/");

let index = null;
const open = () => {
  if (!index) {
    index = Index.open(load);
    index.catch(() => (index = null));
  }
  return index;
};

// el builds an element: el("p", {class: "x"}, "text", child…).
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k);
  return e;
}

// state is what the URL says.
function state() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    types: p.getAll("type").filter((t) => t in TYPES),
    territory: ["GB", "NI"].includes(p.get("territory")) ? p.get("territory") : "",
    substance: (p.get("substance") || "").trim(),
    section: p.get("section") || "",
    page: Math.max(1, parseInt(p.get("page"), 10) || 1),
    exact: p.get("exact") === "1",
  };
}

function href(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const t of s.types) p.append("type", t);
  if (s.territory) p.set("territory", s.territory);
  if (s.substance) p.set("substance", s.substance);
  if (s.section) p.set("section", s.section);
  if (s.exact) p.set("exact", "1");
  if (s.page > 1) p.set("page", s.page);
  const qs = p.toString();
  return location.pathname + (qs ? "?" + qs : "");
}

const results = document.getElementById("search-results");
const input = document.getElementById("search");
const form = input && input.form;
const baseTitle = document.title;
let seq = 0;
let status;
let body;
let filters;

function date(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return d ? `${d} ${MONTHS[m - 1]} ${y}` : "";
}

function size(n) {
  return n < 1048576 ? `${Math.max(1, Math.ceil(n / 1024))} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

const sectionLabel = (id) => {
  const [doc, num] = id.split("-");
  return doc === "spc" ? `section ${num} of the SPC` : `section ${num} of the leaflet`;
};

// marked returns text as nodes, with the words whose search terms are
// among terms (or start with prefix) inside <mark>.
function marked(text, terms, prefix) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(/[\p{L}\p{Nd}]+(?:[.%][\p{Nd}%]+)*/gu)) {
    const hit = analyze(m[0], false).some((t) => terms.has(t.term) || (prefix && t.term.startsWith(prefix)));
    if (!hit) continue;
    out.push(text.slice(last, m.index), el("mark", {}, m[0]));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

function link(s, text, attrs) {
  const a = el("a", { class: "govuk-link", href: href(s), ...attrs }, ...[].concat(text));
  a.addEventListener("click", (e) => {
    if (e.button || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    history.pushState(null, "", href(s));
    run(true);
  });
  return a;
}

function pagination(s, pages) {
  const nav = el("nav", { class: "govuk-pagination", "aria-label": "Results pages" });
  const svg = (d, cls) => {
    const ns = "http://www.w3.org/2000/svg";
    const g = document.createElementNS(ns, "svg");
    for (const [k, v] of Object.entries({ class: "govuk-pagination__icon govuk-pagination__icon--" + cls, height: 13, width: 15, "aria-hidden": "true", focusable: "false", viewBox: "0 0 15 13" })) g.setAttribute(k, v);
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", d);
    g.append(p);
    return g;
  };
  const title = (t) => el("span", { class: "govuk-pagination__link-title" }, t, el("span", { class: "govuk-visually-hidden" }, " page"));
  if (s.page > 1) {
    nav.append(el("div", { class: "govuk-pagination__prev" }, link({ ...s, page: s.page - 1 }, [svg("m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z", "prev"), title("Previous")], { class: "govuk-link govuk-pagination__link", rel: "prev" })));
  }
  const list = el("ul", { class: "govuk-pagination__list" });
  let gap = false;
  for (let p = 1; p <= pages; p++) {
    if (p !== 1 && p !== pages && Math.abs(p - s.page) > 1) {
      if (!gap) list.append(el("li", { class: "govuk-pagination__item govuk-pagination__item--ellipsis" }, "\u22ef"));
      gap = true;
      continue;
    }
    gap = false;
    const cur = p === s.page;
    list.append(el("li", { class: "govuk-pagination__item" + (cur ? " govuk-pagination__item--current" : "") },
      link({ ...s, page: p }, String(p), { class: "govuk-link govuk-pagination__link", "aria-label": "Page " + p, "aria-current": cur && "page" })));
  }
  nav.append(list);
  if (s.page < pages) {
    nav.append(el("div", { class: "govuk-pagination__next" }, link({ ...s, page: s.page + 1 }, [title("Next"), svg("m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z", "next")], { class: "govuk-link govuk-pagination__link", rel: "next" })));
  }
  return nav;
}

function result(h, terms, prefix) {
  const c = h.card;
  const sha = (c.url.match(/^\/documents\/([0-9a-f]{64})\/$/) || [])[1];
  const facts = el("dl", { class: "govuk-body-s mip-result__facts" });
  const fact = (k, v) => v && facts.append(el("dt", {}, k), el("dd", {}, v));
  fact(c.substances.length > 1 ? "Active substances" : "Active substance", c.substances.join(", "));
  fact(c.licences.length > 1 ? "Licence numbers" : "Licence number", c.licences.join(", "));
  fact("Date", c.date && date(c.date));
  fact("Matched in", h.section && sectionLabel(h.section));
  return el("li", { class: "mip-result" },
    el("strong", { class: "govuk-tag mip-tag--" + c.type.toLowerCase(), title: TYPES[c.type] }, c.type),
    el("h3", { class: "govuk-heading-s mip-result__heading" }, el("a", { class: "govuk-link", href: c.url }, ...marked(c.product || c.title, terms, prefix))),
    c.product && el("p", { class: "govuk-body mip-result__title" }, c.title),
    facts,
    c.snippet && el("p", { class: "govuk-body mip-result__snippet" }, ...marked(c.snippet, terms, prefix)),
    sha && el("p", { class: "govuk-body-s" },
      el("a", { class: "govuk-link", href: `/docs/${sha}.pdf`, type: "application/pdf" }, "Open PDF", el("span", { class: "govuk-visually-hidden" }, ", " + c.title)),
      ` (PDF, ${size(c.size)})`),
  );
}

function noResults(s) {
  return [
    el("h3", { class: "govuk-heading-s" }, "There are no matching results"),
    el("p", { class: "govuk-body" }, "Improve your search results by:"),
    el("ul", { class: "govuk-list govuk-list--bullet" },
      el("li", {}, "checking the spelling of the medicine or substance"),
      el("li", {}, "searching by active substance (for example paracetamol) rather than brand"),
      el("li", {}, "searching a licence number as written on the pack, for example PL 12345/0010"),
      (s.types.length || s.territory || s.substance || s.section) && el("li", {}, "removing filters or searching the whole document"),
      el("li", {}, "browsing the ", el("a", { class: "govuk-link", href: "/a-z/" }, "A to Z of active substances"))),
  ];
}

function setup() {
  status = el("p", { class: "govuk-body govuk-!-font-weight-bold", role: "status", id: "search-status" });
  filters = el("form", { class: "mip-filters", "aria-label": "Filter results" });
  body = el("div", {});
  results.replaceChildren(
    el("h2", { class: "govuk-heading-m", id: "results-heading", tabindex: "-1" }, "Results"),
    status,
    el("div", { class: "govuk-grid-row" },
      el("div", { class: "govuk-grid-column-one-third" }, filters),
      el("div", { class: "govuk-grid-column-two-thirds" }, body)),
  );
  results.removeAttribute("aria-live");
  filters.addEventListener("change", () => {
    const s = { ...state(), page: 1 };
    s.types = [...filters.querySelectorAll("input[name=type]:checked")].map((i) => i.value);
    s.section = filters.querySelector("select").value;
    s.territory = filters.querySelector("input[name=territory]:checked").value;
    const sub = filters.querySelector("input[name=substance]:checked");
    s.substance = sub ? sub.value : "";
    history.pushState(null, "", href(s));
    run(false);
  });
  filters.addEventListener("submit", (e) => e.preventDefault());
}

function drawFilters(s, m, res) {
  const prev = document.activeElement;
  const focusId = prev && filters.contains(prev) ? prev.id : null;
  const boxes = el("div", { class: "govuk-checkboxes govuk-checkboxes--small" });
  for (const t of Object.keys(TYPES)) {
    const n = (res && res.facets.types[t]) || 0;
    boxes.append(el("div", { class: "govuk-checkboxes__item" },
      el("input", { class: "govuk-checkboxes__input", id: "type-" + t, name: "type", type: "checkbox", value: t, checked: s.types.includes(t) }),
      el("label", { class: "govuk-label govuk-checkboxes__label", for: "type-" + t }, `${TYPES[t]} (${n})`)));
  }
  const terr = (res && res.facets.territories) || {};
  const within = (t) => (terr[t] || 0) + (terr.UK || 0) + (terr[""] || 0);
  const radios = el("div", { class: "govuk-radios govuk-radios--small" });
  for (const [v, label, n] of [["", "All of the UK", Object.values(terr).reduce((a, b) => a + b, 0)], ["GB", "Great Britain", within("GB")], ["NI", "Northern Ireland", within("NI")]]) {
    radios.append(el("div", { class: "govuk-radios__item" },
      el("input", { class: "govuk-radios__input", id: "territory-" + (v || "all"), name: "territory", type: "radio", value: v, checked: s.territory === v }),
      el("label", { class: "govuk-label govuk-radios__label", for: "territory-" + (v || "all") }, `${label} (${n})`)));
  }
  // Active substances: those of the results shown (and the one chosen),
  // with how many results each keeps; the engine counts them.
  const subCounts = (res && res.facets.substances) || {};
  const names = new Map();
  for (const h of (res && res.hits) || []) for (const n of h.card.substances) if (!names.has(fold(n.trim()))) names.set(fold(n.trim()), n.trim());
  if (s.substance && !names.has(fold(s.substance))) names.set(fold(s.substance), s.substance);
  const chosen = s.substance ? fold(s.substance) : "";
  const subs = el("div", { class: "govuk-radios govuk-radios--small" });
  const subItems = [["", "Any", null], ...[...names].sort((a, b) => (subCounts[b[0]] || 0) - (subCounts[a[0]] || 0) || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => [n, n, subCounts[k] || 0])];
  subItems.forEach(([v, label, n], i) => {
    subs.append(el("div", { class: "govuk-radios__item" },
      el("input", { class: "govuk-radios__input", id: "substance-" + i, name: "substance", type: "radio", value: v, checked: v ? fold(v) === chosen : !chosen }),
      el("label", { class: "govuk-label govuk-radios__label", for: "substance-" + i }, n === null ? label : `${label} (${n})`)));
  });
  const select = el("select", { class: "govuk-select", id: "search-section", name: "section" }, el("option", { value: "" }, "The whole document"));
  for (const name of new Set(m.sections.map((d) => d.name))) {
    select.append(el("option", { value: name, selected: s.section === name }, SECTIONS[name] || name));
  }
  filters.replaceChildren(...[
    el("div", { class: "govuk-form-group" }, el("fieldset", { class: "govuk-fieldset" },
      el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, "Document type"), boxes)),
    el("div", { class: "govuk-form-group" }, el("fieldset", { class: "govuk-fieldset" },
      el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, "Where the medicine is licensed"), radios)),
    names.size > 0 ? el("div", { class: "govuk-form-group" }, el("fieldset", { class: "govuk-fieldset" },
      el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, "Active substance"), subs)) : null,
    el("div", { class: "govuk-form-group" },
      el("label", { class: "govuk-label govuk-label--s", for: "search-section" }, "Search within"), select),
  ].filter(Boolean));
  if (focusId) document.getElementById(focusId).focus();
}

// run searches what the URL says and shows it; focus moves to the results
// when the person asked for another page.
async function run(moveFocus) {
  const s = state();
  const mine = ++seq;
  if (input && document.activeElement !== input) input.value = s.q;
  document.title = (s.q ? `${s.q} – ` : "") + baseTitle;
  if (!s.q.trim()) {
    body.replaceChildren();
    status.textContent = "";
    filters.replaceChildren();
    return;
  }
  let ix;
  let res;
  try {
    // A second try with a fresh manifest: a deploy since the page opened
    // renames the shards the old manifest names.
    for (let i = 0; ; i++) {
      try {
        ix = await open();
        const section = ix.m.sections.some((d) => d.name === s.section || d.id === s.section) ? s.section : "";
        res = await ix.search({ query: s.q, types: s.types, territory: s.territory, substance: s.substance, substanceCounts: true, section, page: s.page - 1, pageSize: PAGE_SIZE, noCorrect: s.exact });
        break;
      } catch (e) {
        index = null;
        if (i > 0 || mine !== seq) throw e;
      }
    }
  } catch (e) {
    if (mine !== seq) return;
    index = null;
    status.textContent = "Search is not available at the moment";
    body.replaceChildren(
      el("h3", { class: "govuk-heading-s" }, "Sorry, search is not working at the moment"),
      el("p", { class: "govuk-body" }, "Try again in a few minutes. You can still find every medicine through the ",
        el("a", { class: "govuk-link", href: "/a-z/" }, "A to Z of active substances"), "."),
    );
    filters.replaceChildren();
    console.warn("search:", e);
    return;
  }
  if (mine !== seq) return;
  drawFilters(s, ix.m, res);
  const q = parseQuery(s.q);
  const fixes = new Map(res.corrections.map((c) => [c.from, c.to]));
  const terms = new Set(q.tokens.map((t) => fixes.get(t.term) || t.term).concat(res.completions));
  const prefix = q.open && q.tokens.length ? q.tokens[q.tokens.length - 1].term : "";
  const kids = [];
  if (res.corrected) {
    // What was typed, with each corrected word replaced; the engine's own
    // form (its stems) when a correction is inside a longer word.
    let shown = s.q.trim().split(/\s+/).map((w) => {
      const t = parseQuery(w + " ").tokens;
      return t.length === 1 && fixes.has(t[0].term) ? fixes.get(t[0].term) : w;
    }).join(" ");
    if (shown === s.q.trim()) shown = res.corrected;
    kids.push(el("p", { class: "govuk-body mip-corrected" }, "Showing results for ", el("strong", {}, shown), ". ",
      link({ ...s, page: 1, exact: true }, ["Search instead for ", el("strong", {}, s.q.trim())])));
  }
  if (res.fallback && res.total) {
    kids.push(el("p", { class: "govuk-body" }, "No document holds every word you searched for. These results hold some of them."));
  }
  const pages = Math.ceil(res.total / PAGE_SIZE);
  if (!res.total) {
    kids.push(...noResults(s));
  } else if (!res.hits.length) {
    kids.push(el("p", { class: "govuk-body" }, "There are no results on this page. ", link({ ...s, page: 1 }, "Go to the first page of results")));
  } else {
    kids.push(el("ol", { class: "govuk-list mip-results", start: (s.page - 1) * PAGE_SIZE + 1 }, ...res.hits.map((h) => result(h, terms, prefix))));
    if (pages > 1) kids.push(pagination(s, pages));
  }
  body.replaceChildren(...kids);
  const n = res.total.toLocaleString("en-GB");
  status.textContent = (res.total === 0 ? "No results" : res.total === 1 ? "1 result" : `${n} results`) + (pages > 1 ? `, page ${s.page} of ${pages}` : "");
  if (moveFocus) {
    const h = document.getElementById("results-heading");
    h.focus();
  }
}

if (results && input && form) {
  setup();
  open().catch(() => {}); // the manifest, before the first query
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const s = { ...state(), q: input.value, page: 1, exact: false };
      if (s.q === state().q) return;
      history.replaceState(null, "", href(s));
      run(false);
    }, 250);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    const s = { ...state(), q: input.value, page: 1, exact: false };
    history.pushState(null, "", href(s));
    run(false);
  });
  window.addEventListener("popstate", () => run(false));
  run(false);
}

// Sends the old portal's addresses (/?search=, /?letter=, /?substance=,
// /product/?product=) to the new pages. The _redirects file does the same on
// hosts that read it; this serves every other host.
const params = new URLSearchParams(window.location.search);

function letterOf(name) {
  const folded = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toUpperCase();
  const m = folded.match(/[A-Z0-9]/);
  return m ? m[0] : "";
}

async function lookup(kind, name) {
  const letter = letterOf(name);
  if (!letter) {
    return "";
  }
  const res = await fetch(`/api/v1/letters/${letter.toLowerCase()}.json`);
  if (!res.ok) {
    return "";
  }
  const index = await res.json();
  const want = name.trim().toLowerCase().replace(/\s+/g, " ");
  const list = kind === "product" ? index.products : index.substances;
  const hit = list.find((x) => x.name.toLowerCase() === want);
  return hit ? `/${kind === "product" ? "products" : "substances"}/${hit.id}/` : "";
}

async function target() {
  if (params.has("search")) {
    return `/search/?q=${encodeURIComponent(params.get("search"))}`;
  }
  if (params.has("letter")) {
    const l = letterOf(params.get("letter"));
    return l ? `/a-z/${l.toLowerCase()}/` : "/a-z/";
  }
  if (params.has("substance")) {
    return (await lookup("substance", params.get("substance"))) || `/search/?q=${encodeURIComponent(params.get("substance"))}`;
  }
  if (params.has("product")) {
    return (await lookup("product", params.get("product"))) || `/search/?q=${encodeURIComponent(params.get("product"))}`;
  }
  return "";
}

target().then((url) => {
  if (url) {
    window.location.replace(url);
  }
});

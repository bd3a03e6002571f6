// Fetching index files: network failures and server errors (5xx, 408, 429)
// are retried with backoff; any other failure (a 404 after a deploy
// renamed the files) is not. The manifest is revalidated; every other
// file is named by its content and cached as immutable.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// loader returns load(name) → Promise<Uint8Array> for the files under base.
export function loader(base, { fetch = globalThis.fetch, tries = 3, delay = 300 } = {}) {
  return async (name) => {
    for (let i = 0; ; i++) {
      let retry = true;
      try {
        const r = await fetch(base + name, name === "manifest.bin" ? { cache: "no-cache" } : {});
        if (r.ok) return new Uint8Array(await r.arrayBuffer());
        retry = r.status >= 500 || r.status === 408 || r.status === 429;
        throw new Error(`${name}: HTTP ${r.status}`);
      } catch (e) {
        if (!retry || i >= tries - 1) throw e;
      }
      await sleep(delay * 3 ** i);
    }
  };
}

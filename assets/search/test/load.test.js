// Fetching with retries (load.js), with a fake fetch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loader } from "../load.js";

function fake(answers) {
  const calls = [];
  const fetch = async (url, opts) => {
    calls.push([url, opts]);
    const a = answers.shift();
    if (a instanceof Error) throw a;
    return { ok: a === 200, status: a, arrayBuffer: async () => new Uint8Array([1, 2, 3]).buffer };
  };
  return { fetch, calls };
}

test("transient failures are retried, then the file is returned", async () => {
  const f = fake([503, new TypeError("network"), 200]);
  const b = await loader("/idx/", { fetch: f.fetch, delay: 1 })("t-ab-0.bin");
  assert.deepEqual([...b], [1, 2, 3]);
  assert.equal(f.calls.length, 3);
  assert.equal(f.calls[0][0], "/idx/t-ab-0.bin");
});

test("a missing file is not retried", async () => {
  const f = fake([404, 200]);
  await assert.rejects(loader("/idx/", { fetch: f.fetch, delay: 1 })("c-ab-0.bin"), /HTTP 404/);
  assert.equal(f.calls.length, 1);
});

test("retries stop after the last try", async () => {
  const f = fake([500, 502, 503, 200]);
  await assert.rejects(loader("/idx/", { fetch: f.fetch, delay: 1 })("t-ab-1.bin"), /HTTP 503/);
  assert.equal(f.calls.length, 3);
});

test("the manifest is revalidated, other files are not", async () => {
  const f = fake([200, 200]);
  const load = loader("/idx/", { fetch: f.fetch, delay: 1 });
  await load("manifest.bin");
  await load("t-ab-2.bin");
  assert.equal(f.calls[0][1].cache, "no-cache");
  assert.equal(f.calls[1][1].cache, undefined);
});

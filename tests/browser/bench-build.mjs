// Measures the cost of building the search index beside Pagefind 1.6.0 on
// the same documents, at 2k and 20k documents by default:
//
//   node bench-build.mjs WORK_DIR BENCHBUILD PAGEFIND [DOCS...]
//
// BENCHBUILD is the searchidx/internal/benchbuild command; PAGEFIND the
// native Pagefind binary (node_modules/@pagefind/<platform>/bin/…). For
// each size, benchbuild writes a synthetic corpus once (WORK_DIR/corpus-N:
// docs.gob for mip, html/*.html with the same text for Pagefind); then each
// engine builds its index from it under /usr/bin/time -v, which reports the
// process's CPU time (user + system, children included), wall time and
// peak RSS. Index bytes and files are counted on disk. Both engines run in
// the same invocation, one after the other, so their ratio is what to read
// on a shared machine. BENCH_BUILD_RUNS (default 1) repeats each build and
// keeps the run with the least CPU time.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

const [work, benchbuild, pagefind, ...sizes] = process.argv.slice(2);
if (!pagefind) {
  console.error("usage: node bench-build.mjs WORK_DIR BENCHBUILD PAGEFIND [DOCS...]");
  process.exit(2);
}
const docs = sizes.length ? sizes.map(Number) : [2000, 20000];
const runs = Number(process.env.BENCH_BUILD_RUNS || 1);

async function du(dir) {
  let bytes = 0;
  let files = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      bytes += (await stat(path.join(e.parentPath, e.name))).size;
      files++;
    }
  }
  return { bytes, files };
}

// timed runs cmd under /usr/bin/time -v and returns its costs.
function timed(cmd, args) {
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  const num = (re) => Number(r.stderr.match(re)[1]);
  const [, h, m, s] = r.stderr.match(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/);
  return {
    cpu: num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/),
    user: num(/User time \(seconds\): ([\d.]+)/),
    wall: Number(h || 0) * 3600 + Number(m) * 60 + Number(s),
    rssMB: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
  };
}

function best(fn) {
  let out = null;
  for (let i = 0; i < runs; i++) {
    const r = fn();
    if (!out || r.cpu < out.cpu) out = r;
  }
  return out;
}

const rows = [];
for (const n of docs) {
  const dir = path.join(work, `corpus-${n}`);
  if (!existsSync(path.join(dir, "docs.gob"))) {
    rmSync(dir, { recursive: true, force: true });
    execFileSync(benchbuild, ["corpus", "-docs", String(n), "-out", dir]);
  }
  const mipOut = path.join(dir, "mip");
  const pfOut = path.join(dir, "pagefind");
  const mip = best(() => {
    rmSync(mipOut, { recursive: true, force: true });
    return timed(benchbuild, ["index", "-in", path.join(dir, "docs.gob"), "-out", mipOut]);
  });
  const pf = best(() => {
    rmSync(pfOut, { recursive: true, force: true });
    return timed(pagefind, ["--site", path.join(dir, "html"), "--output-path", pfOut]);
  });
  rows.push({ n, engine: "mip", ...mip, ...(await du(mipOut)) });
  rows.push({ n, engine: "pagefind", ...pf, ...(await du(pfOut)) });
}

console.log("\nindex build (same documents; CPU = user + system of the process)");
console.log("docs    engine     CPU s    wall s   peak RSS MB  index MB   files   CPU ratio (pagefind/mip)");
for (const r of rows) {
  const mip = rows.find((x) => x.n === r.n && x.engine === "mip");
  console.log(
    String(r.n).padEnd(8) + r.engine.padEnd(11) + r.cpu.toFixed(2).padEnd(9) + r.wall.toFixed(2).padEnd(9) +
      r.rssMB.toFixed(0).padEnd(13) + (r.bytes / 1e6).toFixed(2).padEnd(11) + String(r.files).padEnd(8) +
      (r.engine === "pagefind" ? (r.cpu / mip.cpu).toFixed(1) + "×" : ""),
  );
}
if (process.env.BENCH_JSON) {
  await (await import("node:fs/promises")).writeFile(process.env.BENCH_JSON.replace(/\.json$/, "") + "-build.json", JSON.stringify(rows, null, 1));
}

#!/usr/bin/env node
// Reruns the example sessions of README.md and checks or refreshes them.
//
//   node scripts/readme-session.mjs            check: exit 1 and a diff when a figure in README differs
//   node scripts/readme-session.mjs --update   rewrite the sessions in README.md with this run's output
//                                              (lines whose figures did not change are kept as they were)
//
// A session is a ```text block preceded by a line "<!-- session: NAME -->" (or "<!-- session: NAME; vary: tau -->").
// Every line starting with "$ " is a command, run with bash in one scratch folder shared by all blocks (so
// "out/" carries over), where "circuits", "node_modules" and "scripts" link to the repository's (zkml demo
// finds its model, the MNIST images, solc and anvil there) and "zkml" runs the built CLI (ZKML_DLL, default
// src/ZkMl.Cli/bin/Release/net10.0/zkml.dll: build it first with `dotnet build src/ZkMl.Cli -c Release`).
// The output (stdout and stderr, in order) follows each command; a zkml command that is not piped gets
// "[exit N]". The check ignores what varies between runs and machines: decimals (times, sizes in KiB/MiB,
// shares), the core count and the padding of tables; every integer figure (bytes, gas, powers, words,
// digests, addresses) must match, except in a session marked "vary: tau": there the figures that depend on
// the bytes of a key made from a random τ (the contract's size, as a constant with a leading zero byte takes a
// shorter PUSH; the deployment's gas, gasUsed, its calldata and execution shares) need only be within 1 % of
// the README's; the base cost, the precompiles' gas and counts, and every other integer must still match.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, symlinkSync, mkdirSync, rmSync, existsSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const update = process.argv.includes("--update");
const readmePath = process.argv.find(a => a.endsWith(".md")) ?? join(root, "README.md");
const dll = process.env.ZKML_DLL ?? join(root, "src/ZkMl.Cli/bin/Release/net10.0/zkml.dll");
if (!existsSync(dll)) {
  console.error(`readme-session: ${dll} not found; run: dotnet build src/ZkMl.Cli -c Release`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "zkml-readme-"));
const bin = join(work, ".bin");
mkdirSync(bin);
writeFileSync(join(bin, "zkml"), `#!/usr/bin/env bash\nexec dotnet "${dll}" "$@"\n`);
chmodSync(join(bin, "zkml"), 0o755);
for (const linked of ["circuits", "node_modules", "scripts"]) symlinkSync(join(root, linked), join(work, linked));
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1", COLUMNS: "200" };

function run(command) {
  const r = spawnSync("bash", ["-c", `${command} 2>&1`], { cwd: work, env, encoding: "utf8", maxBuffer: 64 << 20 });
  const lines = r.stdout.split("\n").map(l => l.replace(/\s+$/, ""));
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  if (/^zkml\s/.test(command) && !command.includes("|")) lines.push(`[exit ${r.status}]`);
  return lines;
}

// Figures that move with the random τ of a development key: the contract's constants (its size and deployment
// gas), the calldata's zero bytes, hence gasUsed and the execution remainder.
const maskTau = line => line
  .replace(/[\d,]+ bytes deployed/g, "# bytes deployed")
  .replace(/\(([\d,]+) gas\)/g, "(# gas)")
  .replace(/gasUsed [\d,]+/g, "gasUsed #")
  .replace(/calldata [\d,]+/g, "calldata #")
  .replace(/execution [\d,]+/g, "execution #")
  .replace(/verify [\d,]+ gas/g, "verify # gas");

// In a "vary: tau" session those figures must still be within 1 % of the README's (a code change that moves the
// verifier's gas or size is a changed figure; a random τ moves them by far less).
const tauFigures = line => [...line.matchAll(/([\d,]+) bytes deployed|\(([\d,]+) gas\)|gasUsed ([\d,]+)|calldata ([\d,]+)|execution ([\d,]+)|verify ([\d,]+) gas/g)]
  .map(m => Number(m.slice(1).find(v => v !== undefined).replaceAll(",", "")));
const tauClose = (a, b) => {
  const x = tauFigures(a), y = tauFigures(b);
  return x.length === y.length && x.every((v, k) => Math.abs(v - y[k]) <= 0.01 * Math.max(v, y[k]));
};

// What may differ between two honest runs: decimals, the machine's core count, the number of methods the JIT compiled
// (tiering's timing decides which methods reach tier 1), table padding.
const mask = (line, vary) => (vary ? maskTau(line) : line)
  .replace(/\d[\d,]*\.\d+/g, "#")
  .replace(/\d+ cores/g, "# cores")
  .replace(/\d[\d,]* in # s/g, "# in # s")
  .replace(/─+/g, "─")
  .replace(/\s+/g, " ")
  .trim();

// The longest common subsequence of two line lists: for each line of b, the index of its partner in a or −1.
function matchLines(a, b) {
  const n = a.length, m = b.length;
  const L = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const keep = new Array(m).fill(-1);
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) { keep[j] = i; i++; j++; }
    else if (L[i + 1][j] >= L[i][j + 1]) i++;
    else j++;
  }
  return keep;
}

const readme = readFileSync(readmePath, "utf8").split("\n");
const out = [];
let failures = 0, sessions = 0;
for (let i = 0; i < readme.length; i++) {
  out.push(readme[i]);
  const m = /^<!-- session: ([^;]+?)(?:; vary: (tau))? -->$/.exec(readme[i]);
  if (!m) continue;
  const vary = m[2] === "tau";
  if (readme[i + 1] !== "```text") throw new Error(`${readmePath}:${i + 2}: expected a \`\`\`text block after the session marker`);
  out.push(readme[++i]);
  const old = [];
  for (i++; i < readme.length && readme[i] !== "```"; i++) old.push(readme[i]);
  sessions++;
  const fresh = [];
  for (const line of old) {
    if (!line.startsWith("$ ")) continue;
    fresh.push(line, ...run(line.slice(2)));
  }
  const a = old.map(l => mask(l, vary)), b = fresh.map(l => mask(l, vary));
  const keep = matchLines(a, b);   // keep[j]: the README line that fresh line j equals (figures alike), or −1
  if (vary) keep.forEach((k, j) => { if (k >= 0 && !tauClose(old[k], fresh[j])) keep[j] = -1; });
  const missing = a.map((_, k) => k).filter(k => !keep.includes(k)), added = keep.map((k, j) => (k < 0 ? j : -1)).filter(j => j >= 0);
  if (missing.length || added.length) {
    failures++;
    console.error(`session ${m[1]}: ${missing.length} README line(s) not produced, ${added.length} new line(s)`);
    for (const k of missing.slice(0, 5)) console.error(`  README: ${old[k]}`);
    for (const j of added.slice(0, 5)) console.error(`  now:    ${fresh[j]}`);
  }
  // --update keeps a line whose figures did not change as it was (its times came from an earlier run of
  // the same command), and takes this run's line where any figure changed.
  out.push(...(update ? fresh.map((line, j) => (keep[j] >= 0 ? old[keep[j]] : line)) : old));
  out.push(readme[i]);
}
rmSync(work, { recursive: true, force: true });
if (sessions === 0) { console.error(`readme-session: no "<!-- session: NAME -->" blocks in ${readmePath}`); process.exit(2); }
if (update) {
  writeFileSync(readmePath, out.join("\n"));
  console.log(`readme-session: ${sessions} session(s) of ${readmePath} rewritten${failures ? ` (${failures} had changed)` : " (no figure changed)"}`);
} else if (failures) {
  console.error(`readme-session: ${failures} of ${sessions} session(s) differ from this run; refresh them with: node scripts/readme-session.mjs --update`);
  process.exit(1);
} else {
  console.log(`readme-session: ${sessions} session(s) of ${readmePath} match this run`);
}

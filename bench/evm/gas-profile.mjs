#!/usr/bin/env node
// Gas profile of one verifyProof call of a generated verifier, by Yul function.
//   node bench/evm/gas-profile.mjs Verifier.sol calldata.hex [rpc-url]
// Compiles the contract with the project's pinned solcjs (same settings as
// SolidityVerifierGenerator.SettingsForSource: 1,000,000 optimizer runs, 200 for a ZK verifier — the source holds the ZK
// transcript domain; RUNS=N overrides), deploys it on the node (default: an anvil on
// http://127.0.0.1:8545 with unlocked accounts), traces the call (debug_traceCall, struct logs) and
// charges every executed instruction's gas to the innermost Yul `function` of the source that
// contains it (via the deployed bytecode's source map). Precompile calls are listed separately.
// The figures are the call's execution and precompile gas; calldata and the 21,000 base are not in a trace.
// A verifier in two contracts (conv keys) is deployed as its last contract, and its first part is charged too.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "package.json"));
const solc = require("solc");

const [solPath, cdPath, rpc = "http://127.0.0.1:8545"] = process.argv.slice(2);
if (!solPath || !cdPath) {
  process.stderr.write("usage: node bench/evm/gas-profile.mjs Verifier.sol calldata.hex [rpc-url]\n");
  process.exit(2);
}
const source = readFileSync(solPath, "utf8");
const calldata = readFileSync(cdPath, "utf8").trim();

// SolidityVerifierGenerator.SettingsForSource: a ZK verifier (its transcript domain, Protocol.ZkDomain, as a Yul literal) is
// measured with ZkOptimizerRuns = 200, every other verifier with 1,000,000
const isZk = source.includes('"zkml-inference-zk-v1"');
const runs = Number(process.env.RUNS ?? (isZk ? 200 : 1000000));
const input = {
  language: "Solidity",
  sources: { "Verifier.sol": { content: source } },
  settings: {
    optimizer: { enabled: true, runs },
    evmVersion: "cancun",
    viaIR: process.env.VIA_IR === "1",
    outputSelection: { "*": { "*": ["evm.bytecode.object", "evm.deployedBytecode.object", "evm.deployedBytecode.sourceMap"] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
for (const e of out.errors ?? []) if (e.severity === "error") { process.stderr.write(e.formattedMessage); process.exit(1); }
// A conv verifier is two contracts (docs/protocol.md "On-chain verifier"): NAME, deployed, and NAMEFirstPart, which NAME's
// constructor creates and calls; its steps run one call level deeper and are charged through its own source map.
const all = Object.entries(out.contracts["Verifier.sol"]);
const firstPartEntry = all.find(([n]) => n.endsWith("FirstPart") && all.some(([m]) => m + "FirstPart" === n));
const [name, contract] = firstPartEntry ? all.find(([n]) => n + "FirstPart" === firstPartEntry[0]) : all[0];

// pc → the source map entry (start, length, …) of the instruction there
function sourceMapOf(c) {
  const code = Buffer.from(c.evm.deployedBytecode.object, "hex");
  const pcToIndex = new Map();
  for (let pc = 0, i = 0; pc < code.length; i++) {
    pcToIndex.set(pc, i);
    const op = code[pc];
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1;
  }
  const entries = [];
  let last = [0, 0, 0, "-", 0];
  for (const part of c.evm.deployedBytecode.sourceMap.split(";")) {
    const f = part.split(":");
    const cur = last.slice();
    for (let k = 0; k < f.length; k++) if (f[k] !== "") cur[k] = k === 3 ? f[k] : Number(f[k]);
    entries.push(cur);
    last = cur;
  }
  return (pc) => { const i = pcToIndex.get(pc); return i === undefined ? null : entries[i]; };
}
const mapAt = [null, sourceMapOf(contract), firstPartEntry ? sourceMapOf(firstPartEntry[1]) : null];

// spans of Yul functions in the source: "function NAME(" … matching brace
// (the source map counts UTF-8 bytes; the comments hold non-ASCII text, so spans are kept in bytes)
const byteAt = new Int32Array(source.length + 1);
for (let i = 0, b = 0; i <= source.length; i++) {
  byteAt[i] = b;
  if (i < source.length) {
    const c = source.codePointAt(i);
    b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (c >= 0x10000) { i++; byteAt[i] = b; }
  }
}
const srcBytes = Buffer.from(source, "utf8");
const spans = [];
for (const m of source.matchAll(/function\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
  let i = source.indexOf("{", m.index), depth = 0, j = i;
  for (; j < source.length; j++) {
    if (source[j] === "{") depth++;
    else if (source[j] === "}" && --depth === 0) break;
  }
  spans.push({ name: m[1], start: byteAt[m.index], end: byteAt[j] });
}
const ownerCache = new Map();
function owner(offset) {
  if (ownerCache.has(offset)) return ownerCache.get(offset);
  const name = ownerUncached(offset);
  ownerCache.set(offset, name);
  return name;
}
function ownerUncached(offset) {
  let best = null;
  for (const s of spans) if (s.start <= offset && offset <= s.end && (!best || s.end - s.start < best.end - best.start)) best = s;
  return best ? best.name : "(outside functions)";
}

async function call(method, params) {
  const res = await fetch(rpc, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const j = await res.json();
  if (j.error) throw new Error(`${method}: ${JSON.stringify(j.error)}`);
  return j.result;
}

const [from] = await call("eth_accounts", []);
const txHash = await call("eth_sendTransaction", [{ from, data: "0x" + contract.evm.bytecode.object, gas: "0x1c9c380" }]);
let receipt = null;
while (!receipt) receipt = await call("eth_getTransactionReceipt", [txHash]);
const to = receipt.contractAddress;
const verdict = await call("eth_call", [{ from, to, data: calldata, gas: "0x1c9c380" }, "latest"]);
const trace = await call("debug_traceCall", [{ from, to, data: calldata, gas: "0x1c9c380" }, "latest", { disableStack: true, disableMemory: true, disableStorage: true }]);

const byFn = new Map();
const precompiles = new Map();
const logs = trace.structLogs;
const opsOf = new Map();
// the next step of the same call frame after each step (one backward pass: the trace has hundreds of thousands of steps)
const nextSame = new Int32Array(logs.length).fill(-1);
const lastAt = [];
for (let k = logs.length - 1; k >= 0; k--) {
  const d = logs[k].depth;
  nextSame[k] = lastAt[d] ?? -1;
  lastAt[d] = k;
  lastAt.length = d + 1; // a shallower step starts another frame below it
}
let callOverhead = 0;
const lastFn = [];
for (let k = 0; k < logs.length; k++) {
  const s = logs[k];
  if (s.depth > 2 || !mapAt[s.depth]) continue;
  const next = nextSame[k] >= 0 ? logs[nextSame[k]] : undefined;
  const spent = next ? s.gas - next.gas : s.gasCost;
  const e = mapAt[s.depth](s.pc);
  let fn = (s.depth === 2 ? "[first part] " : "") + (e ? owner(e[0]) : "(no source)");
  // code the optimizer outlined (e.g. constants copied from code at low optimizer runs) maps to no function: charge it to
  // the function that jumped there, marked
  if (fn.endsWith("(outside functions)") && lastFn[s.depth]) fn = `${fn} ← ${lastFn[s.depth]}`;
  else lastFn[s.depth] = fn;
  const child = k + 1 < logs.length && logs[k + 1].depth > s.depth;
  if (s.op === "STATICCALL" && next && child) {
    // the call of the first part: its steps are charged below; what is left is the call itself
    let inner = 0;
    for (let j = k + 1; j < logs.length && logs[j].depth > s.depth; j++) if (logs[j].depth === s.depth + 1) {
      const nj = nextSame[j] >= 0 ? logs[nextSame[j]] : undefined;
      inner += nj ? logs[j].gas - nj.gas : logs[j].gasCost;
    }
    callOverhead += spent - inner;
    byFn.set(fn, (byFn.get(fn) ?? 0) + spent - inner);
  } else if (s.op === "STATICCALL" && next) {
    // warm access (100) stays with the function; the rest is the precompile's
    const key = fn;
    precompiles.set(key, (precompiles.get(key) ?? 0) + spent - 100);
    byFn.set(fn, (byFn.get(fn) ?? 0) + 100);
  } else byFn.set(fn, (byFn.get(fn) ?? 0) + spent);
  if (process.env.PROFILE_OPS === fn) {
    const src = e ? srcBytes.subarray(e[0], e[0] + Math.min(e[1], 60)).toString("utf8").replace(/\s+/g, " ") : "?";
    const key = `${s.op} @ ${src}`;
    opsOf.set(key, (opsOf.get(key) ?? 0) + spent);
  }
}
const total = [...byFn.values()].reduce((a, b) => a + b, 0);
// memory expansion: what MSTORE/MLOAD steps cost beyond their static 3 gas
let expansion = 0;
for (let k = 0; k + 1 < logs.length; k++) if (logs[k].depth === 1 && (logs[k].op === "MSTORE" || logs[k].op === "MLOAD") && logs[k + 1].depth === 1) expansion += logs[k].gas - logs[k + 1].gas - 3;
const pre = [...precompiles.values()].reduce((a, b) => a + b, 0);
console.log(`optimizer runs ${runs}${isZk ? " (ZK verifier)" : ""}; runtime code ${contract.evm.deployedBytecode.object.length / 2} bytes`);
console.log(`${name}: verdict ${verdict === "0x" + "0".repeat(63) + "1" ? "true" : verdict}, trace gas ${trace.gas}, execution ${total}, precompiles ${pre}`);
console.log(`memory expansion (MSTORE/MLOAD beyond 3 gas): ${expansion}`);
if (firstPartEntry) console.log(`two contracts: ${name} calls ${firstPartEntry[0]} (its functions marked [first part]); the call itself (with its memory copies) ${callOverhead}`);
console.log("execution by Yul function (innermost):");
for (const [fn, g] of [...byFn.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${String(g).padStart(8)}  ${(100 * g / total).toFixed(1).padStart(5)}%  ${fn}`);
console.log("precompile gas by calling function:");
for (const [fn, g] of [...precompiles.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${String(g).padStart(8)}  ${fn}`);
if (opsOf.size) {
  console.log(`instructions charged to ${process.env.PROFILE_OPS} (top 25, by source text):`);
  for (const [k, g] of [...opsOf.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${String(g).padStart(8)}  ${k}`);
}

#!/usr/bin/env node
// prove.js VARIANT GEN_DIR DATA_DIR ZKEY VKEY COUNT RUNS
// Proves COUNT MNIST images (data/images.json, from index 0) with snarkjs Groth16 on the circom
// circuit VARIANT (const | private), in this one process: one warm-up proof of image 0, then RUNS
// runs of COUNT proofs. Per proof: the witness from circom's wasm witness generator, then
// snarkjs.groth16.prove (timed separately). Every proof's public outputs are checked against
// ZkMl's integer logits (images.json); the first proof of each run is also verified.
// Prints one JSON object on stdout.
'use strict';
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const snarkjs = require('snarkjs');

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const signed = (v) => { v = BigInt(v); return v > P / 2n ? v - P : v; };

async function main() {
  const [variant, genDir, dataDir, zkeyPath, vkeyPath, countArg, runsArg] = process.argv.slice(2);
  if (!['const', 'private'].includes(variant) || !runsArg) {
    console.error('usage: prove.js const|private GEN_DIR DATA_DIR ZKEY VKEY COUNT RUNS');
    process.exit(2);
  }
  const count = Number(countArg), runs = Number(runsArg);
  const images = JSON.parse(fs.readFileSync(path.join(dataDir, 'images.json'), 'utf8'));
  if (count < 1 || count > images.length) throw new Error(`COUNT ${count}: images.json has ${images.length} images`);
  let weights = {};
  if (variant === 'private') {
    const net = JSON.parse(fs.readFileSync(path.join(dataDir, 'network.json'), 'utf8'));
    weights = { w0: net.w0, b0: net.b0, w1: net.w1, b1: net.b1 };
  }
  const name = `main_${variant}`;
  const jsDir = path.join(path.resolve(genDir), `${name}_js`);
  const builder = require(path.join(jsDir, 'witness_calculator.js'));
  const wc = await builder(fs.readFileSync(path.join(jsDir, `${name}.wasm`)));
  const zkey = { type: 'mem', data: new Uint8Array(fs.readFileSync(zkeyPath)) };
  const vkey = JSON.parse(fs.readFileSync(vkeyPath, 'utf8'));

  const proveOne = async (img) => {
    const t0 = performance.now();
    const wtns = await wc.calculateWTNSBin({ x: img.x, ...weights }, true);
    const t1 = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, { type: 'mem', data: wtns });
    const t2 = performance.now();
    // Public signals: the 10 outputs, then the 784 inputs.
    const out = publicSignals.slice(0, img.logits.length).map(signed);
    const match = out.every((v, j) => v === BigInt(img.logits[j]));
    if (!match) throw new Error(`image ${img.index}: circom logits ${out.join(' ')} != ZkMl logits ${img.logits.join(' ')}`);
    return { proof, publicSignals, witness: (t1 - t0) / 1000, prove: (t2 - t1) / 1000 };
  };

  const warm = await proveOne(images[0]);
  const runResults = [];
  for (let r = 0; r < runs; r++) {
    const prove = [], witness = [];
    let verified = true;
    for (let i = 0; i < count; i++) {
      const res = await proveOne(images[i]);
      prove.push(res.prove);
      witness.push(res.witness);
      if (i === 0) verified = await snarkjs.groth16.verify(vkey, res.publicSignals, res.proof);
      if (!verified) throw new Error(`run ${r}: the proof of image ${images[i].index} does not verify`);
    }
    const sum = (a) => a.reduce((x, y) => x + y, 0);
    runResults.push({ proveSeconds: sum(prove), witnessSeconds: sum(witness), perProof: prove.map((v) => +v.toFixed(4)) });
  }
  const best = runResults.reduce((a, b) => (b.proveSeconds < a.proveSeconds ? b : a));
  console.log(JSON.stringify({
    variant, count, runs, warmupProveSeconds: +warm.prove.toFixed(4),
    proveSeconds: +best.proveSeconds.toFixed(4),
    witnessSeconds: +best.witnessSeconds.toFixed(4),
    runsProveSeconds: runResults.map((r) => +r.proveSeconds.toFixed(4)),
    perProof: best.perProof,
    outputsMatchZkml: true, verified: true,
  }));
}

main().then(() => process.exit(0), (e) => { console.error(`prove.js: ${e.message}`); process.exit(1); });

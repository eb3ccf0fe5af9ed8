#!/usr/bin/env node
// Compiles Solidity with the project's pinned solcjs (node_modules/solc): reads a solc
// standard-JSON input on stdin and writes solc's standard-JSON output to stdout.
// Used by ZkMl.Evm.Solc.SolcCompiler; usable by hand:
//   node scripts/solc-compile.mjs [--base-path DIR] < input.json > output.json
//   node scripts/solc-compile.mjs --version
// Imports not given in the input are read from --base-path (default: the current directory);
// paths that escape it are refused.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "package.json"));

let solc;
try {
  solc = require("solc");
} catch (e) {
  process.stderr.write(`solc-compile: cannot load the npm package "solc" (${e.message}); run bash scripts/setup.sh\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.includes("--version")) {
  process.stdout.write(solc.version() + "\n");
  process.exit(0);
}
const baseIndex = args.indexOf("--base-path");
const basePath = path.resolve(baseIndex >= 0 ? args[baseIndex + 1] : process.cwd());

function readImport(importPath) {
  const full = path.resolve(basePath, importPath);
  if (full !== basePath && !full.startsWith(basePath + path.sep)) {
    return { error: `import ${importPath} is outside the base path ${basePath}` };
  }
  try {
    return { contents: readFileSync(full, "utf8") };
  } catch (e) {
    return { error: `cannot read import ${importPath}: ${e.message}` };
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString("utf8");
if (input.trim().length === 0) {
  process.stderr.write("solc-compile: no standard-JSON input on stdin\n");
  process.exit(2);
}
const output = solc.compile(input, { import: readImport });
process.stdout.write(output);

/**
 * The parser's share of a sweep, run by bench/run.ts in a fresh Node process:
 *
 *   node bench/parser-cost.mjs DIST_TREE_SITTER_MODULE TREE
 *
 * Reads every shell script (`*.sh`) and Makefile of TREE first (not timed), then times:
 * `start-up`, importing the build's tree-sitter module and parsing one line with each grammar
 * (everything a run pays before its first real parse, whether the grammars load at import or
 * at first use), and `parse`, parsing every file read. Prints one JSON line. Works with any
 * build whose module exports `parseWith(grammar, text)` (and `loadTreeSitter()` when the
 * grammars do not load at import), so two builds compare.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulePath, tree] = process.argv.slice(2);
const files = { 'tree-sitter-bash': [], 'tree-sitter-make': [] };
const stack = [tree];
while (stack.length > 0) {
  const dir = stack.pop();
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) stack.push(p);
    else if (e.name.endsWith('.sh')) files['tree-sitter-bash'].push(fs.readFileSync(p, 'utf8'));
    else if (e.name === 'Makefile' || e.name.endsWith('.mk')) files['tree-sitter-make'].push(fs.readFileSync(p, 'utf8'));
  }
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let [t0, c0] = [performance.now(), cpu()];
const { parseWith, loadTreeSitter } = await import(pathToFileURL(path.resolve(modulePath)).href);
await loadTreeSitter?.();
parseWith('tree-sitter-bash', 'true\n');
parseWith('tree-sitter-make', 'all:\n\ttrue\n');
const startup = { ms: performance.now() - t0, cpuMs: cpu() - c0 };

[t0, c0] = [performance.now(), cpu()];
let bytes = 0;
let count = 0;
for (const [grammar, texts] of Object.entries(files)) {
  for (const text of texts) {
    parseWith(grammar, text);
    bytes += Buffer.byteLength(text);
    count++;
  }
}
const parse = { ms: performance.now() - t0, cpuMs: cpu() - c0 };
process.stdout.write(`${JSON.stringify({ files: count, bytes, startup, parse })}\n`);

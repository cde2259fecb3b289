#!/usr/bin/env node
/**
 * Rebuilds grammars/: the WebAssembly builds of the shell, Makefile, Groovy, PowerShell, Python
 * (for Tiltfiles) and HCL (for bake files) grammars that
 * web-tree-sitter loads. Each is the .wasm published inside the grammar's own npm package, at
 * the exact version grammars/sources.json names, with its licence; nothing is compiled.
 * A package that ships no licence file (tree-sitter-groovy 0.1.2 only declares "MIT" in its
 * package.json) gets a notice written from its package.json: the licence it declares, its
 * author and repository, and, for MIT, the licence's standard text.
 *
 *   node scripts/vendor-grammars.mjs           fetch (npm pack), check the sha256, write grammars/
 *   node scripts/vendor-grammars.mjs --check   only check that the committed files match sources.json
 *
 * To move a grammar to another version: change its version in sources.json, run with
 * --update (which records the new sha256), then run the unit suite: the shell reader's known
 * misreadings (src/analyze/shell/) are tied to the grammar's version.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DIR = path.resolve(import.meta.dirname, '..', 'grammars');
const SOURCES = path.join(DIR, 'sources.json');
const mode = process.argv[2] ?? '';
if (!['', '--check', '--update'].includes(mode)) {
  process.stderr.write('usage: node scripts/vendor-grammars.mjs [--check | --update]\n');
  process.exit(2);
}

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

const sources = JSON.parse(fs.readFileSync(SOURCES, 'utf8'));
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
let failed = false;

for (const g of sources.grammars) {
  if (mode === '--check') {
    const got = sha256(fs.readFileSync(path.join(DIR, g.file)));
    if (got !== g.sha256) {
      process.stderr.write(`${g.file}: sha256 ${got}, sources.json says ${g.sha256}\n`);
      failed = true;
    }
    continue;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-grammar-'));
  try {
    const spec = `${g.package}@${g.version}`;
    const tgz = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', tmp], { encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp, `package/${g.file}`, 'package/package.json']);
    const hasLicense = execFileSync('tar', ['-tzf', path.join(tmp, tgz)], { encoding: 'utf8' }).split('\n').includes('package/LICENSE');
    if (hasLicense) execFileSync('tar', ['-xzf', path.join(tmp, tgz), '-C', tmp, 'package/LICENSE']);
    const wasm = fs.readFileSync(path.join(tmp, 'package', g.file));
    const got = sha256(wasm);
    if (mode === '--update') g.sha256 = got;
    else if (got !== g.sha256) {
      process.stderr.write(`${spec}: ${g.file} has sha256 ${got}, sources.json says ${g.sha256} (--update to accept)\n`);
      failed = true;
      continue;
    }
    fs.writeFileSync(path.join(DIR, g.file), wasm);
    // Named for the grammar's file (a scoped package's name has a slash).
    const licenseOut = path.join(DIR, `${g.file.replace(/\.wasm$/, '')}.LICENSE`);
    if (hasLicense) fs.copyFileSync(path.join(tmp, 'package', 'LICENSE'), licenseOut);
    else fs.writeFileSync(licenseOut, declaredLicense(JSON.parse(fs.readFileSync(path.join(tmp, 'package', 'package.json'), 'utf8'))));
    process.stdout.write(`${g.file} from ${spec} (${wasm.length} bytes, sha256 ${got})\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
/** The licence notice of a package that ships no licence file, from what its package.json declares. */
function declaredLicense(pkg) {
  const author = typeof pkg.author === 'string' ? pkg.author : [pkg.author?.name, pkg.author?.email && `<${pkg.author.email}>`].filter(Boolean).join(' ');
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url ?? '';
  const head = `${pkg.name} ${pkg.version}, by ${author} (${repo}).\nIts npm package ships no licence file; its package.json declares the licence "${pkg.license}".\n`;
  if (pkg.license !== 'MIT') throw new Error(`${pkg.name}: no LICENSE file and licence ${pkg.license}: add its text by hand`);
  return `${head}\nMIT License\n\nCopyright (c) ${author}\n\n${MIT}`;
}

if (mode === '--update') fs.writeFileSync(SOURCES, `${JSON.stringify(sources, null, 2)}\n`);
process.exit(failed ? 1 : 0);

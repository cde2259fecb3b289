// The analysis worker of the build (dist), failing on purpose on one file: MSC_TEST_ANALYSE_FAULT
// is `throw:<file>` (reading the file throws) or `exit:<file>` (the thread exits while reading it),
// or `wait:<file>` (below).
// It writes MSC_TEST_ANALYSE_MARK first, so a test knows the failure happened in a worker.
import fs from 'node:fs';
import { NodeRepoFs } from '../../dist/src/discover/node-fs.js';

const [kind, target] = (process.env.MSC_TEST_ANALYSE_FAULT ?? '').split(':');
// `wait:<file>`: the thread does nothing (it does not even start the analysis) until <file> exists.
if (kind === 'wait') {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(target)) Atomics.wait(nap, 0, 0, 10);
}
const read = NodeRepoFs.prototype.readText;
NodeRepoFs.prototype.readText = function (rel) {
  if (rel === target) {
    if (process.env.MSC_TEST_ANALYSE_MARK) fs.writeFileSync(process.env.MSC_TEST_ANALYSE_MARK, kind);
    if (kind === 'exit') process.exit(7);
    throw new Error(`injected failure reading ${rel}`);
  }
  return read.call(this, rel);
};
await import('../../dist/src/analyze/analyse-worker.js');

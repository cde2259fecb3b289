// The walk worker of the build (dist), failing on purpose in one folder: MSC_TEST_WALK_FAULT is
// `throw:<folder name>` (the walk throws an Error with code EFAULTY there) or `exit:<folder
// name>` (the thread exits there, before the walk ends).
import { nodeIo } from '../../dist/src/discover/node-fs.js';

const [kind, target] = (process.env.MSC_TEST_WALK_FAULT ?? '').split(':');
const readdir = nodeIo.readdir;
nodeIo.readdir = (abs) => {
  if (abs.endsWith(`/${target}`)) {
    if (kind === 'exit') process.exit(7);
    // Not a failure to read the folder (the walk reports those and walks on): a bug in the walk.
    return { find: () => { throw Object.assign(new Error(`injected failure walking ${target}`), { code: 'EFAULTY' }); } };
  }
  return readdir(abs);
};
await import('../../dist/src/discover/walk-worker.js');

/**
 * Runs once before the e2e test files, which then run side by side: the stand-in base images are
 * built (or found up to date) here, so that no two files build them into the shared store at the
 * same time on a fresh machine. Each file's own ensureBaseImages then only finds them.
 * With no engine (and CI unset) there is nothing to build: the files say so loudly and skip.
 */
import { ensureBaseImages } from './base-images.js';
import { engineForTests } from './engine-for-tests.js';

export default async function setup(): Promise<void> {
  const engine = await engineForTests();
  if (engine) await ensureBaseImages(engine);
}

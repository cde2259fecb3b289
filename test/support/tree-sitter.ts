/**
 * Test set-up (vitest `setupFiles`): loads the tree-sitter runtime before a test file runs, as
 * the CLI and the API do before they analyse, so tests can call the readers directly.
 */
import { loadTreeSitter } from '../../src/analyze/tree-sitter.js';

await loadTreeSitter();

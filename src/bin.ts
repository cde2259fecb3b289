#!/usr/bin/env node
/**
 * `node dist/src/bin.js`: the same executable as package.json's "bin" (./bin.cts, CommonJS),
 * for those who run this file. It starts a little slower than bin.cjs, since Node loads its ES
 * module loader for an ES module entry point first.
 */
import './bin.cjs';

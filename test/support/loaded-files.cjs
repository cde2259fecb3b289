// Preloaded (node -r) by tests: at exit, writes the files CommonJS loaded to $LOADED_FILES_OUT.
process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_FILES_OUT, JSON.stringify(Object.keys(require.cache))));

// Preloaded (node -r) by tests: at exit, writes the Node modules the process loaded (process.moduleLoadList) to $LOADED_BUILTINS_OUT.
process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_BUILTINS_OUT, JSON.stringify(process.moduleLoadList)));

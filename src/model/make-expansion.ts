/**
 * The variable a Make recipe's shell is read with in place of a Make expansion the reader does
 * not model (`$(strip app)`, `$(call tag,app)`, `$(foreach …)`), numbered per line
 * (`${__make_expansion_0}`). Make expands it before the shell runs, and it may run commands of
 * its own (`$(call f)` where f holds a `$(shell …)`).
 */
export const MAKE_EXPANSION_PLACEHOLDER = '__make_expansion_';

/** Whether a word (its symbol) holds a Make expansion the reader does not model. */
export const holdsMakeExpansion = (w: { symbol: string }): boolean => w.symbol.includes(`\${${MAKE_EXPANSION_PLACEHOLDER}`);

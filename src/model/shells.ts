/**
 * Shells, by what the tool does with the scripts they run. One list, so every reader agrees on
 * which programs are shells: a caller's `ash build.sh` is a call of build.sh wherever the tool
 * asks, and a container's `mksh` reads its script from standard input wherever it asks.
 */

/**
 * Shells whose scripts the tool reads as its own (POSIX sh with bash's extensions): a script
 * run by one (`sh build.sh`, `#!/bin/ash`), an exec-form `["sh", "-c", "…"]`.
 */
export const SCRIPT_SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash']);

/**
 * Every shell: what one is given to run (`-c SCRIPT`, or with no script its standard input) is
 * a script, whether or not the tool reads its language.
 */
export const ALL_SHELLS: ReadonlySet<string> = new Set([...SCRIPT_SHELLS, 'ksh', 'mksh', 'zsh', 'busybox']);

/**
 * sh, bash or dash, named or by a path (`/bin/sh`, `bash`): a shell option (Node's `shell:`,
 * npm's `script-shell`) naming one leaves the text read as the tool reads sh.
 */
export const POSIX_SHELL_PATH = /^(?:\S*\/)?(?:sh|bash|dash)$/;

/**
 * A `cd` run through `builtin` or `command` moves the script as a plain `cd` does, and one an
 * `eval` may run leaves the folder unknown: the commands after it must not be read from the
 * folder before it.
 */
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';

/** The folder the script's last command runs in. */
const lastCwd = (text: string) => parseShell('build.sh', `#!/bin/bash\n${text}\necho after\n`, { cwd: '' }).script!.commands.at(-1)!.cwd;

describe('cd through a builtin, or in an eval', () => {
  it('builtin cd and command cd go where cd goes', () => {
    expect(lastCwd('builtin cd app')).toBe('app');
    expect(lastCwd('command cd app')).toBe('app');
    expect(lastCwd('command builtin cd app/sub')).toBe('app/sub');
    expect(lastCwd('builtin pushd app')).toBe('app');
  });

  it('an eval, or a builtin only known at run time, leaves the folder unknown', () => {
    expect(lastCwd('eval cd app')).toBeNull();
    expect(lastCwd('eval "$STEP"')).toBeNull();
    expect(lastCwd('command "$GO" app')).toBeNull();
  });

  it('command -v only asks', () => {
    expect(lastCwd('command -v cd')).toBe('');
  });
});

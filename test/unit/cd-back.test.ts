/**
 * `cd -` goes back to the folder the last `cd` left (OLDPWD): known when the walk read that `cd`
 * in the same shell and no other folder change since (another `cd`, a `pushd`/`popd`, anywhere);
 * otherwise only known at run time, as before.
 */
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';

/** The folder each `echo` of the script runs in, by its word. */
const folders = (text: string) => {
  const script = parseShell('build.sh', `#!/bin/bash\n${text}\n`, { cwd: '' }).script!;
  return Object.fromEntries(script.commands.filter((c) => c.words[0]!.value === 'echo').map((c) => [c.words[1]!.value, c.cwd]));
};

describe('cd -', () => {
  it('goes back to the folder the last cd left, and swaps again', () => {
    expect(folders('cd web\necho in\ncd -\necho back\ncd -\necho again')).toEqual({ in: 'web', back: '', again: 'web' });
    expect(folders('cd web\ncd ../api\ncd -\necho back')).toEqual({ back: 'web' });
    expect(folders('cd web && npm ci && cd -\necho back')).toEqual({ back: '' });
  });

  it('is only known at run time after another folder change, under a condition, or with no cd before', () => {
    expect(folders('cd -\necho a')).toEqual({ a: null });
    expect(folders('cd web\npushd api\npopd\ncd -\necho a')).toEqual({ a: null });
    expect(folders('cd web\n(cd sub)\ncd -\necho a')).toEqual({ a: null });
    expect(folders('cd web\nif [ -n "$X" ]; then cd -; fi\necho a')).toEqual({ a: null });
    expect(folders('cd web\nfor d in a b; do cd "$d"; cd ..; done\ncd -\necho a')).toEqual({ a: null });
    expect(folders('cd web\nOLDPWD=/tmp\ncd -\necho a')).toEqual({ a: null });
  });
});

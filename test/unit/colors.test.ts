/** When the output gets colours: one rule for every stream, NO_COLOR, FORCE_COLOR and TERM=dumb read alike everywhere. */
import { describe, expect, it } from 'vitest';
import { colorsEnabled, makeColors } from '../../src/review/colors.js';

const on = (env: NodeJS.ProcessEnv, isTTY = true, noColor = false) => colorsEnabled({ noColor, isTTY, env });

describe('colorsEnabled', () => {
  it('a terminal gets colours, anything else not', () => {
    expect(on({ TERM: 'xterm-256color' })).toBe(true);
    expect(on({ TERM: 'xterm-256color' }, false)).toBe(false);
  });

  it('TERM=dumb gets none, even on a terminal', () => {
    expect(on({ TERM: 'dumb' })).toBe(false);
    expect(makeColors({ noColor: false, isTTY: true, env: { TERM: 'dumb' } }).red('x')).toBe('x');
  });

  it('--no-color and a non-empty NO_COLOR win over everything; an empty NO_COLOR is unset', () => {
    expect(on({ TERM: 'xterm' }, true, true)).toBe(false);
    expect(on({ NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(on({ NO_COLOR: '0' })).toBe(false);
    expect(on({ NO_COLOR: '', TERM: 'xterm' })).toBe(true);
  });

  it('a non-empty FORCE_COLOR forces them (off a terminal, on TERM=dumb) unless it is 0 or false, which turn them off; an empty one is unset', () => {
    for (const v of ['1', '2', '3', 'true']) {
      expect(on({ FORCE_COLOR: v }, false), v).toBe(true);
      expect(on({ FORCE_COLOR: v, TERM: 'dumb' }, false), v).toBe(true);
    }
    for (const v of ['0', 'false', 'FALSE']) expect(on({ FORCE_COLOR: v, TERM: 'xterm' }, true), v).toBe(false);
    expect(on({ FORCE_COLOR: '' }, false)).toBe(false);
    expect(on({ FORCE_COLOR: '', TERM: 'xterm' }, true)).toBe(true);
  });
});

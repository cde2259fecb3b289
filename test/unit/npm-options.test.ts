/** npm's reading of its command line (src/analyze/hosts/npm-options.ts), as npm 11 reads it. */
import { describe, expect, it } from 'vitest';
import { readNpmLine } from '../../src/analyze/hosts/npm-options.js';

const handed = (line: string) => {
  const r = readNpmLine(['run', 'x', ...line.split(' ').filter(Boolean)]);
  return r.unclear ? null : r.positional.slice(2);
};

describe('npm command line', () => {
  it('takes the value of an option that has one, and true/false after a Boolean one', () => {
    expect(handed('--loglevel silly')).toEqual([]);
    expect(handed('--loglevel=warn q')).toEqual(['q']);
    expect(handed('--logl silly')).toEqual([]);
    expect(handed('--prefix . z')).toEqual(['z']);
    expect(handed('-C . z')).toEqual(['z']);
    expect(handed('--foo true')).toEqual([]);
    expect(handed('--browser q')).toEqual([]);
    // a short form written long
    expect(handed('--reg http://x q')).toEqual(['q']);
    expect(readNpmLine(['run', 'x', '--silent']).settings).toEqual(['loglevel']);
    expect(handed('--color always q')).toEqual(['q']);
  });

  it('hands on what npm hands on', () => {
    expect(handed('--silent foo')).toEqual(['foo']);
    expect(handed('--if-present bar')).toEqual(['bar']);
    expect(handed('--foo bar')).toEqual(['bar']);
    expect(handed('--color q')).toEqual(['q']);
    expect(handed('--no-loglevel q')).toEqual(['q']);
    expect(handed('-ddd q')).toEqual(['q']);
    expect(handed('-sq q')).toEqual(['q']);
    expect(handed('--verbose q')).toEqual(['q']);
    expect(handed('-- --loglevel x')).toEqual(['--loglevel', 'x']);
  });

  it('cannot tell what follows an option taking a value given a dash word or one only known at run time', () => {
    expect(handed('--loglevel -x')).toBeNull();
    expect(readNpmLine(['run', 'x', '--loglevel', null]).unclear).toBe(true);
    expect(readNpmLine(['run', 'x', '--if-present', null]).positional).toEqual(['run', 'x', null]);
  });
});

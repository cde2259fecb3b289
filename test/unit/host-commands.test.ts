/**
 * The host command classifier: which paths a command reads, writes, or is given without the
 * tool knowing what it does with them; and how a path use meets an artifact path.
 */
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { hostEffect, meets } from '../../src/plan/host-commands.js';

const effect = (line: string, file = 'build.sh') => {
  const cmds = parseShell(file, line).script!.commands;
  const e = hostEffect(cmds[cmds.length - 1]!);
  const paths = (us: { path: string | null }[]) => us.map((u) => u.path);
  return { program: e.program, known: e.known, reads: paths(e.reads), writes: paths(e.writes), mayTouch: paths(e.mayTouch) };
};

describe('host command classifier', () => {
  it('reads only the operands of a test\'s file operators', () => {
    expect(effect('[ -n "$PUBLISH" ]').reads).toEqual([]);
    expect(effect('test -z "$X"').reads).toEqual([]);
    expect(effect('[ "$MODE" = app ]').reads).toEqual([]);
    expect(effect('[ "$MODE" != release ]').reads).toEqual([]);
    expect(effect('[ "$N" -gt 2 ]').reads).toEqual([]);
    expect(effect('[ "$X" ]').reads).toEqual([]);
    expect(effect('test -t 1').reads).toEqual([]);
    expect(effect('[ -d out ]').reads).toEqual(['out']);
    expect(effect('[ ! -s "$BIN" ]').reads).toEqual([null]);
    expect(effect('test -e dist -a -x dist/app').reads).toEqual(['dist', 'dist/app']);
    expect(effect('[ -a app ]').reads).toEqual(['app']);
    expect(effect('[ app -nt main.go ]').reads).toEqual(['app', 'main.go']);
    expect(effect('[ -n "$A" -o -f out/app ]').reads).toEqual(['out/app']);
  });


  it('`exec` with redirects only opens its files; `exec` of a program is that program', () => {
    expect(effect('exec 3> build.log')).toMatchObject({ program: 'exec', known: true, reads: [], writes: ['build.log'], mayTouch: [] });
    expect(effect('exec > logs/build.log 2>&1')).toMatchObject({ known: true, writes: ['logs/build.log'] });
    expect(effect('exec make dist')).toMatchObject({ program: 'make', known: false });
  });

  it('reads: checksums, listings, tests', () => {
    expect(effect('sha256sum app')).toMatchObject({ reads: ['app'], writes: [], known: true });
    expect(effect('ls -la bin/')).toMatchObject({ reads: ['bin'], writes: [] });
    expect(effect('[ -f out/app ]')).toMatchObject({ program: '[', reads: ['out/app'], writes: [] });
    expect(effect('test -x app')).toMatchObject({ reads: ['app'], writes: [] });
  });

  it('writes: every operand of rm, mkdir, strip, upx, touch; all but the mode of chmod/chown', () => {
    expect(effect('rm -rf dist build')).toMatchObject({ writes: ['dist', 'build'], reads: [] });
    expect(effect('mkdir -p out/bin')).toMatchObject({ writes: ['out/bin'] });
    expect(effect('strip --strip-all app')).toMatchObject({ writes: ['app'] });
    expect(effect('upx -9 app')).toMatchObject({ writes: ['app'] });
    expect(effect('chmod 0755 app')).toMatchObject({ writes: ['app'] });
    expect(effect('sudo chown root:root app')).toMatchObject({ program: 'chown', writes: ['app'] });
  });

  it('copies: the destination is written, sources read (mv writes its sources too)', () => {
    expect(effect('cp other.bin app')).toMatchObject({ reads: ['other.bin'], writes: ['app'] });
    expect(effect('mv app bin/app')).toMatchObject({ reads: [], writes: ['app', 'bin/app'] });
    // The value of -m reads as a path too (harmless: it names no artifact); an absolute path stays absolute.
    expect(effect('install -m 755 app /usr/local/bin/app')).toMatchObject({ reads: ['755', 'app'], writes: ['/usr/local/bin/app'] });
  });

  it('sed writes only with -i; redirects write their targets, < reads', () => {
    expect(effect("sed -i 's/a/b/' Dockerfile")).toMatchObject({ writes: ['s/a/b', 'Dockerfile'] });
    expect(effect("sed 's/a/b/' notes.txt")).toMatchObject({ reads: ['s/a/b', 'notes.txt'], writes: [] });
    expect(effect('echo 1.2.3 >> app')).toMatchObject({ program: 'echo', writes: ['app'] });
    expect(effect('printf "FROM x\\n" > Dockerfile')).toMatchObject({ writes: ['Dockerfile'] });
    expect(effect('cat > Dockerfile <<EOF\nFROM x\nEOF\n')).toMatchObject({ writes: ['Dockerfile'] });
    expect(effect('wc -c < app')).toMatchObject({ reads: ['app'], writes: [] });
    expect(effect('make 2>&1')).toMatchObject({ writes: [] });
  });

  it('tar: -x writes its -C folder (or the working directory), -c reads its operands and writes its archive', () => {
    expect(effect('tar -xzf release.tgz -C dist')).toMatchObject({ reads: ['release.tgz'], writes: ['dist'] });
    expect(effect('tar -czf release.tgz app README.md')).toMatchObject({ reads: ['app', 'README.md'], writes: ['release.tgz'] });
    expect(effect('tar -C out -cf out.tar app')).toMatchObject({ reads: ['out/app'], writes: ['out.tar'] });
    expect(effect('cd sub && tar -xf ../a.tar')).toMatchObject({ writes: ['sub'] });
  });

  it('commands that name no files: echo, set, cd, sleep', () => {
    for (const c of ['echo built app', 'set -eu', 'cd app', 'sleep 1']) expect(effect(c), c).toMatchObject({ reads: [], writes: [], mayTouch: [], known: true });
  });

  it('an unknown program (a helper script) may touch every path it is given; a dynamic one is null', () => {
    expect(effect('./scripts/sign.sh app "$KEY"')).toMatchObject({ program: './scripts/sign.sh', known: false, mayTouch: ['app', null] });
    expect(effect('"$POST" app')).toMatchObject({ program: null, known: false, mayTouch: ['app'] });
    expect(effect('cd svc && ../tools/pack bin')).toMatchObject({ mayTouch: ['svc/bin'] });
  });

  it('meets: at, under, over, through a pattern, or unknown', () => {
    const u = (path: string | null, glob = false) => ({ path, glob, word: { value: path, symbol: path ?? '', staticPrefix: '', raw: path ?? '', start: 0, end: 0 } });
    expect(meets(u('bin/app'), 'bin/app')).toBe('at');
    expect(meets(u('dist/app/x'), 'dist/app')).toBe('under');
    expect(meets(u('bin'), 'bin/app')).toBe('over');
    expect(meets(u(''), 'bin/app')).toBe('over');
    expect(meets(u('bin/*', true), 'bin/app')).toBe('glob');
    expect(meets(u('b?n', true), 'bin/app')).toBe('glob');
    expect(meets(u('*.txt', true), 'bin/app')).toBeNull();
    expect(meets(u('binary'), 'bin')).toBeNull();
    expect(meets(u(null), 'bin/app')).toBe('unknown');
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseShell, shellTrees } from '../../src/analyze/shell.js';
import { applyEdits } from '../../src/model/edits.js';
import { shellQuote } from '../../src/model/shell-quote.js';
import { shellAdapter } from '../../transforms/shell.js';

const parse = (text: string, file = 'build.sh') => {
  const r = parseShell(file, text);
  if (!r.script) throw new Error(JSON.stringify(r.diagnostics));
  return { ...r, script: r.script };
};
const values = (text: string) => parse(text).script.commands.map((c) => c.words.map((w) => w.value));

describe('shell adapter: reading', () => {
  it('evaluates quotes, escapes and static variables', () => {
    expect(values(`T=app:1\nD="out dir"\ndocker build -t "$T" -f 'Docker file' \\\n  ./ctx\necho \${T:-x} \${U:-dflt} a\\ b\n`)).toEqual([
      ['docker', 'build', '-t', 'app:1', '-f', 'Docker file', './ctx'],
      ['echo', 'app:1', null, 'a b'],
    ]);
  });

  it('marks values only known at run time, keeping a stable symbol and static prefix', () => {
    const { script } = parse('docker cp "$cid:$(cat path.txt)" . --build-arg X=$X\n');
    const docker = script.commands.find((c) => c.words[0]!.value === 'docker')!;
    const [, , src, , , arg] = docker.words;
    expect(src!.value).toBeNull();
    expect(src!.symbol).toBe('${cid}:$(cat path.txt)');
    expect(arg!.value).toBeNull();
    expect(arg!.staticPrefix).toBe('X=');
  });

  it('treats variables assigned in branches as unknown, and reads a loop over static items once per item', () => {
    expect(values('A=1\nif x; then A=2; fi\necho $A\nfor s in a b; do echo $s; done\nfor f in $(ls); do echo $f; done\n')).toEqual([
      ['x'],
      ['echo', null],
      ['echo', 'a'],
      ['echo', 'b'],
      ['ls'],
      ['echo', null],
    ]);
  });

  it('reads a loop over a pattern as names only known at run time, not as the pattern\'s text', () => {
    // `for f in *` binds f to each name the pattern matches (an extracted artifact among them),
    // so `sha256sum "$f"` reads a path only known at run time, not a file named `*`. The
    // expansion itself lists the folders (`ls -d -- PATTERN`), whatever the body does.
    expect(values('for f in *; do sha256sum "$f"; done\nP=\'out/*.tgz\'\nfor f in $P; do cat "$f"; done\nfor f in "*" a; do echo "$f"; done\n')).toEqual([
      ['ls', '-d', '--', '*'],
      ['sha256sum', null],
      ['ls', '-d', '--', 'out/*.tgz'],
      ['cat', null],
      ['echo', '*'],
      ['echo', 'a'],
    ]);
  });

  it('reads an unquoted expansion the shell splits into fields as only known at run time, and a loop over it once per field', () => {
    // `tar czf release.tgz $KEEP` names two files (the artifact among them), not one called `app README.md`.
    expect(values('KEEP="app README.md"\ntar czf rel.tgz $KEEP "$KEEP" ${KEEP}x\nB=$KEEP\necho "$B"\nfor f in $KEEP; do sha256sum "$f"; done\nfor f in "$KEEP"; do echo "$f"; done\n')).toEqual([
      ['tar', 'czf', 'rel.tgz', null, 'app README.md', null],
      ['echo', 'app README.md'],
      ['sha256sum', 'app'],
      ['sha256sum', 'README.md'],
      ['echo', 'app README.md'],
    ]);
    // IFS assigned: its characters split (`/` here), and a value only known at run time may split anything.
    expect(values('IFS=/\nOUT=bin/app\ncp app $OUT\nN="a b"\necho $N\n')).toEqual([
      ['cp', 'app', null],
      ['echo', 'a b'],
    ]);
    // bash's strict mode, IFS=$'\n\t': a value without newline or tab stays one word.
    expect(values("IFS=$'\\n\\t'\nT=app:1\nN='a b'\ndocker build -t $T .\necho $N\n")).toEqual([
      ['docker', 'build', '-t', 'app:1', '.'],
      ['echo', 'a b'],
    ]);
    expect(values('IFS=$1\nOUT=app\ncp $OUT dist\nIFS=\necho $OUT\n')).toEqual([
      ['cp', null, 'dist'],
      ['echo', 'app'],
    ]);
  });

  it('reads `cd NAME` as going to a folder only known at run time where CDPATH is set, but not `cd ./NAME`', () => {
    const cwds = (text: string) => parse(text).script.commands.map((c) => c.cwd);
    expect(cwds('cd svc\npwd\n')).toEqual(['', 'svc']);
    expect(cwds('CDPATH=/opt/src\ncd svc\npwd\ncd ./api\npwd\n')).toEqual(['', null, null, null]);
    expect(cwds('export CDPATH=/opt/src\ncd ./svc\npwd\ncd ../up\npwd\n')).toEqual(['', 'svc', 'svc', 'up']);
    expect(cwds('CDPATH=\ncd svc\npwd\n')).toEqual(['', 'svc']);
  });

  it('reads a word with bash brace alternatives as only known at run time', () => {
    // bash runs `tar czf rel.tgz dist/app dist/README.md`: not one file named `dist/{app,README.md}`.
    expect(values('tar czf rel.tgz dist/{app,README.md} v{1..3}\necho "dist/{a,b}" {} x{y}\n')).toEqual([
      ['tar', 'czf', 'rel.tgz', null, null],
      ['echo', 'dist/{a,b}', '{}', 'x{y}'],
    ]);
  });

  it('reads the `$(…)` of a case word and of an arithmetic expansion as commands', () => {
    expect(values('case "$(ls dist)" in *app*) echo ok;; esac\nsize=$(( $(wc -c < dist/app) + 1 ))\necho $(( 2 * $(cat n) ))\n')).toEqual([
      ['ls', 'dist'],
      ['echo', 'ok'],
      ['wc', '-c'],
      ['cat', 'n'],
      ['echo', null],
    ]);
  });

  it('reads the `$(…)` inside an assigned or exported value that is more than that `$(…)`', () => {
    expect(values('TAG="greeter-$(cat dist/VERSION)"\nexport N="$(( $(wc -c < dist/app) ))"\nlocal_x=1\necho "$TAG"\n')).toEqual([
      ['cat', 'dist/VERSION'],
      ['wc', '-c'],
      ['echo', null],
    ]);
  });

  it('follows cd to know each command\'s working directory', () => {
    const { script } = parse('cd app\ndocker build .\n(cd ../web && make)\nmake\ncd "$(dirname "$0")"\nls\ncd $X\nls\ncd "$(dirname "${BASH_SOURCE[0]}")/.."\nls\n', 'ci/build.sh');
    // (From the start, cd "$(dirname "$0")" is ci: see the script-location idioms below.)
    expect(script.commands.map((c) => [c.words[0]!.value, c.cwd])).toEqual([
      ['cd', 'ci'],
      ['docker', 'ci/app'],
      ['cd', 'ci/app'],
      ['make', 'ci/web'],
      ['make', 'ci/app'],
      ['dirname', 'ci/app'],
      ['cd', 'ci/app'],
      // A relative $0 is relative to where the script started, not to ci/app: not known.
      ['ls', null],
      ['cd', null],
      ['ls', null],
      ['dirname', null],
      ['cd', null],
      ['ls', null],
    ]);
  });

  it('reads the commands inside $(…) as commands that run first, and records captures and pipes', () => {
    const { script } = parse('id=$(docker create app:build)\ndocker cp "$id":/out/app . \ndocker cp $(docker create app:build):/a b\ndocker run --rm img tar -c . | tar -x -C out\n');
    const c = script.commands;
    expect(c.map((x) => x.words.slice(0, 2).map((w) => w.value))).toEqual([
      ['docker', 'create'],
      ['docker', 'cp'],
      ['docker', 'create'],
      ['docker', 'cp'],
      ['docker', 'run'],
      ['tar', '-x'],
    ]);
    expect(c[0]!.stdout).toEqual({ kind: 'capture', symbol: '${id}' });
    expect(c[1]!.words[2]!.symbol).toBe('${id}:/out/app');
    expect(c[2]!.stdout).toEqual({ kind: 'capture', symbol: '$(docker create app:build)' });
    expect(c[3]!.words[2]!.symbol).toBe('$(docker create app:build):/a');
    expect(c[2]!.unit).toBe(c[3]!.unit);
    expect(c[4]!.stdout).toEqual({ kind: 'pipe', to: 5 });
    expect(c[5]!.stdinFrom).toBe(4);
  });

  it('maps byte offsets to string offsets in non-ASCII scripts', () => {
    const text = 'echo "héllo wörld"\ndocker build -t app .\n';
    const { script } = parse(text);
    const w = script.commands[1]!.words[3]!;
    expect(text.slice(w.start, w.end)).toBe('app');
  });

  it('reads a backslash followed by spaces as the continuation it was meant to be, and warns', () => {
    const text = 'docker build --build-arg a=1 \\  \n    -t app:build . -f Dockerfile.build\necho done\n';
    const { script, diagnostics } = parse(text);
    expect(script.commands.map((c) => c.words.map((w) => w.value))).toEqual([
      ['docker', 'build', '--build-arg', 'a=1', '-t', 'app:build', '.', '-f', 'Dockerfile.build'],
      ['echo', 'done'],
    ]);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'BROKEN_CONTINUATION', severity: 'warning', file: 'build.sh', line: 1 })]);
    // An edited command gets its continuation repaired.
    expect(applyEdits(text, shellAdapter.repairs(script, 0))).toBe('docker build --build-arg a=1 \\\n    -t app:build . -f Dockerfile.build\necho done\n');
  });

  it('does not glue a command that merely ends in an escaped space onto an unrelated next line', () => {
    const { script, diagnostics } = parse('echo a\\ \nls\n');
    expect(script.commands).toHaveLength(2);
    expect(diagnostics).toEqual([]);
  });

  it('refuses a tree the grammar is known to misread instead of planning from it', () => {
    // Two assignments then a newline: the grammar reads the next line as their command.
    const r = parseShell('b.sh', 'A=${B:-x} C=1\ndocker build -t app .\n');
    expect(r.script).toBeNull();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'SHELL_PARSE_ERROR', file: 'b.sh', line: 2 })]);
    expect(r.diagnostics[0]!.message).toContain('two lines read as one command');
  });

  it('gives a redirect written after a negated command to that command, where the grammar reads it around the `!`', () => {
    const text = 'if ! docker cp b:/a - > a.tar; then exit 1; fi\n! docker rm b >/dev/null 2>&1\n';
    const { script, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const [cp, , rm] = script.commands;
    expect(cp!.redirects.map((r) => [r.op, r.target.value])).toEqual([['>', 'a.tar']]);
    expect(text.slice(cp!.start, cp!.end)).toBe('docker cp b:/a - > a.tar');
    expect(rm!.redirects.map((r) => [r.fd, r.op, r.target.value])).toEqual([[null, '>', '/dev/null'], ['2', '>&', '1']]);
  });

  it('records a pipe whose writer or reader is a compound statement as a pipe around the writer\'s commands, and reads a redirect after a compound reader', () => {
    const text = 'sh build.sh | while read l; do echo "$l"; done > build.log\n(make; sh b.sh) 2>&1 | tee b.log\nls | { cat; }\n';
    const { script, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const [sh, read, echo, make, b, tee, ls, cat] = script.commands;
    expect(script.commands.map((c) => c.words[0]!.value)).toEqual(['sh', 'read', 'echo', 'make', 'sh', 'tee', 'ls', 'cat']);
    // The loop reads the pipe, and its redirect (read by the grammar around the whole pipe) is around its commands.
    expect(sh!.stdout).toBeNull();
    expect(sh!.around?.map((r) => [r.op, r.pipe])).toEqual([['|', [read!.index, echo!.index]]]);
    expect(echo!.around?.map((r) => [r.op, r.target.value])).toEqual([['>', 'build.log']]);
    // A subshell's commands write into the pipe, opened before the subshell's own redirects.
    for (const c of [make!, b!]) expect(c.around?.map((r) => [r.fd, r.op, r.pipe ?? r.target.value])).toEqual([[null, '|', [tee!.index]], ['2', '>&', '1']]);
    expect(ls!.around?.map((r) => r.pipe)).toEqual([[cat!.index]]);
  });

  it('reads a pipeline the grammar groups around an && list as the shell groups it (`|` binds tighter)', () => {
    // tree-sitter-bash reads this as `(a && b 2>&1) | tar … && d`; the shell as `a && (b 2>&1 | tar …) && d`.
    const text = 'mkdir -p build && docker run --rm app:build tar -c . 2>&1 | tar -x -C build/ && ls build\n';
    const { script, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const cmds = script.commands;
    expect(cmds.map((c) => c.words.map((w) => w.value)[0])).toEqual(['mkdir', 'docker', 'tar', 'ls']);
    const [mkdir, run, tar, ls] = cmds as [(typeof cmds)[0], (typeof cmds)[0], (typeof cmds)[0], (typeof cmds)[0]];
    // The redirect is the docker run's own, and its output goes down the pipe.
    expect(run.redirects.map((r) => [r.fd, r.op, r.target.value])).toEqual([['2', '>&', '1']]);
    expect(run.stdout).toEqual({ kind: 'pipe', to: tar.index });
    expect(tar.stdinFrom).toBe(run.index);
    expect(mkdir.stdout).toBeNull();
    // The pipeline runs when mkdir succeeded, both of its sides alike; ls after the whole pipeline.
    expect(mkdir.branches ?? []).toEqual([]);
    expect(run.branches).toEqual([expect.objectContaining({ after: [mkdir.index], on: 'success' })]);
    expect(tar.branches).toEqual(run.branches);
    expect(ls.branches).toEqual([expect.objectContaining({ after: [mkdir.index, run.index, tar.index], on: 'success' })]);
    // Each member is a unit of its own, with the operator before it, the run's unit holding its redirect.
    const units = cmds.map((c) => script.units[c.unit]!);
    expect(units.map((u) => u.opBefore)).toEqual([null, '&&', '|', '&&']);
    expect(units.map((u) => text.slice(u.start, u.end))).toEqual(['mkdir -p build', 'docker run --rm app:build tar -c . 2>&1', 'tar -x -C build/', 'ls build']);
    expect(new Set(units.map((u) => u.chain)).size).toBe(1);

    // `!` then `|&` then `&&` then a backquoted word: the grammar nests the list inside the pipeline too.
    const n = parse('echo ok\n! docker ps | grep x |& wc -l && echo `pwd` || false\n').script;
    expect(n.commands.map((c) => c.words[0]!.value)).toEqual(['echo', 'docker', 'grep', 'wc', 'pwd', 'echo', 'false']);
    // (`pwd` is read within the echo's unit.)
    expect(n.commands.map((c) => n.units[c.unit]!.opBefore)).toEqual([null, null, '|', '|&', '&&', '&&', '||']);
    expect(n.commands[2]!.stdout).toEqual({ kind: 'pipe', to: 3, errors: true });
    // What runs after the negated pipeline: its exit status is inverted.
    expect(n.commands[5]!.branches).toEqual([expect.objectContaining({ on: 'success', negated: true })]);
    expect(n.commands[6]!.conditional).toBe(true);
  });

  it('reads what follows `<<EOF` on its line: the command\'s other redirects, and the body\'s `$(…)`', () => {
    // The grammar puts `> build/app.conf` inside the here-document node: it is still the command's output.
    const { script } = parse('cat <<EOF > build/app.conf 2>&1\nport=$(cat dist/port)\nEOF\ncat <<\'EOF\' > raw.txt\n$(not run)\nEOF\n');
    expect(script.commands.map((c) => [c.words.map((w) => w.value), c.redirects.map((r) => `${r.op} ${r.target.value}`)])).toEqual([
      [['cat', 'dist/port'], []],
      [['cat'], ['<< null', '> build/app.conf', '>& 1']],
      [['cat'], ['<< null', '> raw.txt']],
    ]);
    // A pipe or a list there is read by the grammar inside the here-document: not planned from.
    for (const text of ['cat <<EOF | tee notes.txt\nhi\nEOF\n', 'cat <<EOF && rm -f app\nhi\nEOF\n']) {
      const r = parseShell('n.sh', text);
      expect(r.script).toBeNull();
      expect(r.diagnostics[0]!.message).toContain('a command after a here-document on its first line');
    }
  });

  it('reads CRLF scripts: a backslash before CR LF continues the line', () => {
    expect(values('docker build -t a \\\r\n  -f b .\r\ncd sub\r\n')).toEqual([
      ['docker', 'build', '-t', 'a', '-f', 'b', '.'],
      ['cd', 'sub'],
    ]);
  });

  it('keeps only the default forms of ${…} static; unset forgets a value', () => {
    expect(values('X=ab\nE=\necho ${#X} ${X:+y} ${X%b} ${E:-d} ${E-d} ${X:=z}\nunset X\necho $X\n')).toEqual([
      ['echo', null, null, null, 'd', '', 'ab'],
      ['echo', null],
    ]);
  });

  it('reads many small scripts from one parse exactly as it reads each alone', () => {
    const texts = ['tsc -p . && docker build -t app:1 .', 'cd sub; docker cp "$(docker create app:1)":/app ./app # out', 'echo "a\nb" > f', 'X=1\nfor s in a b; do echo "$s$X"; done', ''];
    const trees = shellTrees(texts);
    expect(trees.every((t) => t !== null)).toBe(true);
    const shape = (text: string, tree?: ReturnType<typeof shellTrees>[number]) => {
      const r = parseShell('p.json', text, { cwd: '', tree }).script!;
      return { commands: r.commands.map(({ words, start, end, line, stdout, unit, cwd }) => ({ words, start, end, line, stdout, unit, cwd })), units: r.units };
    };
    texts.forEach((t, i) => expect(shape(t, trees[i]), t).toEqual(shape(t)));
  });

  it('parses alone a script that joining could change: a trailing backslash, an open quote, a here-document', () => {
    expect(shellTrees(['echo a \\', 'echo b', 'echo c'])).toEqual([null, expect.any(Object), expect.any(Object)]);
    expect(shellTrees(['echo "open', 'echo b"'])).toEqual([null, null]);
    expect(shellTrees(['cat <<EOF', 'text', 'EOF'])).toEqual([null, null, null]);
    const alone = parseShell('p.json', 'echo "open').diagnostics;
    expect(alone).toEqual([expect.objectContaining({ code: 'SHELL_PARSE_ERROR' })]);
  });

  it('reports a syntax error with its line instead of throwing', () => {
    const r = parseShell('b.sh', 'echo ok\nif true; then\n  echo "unclosed\n');
    expect(r.script).toBeNull();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'SHELL_PARSE_ERROR', file: 'b.sh' })]);
    expect(r.diagnostics[0]!.line).toBeGreaterThan(0);
  });
});

describe('shell adapter: removing commands', () => {
  const remove = (text: string, pick: (words: string[]) => boolean) => {
    const { script } = parse(text);
    const idx = script.commands.filter((c) => pick(c.words.map((w) => w.value ?? ''))).map((c) => c.index);
    const edits = shellAdapter.deleteCommands(script, idx);
    if ('error' in edits) return edits;
    return applyEdits(text, edits);
  };
  const isDocker = (w: string[]) => w[0] === 'docker';

  it('refuses to remove a command whose exit status the next statement reads (`$?`)', () => {
    // `rc=$?` would read `command -v upx`'s status instead of the copy's.
    expect(remove('command -v upx >/dev/null\ndocker cp x:/a .\nrc=$?\nif [ $rc -ne 0 ]; then exit $rc; fi\n', isDocker)).toEqual({ error: 'line 3: reads `$?`, the exit status of the command before it, which the migration removes' });
    expect(remove('docker cp x:/a .\nif [ "${?}" -ne 0 ]; then exit 1; fi\n', isDocker)).toHaveProperty('error');
    // A statement further on reads the status of one that stays.
    expect(remove('docker cp x:/a .\nmake\necho "make: $?"\n', isDocker)).toBe('make\necho "make: $?"\n');
  });

  it('refuses to remove a command whose pipeline statuses (`PIPESTATUS`) or last word (`$_`) the next statement reads', () => {
    expect(remove('docker run --rm b cat /a | tee a >/dev/null\necho "${PIPESTATUS[0]}" > rc\n', (w) => isDocker(w) || w[0] === 'tee')).toEqual({ error: 'line 2: reads `PIPESTATUS`, the exit statuses of the pipeline before it, which the migration removes' });
    expect(remove('docker cp x:/a ./a\necho "copied $_" > note\n', isDocker)).toEqual({ error: 'line 2: reads `$_`, the last word of the command before it, which the migration removes' });
    expect(remove('docker cp x:/a ./a\necho "${_}"\n', isDocker)).toHaveProperty('error');
    // A variable whose name starts with `_` is another variable.
    expect(remove('docker cp x:/a ./a\necho "$_OUT"\n', isDocker)).toBe('echo "$_OUT"\n');
  });

  it('removes whole lines and the blank lines a removed block leaves doubled', () => {
    expect(remove('#!/bin/sh\necho a\n\ndocker create x\ndocker cp x:/a .\n\necho b\n', isDocker)).toBe('#!/bin/sh\necho a\n\necho b\n');
  });

  it('removes a comment paragraph whose commands all went, and keeps one that still heads a command', () => {
    expect(remove('echo a\n\n# extract\ndocker cp x:/a .\n\n# build\ndocker cp x:/b .\nmake\n', isDocker)).toBe('echo a\n\n# build\nmake\n');
  });

  it('removes a member of an && chain with its operator', () => {
    expect(remove('set -e\nmake && docker cp x:/a . && echo ok\n', isDocker)).toBe('set -e\nmake && echo ok\n');
    expect(remove('docker cp x:/a . && echo ok\n', isDocker)).toBe('echo ok\n');
    expect(remove('docker cp x:/a . && docker rm x\necho z\n', isDocker)).toBe('echo z\n');
  });

  it('removes one of several commands on a line with its separator', () => {
    expect(remove('echo a; docker rm x; echo b\n', isDocker)).toBe('echo a; echo b\n');
    expect(remove('echo a; docker rm x\n', isDocker)).toBe('echo a;\n');
  });

  it('leaves a no-op where a block would become empty', () => {
    expect(remove('if true; then\n  docker rm x\nfi\n', isDocker)).toBe('if true; then\n  :\nfi\n');
  });

  it('removes an ignored failure (`|| true`, `|| :`) with the commands it only kept from failing', () => {
    expect(remove('docker build -t a .\ndocker rmi a:build || true\necho z\n', (w) => w[0] === 'docker' && w[1] === 'rmi')).toBe('docker build -t a .\necho z\n');
    expect(remove('docker rm -f x || :\necho z\n', isDocker)).toBe('echo z\n');
    // A `true` with more to it, or a command before it that stays, keeps the removal refused.
    expect(remove('docker rmi a || true >/dev/null\n', isDocker)).toEqual({ error: expect.stringContaining('||') });
    expect(remove('make && docker rmi a || true\n', isDocker)).toEqual({ error: expect.stringContaining('||') });
  });

  it('refuses to remove half a pipe or a command inside ||', () => {
    expect(remove('docker run x tar -c . | tar -x\n', isDocker)).toEqual({ error: expect.stringContaining('pipe') });
    expect(remove('make || docker rm x\n', isDocker)).toEqual({ error: expect.stringContaining('||') });
  });

  it('empties one-line bodies of every compound form into valid shell (checked with bash -n and sh -n)', () => {
    const forms: [string, string][] = [
      ['if [ -f x ]; then docker cp b:/a .; fi\n', 'if [ -f x ]; then :; fi\n'],
      ['if [ -f x ]; then echo; else docker cp b:/a .; fi\n', 'if [ -f x ]; then echo; else :; fi\n'],
      ['if [ -f x ]; then echo; elif [ -f y ]; then docker cp b:/a .; fi\n', 'if [ -f x ]; then echo; elif [ -f y ]; then :; fi\n'],
      ['{ docker cp b:/a . ; }\necho z\n', 'echo z\n'],
      ['echo a; ( docker cp b:/a . ) && echo z\n', 'echo a; echo z\n'],
      ['if [ -f x ]; then { docker cp b:/a .; }; echo; fi\n', 'if [ -f x ]; then echo; fi\n'],
      ['f() ( docker cp b:/a . )\n', 'f() ( : )\n'],
      ['for i in 1 2; do docker cp b:/a .; done\n', 'for i in 1 2; do :; done\n'],
      ['for ((i = 0; i < 2; i++)); do docker cp b:/a . & done\n', 'for ((i = 0; i < 2; i++)); do : & done\n'],
      ['case $1 in a) docker cp b:/a .;; *) echo;; esac\n', 'case $1 in a) :;; *) echo;; esac\n'],
      ['f() { docker cp b:/a .; }\n', 'f() { :; }\n'],
      ['{ echo a; ( docker cp b:/a . ); }\n', '{ echo a; }\n'],
      ['if [ -f x ]; then docker create --name b i; docker cp b:/a .; docker rm b; fi\n', 'if [ -f x ]; then :; fi\n'],
      ['if [ -f x ]; then docker create --name b i && docker cp b:/a .; fi\n', 'if [ -f x ]; then :; fi\n'],
    ];
    for (const [before, after] of forms) {
      const out = remove(before, isDocker);
      expect(out).toBe(after);
      // `for ((…))` is bash only.
      for (const sh of before.includes('((') ? ['bash'] : ['bash', 'sh']) expect(spawnSync(sh, ['-n'], { input: out as string }).status, `${sh} -n: ${out as string}`).toBe(0);
    }
  });

  it('refuses to remove a command from the condition of an if, while or until', () => {
    expect(remove('if docker cp b:/a .; then echo; fi\n', isDocker)).toEqual({ error: expect.stringContaining('condition') });
    expect(remove('while docker cp b:/a . && true; do echo; done\n', isDocker)).toEqual({ error: expect.stringContaining('condition') });
  });

  it('refuses to remove a command from a while or until loop, which may wait for what it did', () => {
    expect(remove('until [ -f a ]; do docker cp b:/a .; done\n', isDocker)).toEqual({ error: expect.stringContaining('until loop') });
    expect(remove('while true; do\n  if [ -f a ]; then break; fi\n  docker cp b:/a . || sleep 1\ndone\n', isDocker)).toEqual({ error: expect.stringContaining('until loop') });
  });

  /** The script after removing its docker commands and the guards that go with them (companions). */
  const withGuards = (text: string) => {
    const { script } = parse(text);
    const idx = script.commands.filter((c) => c.words[0]?.value === 'docker').map((c) => c.index);
    const all = [...idx, ...shellAdapter.companions(script, idx)];
    const edits = shellAdapter.deleteCommands(script, all);
    return 'error' in edits ? edits : applyEdits(text, edits);
  };

  it('removes an `|| exit` guard with the commands it guarded, and only the exact guard shapes', () => {
    expect(withGuards('docker cp b:/a . || exit 1\necho z\n')).toBe('echo z\n');
    expect(withGuards('docker cp b:/a . || exit $?\necho z\n')).toBe('echo z\n');
    expect(withGuards('docker cp b:/a . || exit\necho z\n')).toBe('echo z\n');
    expect(withGuards('docker create --name b i && docker cp b:/a . || { echo "copy failed" >&2; exit 2; }\necho z\n')).toBe('echo z\n');
    expect(withGuards('if true; then docker cp b:/a . || exit 1; fi\n')).toBe('if true; then :; fi\n');
    const refused = [
      'docker cp b:/a . || exit 0\n',
      'docker cp b:/a . || { echo failed; exit $?; }\n',
      'docker cp b:/a . || { rm -rf out; exit 1; }\n',
      'docker cp b:/a . || { echo "$(date) failed"; exit 1; }\n',
      'docker cp b:/a . || echo failed\n',
      'docker cp b:/a . || exit 1 || exit 2\n',
      'make && docker cp b:/a . || exit 1\n',
    ];
    for (const text of refused) expect(withGuards(text), text).toEqual({ error: expect.stringContaining('||') });
  });

  it('removes a failure handler that removes a removed container and exits non-zero, with the command it guarded', () => {
    // only the commands naming the container `b` go (the setup's own): `docker rm -f other` is no step of it
    const setupOnly = (text: string) => {
      const { script } = parse(text);
      const idx = script.commands.filter((c) => c.words[0]?.value === 'docker' && c.words.some((w) => w.value?.startsWith('b'))).map((c) => c.index);
      const edits = shellAdapter.deleteCommands(script, [...idx, ...shellAdapter.companions(script, idx)]);
      return 'error' in edits ? edits : applyEdits(text, edits);
    };
    expect(setupOnly('docker cp b:/a . || { docker rm -f b; exit 1; }\necho z\n')).toBe('echo z\n');
    expect(setupOnly('docker cp b:/a . || {\n  echo failed >&2\n  docker rm -f b >/dev/null 2>&1\n  exit 3\n}\necho z\n')).toBe('echo z\n');
    expect(setupOnly('if ! docker create --name b i; then\n  echo failed >&2\n  exit 1\nfi\necho z\n')).toBe('echo z\n');
    expect(setupOnly('if ! docker cp b:/a .; then docker rm -f b; exit 1; fi\necho z\n')).toBe('echo z\n');
    expect(setupOnly('docker cp b:/a .\nif ! docker rm b >/dev/null; then echo "not removed" >&2; exit 1; fi\necho z\n')).toBe('echo z\n');
    // a subshell: whether its failing status stops the script (errexit) is the reader of conditions' to judge
    expect(setupOnly('docker cp b:/a . || ( echo failed >&2; docker rm -f b; exit 1 )\necho z\n')).toBe('echo z\n');
    // an if with an else: the branch run when the step succeeded holds only removed commands or `:`
    expect(setupOnly('if docker create --name b i; then :; else echo failed >&2; exit 1; fi\necho z\n')).toBe('echo z\n');
    expect(setupOnly('if docker cp b:/a .; then\n  docker rm b\nelse\n  docker rm -f b\n  exit 1\nfi\necho z\n')).toBe('echo z\n');
    expect(setupOnly('if ! docker cp b:/a .; then docker rm -f b; exit 1; else docker rm b; fi\necho z\n')).toBe('echo z\n');
    for (const text of ['if docker cp b:/a .; then echo z; else exit 1; fi\n', 'if docker cp b:/a .; then :; else echo failed; fi\n', 'if docker cp b:/a .; then :; else rm -f a; exit 1; fi\n', 'if docker cp b:/a .; then :; elif true; then :; else exit 1; fi\n']) {
      expect(setupOnly(text), text).toEqual({ error: expect.stringContaining('condition') });
    }
    expect(setupOnly('docker cp b:/a . || ( rm -f a; exit 1 )\n')).toEqual({ error: expect.stringContaining('||') });
    // `exit $?` there reads the removal's status
    expect(setupOnly('docker cp b:/a . || { docker rm -f b; exit $?; }\n')).toEqual({ error: expect.stringContaining('$?') });
    for (const text of ['docker cp b:/a . || { docker rm -f other; exit 1; }\n', 'docker cp b:/a . || { rm -f a; docker rm -f b; exit 1; }\n']) {
      expect(setupOnly(text), text).toEqual({ error: expect.stringContaining('||') });
    }
    for (const text of ['if ! docker cp b:/a .; then docker rm -f other; exit 1; fi\n', 'if ! docker cp b:/a .; then docker rm -f b; exit 0; fi\n', 'if ! docker cp b:/a .; then exit 1; else echo ok; fi\n', 'if docker cp b:/a .; then exit 1; fi\n', 'if ! docker cp b:/a . && true; then exit 1; fi\n']) {
      expect(setupOnly(text), text).toEqual({ error: expect.stringContaining('condition') });
    }
  });

  it('removes an `if [ $? -ne 0 ]; then …; exit N; fi` guard right after what it guarded, and only that exact shape', () => {
    expect(withGuards('make\ndocker cp b:/a .\nif [ $? -ne 0 ]; then\n  echo "copy failed" >&2\n  exit 1\nfi\necho z\n')).toBe('make\necho z\n');
    expect(withGuards('docker cp b:/a .\nif [ "$?" != "0" ]; then exit 3; fi\necho z\n')).toBe('echo z\n');
    expect(withGuards('docker cp b:/a .\nif test $? -gt 0; then printf "failed\\n"; exit 2; fi\necho z\n')).toBe('echo z\n');
    expect(withGuards('docker create --name b i && docker cp b:/a .\nif [ $? -ne 0 ]; then exit 1; fi\n')).toBe('');
    // A guard of a kept command stays; so does one not right after the removed command.
    expect(withGuards('docker cp b:/a .\nmake\nif [ $? -ne 0 ]; then exit 1; fi\n')).toBe('make\nif [ $? -ne 0 ]; then exit 1; fi\n');
    const refused = [
      'docker cp b:/a .\nif [ $? -ne 0 ]; then echo failed; exit 1; else echo ok; fi\n',
      'docker cp b:/a .\nif [ $? -ne 0 ]; then rm -rf out; exit 1; fi\n',
      'docker cp b:/a .\nif [ $? -ne 0 ]; then echo failed; fi\n',
      'docker cp b:/a .\nif [ $? -ne 0 ]; then echo failed; exit 0; fi\n',
      'docker cp b:/a .\nif [ $? -eq 0 ]; then echo copied; exit 1; fi\n',
      'docker cp b:/a .\nif [ $? -ne 0 ]; then echo failed; exit 1; elif true; then exit 1; fi\n',
      'docker cp b:/a .\nif [ $? -ne 0 ]; then echo failed; exit 1; fi > log\n',
      'docker cp b:/a .\nif [ $? -ne 0 ] && true; then exit 1; fi\n',
    ];
    for (const text of refused) expect(withGuards(text), text).toEqual({ error: expect.stringContaining('$?') });
  });
});

describe('shellQuote', () => {
  it('quotes only what needs it, and round-trips through the parser', () => {
    for (const v of ['plain', 'app:1.0', 'with space', "it's", '$HOME', 'a"b', '']) {
      const q = shellQuote(v);
      expect(values(`echo ${q}\n`)[0]![1]).toBe(v);
    }
    expect(shellQuote('app:1.0')).toBe('app:1.0');
  });
});

describe('the script-location idioms', () => {
  for (const word of [
    '"$(dirname "$(readlink -f "$0")")"',
    '"$(dirname "$(realpath "$0")")"',
    '"$(realpath "$(dirname "$0")")"',
    '"$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"',
  ]) {
    it(`cd ${word} is the script's folder, and /.. its parent`, () => {
      const here = parse(`cd ${word}\ndocker build .\n`, 'ci/build.sh').script.commands;
      expect(here.at(-1)!.cwd).toBe('ci');
      const up = parse(`cd ${word.slice(0, -1)}/.."\ndocker build .\n`, 'ci/tools/build.sh').script.commands;
      expect(up.at(-1)!.cwd).toBe('ci');
    });
  }

  it('readlink without -f (one link step) is not the script\'s folder', () => {
    const c = parse('cd "$(dirname "$(readlink "$0")")"\ndocker build .\n', 'ci/build.sh').script.commands;
    expect(c.at(-1)!.cwd).toBeNull();
  });

  it('cd "$(dirname "${BASH_SOURCE[0]}")" and cd -- "$(dirname -- "$0")" are the script\'s folder', () => {
    for (const line of ['cd "$(dirname "${BASH_SOURCE[0]}")"', 'cd -- "$(dirname -- "$0")"', 'cd "$(dirname "${BASH_SOURCE}")/"']) {
      const c = parse(`${line}\ndocker build .\n`, 'ci/build.sh').script.commands;
      expect(c.at(-1)!.cwd, line).toBe('ci');
    }
  });

  it('a relative $0 names the script\'s folder only from the folder it started in; readlink -f and realpath of $0 from anywhere', () => {
    const after = (line: string) => parse(`cd ..\n${line}\ndocker build .\n`, 'ci/tools/build.sh').script.commands.at(-1)!;
    expect(after('cd "$(dirname "$0")"').cwd).toBeNull();
    expect(after('cd "$(realpath "$(dirname "$0")")"').cwd).toBeNull();
    expect(after('DIR=$(cd "$(dirname "$0")" && pwd)\ncd "$DIR"').cwd).toBeNull();
    expect(after('cd "$(dirname "$(readlink -f "$0")")"').cwd).toBe('ci/tools');
    expect(after('DIR=$(dirname "$(realpath "$0")")\ncd "$DIR/.."').cwd).toBe('ci');
    // Back where it started, a relative $0 is right again.
    expect(parse('cd ..\ncd tools\ncd "$(dirname "$0")"\ndocker build .\n', 'ci/tools/build.sh').script.commands.at(-1)!.cwd).toBe('ci/tools');
  });
});

describe('a variable holding the script\'s folder', () => {
  const last = (src: string, file = 'scripts/build.sh') => parse(src, file).script.commands.at(-1)!;
  for (const assign of [
    'DIR=$(cd "$(dirname "$0")" && pwd)',
    'DIR="$(cd "$(dirname "$0")"; pwd)"',
    'DIR="$( cd -- "$( dirname -- "${BASH_SOURCE[0]}" )" &> /dev/null && pwd )"',
    'DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" >/dev/null 2>&1 && pwd -P)"',
    'DIR=$(dirname "$(readlink -f "$0")")',
    'DIR="$(dirname "$0")"',
    'readonly DIR="$(cd "$(dirname "$0")" && pwd)"',
  ]) {
    it(`${assign}: cd "$DIR/.." is the parent folder, and $DIR/… paths are relative to each command's folder`, () => {
      expect(last(`${assign}\ncd "$DIR/.."\ndocker build .\n`).cwd).toBe('');
      const cp = last(`${assign}\ncd "$DIR/../web"\ndocker cp x:/out/app "$DIR/../web/app"\n`);
      expect(cp.cwd).toBe('web');
      expect(cp.words[3]!.value).toBe('./app');
      expect(cp.words[3]!.symbol).toBe('${DIR}/../web/app');
    });
  }

  it('keeps the folder through other variables and redirects, and after a cd elsewhere', () => {
    const c = last('DIR=$(cd "$(dirname "$0")" && pwd)\nROOT="$DIR/.."\ncd "$ROOT/api"\ndocker build -f "$ROOT/api/Dockerfile.build" "$DIR" > "$ROOT/log/"\n');
    expect(c.cwd).toBe('api');
    expect(c.words.slice(3).map((w) => w.value)).toEqual(['./Dockerfile.build', '../scripts']);
    expect(c.redirects[0]!.target.value).toBe('../log/');
  });

  it('is dynamic where the command\'s folder is not known, in what a command sees as variables, and when set in a branch', () => {
    expect(last('DIR=$(cd "$(dirname "$0")" && pwd)\ncd "$1"\ndocker build "$DIR"\n').words[2]!.value).toBeNull();
    expect(last('DIR=$(cd "$(dirname "$0")" && pwd)\ndocker build .\n').vars.get('DIR')).toBeNull();
    expect(last('if [ -n "$X" ]; then DIR=$(cd "$(dirname "$0")" && pwd); fi\ncd "$DIR"\ndocker build .\n').cwd).toBeNull();
    expect(last('DIR=$(cd "$(dirname "$0")" & pwd)\ncd "$DIR"\ndocker build .\n').cwd).toBeNull();
    expect(last('DIR=$(cd "$(dirname "$0")" && pwd)\ndocker build --build-arg "X=${DIR:-a}" .\n').words[3]!.value).toBeNull();
  });
});

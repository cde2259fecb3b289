/**
 * The PowerShell reader (src/analyze/hosts/powershell.ts): PowerShell's quoting, backtick
 * continuations, `$LASTEXITCODE` guards, the file cmdlets, unknown values and blocks, read into
 * the docker-command model; and the rewritten script read again with tree-sitter-powershell
 * (the right edit passes, a wrong one is caught). No PowerShell interpreter runs here: this and
 * the fixture pairs are how the PowerShell kind is proven.
 */
import nodeFs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeRepoFs } from '../../src/discover/node-fs.js';
import { walk } from '../../src/discover/walk.js';
import { grammarLoaded } from '../../src/analyze/tree-sitter.js';
import { analyze } from '../../src/analyze/index.js';
import { parsePowerShell, parsePowerShellTree } from '../../src/analyze/hosts/powershell.js';
import { MemoryFs } from '../../src/model/fs.js';
import { shownCommand, type ScriptCommand } from '../../src/model/script.js';
import { rereadScript } from '../../src/plan/reread.js';
import { applied, planFiles } from '../support/plan.js';
import { FIXTURES } from '../support/tree.js';

const fsText = (p: string) => nodeFs.readFileSync(p, 'utf8');

const BUILDER = 'FROM golang:1.21\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /app\n';

const read = (text: string, file = 'build.ps1') => {
  const r = parsePowerShell(file, text);
  expect(r.script, JSON.stringify(r.diagnostics)).not.toBeNull();
  return r.script!;
};
/** Each command as its words' values (`?symbol` for a value only known at run time). */
const words = (c: ScriptCommand) => c.words.map((w) => w.value ?? `?${w.symbol}`);
const commands = (text: string) => read(text).commands.map(words);

describe('PowerShell grammar', () => {
  it('is loaded only when PowerShell is read', async () => {
    // Sweeps without PowerShell never compile its grammar (about 1 MiB of WebAssembly).
    analyze(new MemoryFs({ 'build.sh': 'docker build -t app .\n' }), ['build.sh']);
    expect(grammarLoaded('tree-sitter-powershell')).toBe(false);
    read('docker build -t app .\n');
    expect(grammarLoaded('tree-sitter-powershell')).toBe(true);
  });

  it('a syntax error leaves the file unread, with its line', () => {
    const r = parsePowerShell('build.ps1', 'docker build -t app .\nif ($x {\n');
    expect(r.script).toBeNull();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SHELL_PARSE_ERROR']);
    expect(r.diagnostics[0]!.message).toMatch(/line 2/);
  });
});

describe('PowerShell quoting', () => {
  it("'…' is literal, with '' for a quote", () => {
    expect(commands("docker build -t 'app:build' --label 'note=it''s $HOME' .\n")).toEqual([['docker', 'build', '-t', 'app:build', '--label', "note=it's $HOME", '.']]);
  });

  it('"…" expands variables assigned a literal, and backtick escapes', () => {
    expect(commands('$Tag = \'1.2\'\n$name = "app"\ndocker build -t "${Name}:$tag" --label "q=`$HOME`tx" .\n')).toEqual([['docker', 'build', '-t', 'app:1.2', '--label', 'q=$HOME\tx', '.']]);
  });

  it('$PWD, the current location, is the shell\'s $PWD, named as the user wrote it in messages', () => {
    const cp = read('docker cp x:/out/app "$PWD/app"\ndocker cp x:/out/app "${pwd}/app"\n').commands.map((c) => c.words[3]!.raw);
    expect(cp).toEqual(['"${PWD}/app"', '"${PWD}/app"']);
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': 'docker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app "$PWD/app"\ndocker rm x\ndocker build -t app .\n' });
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'DYNAMIC_ARTIFACT_PATH')!.message).toContain('`docker cp x:/out/app "$PWD/app"`');
  });

  it('$env:PWD is not the current location: Set-Location leaves the environment\'s PWD as it was, so a context written with it is only known at run time', () => {
    const files = { 'svc/Dockerfile.build': 'FROM alpine:3.19\nCOPY marker /app\n', 'svc/marker': 'svc\n', marker: 'root\n', Dockerfile: RUNTIME };
    const ps = (ctx: string) => `Set-Location svc\ndocker build -t app:build -f Dockerfile.build ${ctx}\nSet-Location ..\ndocker create --name x app:build\ndocker cp x:/app ./app\ndocker rm x\ndocker build -t app .\n`;
    const codes = (ctx: string) => planFiles({ ...files, 'build.ps1': ps(ctx) }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
    for (const ctx of ['"$env:PWD"', '$env:PWD', '"${env:PWD}"']) expect(codes(ctx)).toEqual([['refused', 'DYNAMIC_BUILD_INPUT']]);
    expect(codes('"$PWD"')).toEqual([['migrate']]);
  });

  it('a bare word expands its variables; $env:NAME is the environment variable', () => {
    const c = commands('$v = \'7\'\ndocker build -t app:$v --build-arg "P=$env:HTTP_PROXY" .\n');
    expect(c[0]!.slice(0, 4)).toEqual(['docker', 'build', '-t', 'app:7']);
    expect(c[0]![5]).toBe('?P=${HTTP_PROXY}');
  });

  it('$(…) is an unknown value, unless it only yields a variable or a literal', () => {
    const c = commands("$img = 'app'\ndocker build -t \"$(Get-Content tag.txt)\" -t \"$($img):x\" -t \"$('lit')\" .\n");
    // Get-Content runs first, as its own (nested) command.
    expect(c[0]).toEqual(['cat', 'tag.txt']);
    expect(c[1]![3]).toMatch(/^\?.*__ps_expression_/);
    expect(c[1]!.slice(4)).toEqual(['-t', 'app:x', '-t', 'lit', '.']);
  });

  it('messages show a command as the file writes it, not its shell reading', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app . `', '    --label "built=$env:BUILD_ID"', 'Remove-Item ./app', 'docker push ("app:" + "build")', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(plan.setups[0]!.notes.join('\n')).toContain('may still be used by `docker push ("app:" + "build")` (build.ps1:8)');
    const s = read(ps);
    expect(s.commands[4]!.words.map((w) => w.raw).join(' ')).toBe('docker build -t app . --label "built=${BUILD_ID}"');
    expect(shownCommand(s.commands[4]!)).toBe('docker build -t app . --label "built=$env:BUILD_ID"');
  });

  it('& docker, docker.exe and a path to docker.exe are the docker client', () => {
    expect(commands("& docker build .\ndocker.exe build .\n& 'C:\\Program Files\\Docker\\docker.exe' build .\n").map((c) => c[0])).toEqual(['docker', 'docker', 'docker']);
  });

  it('native arguments PowerShell mangles (empty, embedded quotes, backslashes) are unknown', () => {
    const c = commands("docker build --label '' --label 'a\"b' -f 'sub\\Dockerfile' .\n")[0]!;
    expect(c.slice(2).filter((w) => w.startsWith('?')).length).toBe(3);
  });
});

describe('PowerShell statements', () => {
  it('a backtick continues the command on the next line; word ranges stay in the file', () => {
    const text = 'docker build `\n  -t app:build `\n  -f Dockerfile.build .\n';
    const s = read(text);
    expect(s.commands.map(words)).toEqual([['docker', 'build', '-t', 'app:build', '-f', 'Dockerfile.build', '.']]);
    const w = s.commands[0]!.words[3]!;
    expect(text.slice(w.start, w.end)).toBe('app:build');
    expect(s.commands[0]!.line).toBe(1);
  });

  it('$id = docker create … captures the id, and "${id}:/p" reads it', () => {
    const s = read('$id = docker create app:build\ndocker cp "${id}:/out/app" ./app\n');
    expect(s.commands[0]!.stdout).toEqual({ kind: 'capture', symbol: '${__ps_id}' });
    expect(s.commands[1]!.words[2]!.symbol).toBe('${__ps_id}:/out/app');
  });

  it('the file cmdlets read as the shell commands they equal', () => {
    expect(
      commands(
        [
          'Remove-Item -Recurse -Force dist',
          'New-Item -ItemType Directory -Force bin | Out-Null',
          'New-Item -ItemType File stamp',
          'Copy-Item -Path bin\\app -Destination out/app',
          'Move-Item a b',
          'Test-Path app',
          'Write-Host "done"',
          'Write-Error oops',
          '',
        ].join('\n'),
      ),
    ).toEqual([['rm', '-r', '-f', 'dist'], ['mkdir', '-p', 'bin'], ['touch', 'stamp'], ['cp', 'bin/app', 'out/app'], ['mv', 'a', 'b'], ['test', '-e', 'app'], ['echo', 'done'], ['echo', 'oops']]);
  });

  it('a -Path with wildcards is a pattern (each match), a -LiteralPath or a destination a name', () => {
    const s = read("Copy-Item dist/* release/\nRemove-Item -Path 'out\\*.tmp'\nCopy-Item -LiteralPath 'a[1]' b\nTest-Path bin/app?\n");
    expect(s.commands.map(words)).toEqual([['cp', 'dist/*', 'release/'], ['rm', 'out/*.tmp'], ['cp', 'a[1]', 'b'], ['test', '-e', 'bin/app?']]);
    // The shell reads the pattern's `*` unquoted, as PowerShell expands it; not the literal path's `[`.
    expect(s.commands.map((c) => c.words.map((w) => w.pattern === true))).toEqual([[false, true, false], [false, true], [false, false, false], [false, false, true]]);
  });

  it('parameters bind by unique prefix, in any case; an unknown one leaves the cmdlet unmodelled', () => {
    expect(commands('remove-item -rec -fo dist\n')).toEqual([['rm', '-r', '-f', 'dist']]);
    expect(commands('Remove-Item dist -Include *.exe\n')[0]![0]).toBe('Remove-Item.ps');
    // On Linux and macOS `rm` is the native program, on Windows Remove-Item: not modelled.
    expect(commands('rm -rf dist\n')[0]![0]).toBe('rm.ps');
  });

  it('a list of paths in one argument leaves the cmdlet unmodelled: a missing item fails the whole call', () => {
    expect(commands("Remove-Item -Path 'app', 'stale.txt'\n")[0]![0]).toBe('Remove-Item.ps');
    expect(commands("Remove-Item 'a','b'\n")[0]![0]).toBe('Remove-Item.ps');
    expect(commands("Remove-Item -Path 'app'\n")).toEqual([['rm', 'app']]);
    // Merged, app is no longer made: kept as a program that may use it (no export stage in PowerShell: refused).
    const ps = ["$ErrorActionPreference = 'Stop'", 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', "Remove-Item -Path 'app', 'stale.txt'", ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps, 'stale.txt': '' });
    expect(plan.setups.map((x) => [x.status, ...x.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['refused', 'ARTIFACT_USED_ON_HOST']]);
  });

  it('Set-Location moves the working directory; $PSScriptRoot is the script folder', () => {
    const s = read('Set-Location "$PSScriptRoot/.."\ndocker build .\nSet-Location web\ndocker build .\n', 'ci/build.ps1');
    expect(s.commands.filter((c) => c.words[0]!.value === 'docker').map((c) => c.cwd)).toEqual(['', 'web']);
  });

  it('commands in blocks run conditionally; assignments there are unknown afterwards', () => {
    const s = read("$t = 'a'\nif ($env:CI) { $t = 'b'; docker rm -f x }\nforeach ($n in 1..2) { docker build -t \"app:$n\" . }\ndocker build -t \"app:$t\" .\n");
    const flags = s.commands.map((c) => [words(c).join(' '), c.conditional]);
    expect(flags).toContainEqual(['docker rm -f x', true]);
    expect(s.commands.at(-1)!.conditional).toBe(false);
    expect(s.commands.at(-1)!.words[3]!.value).toBeNull();
  });

  it("PowerShell 7's && and || chain pipelines as the shell's do: every command of the chain is read", () => {
    const s = read("Write-Host done && docker push app:build || docker rmi app:build\ndocker build . | Out-Null && exit 0\n");
    expect(s.commands.map(words)).toEqual([['echo', 'done'], ['docker', 'push', 'app:build'], ['docker', 'rmi', 'app:build'], ['docker', 'build', '.'], ['exit', '0']]);
    expect(s.commands.map((c) => (c.branches ?? []).flatMap((b) => b.on ?? []))).toEqual([[], ['success'], ['failure'], [], ['success']]);
  });

  it('a builder image pushed after a && is still used: the builder build stays', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', "Write-Host 'built' && docker push app:build", ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied({}, plan)['build.ps1']).toContain('docker build --target builder -t app:build -f Dockerfile .');
  });

  it('a whole builder pattern written as chains is migrated', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build . && docker create --name x app:build', 'docker cp x:/out/app ./app && docker rm x', 'docker build -t app . || exit 1', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(applied({}, plan)['build.ps1']).toBe('docker build -t app . || exit 1\n');
  });

  it('$ErrorActionPreference and Set-StrictMode are known and inert; a .NET call is an unknown program', () => {
    expect(commands("$ErrorActionPreference = 'Stop'\nSet-StrictMode -Version Latest\ndocker build .\n")).toEqual([['docker', 'build', '.']]);
    expect(commands("[IO.File]::Delete('app')\n")[0]![0]).toBe('__ps_statement');
  });
});

describe('PowerShell guards', () => {
  const pattern = (guard: string) =>
    ['docker build -t app:build -f Dockerfile.build .', guard, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', FINAL_GUARD, ''].join('\n');
  // The runtime build now fails on a failing compile: it must end the script as the builder's guard did (builder-failure-stop.test.ts).
  const FINAL_GUARD = 'if ($LASTEXITCODE -ne 0) { exit 1 }';

  for (const guard of ['if ($LASTEXITCODE -ne 0) { exit 1 }', 'if (-not $?) { throw "builder build failed" }', "if ($LASTEXITCODE -ne 0) {\n    Write-Error 'builder build failed'\n    exit 1\n}"]) {
    it(`\`${guard.split('\n')[0]}\` goes with the command it guards`, () => {
      const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': pattern(guard) });
      expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
      expect(applied({}, plan)['build.ps1']).toBe(`docker build -t app .\n${FINAL_GUARD}\n`);
    });
  }

  it('a guard after `$id = docker create …` goes with the capture', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', '$cid = docker create app:build', 'if ($LASTEXITCODE -ne 0) { exit 1 }', 'docker cp "${cid}:/out/app" ./app', 'docker rm $cid', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(applied({}, plan)['build.ps1']).toBe('docker build -t app .\n');
  });

  it('a $LASTEXITCODE check that would now read another command refuses the setup (it could exit 1 on $null)', () => {
    // Once `docker cp` goes, the check would read `docker create`'s status, or $null before any.
    const ps = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', "Write-Host 'copied'", 'if ($LASTEXITCODE -ne 0) { exit 1 }', 'docker rm x', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(plan.changes).toEqual([]);
  });

  it('a status kept for later (`$copied = $LASTEXITCODE`) of a removed command refuses in the script\'s own words', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', '$copied = $LASTEXITCODE', 'docker rm x', 'if ($copied -ne 0) { exit 1 }', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    const errors = plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.line])).toEqual([['SCRIPT_EDIT_UNSAFE', 4]]);
    expect(errors[0]!.message).toContain('`$copied = $LASTEXITCODE` reads the exit status of `docker cp x:/out/app ./app` (line 3)');
    expect(errors[0]!.message).not.toContain('__ps');
  });

  it('a status read of the builder build that is not a bare guard keeps the build (`--target`), and the read still names it', () => {
    // `… else { … }` and a log redirect: the builder build stays, rewritten in place; the read-back
    // check follows the read to the rewritten command (it used to refuse with an internal error).
    for (const [build, guard] of <[string, string][]>[
      ['docker build -t app:build -f Dockerfile.build .', "if ($LASTEXITCODE -ne 0) { exit 1 } else { Write-Host 'compiled' }"],
      ['docker build -t app:build -f Dockerfile.build . *> compile.log', 'if ($LASTEXITCODE -ne 0) { Get-Content compile.log; exit 1 }'],
    ]) {
      const ps = [build, guard, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', ''].join('\n');
      const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
      expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error')]), guard).toEqual([['migrate', []]]);
      expect(applied({}, plan)['build.ps1']).toBe(`${build.replace('-t app:build -f Dockerfile.build', '--target builder -t app:build -f Dockerfile')}\n${guard}\ndocker build -t app .\n`);
    }
  });

  it('statements sharing a line with `;` go one by one, a line left empty goes whole, and a guard after `;` goes with its build', () => {
    const ps = [
      'docker build -t app:build -f Dockerfile.build .; if ($LASTEXITCODE -ne 0) { exit 1 }',
      'docker create --name x app:build; docker cp x:/out/app ./app; docker rm x',
      'Write-Host start; docker rm x; Write-Host mid',
      "Write-Host copied; docker rm -f x",
      'docker build -t app .; if ($LASTEXITCODE -ne 0) { exit 1 }',
      '',
    ].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error')])).toEqual([['migrate', []]]);
    expect(applied({}, plan)['build.ps1']).toBe('Write-Host start; Write-Host mid\nWrite-Host copied; \ndocker build -t app .; if ($LASTEXITCODE -ne 0) { exit 1 }\n');
  });

  it('a build\'s log sent to a file is a redirect: it goes with the build, and a later use of the log refuses as a removed output', () => {
    const ps = (after: string) => ['docker build -t app:build -f Dockerfile.build . > compile.log 2>&1', 'if ($LASTEXITCODE -ne 0) { exit 1 }', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', 'if ($LASTEXITCODE -ne 0) { exit 1 }', after, ''].join('\n');
    const kept = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps("Write-Host done") });
    expect(kept.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error')])).toEqual([['migrate', []]]);
    expect(applied({}, kept)['build.ps1']).toBe('docker build -t app .\nif ($LASTEXITCODE -ne 0) { exit 1 }\nWrite-Host done\n');
    const used = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps('Copy-Item compile.log ./logs/compile.log') });
    expect(used.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([['REMOVED_OUTPUT_USED', 8]]);
  });

  it('a docker path written with `\\` refuses, saying it depends on the platform (not "only known at run time")', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', 'if ($LASTEXITCODE -ne 0) { exit 1 }', 'docker create --name x app:build', 'docker cp x:/out/app .\\app', 'docker rm x', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    const d = plan.setups[0]!.diagnostics.filter((x) => x.severity === 'error');
    expect(d.map((x) => [x.code, x.line])).toEqual([['DYNAMIC_ARTIFACT_PATH', 4]]);
    expect(d[0]!.message).toContain('holds a `\\`, which docker reads as a folder separator on Windows');
    expect(d[0]!.hint).toContain('`/`');
  });

  it('exit $LASTEXITCODE after the final build still reads the final build: migrated', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', 'exit $LASTEXITCODE', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(applied({}, plan)['build.ps1']).toBe('docker build -t app .\nexit $LASTEXITCODE\n');
  });

  it('a call of a function of the script between extraction and runtime build refuses the setup', () => {
    const ps = ['function Sign { signtool sign ./app }', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'Sign', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(plan.setups.map((s) => s.status)).toEqual(['refused']);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'HOST_POSTPROCESS' && d.line === 6)).toBeDefined();
  });

  it('a $LASTEXITCODE check after a cmdlet guards nothing of the setup: it stays', () => {
    const s = read('Remove-Item app\nif ($LASTEXITCODE -ne 0) { exit 1 }\n');
    expect(s.commands.map(words)).toEqual([['rm', 'app'], ['__ps_last_status', 'none'], ['exit', '1']]);
    expect(s.commands[2]!.conditional).toBe(true);
  });
});

describe('PowerShell setups', () => {
  it('an artifact path from Get-Content is only known at run time: refused, nothing written', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', '$src = Get-Content artifact.txt', 'docker create --name x app:build', 'docker cp "x:$src" ./app', 'docker rm x', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps, 'artifact.txt': '/out/app\n' });
    expect(plan.setups.map((s) => s.status)).toEqual(['refused']);
    expect(plan.setups[0]!.diagnostics.map((d) => d.code)).toContain('DYNAMIC_ARTIFACT_PATH');
    expect(plan.changes).toEqual([]);
  });

  it('an unknown program given the artifact after the extraction refuses the setup', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'Invoke-Signing ./app', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(plan.setups.map((s) => s.status)).toEqual(['refused']);
    expect(plan.changes).toEqual([]);
  });

  it('the builder build flags the final build takes over are written as PowerShell', () => {
    const ps = ["$v = '3'", 'docker build --build-arg "V=$v" -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(applied({}, plan)['build.ps1']).toBe("$v = '3'\ndocker build --build-arg \"V=$v\" -t app .\n");
  });

  it('a statement sharing its line with another goes with its `;`, the other stays', () => {
    const ps = ['docker build -t app:build -f Dockerfile.build .; Write-Host built', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app .', ''].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps });
    expect(plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['migrate', []]]);
    expect(applied({}, plan)['build.ps1']).toBe('Write-Host built\ndocker build -t app .\n');
  });

  it('Azure Pipelines: pwsh: steps and PowerShell@2 inline scripts are read', () => {
    const yml = [
      'steps:',
      '  - pwsh: |',
      '      docker build -t app:build -f Dockerfile.build .',
      '      docker create --name x app:build',
      '  - task: PowerShell@2',
      '    inputs:',
      '      targetType: inline',
      '      script: |',
      '        docker cp x:/out/app ./app',
      '        docker rm x',
      '  - powershell: docker build -t app .',
      '',
    ].join('\n');
    const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'azure-pipelines.yml': yml });
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied({}, plan)['azure-pipelines.yml']).toBe('steps:\n  - powershell: docker build -t app .\n');
  });
});

describe('PowerShell re-read', () => {
  const ps = ['# build', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'if ($env:CI) {', '    docker build -t app .', '}', ''].join('\n');
  const check = (after: string) => {
    const files = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.ps1': ps };
    const fs = new MemoryFs(files);
    const script = analyze(fs, Object.keys(files).sort()).scripts.get('build.ps1')!;
    const removed = script.commands.filter((c) => /app:build|x:|docker rm/.test(c.words.map((w) => w.value).join(' '))).map((c) => c.index);
    expect(removed).toHaveLength(4);
    return rereadScript({ script, after, removed, rewrites: [] }, fs);
  };

  it('the right edit reads back as planned', () => {
    expect(check('if ($env:CI) {\n    docker build -t app .\n}\n')).toBeNull();
  });

  it('a syntax error, a command left behind, or one moved out of its block is caught', () => {
    expect(check('if ($env:CI) {\n    docker build -t app .\n')).toMatch(/no longer reads cleanly|cannot be read/);
    expect(check('docker rm x\nif ($env:CI) {\n    docker build -t app .\n}\n')).not.toBeNull();
    expect(check('docker build -t app .\n')).toMatch(/outside|condition|if/);
  });
});

describe('PowerShell fixture pairs, read again with the grammar', () => {
  for (const [c, file] of [
    ['powershell-script', 'build.ps1'],
    ['powershell-github-actions', '.github/workflows/image.yml'],
  ] as const) {
    it(`${c}: after/${file} parses and holds the old commands minus the removed ones, in order`, () => {
      const dir = (side: string) => path.join(FIXTURES, c, side);
      const scriptOf = (side: string) => {
        const fs = new NodeRepoFs(dir(side));
        const a = analyze(fs, walk(dir(side)).files);
        expect(a.diagnostics.filter((d) => d.code === 'SHELL_PARSE_ERROR')).toEqual([]);
        return a.scripts.get(file)!;
      };
      const before = scriptOf('before').commands.map((x) => words(x).filter((w) => !w.startsWith('--build-arg') && !w.startsWith('VERSION=')).join(' '));
      const after = scriptOf('after').commands.map((x) => words(x).filter((w) => !w.startsWith('--build-arg') && !w.startsWith('VERSION=')).join(' '));
      expect(after.length).toBeGreaterThan(0);
      expect(after.length).toBeLessThan(before.length);
      // A subsequence: nothing added, nothing reordered.
      let k = 0;
      for (const cmd of before) if (after[k] === cmd) k++;
      expect(k).toBe(after.length);
      if (file.endsWith('.ps1')) expect('root' in parsePowerShellTree(fsText(path.join(dir('after'), file)))).toBe(true);
    });
  }
});

describe("docker's standard output sent to a file", () => {
  it('goes through Out-File, a program the tool does not model: PowerShell before 7.4 writes other bytes than docker printed', () => {
    const script = read('docker run --rm app:build cat /out/app > app\ndocker build -t app:build . >> build.log 2>&1\n');
    expect(script.commands.map(words)).toEqual([
      ['docker', 'run', '--rm', 'app:build', 'cat', '/out/app'],
      ['Out-File.ps', 'app'],
      ['docker', 'build', '-t', 'app:build', '.'],
    ]);
    expect(script.commands[0]!.stdout).toMatchObject({ kind: 'pipe', to: 1 });
    expect(script.commands[0]!.redirects).toEqual([]);
    // A build's output is its log, never an artifact: a redirect like any other.
    expect(script.commands[2]!.redirects.map((r) => `${r.fd ?? ''}${r.op}${r.target.value}`)).toEqual(['>>build.log', '2>&1']);
  });

  it('stays a redirect to /dev/null for $null, and for standard error', () => {
    const script = read('docker build -t app . > $null\ndocker build -t app . 2> err.txt\n');
    expect(script.commands.map(words)).toEqual([['docker', 'build', '-t', 'app', '.'], ['docker', 'build', '-t', 'app', '.']]);
    expect(script.commands.map((c) => c.redirects.map((r) => `${r.fd ?? ''}${r.op} ${r.target.value}`))).toEqual([['> /dev/null'], ['2> err.txt']]);
  });
});

describe('PowerShell: functions and aliases run before a program of their name', () => {
  const PIPE = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'].join('\n');
  const shadow = (files: Record<string, string>) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, ...files }).setups.flatMap((s) => s.diagnostics.filter((d) => d.code === 'COMMAND_SHADOWED'));
  it('a function or alias of the script named docker (any case) refuses COMMAND_SHADOWED, with a PowerShell hint', () => {
    const [d] = shadow({ 'build.ps1': `function Docker { & docker.exe @args; icacls $args[2] /inheritance:r }\n${PIPE}\n` });
    expect([d?.line, d?.message, d?.hint]).toEqual([2, expect.stringContaining('`docker` is a function build.ps1 defines'), expect.stringContaining('& (Get-Command docker -CommandType Application)')]);
    expect(shadow({ 'build.ps1': `Set-Alias -Value podman docker\n${PIPE}\n` })[0]?.message).toContain('`docker` is an alias build.ps1 sets');
    expect(shadow({ 'build.ps1': `New-Alias -Name docker -Value podman\n${PIPE}\n` })).toHaveLength(1);
  });
  it('so does one in a file it dot-sources, by a path or from $PSScriptRoot; an unreadable one may define anything', () => {
    expect(shadow({ 'build.ps1': `. ./helpers.ps1\n${PIPE}\n`, 'helpers.ps1': 'function docker { docker.exe @args }\n' })[0]?.message).toContain('a function helpers.ps1 defines (dot-sourced by build.ps1)');
    expect(shadow({ 'ci/build.ps1': `. "$PSScriptRoot\\lib\\common.ps1"\n${PIPE}\n`, 'ci/lib/common.ps1': 'Set-Alias docker podman\n' })[0]?.message).toContain('an alias ci/lib/common.ps1 sets (dot-sourced by ci/build.ps1)');
    expect(shadow({ 'build.ps1': `. ./missing.ps1\n${PIPE}\n` })[0]?.message).toContain('possibly another command of that name (build.ps1 dot-sources ./missing.ps1, which the tool cannot read as PowerShell)');
  });
  it('a cmdlet the script redefines is not read as the cmdlet: its call is a program the tool does not know', () => {
    // `Remove-Item ./app` after the runtime build read as `rm ./app` migrated, dropping what the function did (copy the artifact to keep/).
    const tail = `${PIPE}\nRemove-Item ./app -Force\n`;
    const refused = (files: Record<string, string>) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, ...files }).setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    expect(refused({ 'build.ps1': tail })).toEqual([['migrate', []]]);
    expect(refused({ 'build.ps1': `function Remove-Item {\n  param($Path, [switch]$Force)\n  Copy-Item $Path ./keep/\n}\n${tail}` })).toEqual([['refused', ['ARTIFACT_USED_ON_HOST']]]);
    expect(read(`function Remove-Item {\n  Copy-Item $args[0] ./keep/\n}\nRemove-Item ./app\ndel ./app\n`).commands.map(words).slice(-2).map((w) => w[0])).toEqual(['Remove-Item.ps', 'del.ps']);
    expect(read(`Set-Alias Remove-Item Backup-Item\nri ./app\n`).commands.map(words).at(-1)![0]).toBe('ri.ps');
    expect(refused({ 'build.ps1': `. ./helpers.ps1\n${tail}`, 'helpers.ps1': 'function Remove-Item { Copy-Item $args[0] ./keep/ }\n' })).toEqual([['refused', ['ARTIFACT_USED_ON_HOST']]]);
  });
  it('a PowerShell CI step defining docker (or dot-sourcing a file) refuses the setups of the file it is in', () => {
    const step = (lines: string[]) => `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: pwsh\n        run: |\n${lines.map((l) => `          ${l}`).join('\n')}\n`;
    const codes = (lines: string[]) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': step(lines) }).setups.flatMap((s) => s.diagnostics.filter((d) => d.code === 'COMMAND_SHADOWED').map((d) => d.message));
    expect(codes(PIPE.split('\n'))).toEqual([]);
    expect(codes(['function docker { docker.exe @args; chmod 700 app }', ...PIPE.split('\n')])[0]).toContain('`docker` is a function .github/workflows/image.yml defines');
    expect(codes(['. ./ci/helpers.ps1', ...PIPE.split('\n')])[0]).toContain('possibly another command of that name');
  });
  it('an assignment to $env:PATH may put first a folder holding docker: refuses', () => {
    expect(shadow({ 'build.ps1': `$env:PATH = "$PSScriptRoot/tools" + [IO.Path]::PathSeparator + $env:PATH\n${PIPE}\n` })[0]?.message).toContain('possibly another command of that name (build.ps1 sets $env:PATH (line 1)');
    expect(shadow({ 'build.ps1': `$env:GOFLAGS = '-mod=vendor'\n${PIPE}\n` })).toEqual([]);
  });
  it('helpers of other names change nothing', () => {
    expect(shadow({ 'build.ps1': `. ./helpers.ps1\nfunction Write-Step { Write-Host $args }\nWrite-Step building\n${PIPE}\n`, 'helpers.ps1': 'function Invoke-Tests { Write-Host ok }\nSet-Alias it Invoke-Tests\n' })).toEqual([]);
  });
});

describe('PowerShell: a script run by its path may leave the session elsewhere', () => {
  const PIPE = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'].join('\n');
  const outcome = (files: Record<string, string>) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'docker/Dockerfile.build': BUILDER, 'docker/Dockerfile': RUNTIME, ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
  it('its Set-Location stays after it returns: the folder after the call is only known at run time, unless the script is read and moves nowhere', () => {
    // The location is the session's: after ./scripts/prep.ps1 runs `Set-Location docker`, the builds read docker/'s Dockerfiles, not the root's.
    const refusedAtRunTime = (o: string[][]) => o.length === 1 && o[0]![0] === 'refused' && o[0]!.includes('DYNAMIC_BUILD_INPUT');
    expect(refusedAtRunTime(outcome({ 'build.ps1': `./scripts/prep.ps1\n${PIPE}\n`, 'scripts/prep.ps1': 'Set-Location docker\n' }))).toBe(true);
    expect(refusedAtRunTime(outcome({ 'build.ps1': `& ./scripts/missing.ps1\n${PIPE}\n` }))).toBe(true);
    expect(outcome({ 'build.ps1': `./scripts/prep.ps1\n${PIPE}\n`, 'scripts/prep.ps1': 'Write-Host "preparing"\n' })).toEqual([['migrate']]);
  });
});


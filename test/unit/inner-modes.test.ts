/**
 * `docker cp c:/out ./out`, then `chmod 0750 out/app` on the host before the runtime build
 * copies the folder: the merged Dockerfile sets that file's mode again with a COPY --chmod after
 * the folder's line, where the builder proves the path a file; otherwise the chmod is refused
 * (HOST_POSTPROCESS), naming it and why.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && echo "region=eu" > /out/app.conf\n';
const script = (chmod: string, after = '') => `#!/bin/sh\nset -e\ndocker build -t l:build -f Dockerfile.build .\ndocker create --name x l:build\ndocker cp x:/out ./out\ndocker rm x\n${chmod}\ndocker build -t l:latest .\n${after}rm -rf out\n`;
const files = (runtime: string, chmod = 'chmod 0750 out/app', builder = BUILDER, after = '') => ({ 'Dockerfile.build': builder, Dockerfile: `FROM alpine:3.19\n${runtime}`, 'build.sh': script(chmod, after) });
const errors = (f: Record<string, string>) => planFiles(f).setups[0]!.diagnostics.filter((d) => d.severity === 'error');

describe('a chmod of a file inside an extracted folder', () => {
  it('is set again after the folder\'s line, and the chmod goes', () => {
    const f = files('COPY out/ /opt/ledger/\nCMD ["/opt/ledger/app"]\n');
    const plan = planFiles(f);
    expect(plan.setups[0]!.status).toBe('migrate');
    const out = applied(f, plan);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out /opt/ledger/\nCOPY --from=builder --chown=0:0 --chmod=750 /out/app /opt/ledger/app\nCMD');
    expect(out['build.sh']).not.toContain('chmod');
  });

  it('writes each file of several, in the line\'s form, under a relative destination', () => {
    const two = 'FROM gcc:13\nWORKDIR /src\nCOPY . .\nRUN gcc -o /out/app main.c && gcc -o /out/tool tool.c\n';
    const f = files('WORKDIR /opt/ledger\nCOPY ["out", "."]\n', 'chmod 0700 out/app out/tool && chmod 0750 out/app', two);
    const out = applied(f, planFiles(f));
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 ["/out", "."]\nCOPY --from=builder --chown=0:0 --chmod=700 ["/out/tool", "./tool"]\nCOPY --from=builder --chown=0:0 --chmod=750 ["/out/app", "./app"]\n');
    // a file the builder writes with a redirect is not proven one
    const conf = errors(files('COPY out/ /opt/ledger/\n', 'chmod 0600 out/app.conf'));
    expect(conf.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(conf[0]!.message).toContain('nothing proves /out/app.conf a file');
  });

  it('adds nothing when the line sets every file\'s mode itself', () => {
    const f = files('COPY --chmod=0755 out/ /opt/ledger/\n');
    const out = applied(f, planFiles(f));
    expect(out['Dockerfile']).toContain('COPY --chmod=0755 --from=builder --chown=0:0 /out /opt/ledger/\n');
    expect(out['Dockerfile']).not.toContain('--chmod=750');
  });

  it('needs no proof of a file when the line\'s own octal --chmod sets every mode it copies, nor a whole-folder line', () => {
    const unproven = 'FROM golang:1.21\nRUN make\n';
    const f = files('COPY --chmod=0755 out/ /opt/ledger/\n', 'chmod 0700 out/app', unproven);
    expect(errors(f)).toEqual([]);
    const out = applied(f, planFiles(f));
    expect(out['Dockerfile']).toContain('COPY --chmod=0755 --from=builder --chown=0:0 /out /opt/ledger/\n');
    expect(out['build.sh']).not.toContain('chmod');
    expect(errors(files('COPY --chmod=644 out/app.conf /etc/ledger.conf\n', 'chmod 0600 out/app.conf', unproven))).toEqual([]);
    // a symbolic --chmod changes the mode the file had: still refused
    expect(errors(files('COPY --chmod=u+x out/ /opt/ledger/\n', 'chmod 0700 out/app', unproven)).map((d) => d.code)).toContain('HOST_POSTPROCESS');
  });

  it('refuses a line whose flag may leave the file out of the folder\'s copy', () => {
    const e = errors(files('COPY --exclude=app out/ /opt/ledger/\n'));
    expect(e.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(e[0]!.message).toContain('`--exclude=app` of COPY (Dockerfile:2) may leave it out');
  });

  it('refuses a path the builder does not prove a file, naming the chmod', () => {
    const e = errors(files('COPY out/ /opt/ledger/\n', 'chmod 0750 out/app', 'FROM golang:1.21\nRUN make\n'));
    expect(e.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(e[0]!.message).toContain('`chmod 750 out/app` sets the mode of a file inside out');
    expect(e[0]!.message).toContain('nothing proves /out/app a file');
    expect(e[0]!.line).toBe(7);
  });

  it('writes a symbolic mode as the one mode it gives from both modes a compiler output may have (755, 644)', () => {
    const f = files('COPY out/ /opt/ledger/\n', 'chmod +x out/app');
    expect(errors(f)).toEqual([]);
    const plan = planFiles(f);
    expect(plan.setups[0]!.notes.join('\n')).toContain('`chmod +x out/app` gives out/app mode 755 from either mode the builder stage can give it (755 or 644');
    const out = applied(f, plan);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out /opt/ledger/\nCOPY --from=builder --chown=0:0 --chmod=755 /out/app /opt/ledger/app\n');
    expect(out['build.sh']).not.toContain('chmod');
    // a-x: 644 from either
    expect(applied(files('COPY out/ /opt/ledger/\n', 'chmod a-x out/app'), planFiles(files('COPY out/ /opt/ledger/\n', 'chmod a-x out/app')))['Dockerfile']).toContain('--chmod=644 /out/app /opt/ledger/app\n');
    // after an octal chmod, from the mode it set
    const both = files('COPY out/ /opt/ledger/\n', 'chmod 0640 out/app\nchmod g+w out/app');
    expect(applied(both, planFiles(both))['Dockerfile']).toContain('--chmod=660 /out/app /opt/ledger/app\n');
  });

  it('writes no line when the result is the one mode the stage gives, and writes the file again in the export stage when the host still needs the folder', () => {
    const fixed = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && chmod 0755 /out/app\n';
    const same = files('COPY out/ /opt/ledger/\n', 'chmod +x out/app', fixed);
    const plan = planFiles(same);
    expect(errors(same)).toEqual([]);
    expect(plan.setups[0]!.notes.join('\n')).toContain('`chmod +x out/app` leaves out/app with the mode the builder stage gives it (755)');
    const out = applied(same, plan)['Dockerfile']!;
    expect(out).toContain('COPY --from=builder --chown=0:0 /out /opt/ledger/\n');
    expect(out).not.toContain('--chmod');
    const host = files('COPY out/ /opt/ledger/\n', 'chmod +x out/app\nchmod a-w out/app', BUILDER, 'sha256sum out/app > app.sha256\n');
    expect(errors(host)).toEqual([]);
    expect(applied(host, planFiles(host))['Dockerfile']).toContain('FROM scratch AS export\nCOPY --from=builder /out /out\nCOPY --from=builder --chmod=555 /out/app /out/app\n');
  });

  it('refuses a symbolic mode whose result depends on the mode the stage gives, one the stage cannot tell, a umask and a flag', () => {
    const ux = errors(files('COPY out/ /opt/ledger/\n', 'chmod u+x out/app'));
    expect(ux.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(ux[0]!.message).toContain('`chmod u+x out/app` sets the mode of a file inside out');
    expect(ux[0]!.message).toContain('here 755 or 744');
    const conf = errors(files('COPY out/ /opt/ledger/\n', 'chmod +x out/app.conf'));
    expect(conf.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(conf[0]!.message).toContain('cannot tell which mode the builder stage gives /out/app.conf');
    const umask = errors(files('COPY out/ /opt/ledger/\n', 'umask 077\nchmod +x out/app'));
    expect(umask.map((d) => d.code)).toEqual(['HOST_UMASK']);
    expect(umask[0]!.message).toContain('out/app');
    // a who in every clause does not go through the umask
    expect(errors(files('COPY out/ /opt/ledger/\n', 'umask 077\nchmod a+x out/app'))).toEqual([]);
    expect(errors(files('COPY out/ /opt/ledger/\n', 'chmod -R 0750 out/app')).map((d) => d.code)).toContain('HOST_POSTPROCESS');
  });

  it('refuses a line that copies a part of the folder holding the file; one that copies the file itself gets --chmod, one without it nothing', () => {
    const nested = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/bin/app . && echo "region=eu" > /out/app.conf\n';
    const part = errors(files('COPY out/ /opt/ledger/\nCOPY out/bin /usr/local/bin\n', 'chmod 0750 out/bin/app', nested));
    expect(part.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(part[0]!.message).toContain('`COPY out/bin` (Dockerfile:3) copies part of it');
    const f = files('COPY out/bin/app /usr/local/bin/app\nCOPY out/app.conf /etc/ledger.conf\n', 'chmod 0750 out/bin/app', nested);
    expect(errors(f)).toEqual([]);
    const plan = planFiles(f);
    expect(plan.setups[0]!.notes.join('\n')).toContain('`chmod 0750 out/bin/app` set the mode of out/bin/app on the host');
    const out = applied(f, plan);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 --chmod=750 /out/bin/app /usr/local/bin/app\nCOPY --from=builder --chown=0:0 /out/app.conf /etc/ledger.conf\n');
  });

  it('writes the file again after the folder in the export stage when the host still needs the folder', () => {
    const f = files('COPY out/ /opt/ledger/\n', 'chmod 0750 out/app', BUILDER, 'sha256sum out/app > app.sha256\n');
    expect(errors(f)).toEqual([]);
    const out = applied(f, planFiles(f));
    expect(out['Dockerfile']).toContain('FROM scratch AS export\nCOPY --from=builder /out /out\nCOPY --from=builder --chmod=750 /out/app /out/app\n');
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out /opt/ledger/\nCOPY --from=builder --chown=0:0 --chmod=750 /out/app /opt/ledger/app\n');
    expect(out['build.sh']).toContain('sha256sum out/app > app.sha256');
    expect(out['build.sh']).not.toContain('chmod');
    // unproven a file: refused, saying the host still needs it
    const host = errors(files('COPY out/ /opt/ledger/\n', 'chmod 0750 out/app', 'FROM golang:1.21\nRUN make\n', 'sha256sum out/app > app.sha256\n'));
    expect(host.map((d) => d.code)).toContain('HOST_POSTPROCESS');
    const why = host.find((d) => d.code === 'HOST_POSTPROCESS')!.message;
    expect(why).toContain('out is still needed on the host');
    expect(why).toContain('nothing proves /out/app a file');
  });
});

describe('an octal chmod of an extracted file that kept the container\'s mode', () => {
  const one = (chmod: string, runtime = 'COPY app /usr/local/bin/app\nCMD ["/usr/local/bin/app"]\n', builder = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n', after = '') => ({
    'Dockerfile.build': builder,
    Dockerfile: `FROM alpine:3.19\n${runtime}`,
    'build.sh': `#!/bin/sh\nset -e\ndocker build -t l:build -f Dockerfile.build .\ndocker create --name x l:build\ndocker cp x:/out/app ./app\ndocker rm x\n${chmod}\ndocker build -t l:latest .\n${after}rm app\n`,
  });

  it('is written as --chmod on the COPY --from, and the chmod goes', () => {
    const f = one('chmod 0700 app');
    const plan = planFiles(f);
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(plan.setups[0]!.notes.join('\n')).toContain('`chmod 0700 app` set the mode of app on the host; `--chmod=700` keeps');
    const out = applied(f, plan);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 --chmod=700 /out/app /usr/local/bin/app\n');
    expect(out['build.sh']).not.toContain('chmod');
  });

  it('takes a symbolic chmod after it from the mode it set', () => {
    const out = applied(one('chmod 0700 app\nchmod go+rx app'), planFiles(one('chmod 0700 app\nchmod go+rx app')));
    expect(out['Dockerfile']).toContain('--chmod=755 /out/app');
  });

  it('keeps the mode in the export stage when the host still needs the file', () => {
    const f = one('chmod 0700 app', undefined, undefined, 'sha256sum app > app.sha256\n');
    const out = applied(f, planFiles(f));
    expect(out['Dockerfile']).toContain('FROM scratch AS export\nCOPY --from=builder --chmod=700 /out/app /app\n');
  });

  it('refuses a path the builder does not prove a file, a symbolic mode, a special bit and a flag', () => {
    const unproven = errors(one('chmod 0700 app', undefined, 'FROM golang:1.21\nRUN make\n'));
    expect(unproven.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(unproven[0]!.message).toContain('`chmod 0700 app` sets the mode of app');
    expect(unproven[0]!.message).toContain('nothing proves /out/app a file');
    expect(unproven[0]!.line).toBe(7);
    const folder = errors(one('chmod 0700 app', undefined, 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN mkdir -p /out/app && go build -o /out/app/ .\n'));
    expect(folder[0]!.message).toContain('(it is a folder)');
    for (const chmod of ['chmod u+x app', 'chmod 4755 app', 'chmod -R 0700 app', 'chmod +t app']) expect(errors(one(chmod)).map((d) => d.code)).toContain('HOST_POSTPROCESS');
  });

  it('applies a symbolic mode to both modes a compiler output may have (755, 644) and writes the one result', () => {
    for (const [chmod, mode] of [['chmod +x app', '755'], ['chmod a=rx app', '555'], ['chmod go-w,a+x app', '755'], ['chmod 0600 app\nchmod u+x app', '700']] as const) {
      const f = one(chmod);
      expect(errors(f), chmod).toEqual([]);
      const out = applied(f, planFiles(f));
      expect(out['Dockerfile'], chmod).toContain(`COPY --from=builder --chown=0:0 --chmod=${mode} /out/app /usr/local/bin/app\n`);
      expect(out['build.sh'], chmod).not.toContain('chmod');
    }
    expect(planFiles(one('chmod +x app')).setups[0]!.notes.join('\n')).toContain('`chmod +x app` gives app mode 755 from either mode the builder stage can give it (755 or 644: a compiler\'s output');
  });

  it('follows the stage\'s own chmods, and writes no --chmod when the result is the one mode the stage gives', () => {
    const stage = (run: string) => `FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && ${run}\n`;
    const kept = one('chmod +x app', undefined, stage('chmod 0755 /out/app'));
    expect(errors(kept)).toEqual([]);
    const plan = planFiles(kept);
    expect(plan.setups[0]!.notes.join('\n')).toContain('`chmod +x app` leaves app with the mode the builder stage gives it (755), which `COPY --from` keeps');
    const out = applied(kept, plan);
    expect(out['Dockerfile']).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
    expect(out['build.sh']).not.toContain('chmod');
    const changed = one('chmod +x app', undefined, stage('chmod 0700 /out/app'));
    expect(applied(changed, planFiles(changed))['Dockerfile']).toContain('--chmod=711 /out/app');
    // a special bit is not followed
    expect(errors(one('chmod +x app', undefined, stage('chmod 4755 /out/app')))[0]!.message).toContain('gives /out/app a mode the tool does not follow');
  });

  it('refuses a symbolic mode whose result depends on the stage\'s mode, or when the stage\'s mode is not known', () => {
    const u = errors(one('chmod u+x app'));
    expect(u.map((d) => d.code)).toEqual(['HOST_POSTPROCESS']);
    expect(u[0]!.message).toContain('the result depends on which mode the builder stage gives it (a compiler\'s output is 0755 or 0644; here 755 or 744)');
    const made = errors(one('chmod +x app', undefined, 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && cp /out/app /out/app.bak\n'));
    expect(made[0]!.message).toContain('the tool cannot tell which mode the builder stage gives /out/app');
    const masked = errors(one('chmod +x app', undefined, 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN umask 077 && go build -o /out/app .\n'));
    expect(masked[0]!.message).toContain('`umask` in Dockerfile.build');
    // a host umask set before changes what `+x` adds
    const f = one('chmod +x app');
    f['build.sh'] = f['build.sh'].replace('set -e\n', 'set -e\numask 077\n');
    expect(errors(f).map((d) => d.code)).toContain('HOST_UMASK');
  });

  it('needs no proof when the COPY line\'s own octal --chmod sets the mode', () => {
    const f = one('chmod 0700 app', 'COPY --chmod=0755 app /usr/local/bin/app\n', 'FROM golang:1.21\nRUN make\n');
    expect(errors(f)).toEqual([]);
    expect(applied(f, planFiles(f))['Dockerfile']).toContain('COPY --chmod=0755 --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
  });
});

describe('a special bit a host chmod sets', () => {
  it('refuses: COPY --chmod does not write setuid, setgid or sticky bits (moby/buildkit#3920)', () => {
    const cat = (chmod: string) => ({
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'build.sh': `#!/bin/sh\nset -e\ndocker build -t l:build -f Dockerfile.build .\ndocker run --rm l:build cat /out/app > app\n${chmod}\ndocker build -t l:latest .\nrm -f app\n`,
    });
    expect(errors(cat('chmod 0755 app'))).toEqual([]);
    for (const chmod of ['chmod 4755 app', 'chmod 2755 app', 'chmod 0755 app\nchmod 1755 app']) expect(errors(cat(chmod)).map((d) => d.code), chmod).toContain('HOST_POSTPROCESS');
    expect(errors(files('COPY out/ /opt/ledger/\n', 'chmod 4750 out/app')).map((d) => d.code)).toContain('HOST_POSTPROCESS');
  });
});

/**
 * A run's own store (test/e2e/support/run-store.ts) on the real engine: what a pipeline builds
 * there is seen there and nowhere else, removing it removes exactly that (the shared store is
 * left as it was), and an image another process tags in the shared store during the run (the
 * fresh tags a clean-clone CI run once lost to a fuzz clean-up) survives it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImages } from './support/base-images.js';
import { engineForTests } from './support/engine-for-tests.js';
import { listContainers, listImages, runScript } from './support/pipeline.js';
import { openRunStore } from './support/run-store.js';
import { withSharedStore } from './support/shared-store-lock.js';

const engine = await engineForTests();

describe.skipIf(!engine)('a run store', () => {
  const id = randomBytes(4).toString('hex');
  const bystander = `msc-bystander-${id}:fresh`;
  let repo: string;

  beforeAll(async () => {
    await ensureBaseImages(engine!);
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-run-store-'));
    fs.writeFileSync(path.join(repo, 'Dockerfile'), 'FROM busybox:latest\nRUN echo scoped > /scoped.txt\n');
    fs.writeFileSync(path.join(repo, 'build.sh'), `#!/bin/sh\nset -e\ndocker build -t scoped-${id}:latest .\ndocker create --name scoped-${id}-x scoped-${id}:latest\n`);
  });

  it('builds a Dockerfile whose stages start FROM another stage (podman 4.3 with a read-only image store once failed it)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-run-store-stages-'));
    const run = openRunStore(engine!, `msc-run-store-${id}`);
    try {
      fs.mkdirSync(path.join(dir, 'cmd'));
      fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/shop\n');
      fs.writeFileSync(path.join(dir, 'cmd', 'main.go'), 'package main\n');
      const dockerfile = [
        'FROM busybox:latest AS base', 'WORKDIR /src', 'COPY go.mod ./', 'RUN true', 'COPY cmd ./cmd', '',
        'FROM base AS api', 'RUN mkdir /out && echo api > /out/api', '',
        'FROM alpine:3.19', 'RUN mkdir -p /var/lib/shop', 'COPY --from=api --chown=0:0 /out/api /usr/local/bin/', 'WORKDIR /var/lib/shop', 'CMD ["api"]',
      ];
      fs.writeFileSync(path.join(dir, 'Dockerfile'), `${dockerfile.join('\n')}\n`);
      fs.writeFileSync(path.join(dir, 'build.sh'), `#!/bin/sh\nset -e\ndocker build -t stages-${id}:latest .\n`);
      runScript(run.engine, dir, 'build.sh');
      expect(await run.engine.imageExists(`stages-${id}:latest`)).toBe(true);
    } finally {
      await run.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a short build tag as the script wrote it, whatever the shared store holds under a longer name ending the same', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-run-store-short-'));
    const elsewhere = `localhost/elsewhere-${id}/short-${id}:latest`;
    await withSharedStore(async () => {
      const run = openRunStore(engine!, `msc-run-store-${id}`);
      try {
        await engine!.exec(['tag', 'docker.io/library/busybox:latest', elsewhere]);
        fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox:latest\nRUN echo short > /short.txt\n');
        fs.writeFileSync(path.join(dir, 'build.sh'), `#!/bin/sh\nset -e\ndocker build -t short-${id}:latest .\ndocker build --tag=short-${id}:second .\n`);
        runScript(run.engine, dir, 'build.sh');
        // podman 4.3 alone names both builds after the shared store's elsewhere-ID/short-ID
        const names = (await listImages(run.engine)).filter((r) => r.includes(`short-${id}`) && r !== elsewhere).sort();
        expect(names).toEqual([`localhost/short-${id}:latest`, `localhost/short-${id}:second`]);
        expect(await engine!.imageExists(elsewhere)).toBe(true);
      } finally {
        await run.dispose();
        await engine!.removeImage(elsewhere, { force: true, ignoreMissing: true });
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  afterAll(() => {
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('keeps what the run builds to itself and removes exactly that', async () => {
    await withSharedStore(async () => {
      try {
        const imagesBefore = await listImages(engine!);
        const containersBefore = await listContainers(engine!);
        const run = openRunStore(engine!, `msc-run-store-${id}`);
        try {
          runScript(run.engine, repo, 'build.sh');
          // another process tags an image in the shared store while the run is going on
          await engine!.exec(['tag', 'docker.io/library/busybox:latest', bystander]);

          expect(await run.engine.imageExists(`scoped-${id}:latest`)).toBe(true);
          expect(await listContainers(run.engine)).toContain(`scoped-${id}-x`);
          // base images come from the shared store without being copied into the run's
          expect(await run.engine.imageExists('docker.io/library/busybox:latest')).toBe(true);
          expect((await listImages(engine!)).filter((r) => r.includes(`scoped-${id}`))).toEqual([]);
          expect(await listContainers(engine!)).not.toContain(`scoped-${id}-x`);
        } finally {
          await run.dispose();
        }

        expect(fs.existsSync(run.dir)).toBe(false);
        // a name too long for podman's run root still gives a store that works
        const long = openRunStore(engine!, `a-run-store-named-at-length-${'x'.repeat(60)}`);
        try {
          expect(path.join(long.dir, 'run').length).toBeLessThanOrEqual(50);
          expect(await long.engine.imageExists('docker.io/library/busybox:latest')).toBe(true);
        } finally {
          await long.dispose();
        }
        expect(await engine!.imageExists(bystander)).toBe(true);
        expect((await listImages(engine!)).sort()).toEqual([...imagesBefore, `localhost/${bystander}`].sort());
        expect((await listContainers(engine!)).sort()).toEqual([...containersBefore].sort());
      } finally {
        // inside the lock: no other test may see the shared store with it
        await engine!.removeImage(bystander, { force: true, ignoreMissing: true });
      }
    });
  });
});

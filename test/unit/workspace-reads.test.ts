/**
 * CI-native keys and steps that take the extracted file from the job's folder after its
 * commands: one reading it where the export build writes it keeps it there (an export stage
 * is written into every CI kind's shell steps); one that may read more or other refuses
 * ARTIFACT_USED_ON_HOST naming the file, line and key. Without them,
 * the extraction would go and the key would find no file.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY dist/app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n',
};
const EXTRACT = ['mkdir -p dist', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name app-x app:build', 'docker cp app-x:/out/app dist/app', 'docker rm app-x', 'docker build -t app:latest .'];

const plan = (file: string, text: string) => {
  const p = planFiles({ ...BASE, [file]: text });
  expect(p.setups).toHaveLength(1);
  return p;
};

/** Migrated with an export stage: the export build writes dist where the extraction did, and the note names the key. */
const keeps = (file: string, text: string, key: RegExp) => {
  const p = plan(file, text);
  expect(p.setups[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(p.setups[0]!.status).toBe('migrate');
  expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).toMatch(/^FROM scratch AS export$/m);
  expect(p.changes.find((c) => c.path === file)!.after).toContain('docker build --target export --output type=local,dest=dist');
  expect(p.setups[0]!.notes.join('\n')).toMatch(key);
};

const refuses = (file: string, text: string, line: number, says: RegExp) => {
  const p = plan(file, text);
  expect(p.setups[0]!.status).toBe('refused');
  expect(p.changes).toEqual([]);
  const d = p.setups[0]!.diagnostics.find((x) => x.code === 'ARTIFACT_USED_ON_HOST');
  expect(d, JSON.stringify(p.setups[0]!.diagnostics)).toBeDefined();
  expect(d!.message).toMatch(says);
  expect(d!.message).toContain(`${file}:${line}`);
};

describe('GitHub Actions: a uses: step whose with: input names the file', () => {
  const wf = (step: string[]) =>
    ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: |', ...EXTRACT.map((l) => `          ${l}`), ...step, ''].join('\n');
  const F = '.github/workflows/ci.yml';
  const step = (uses: string, key: string, value: string) => [`      - uses: ${uses}`, '        with:', `          ${key}: ${value}`];

  it('a `hashFiles(…)` matching the file in a later step\'s expression keeps it on the host; one before the extraction, or matching other files, does not', () => {
    keeps(F, wf(['      - if: hashFiles(\'dist/app\') != \'\'', '        run: echo built']), /the expression `hashFiles\(…\)`.*\(\.github\/workflows\/ci\.yml:14\) reads dist\/app/);
    keeps(F, wf(['      - run: echo "$SUM"', '        env:', "          SUM: ${{ hashFiles('main.go', './dist/app') }}"]), /hashFiles.*reads dist\/app/);
    // a pattern, or one only known at run time, may match more: refused as any such read
    refuses(F, wf(['      - run: echo "$SUM"', '        env:', "          SUM: ${{ hashFiles('dist/*') }}"]), 16, /hashFiles.*reads dist\/\*/);
    keeps(F, wf(step('actions/upload-artifact@v4', 'name', "app-${{ hashFiles('dist/app') }}")), /hashFiles/);
    refuses(F, wf(['      - run: echo "$SUM"', '        env:', '          SUM: ${{ hashFiles(env.OUT) }}']), 16, /hashFiles/);
    const before = wf([]).replace('      - run: |\n', "      - uses: actions/cache@v4\n        with:\n          path: ~/go\n          key: go-${{ hashFiles('**/go.sum', 'dist/app') }}\n      - run: |\n");
    expect(plan(F, before).setups[0]!.notes.join('\n')).not.toMatch(/hashFiles/);
    expect(plan(F, wf(['      - if: hashFiles(\'**/*.go\') != \'\'', '        run: go vet ./...'])).setups[0]!.notes.join('\n')).not.toMatch(/still needed/);
  });

  it('a release step attaching the file keeps it on the host', () => {
    keeps(F, wf(step('softprops/action-gh-release@v2', 'files', 'dist/app')), /the step `uses: softprops\/action-gh-release@v2` \(`with: files:`\) \(\.github\/workflows\/ci\.yml:16\) reads dist\/app/);
  });

  it('actions/cache and an attestation read their path inputs', () => {
    keeps(F, wf(step('actions/cache@v4', 'path', 'dist')), /`with: path:`.*reads dist/);
    keeps(F, wf(step('actions/attest-build-provenance@v1', 'subject-path', 'dist/app')), /`with: subject-path:`.*reads dist\/app/);
  });

  it('an action the tool does not know, run after the extraction, may read any file of the checkout: it refuses, naming the step, even given the file by its path', () => {
    const unknown = /the step `uses: example\/sign-action@v1`, an action the tool does not know \(its inputs' defaults and its own code may read any file of the checkout\) \(\.github\/workflows\/ci\.yml:14\) reads the whole checkout, which holds the extracted dist\/app/;
    refuses(F, wf(step('example/sign-action@v1', 'args', '--key cosign.key dist/app')), 14, unknown);
    // (given nothing, as `peaceiris/actions-gh-pages` deploys `./public` unless told otherwise)
    refuses(F, wf(['      - uses: example/sign-action@v1']), 14, unknown);
    const p = plan(F, wf(['      - uses: example/sign-action@v1']));
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_USED_ON_HOST')!.hint).toMatch(/does not know which files the action reads/);
    // docker/build-push-action reads the folder `context:` names (the Git context when none), no other
    expect(plan(F, wf([...step('docker/build-push-action@v6', 'context', 'tools'), '          file: tools/Dockerfile'])).setups[0]!.status).toBe('migrate');
  });

  it('a known action given no path input reads the default its documentation gives', () => {
    const files = { 'Dockerfile.build': BASE['Dockerfile.build'], 'main.go': BASE['main.go'] };
    const job = (dest: string, runtime: string, tail: string[]) => ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: |', `          mkdir -p ${dest}`, '          docker build -t app:build -f Dockerfile.build .', '          docker create --name app-x app:build', `          docker cp app-x:/out/app ${dest}/app`, '          docker rm app-x', '          docker build -t app:latest .', ...tail, ''].join('\n');
    const pages = planFiles({ ...files, Dockerfile: 'FROM alpine:3.19\nCOPY _site/app /usr/local/bin/app\n', [F]: job('_site', '', ['      - uses: actions/upload-pages-artifact@v3']) });
    expect(pages.setups[0]!.status).toBe('migrate');
    expect(pages.changes.find((c) => c.path === F)!.after).toContain('docker build --target export --output type=local,dest=_site');
    expect(pages.setups[0]!.notes.join('\n')).toMatch(/`uses: actions\/upload-pages-artifact@v3` \(`path:` left out: it defaults to `_site\/`\) \(\.github\/workflows\/ci\.yml:14\) reads _site/);
    const gh = planFiles({ ...files, Dockerfile: 'FROM alpine:3.19\nCOPY public/app /usr/share/nginx/html/app\n', [F]: job('public', '', ['      - uses: peaceiris/actions-gh-pages@v4', '        with:', '          github_token: ${{ secrets.GITHUB_TOKEN }}']) });
    expect(gh.setups[0]!.status).toBe('migrate');
    expect(gh.changes.find((c) => c.path === F)!.after).toContain('docker build --target export --output type=local,dest=public');
    expect(gh.setups[0]!.notes.join('\n')).toMatch(/`uses: peaceiris\/actions-gh-pages@v4` \(`publish_dir:` left out: it defaults to `\.\/public`\)/);
    // told another folder, it reads that one alone
    const other = planFiles({ ...files, Dockerfile: 'FROM alpine:3.19\nCOPY public/app /usr/share/nginx/html/app\n', [F]: job('public', '', ['      - uses: peaceiris/actions-gh-pages@v4', '        with:', '          publish_dir: ./docs']) });
    expect(other.changes.find((c) => c.path === 'Dockerfile')!.after).not.toMatch(/AS export/);
  });

  it('an action the tool does not know (or one of the repository) in another job, or above the extraction, reads nothing of it', () => {
    const text = ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: example/setup-tool@v1', '      - run: |', ...EXTRACT.map((l) => `          ${l}`), '  notify:', '    needs: image', '    runs-on: ubuntu-latest', '    steps:', '      - uses: example/notify@v1', '      - uses: ./.github/actions/notify', ''].join('\n');
    const p = plan(F, text);
    expect(p.setups[0]!.status).toBe('migrate');
    expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).not.toMatch(/AS export/);
  });

  it('a glob, a folder above, or a run-time path refuses', () => {
    refuses(F, wf(step('softprops/action-gh-release@v2', 'files', 'dist/*')), 16, /action-gh-release@v2.*reads dist\/\*, which holds the extracted dist\/app/);
    refuses(F, wf(step('actions/upload-artifact@v4', 'path', '.')), 16, /reads the whole checkout, which holds the extracted dist\/app.*only a read of the artifact itself/);
    // A build of the checkout as its context reads the file too (a COPY of it would find none).
    refuses(F, wf(step('docker/build-push-action@v6', 'context', '.')), 16, /`uses: docker\/build-push-action@v6` \(`with: context:`\)/);
    refuses(F, wf(step('actions/cache@v4', 'path', '${{ env.OUT }}')), 16, /reads a path only known at run time, which may hold the extracted dist\/app/);
  });

  it('an action of the repository or a container action, with or without inputs, refuses: it runs its own code in the checkout', () => {
    refuses(F, wf(['      - uses: ./.github/actions/package']), 14, /`uses: \.\/\.github\/actions\/package`, which runs its own code in the checkout .*reads the whole checkout/);
    refuses(F, wf(['      - uses: docker://alpine:3.19', '        with:', '          args: sh -c "echo hi"']), 14, /`uses: docker:\/\/alpine:3\.19`, which runs its own code/);
    // Run before the extraction, it finds no artifact to read.
    const before = ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: ./.github/actions/setup', '      - run: |', ...EXTRACT.map((l) => `          ${l}`), ''].join('\n');
    expect(plan(F, before).setups[0]!.status).toBe('migrate');
  });

  it('a path under the checkout variable is a path of the repository', () => {
    keeps(F, wf(step('softprops/action-gh-release@v2', 'files', '${{ github.workspace }}/dist/app')), /reads dist\/app/);
  });

  it('the folder the file is written into refuses when it also holds a Dockerfile the migration changes', () => {
    const files = { 'Dockerfile.build': BASE['Dockerfile.build'], 'main.go': BASE['main.go'], 'docker/Dockerfile': 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
    const text = ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - run: |', '          docker build -t app:build -f Dockerfile.build .', '          docker create --name app-x app:build', '          docker cp app-x:/out/app docker/app', '          docker rm app-x', '          docker build -t app:latest docker', ...step('actions/upload-artifact@v4', 'path', 'docker'), ''].join('\n');
    const p = planFiles({ ...files, [F]: text });
    expect(p.setups.map((s) => s.status)).toEqual(['refused']);
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_USED_ON_HOST')!.message).toMatch(/\(\.github\/workflows\/ci\.yml:14\) reads docker, which holds the extracted docker\/app.*holding no script or Dockerfile the migration changes/);
  });

  it('an input that names neither the file nor its folders is no read', () => {
    const p = plan(F, wf([...step('docker/build-push-action@v6', 'context', 'tools'), '          file: tools/Dockerfile', '          tags: app:built', '          secrets: ${{ secrets.TOKEN }}', '          target: ${{ matrix.target }}', '          cache-to: type=local,dest=~/.cache/x']));
    expect(p.setups[0]!.status).toBe('migrate');
    expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).not.toMatch(/AS export/);
  });
});

describe('GitLab CI: artifacts: and cache: of the job', () => {
  const ci = (keys: string[]) => ['build-image:', '  script:', ...EXTRACT.map((l) => `    - ${l}`), ...keys, ''].join('\n');
  const F = '.gitlab-ci.yml';

  it('artifacts: paths: naming the file or its folder keeps it for later jobs', () => {
    keeps(F, ci(['  artifacts:', '    paths:', '      - dist/app']), /the `artifacts:` of job build-image \(\.gitlab-ci\.yml:11\) reads dist\/app/);
    keeps(F, ci(['  artifacts:', '    paths: [dist/]']), /\(\.gitlab-ci\.yml:10\) reads dist: /);
  });

  it('cache: paths: and a report file count as reads', () => {
    keeps(F, ci(['  cache:', '    key: bin', '    paths:', '      - dist']), /the `cache:` of job build-image/);
    keeps(F, ci(['  artifacts:', '    reports:', '      dotenv: dist/app']), /`artifacts: reports: dotenv:`/);
  });

  // GitLab adds the folder a Pages job publishes to its artifacts (`public` by default), with no `artifacts:` written
  it('a Pages job\'s published folder counts as a read', () => {
    const pages = (name: string, keys: string[]) => ci(keys).replace('build-image:', `${name}:`).replaceAll('dist', 'public');
    const P = { ...BASE, Dockerfile: BASE.Dockerfile.replace('dist/app', 'public/app') };
    const keepsPages = (text: string, says: RegExp) => {
      const p = planFiles({ ...P, [F]: text });
      expect(p.setups[0]!.status).toBe('migrate');
      expect(p.changes.find((c) => c.path === F)!.after).toContain('docker build --target export --output type=local,dest=public');
      expect(p.setups[0]!.notes.join('\n')).toMatch(says);
    };
    keepsPages(pages('pages', []), /the folder Pages job pages publishes .*`public` by default .*reads public/);
    keepsPages(pages('docs', ['  pages: true']), /Pages job docs publishes/);
    const other = planFiles({ ...P, [F]: pages('docs', ['  pages:', '    publish: site']) });
    expect(other.setups[0]!.notes.join('\n')).not.toMatch(/Pages job/);
    const off = planFiles({ ...P, [F]: pages('pages', ['  pages: false']) });
    expect(off.changes.find((c) => c.path === F)!.after).not.toContain('--output');
    // a template setting `pages:` (or `publish:`) that a job extends or takes `pages:` from by `!reference`
    keepsPages(`.docs:\n  pages: true\n${pages('docs', ['  extends: .docs'])}`, /the folder a Pages job extending \.docs publishes .*`public` by default/);
    keepsPages(`.docs:\n  pages: true\n${pages('docs', ['  pages: !reference [.docs, pages]'])}`, /Pages job/);
    keepsPages(`.docs:\n  publish: public\n${pages('pages', ['  extends: .docs'])}`, /Pages job/);
  });

  it('a pattern, a variable, or untracked: true refuses', () => {
    refuses(F, ci(['  artifacts:', '    paths:', '      - "dist/**"']), 11, /reads dist\/\*\*/);
    refuses(F, ci(['  artifacts:', '    paths:', '      - $OUT/app']), 11, /a path only known at run time/);
    refuses(F, ci(['  artifacts:', '    untracked: true']), 10, /`untracked: true`/);
  });

  it('$CI_PROJECT_DIR is the repository', () => {
    keeps(F, ci(['  artifacts:', '    paths:', '      - ${CI_PROJECT_DIR}/dist/app']), /reads dist\/app/);
  });
});

describe('CircleCI, Azure, Bitbucket and Travis steps get the export build too', () => {
  it('CircleCI store_artifacts and persist_to_workspace', () => {
    const cfg = (step: string[]) =>
      ['version: 2.1', 'jobs:', '  image:', '    machine: { image: "ubuntu-2204:current" }', '    steps:', '      - checkout', '      - run: |', ...EXTRACT.map((l) => `          ${l}`), ...step, ''].join('\n');
    const F = '.circleci/config.yml';
    keeps(F, cfg(['      - store_artifacts:', '          path: dist/app']), /the step `store_artifacts:` \(\.circleci\/config\.yml:15\) reads dist\/app/);
    keeps(F, cfg(['      - persist_to_workspace:', '          root: .', '          paths: [dist]']), /the step `persist_to_workspace:`.*reads dist/);
    keeps(F, cfg(['      - persist_to_workspace:', '          root: ~/project', '          paths:', '            - dist/app']), /reads dist\/app/);
    refuses(F, cfg(['      - store_artifacts:', '          path: .']), 15, /the step `store_artifacts:`.*reads the whole checkout/);
  });

  it('Azure Pipelines publish:, PublishPipelineArtifact, CopyFiles and ArchiveFiles', () => {
    const pipe = (step: string[]) => ['steps:', '  - script: |', ...EXTRACT.map((l) => `      ${l}`), ...step, ''].join('\n');
    const F = 'azure-pipelines.yml';
    keeps(F, pipe(['  - publish: dist/app', '    artifact: app']), /the step `publish:` \(azure-pipelines\.yml:9\) reads dist\/app/);
    keeps(F, pipe(['  - task: PublishPipelineArtifact@1', '    inputs:', '      targetPath: $(Build.SourcesDirectory)/dist']), /`task: PublishPipelineArtifact@1` \(`targetPath:`\).*reads dist/);
    keeps(F, pipe(['  - task: CopyFiles@2', '    inputs:', '      SourceFolder: dist', '      Contents: app', '      TargetFolder: $(Build.ArtifactStagingDirectory)']), /`Contents:`.*reads dist\/app/);
    keeps(F, pipe(['  - task: ArchiveFiles@2', '    inputs:', '      rootFolderOrFile: dist']), /`rootFolderOrFile:`/);
    refuses(F, pipe(['  - task: CopyFiles@2', '    inputs:', '      SourceFolder: $(Build.SourcesDirectory)', '      Contents: "**"']), 12, /`Contents:`/);
    // without targetPath (or its alias path) the task publishes $(Pipeline.Workspace), the checkout included
    refuses(F, pipe(['  - task: PublishPipelineArtifact@1', '    inputs:', '      artifact: everything']), 9, /`task: PublishPipelineArtifact@1` \(no `targetPath:`.*reads the whole checkout/);
    refuses(F, pipe(['  - task: PublishPipelineArtifact@1']), 9, /no `targetPath:`/);
    keeps(F, pipe(['  - task: PublishPipelineArtifact@1', '    inputs:', '      path: dist', '      artifact: app']), /`task: PublishPipelineArtifact@1` \(`path:`\).*reads dist/);
  });

  it('Bitbucket Pipelines artifacts: and Travis CI cache: directories:', () => {
    // (both hosts' docker builds with the legacy builder, which cannot export, unless DOCKER_BUILDKIT=1)
    const bb = (artifact: string) => ['pipelines:', '  default:', '    - step:', '        script:', '          - export DOCKER_BUILDKIT=1', ...EXTRACT.map((l) => `          - ${l}`), '        artifacts:', `          - ${artifact}`, ''].join('\n');
    keeps('bitbucket-pipelines.yml', bb('dist/app'), /the step's `artifacts:` \(bitbucket-pipelines\.yml:13\) reads dist\/app/);
    refuses('bitbucket-pipelines.yml', bb('dist/**'), 13, /the step's `artifacts:`.*reads dist\/\*\*/);
    const travis = ['language: minimal', 'script:', ...EXTRACT.map((l) => `  - ${l}`), 'cache:', '  directories:', '    - dist', 'env: DOCKER_BUILDKIT=1', ''].join('\n');
    keeps('.travis.yml', travis, /the `cache: directories:` \(\.travis\.yml:11\) reads dist/);
  });
});

/**
 * Every fixture pair, proven with a real engine, in FIXTURE_SHARDS shares run side by side
 * (test/e2e/fixtures-N.e2e.test.ts, one share each: vitest runs as many files at once as the
 * machine has cores, and each pipeline builds in a podman store of its own): run the old pipeline (the original script,
 * unmodified, with a `docker` that reaches the engine), migrate a fresh copy with the CLI
 * (`multistage-codemod . --yes`), run the migrated script, and compare the two final images:
 * every file's path, type, mode, owner and content hash, and the image config. Identical,
 * or the test fails and names the differences.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/verify/engine.js';
import { compareSnapshots, formatDifferences, snapshotImage } from '../../../src/verify/snapshot.js';
import { runCli } from '../../support/cli.js';
import { copyToTemp, FIXTURES, fixtureCases } from '../../support/tree.js';
import { ensureBaseImages } from './base-images.js';
import { engineForTests } from './engine-for-tests.js';
import { runAzureSteps, runBitbucketDefault, runCircleJob, runGithubJob, runGitlabJob, runJenkinsfile, runTravis } from './ci-runner.js';
import { exec, hostFile, runScript, treeState } from './pipeline.js';
import { openRunStore } from './run-store.js';
import { envForEngine } from './shim.js';
import { onPath } from '../../../src/verify/ci-steps.js';
import { kindOf } from '../../../src/kinds/registry.js';

/** How many test files share the fixture pairs: one per core of a 4-core machine; a 2-core one runs two at a time. */
export const FIXTURE_SHARDS = 4;

/**
 * The printed href-counter script does not run as written (its first `docker build` line
 * ends in a backslash and two spaces), so its old pipeline is the clean script it evidently
 * means: the same files with the continuation intact.
 */
const OLD_PIPELINE: Record<string, string> = { 'href-counter-printed': 'href-counter' };

/** How to run a fixture's pipeline when it is not a shell script: the way its users would. */
const RUN: Record<string, (dir: string, env: NodeJS.ProcessEnv) => void> = {
  // The caller that drops the builder's log: run by itself, build.sh would leave build.log, which the migrated one no longer writes.
  'builder-log-caller-cleans': (dir, env) => exec('sh', ['ci.sh'], dir, env),
  'makefile-targets': (dir, env) => exec('make', ['image'], dir, env),
  'make-included-recipe': (dir, env) => exec('make', ['image'], dir, env),
  'passed-over-python-runs-make': (dir, env) => exec('make', ['image'], dir, env),
  'passed-over-python-make-in-comment': (dir, env) => exec('make', ['image'], dir, env),
  'make-automatic-vars': (dir, env) => exec('make', ['image'], dir, env),
  'make-chmod-x-after-cp': (dir, env) => exec('make', ['image'], dir, env),
  'make-conditional-whole-setup': (dir, env) => exec('make', ['image'], dir, env),
  // Kept recipe lines run the builder image through a variable and a `$(shell …)`.
  'make-expansion-uses-builder': (dir, env) => exec('make', ['image'], dir, env),
  // A `$(call …)` runs the builder image: a program only known when Make expands it.
  'make-call-runs-builder': (dir, env) => exec('make', ['image'], dir, env),
  // Under .ONESHELL the recipe's `cd dist` reaches the checksum of the binary build.sh left there.
  'make-oneshell-caller': (dir, env) => exec('make', ['release'], dir, env),
  // A `$(shell mkdir -p bin)` in the recipe makes bin before the copy onto it runs.
  'make-shell-in-recipe-makes-dest': (dir, env) => exec('make', ['image'], dir, env),
  // The caller names the builder image through a Make variable, then runs it by that name.
  'make-builder-tag-set-by-caller': (dir, env) => exec('sh', ['ci.sh'], dir, env),
  'npm-scripts': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'npm-chain-stream-pipe': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'npm-inspect-runtime-image': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  // Two scripts in a row, the first of the object, both emptied and removed with their calls.
  'npm-consecutive-scripts-removed': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'passed-over-python-runs-npm': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'github-actions': (dir, env) => runGithubJob(dir, '.github/workflows/image.yml', 'image', env),
  'github-umask-earlier-step': (dir, env) => runGithubJob(dir, '.github/workflows/image.yml', 'image', env),
  'gitlab-ci': (dir, env) => runGitlabJob(dir, 'build-image', env),
  'fuzz-ci-guarded-cp-block': (dir, env) => runGitlabJob(dir, 'build-image', env),
  'fuzz-ci-block-last-line-removed': (dir, env) => runGithubJob(dir, '.github/workflows/image.yml', 'image', env),
  // The builder ends in a continuation and its stage `tools` is renamed for the runtime's `Tools`; an export stage follows it.
  'fuzz-continued-builder-stage-renamed': (dir, env) => runGithubJob(dir, '.github/workflows/image.yml', 'image', env),
  'travis-ci': (dir, env) => runTravis(dir, env),
  'travis-jobs-deploy': (dir, env) => runTravis(dir, env, 1),
  // Every job: the image jobs share the root phases, the lint job runs them with no image build.
  'travis-shared-phase': (dir, env) => [0, 1, 2].forEach((job) => runTravis(dir, env, job)),
  circleci: (dir, env) => runCircleJob(dir, 'image', env),
  'bitbucket-pipelines': (dir, env) => runBitbucketDefault(dir, env),
  'azure-pipelines': (dir, env) => runAzureSteps(dir, env),
  'jenkinsfile-declarative': (dir, env) => runJenkinsfile(dir, env),
  'jenkinsfile-scripted': (dir, env) => runJenkinsfile(dir, env),
  'js-build-script': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'js-build-script-tab-indented': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'export-js-chdir': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'js-spawn-builder-kept': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'js-wrapper-build': (dir, env) => exec('node', ['scripts/build.js'], dir, env),
  'js-host-chmod-after-cp': (dir, env) => exec('npm', ['run', 'release'], dir, env),
  'export-github-steps': (dir, env) => runGithubJob(dir, '.github/workflows/release.yml', 'image', env),
  // The Python step after the runtime build reads the binary the export build leaves.
  'export-github-python-step': (dir, env) => runGithubJob(dir, '.github/workflows/image.yml', 'image', env),
  // Export builds written into the other CI kinds' shell steps.
  'export-circleci-store-artifacts': (dir, env) => runCircleJob(dir, 'image', env),
  'export-jenkins-sh-step': (dir, env) => runJenkinsfile(dir, env),
  'export-jenkins-sh-env': (dir, env) => runJenkinsfile(dir, env),
  'jenkins-shebang-errexit': (dir, env) => runJenkinsfile(dir, env),
  'jenkins-env-bash': (dir, env) => runJenkinsfile(dir, env),
  // archiveArtifacts and stash after the final build read the binary the export build leaves (run as Jenkins would not: skipped).
  'jenkins-archive-artifacts': (dir, env) => runJenkinsfile(dir, env),
  // The same, from the pipeline's `post { always { … } }` after its stages.
  'jenkins-post-archive-artifacts': (dir, env) => runJenkinsfile(dir, env),
  'export-azure-publish': (dir, env) => runAzureSteps(dir, env),
  'export-bitbucket-artifacts': (dir, env) => runBitbucketDefault(dir, env),
  'export-travis-before-deploy': (dir, env) => runTravis(dir, env),
  // after_script reads the binary the export build leaves; after_failure runs only on a failure.
  'travis-after-phases': (dir, env) => runTravis(dir, env),
  // after_script (a template's, after a `cd`; a step's after-script) reads the binary the export build leaves.
  'export-gitlab-after-script': (dir, env) => runGitlabJob(dir, 'build-image', env),
  'export-bitbucket-after-script': (dir, env) => runBitbucketDefault(dir, env),
  'export-gitlab-script': (dir, env) => runGitlabJob(dir, 'build-image', env),
  // The build in the toolchain container is a script item: the runner's shell stops at its failure.
  'gitlab-run-step': (dir, env) => runGitlabJob(dir, 'build-image', env),
  'export-js-spawn': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'export-github-upload': (dir, env) => runGithubJob(dir, '.github/workflows/release.yml', 'image', env),
  'export-gitlab-before-script': (dir, env) => runGitlabJob(dir, 'build-image', env),
  // The image, then the sibling targets that run and pack the binary it left: the migrated
  // Makefile must still leave it there (a missing ./relay fails them).
  'export-make-sibling-target': (dir, env) => exec('make', ['image', 'smoke', 'release'], dir, env),
  // The release target lists dist/ through a `$(shell …)` Make expands after the image target ran.
  'make-shell-lists-artifact': (dir, env) => exec('make', ['release'], dir, env),
  // The script that builds the image, then the one that runs the binary it left.
  'export-npm-sibling-script': (dir, env) => exec('npm', ['run', 'ci'], dir, env),
  // A run-time build handed steps.sh on its input; the binary is run on the host after the image build.
  'export-make-run-stdin': (dir, env) => exec('make', ['image'], dir, env),
  'export-npm-run-stdin': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'export-github-release': (dir, env) => runGithubJob(dir, '.github/workflows/release.yml', 'image', env),
  // Fuzz seeds 99009, 99010: the image target (script), then another that runs deploy/upload.sh, which reads the binary by a path of its own.
  'fuzz-make-target-runs-far-reader': (dir, env) => exec('make', ['image', 'upload'], dir, env),
  'fuzz-npm-script-runs-far-reader': (dir, env) => ['image', 'upload'].forEach((s) => exec('npm', ['run', s], dir, env)),
  // Fuzz seed 92002: each extraction creates its container inside the `docker cp` that copies from it; the export build replaces the whole line.
  'fuzz-export-nested-create': (dir, env) => runGithubJob(dir, '.github/workflows/image.yml', 'image', env),
  // The image job, then the job its `artifacts:` feed, in the same folder (as GitLab hands them over).
  'export-gitlab-artifacts': (dir, env) => ['build-image', 'package'].forEach((job) => runGitlabJob(dir, job, env)),
  // Run as CI would, naming the builder (an empty box name falls back under `||`), before and after alike.
  'js-env-builder-tag': (dir, env) => exec('node', ['build.mjs'], dir, { ...env, EMBER_BUILDER: 'ci/ember-build:7', EMBER_BOX: '' }),
  'caller-working-directory': (dir, env) => exec('make', ['image'], dir, env),
  // `make image` runs `node tools/build.js` from the root: the script's paths are the root's.
  'js-caller-working-directory': (dir, env) => exec('make', ['image'], dir, env),
  // `make clean` removes the builder image: it must still find it after the migration.
  'builder-removed-by-clean-target': (dir, env) => ['image', 'clean'].forEach((t) => exec('make', [t], dir, env)),
  // Fuzz seed 87009: the stamp target appends to the binary the image target left.
  'fuzz-sibling-target-appends-artifact': (dir, env) => ['image', 'stamp'].forEach((t) => exec('make', [t], dir, env)),
  // `make clean` removes the builder image with its failure ignored (`-`): gone with the migration, it must still exit 0.
  'make-clean-rmi-ignored': (dir, env) => ['image', 'clean'].forEach((t) => exec('make', [t], dir, env)),
  'compose-cp': (dir, env) => exec('make', ['image'], dir, env),
  'compose-up': (dir, env) => exec('npm', ['run', 'image'], dir, env),
  'stock-image-compose': (dir, env) => exec('make', ['image'], dir, env),
  // The build, then the other script that runs the builder image by its tag: it must still find it.
  'builder-tag-used-elsewhere': (dir, env) => ['build.sh', 'test.sh'].forEach((s) => exec('sh', [s], dir, env)),
  'tag-default-used-elsewhere': (dir, env) => ['build.sh', 'test.sh'].forEach((s) => exec('sh', [s], dir, env)),
  // The caller names the builder image, then runs the tests in it by that name.
  'builder-tag-from-caller': (dir, env) => exec('sh', ['ci.sh'], dir, env),
  // The caller names the builder image through the script's environment, then tests in it.
  'tag-default-set-by-caller': (dir, env) => exec('sh', ['ci.sh'], dir, env),
  // The caller runs the binary build.sh left behind: the migrated build.sh must leave it too.
  'caller-runs-artifact': (dir, env) => exec('sh', ['ci.sh'], dir, env),
  // The caller runs svc/build.sh inside a `bash -c` text, then lists the binaries the checkout holds.
  'caller-runs-script-in-shell-text': (dir, env) => exec('sh', ['pack.sh'], dir, env),
  // The caller then runs a Python program that reads the binary build.sh left behind.
  'caller-runs-unmodelled-program': (dir, env) => exec('sh', ['release.sh'], dir, env),
  // The caller runs build.sh under flock, then packs the tree holding the binary it left.
  'caller-runs-script-through-flock': (dir, env) => exec('sh', ['ci/release.sh'], dir, env),
  // The caller runs build.sh in the command line script runs, then packs the tree holding the binary it left.
  'caller-runs-script-through-script-command': (dir, env) => exec('sh', ['ci/release.sh'], dir, env),
  // The justfile's recipe, as just runs it (each line in sh from the file's folder), without the push.
  'passed-over-justfile-runs-script': (dir, env) => exec('sh', ['-c', 'set -e; ./build.sh; sha256sum relay > relay.sha256'], dir, env),
  // The job runs build.sh; its upload step then takes the binary it left.
  'export-github-caller-upload': (dir, env) => runGithubJob(dir, '.github/workflows/release.yml', 'release', env),
  // The job runs `make image`; its upload step then takes the binary the target left.
  'export-make-ci-caller-upload': (dir, env) => runGithubJob(dir, '.github/workflows/release.yml', 'release', env),
  // The caller then runs a script only named at run time, kept outside the repository, that runs the builder image.
  'caller-runs-script-named-at-run-time': (dir, env) => {
    const checks = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'checks-')), 'checks.sh');
    fs.writeFileSync(checks, '#!/bin/sh\nset -e\ndocker run --rm relay-build go version\n');
    exec('sh', ['ci.sh'], dir, { ...env, CHECKS: checks });
  },
  // The caller builds a debugging image from the binary build.sh left behind: it must still be there.
  'caller-builds-debug-image': (dir, env) => exec('sh', ['ci.sh'], dir, env),
  // Fuzz seed 6392: the JS build script runs the binary it took out (./out/tally), after the final build.
  'fuzz-js-binary-run': (dir, env) => exec('node', ['build.mjs'], dir, env),
  // The build, then a use of the builder image from a file the walk passes over (no read script
  // runs the compose file; the shell and Python scripts never say docker, and run the engine
  // $ENGINE names): the migration must keep it built.
  'builder-tag-in-compose-file': (dir, env) => {
    exec('sh', ['build.sh'], dir, env);
    exec('docker-compose', ['-f', 'docker-compose.test.yml', 'run', '--rm', 'unit'], dir, env);
  },
  'builder-tag-in-engine-script': (dir, env) => {
    exec('sh', ['build.sh'], dir, env);
    exec('sh', ['check.sh'], dir, { ...env, ENGINE: 'docker' });
  },
  // The build, then scripts in other folders that use the binary it left: one run from its own folder, one from the root.
  'far-scripts-read-artifact': (dir, env) => {
    exec('sh', ['build.sh'], dir, env);
    exec('sh', ['checksum.sh'], `${dir}/deploy`, env);
    exec('sh', ['tools/smoke.sh'], dir, env);
  },
  'builder-tag-in-python-script': (dir, env) => {
    exec('sh', ['build.sh'], dir, env);
    exec('python3', ['tools/check.py'], dir, { ...env, ENGINE: 'docker' });
  },
};

/**
 * Fixtures whose pipeline runs in PowerShell, run with pwsh where it is on PATH. PowerShell
 * cannot be installed on the machines this suite was written on; there these pairs are NOT run
 * on the engine, and say so loudly (below): they are proven by the fixture pair (byte for byte,
 * idempotent) and by reading each migrated script again with tree-sitter-powershell
 * (test/unit/powershell-reader.test.ts, the re-read check of src/plan/reread.ts).
 */
const NEEDS_PWSH: Record<string, (dir: string, env: NodeJS.ProcessEnv) => void> = {
  'powershell-script': (dir, env) => exec('pwsh', ['-NoProfile', '-NonInteractive', '-File', 'build.ps1'], dir, env),
  'powershell-github-actions': (dir, env) => runGithubJob(dir, '.github/workflows/image.yml', 'image', env),
};
const pwsh = onPath('pwsh');
function warnNoPwsh(): void {
  const bar = '!'.repeat(78);
  process.stderr.write(
    `\n${bar}\n!! NOT RUN ON THE ENGINE: ${Object.keys(NEEDS_PWSH).join(', ')}.\n!! Their pipelines run in PowerShell and \`pwsh\` is not on PATH (it cannot be installed\n!! here). They are proven by their fixture pairs and the tree-sitter-powershell re-read only.\n${bar}\n\n`,
  );
}

/** Artifacts the pipeline keeps on the host for later use (an export stage): old and migrated must leave the same. */
const HOST_FILES: Record<string, string[]> = {
  // The tags of the image listed after the build: the builder image's among them.
  'builder-image-listed': ['relay-tags.txt'],
  'export-host-artifacts': ['greeter', 'greeter.sha256'],
  // Kept for the release script that runs build.sh through eval, then checksums it.
  'unnamed-runner-keeps-artifact': ['relay'],
  'export-after-function-cd': ['relay', 'release/relay.sha256'],
  'export-after-command-cd': ['relay', 'release/relay.sha256'],
  'export-js-chdir': ['lantern', 'release/lantern.sha256'],
  'export-after-clean-dest': ['dist/quill', 'dist/quill.sha256'],
  'export-github-steps': ['dist/lantern', 'dist/lantern.sha256'],
  'export-github-python-step': ['beacon', 'beacon.sha256'],
  'wrapped-docker-nice': ['ferry', 'ferry.sha256'],
  'wrapped-docker-time-exec': ['kestrel', 'kestrel.sha256'],
  'extract-tmp-then-rename': ['bin/relay', 'relay.sha256'],
  'export-circleci-store-artifacts': ['build/curlew'],
  'export-jenkins-sh-step': ['beacon', 'beacon.sha256'],
  'export-jenkins-sh-env': ['dist/beacon', 'dist/beacon.sha256'],
  'export-azure-publish': ['web/dist/compass', 'web/dist/compass.sha256'],
  'export-bitbucket-artifacts': ['api/quay', 'api/quay.sha256'],
  'export-travis-before-deploy': ['release/lantern', 'lantern.sha256'],
  'export-gitlab-script': ['svc/tern', 'svc/release/tern'],
  'export-js-spawn': ['plover', 'plover.sha256'],
  'export-env-prefix': ['dist/beacon', 'dist/beacon.sha256'],
  'export-github-upload': ['dist/heron'],
  'export-gitlab-before-script': ['svc/bin/wren', 'svc/bin/wren.sha256'],
  // What the release step attaches, and what the later job made of the image job's artifacts.
  'export-github-release': ['bin/kestrel'],
  'export-gitlab-artifacts': ['out/plover', 'plover.sha256'],
  // The folder the extraction filled, copied whole: the copy must hold the binary.
  'export-folder-copied-whole': ['release/tally'],
  'caller-runs-artifact': ['relay', 'smoke.log'],
  'caller-runs-script-in-shell-text': ['svc/relay', 'binaries.txt'],
  'caller-runs-unmodelled-program': ['relay', 'relay.sha256'],
  'caller-runs-script-through-flock': ['relay'],
  'caller-runs-script-through-script-command': ['relay'],
  'passed-over-justfile-runs-script': ['relay', 'relay.sha256'],
  'export-github-caller-upload': ['relay'],
  'export-make-ci-caller-upload': ['relay'],
  'export-make-sibling-target': ['relay', 'smoke.log', 'relay.sha256'],
  'export-npm-sibling-script': ['relay', 'smoke.log'],
  'fuzz-js-binary-run': ['out/tally', 'run.log'],
  'far-scripts-read-artifact': ['out/harbor', 'deploy/harbor.sha256', 'smoke.log'],
  // A program the tool does not model reads the binary by a name of its own, after the extraction.
  'export-python-publish-after': ['dist/lark', 'dist/lark.sha256'],
  'export-node-sign-after': ['out/wren', 'out/wren.sig'],
  'make-expansion-uses-builder': ['wren'],
  'make-oneshell-caller': ['dist/relay', 'dist/relay.sha256'],
};

/**
 * What a run did to the repository: each path it created or changed (and how it left it), or
 * removed. Paths at or under `skip` (the extracted artifacts, which the old pipeline may leave
 * behind and a migration no longer extracts) are left out; HOST_FILES names the ones kept.
 */
function leftBy(before: Map<string, string>, after: Map<string, string>, skip: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const artifact = (p: string) => skip.some((s) => p === s || p.startsWith(`${s}/`));
  // A folder the run created that holds nothing but artifacts (`go build -o bin/app` through a
  // mount makes bin/) is the artifact's footprint too.
  const createdDir = (p: string) => !before.has(p) && (after.get(p) ?? '').startsWith('dir ');
  const onlyArtifacts = (p: string) => createdDir(p) && [...after.keys()].filter((k) => k.startsWith(`${p}/`)).every((k) => artifact(k) || createdDir(k));
  const skipped = (p: string) => artifact(p) || (skip.some((s) => s.startsWith(`${p}/`)) && onlyArtifacts(p));
  for (const [p, v] of after) if (before.get(p) !== v && !skipped(p)) out[p] = v;
  for (const p of before.keys()) if (!after.has(p) && !skipped(p)) out[p] = 'removed';
  return out;
}

/**
 * Calls the old pipeline must make (read from the shim's log): proof that it ran the way the
 * fixture says, e.g. through a real compose, and not some easier path.
 */
const OLD_CALLS: Record<string, RegExp[]> = {
  // The steps ran in order, docker.build as the plugin's `docker build -t NAME ARGS`, in dir().
  'jenkinsfile-declarative': [/^docker build -t example\/beacon:build -f Dockerfile.build \.\ndocker create --name beacon-x example\/beacon:build\ndocker cp beacon-x:\/out\/beacon beacon\ndocker rm beacon-x\ndocker build -t example\/beacon:latest \.$/m],
  'jenkinsfile-scripted': [/^docker build -t ledger:builder -f Dockerfile.build \.\ndocker create --name ledger-extract ledger:builder\ndocker cp ledger-extract:\/out\/ledger \.\/ledger\ndocker rm -f ledger-extract\ndocker build -t ledger:latest \.$/m],
  'compose-builder': [
    /^docker-compose run --rm builder$/m,
    // podman-compose ran the service: its image, environment, bind mount and command.
    /^docker run .*-e CGO_ENABLED=0 -v \S+\/bin:\/dist \S+_builder go build -o \/dist\/greeter \.$/m,
    /^docker-compose build app$/m,
  ],
  'compose-up': [/^docker compose up --exit-code-from builder builder$/m, /^docker run --rm -w \/src --entrypoint go -v \S+\/out:\/out \S+_builder build -o \/out\/ledger \.$/m],
  'stock-image-compose': [/^docker compose run --rm ci-build$/m, /^docker run .*-v \S+:\/src .*golang:1\.21 go build -o bin\/tally \.$/m],
  'compose-cp': [/^docker-compose run --rm -T builder$/m, /^docker run .*-v \S+\/dist:\/out \S+_builder cp \/src\/abacus \/out\/$/m],
};

interface PlannedSetup {
  script: string;
  finalTags: string[];
  /** Where the old pipeline put each extracted artifact on the host. */
  hostPaths: string[];
}

/**
 * The setups' scripts that only RUN can run: a pair without an entry has each setup's script run
 * as a shell script, which a Makefile, a CI file, a Jenkinsfile or package.json is not (run so,
 * it fails, or worse passes while proving nothing).
 */
function unrunnable(dir: string, setups: PlannedSetup[]): string[] {
  return setups.map((s) => s.script).filter((script) => kindOf(script, fs.readFileSync(path.join(dir, script), 'utf8')) !== 'shell');
}

function plannedSetups(dir: string): PlannedSetup[] {
  const r = runCli(['--dry-run', '--json'], dir);
  const report = JSON.parse(r.stdout);
  return report.setups.map((s: { script: string; finalTags: string[]; status: string; artifacts: { hostPath: string }[] }) => {
    expect(s.status).toBe('planned');
    return { script: s.script, finalTags: s.finalTags, hostPaths: s.artifacts.map((a) => a.hostPath) };
  });
}

/** The fixture pairs of one share (every FIXTURE_SHARDS-th, from `shard`), proven on the engine. */
export async function describeFixturePairs(shard: number): Promise<void> {
  const engine = await engineForTests();
  if (shard === 0 && !pwsh) warnNoPwsh();
  // Those needing pwsh are announced by the banner (warnNoPwsh); no placeholder test is left in the suite for them.
  const cases = fixtureCases()
    .filter((c) => pwsh || !NEEDS_PWSH[c])
    .filter((_, i) => i % FIXTURE_SHARDS === shard);
  describe.skipIf(!engine)(`fixture pairs build the same final image, old pipeline and migrated (share ${shard + 1} of ${FIXTURE_SHARDS})`, () => {
    beforeAll(async () => {
      await ensureBaseImages(engine!);
    });
    for (const c of cases) provePair(engine!, c);
  });
}

function provePair(engine: Engine, c: string): void {
  it(c, async () => {
    const oldDir = copyToTemp(path.join(FIXTURES, OLD_PIPELINE[c] ?? c, 'before'));
    const newDir = copyToTemp(path.join(FIXTURES, c, 'before'));
    const setups = plannedSetups(newDir);
    expect(setups.length).toBeGreaterThan(0);
    const finalTags = setups.flatMap((s) => s.finalTags);
    // Each pipeline builds in a store of its own (support/run-store.ts), removed after it: the
    // migrated one finds none of the old run's images, and nothing outside the test is touched.
    const oldStore = openRunStore(engine, `msc-e2e-${c}-old`);
    const stores = [oldStore];
    try {
      // Old pipeline.
      const log = path.join(oldDir, '..', `${path.basename(oldDir)}.shim.log`);
      const run = RUN[c] ?? NEEDS_PWSH[c];
      if (!run) expect(unrunnable(newDir, setups), `register how ${c}'s pipeline runs in RUN (fixture-pairs.ts): run as a shell script, it would not be the pipeline the tool read`).toEqual([]);
      const runPipeline = (e: Engine, dir: string, logFile?: string) => (run ? run(dir, envForEngine(e, process.env, logFile ? { logFile } : {})) : setups.forEach((s) => runScript(e, dir, s.script, logFile)));
      const oldTree = treeState(oldDir);
      try {
        runPipeline(oldStore.engine, oldDir, log);
        const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '';
        for (const re of OLD_CALLS[c] ?? []) expect(calls, 'the old pipeline\'s docker calls').toMatch(re);
      } finally {
        fs.rmSync(log, { force: true });
      }
      const before = new Map<string, Awaited<ReturnType<typeof snapshotImage>>>();
      for (const t of finalTags) before.set(t, await snapshotImage(oldStore.engine, t));

      // Migrated pipeline: the CLI rewrites a fresh copy, then its script runs, with none of the
      // old run's images left (a migrated script must not lean on a stale builder image).
      await stores.shift()!.dispose();
      const newStore = openRunStore(engine, `msc-e2e-${c}-new`);
      stores.push(newStore);
      const migrated = runCli(['.', '--yes'], newDir);
      expect(migrated.code, migrated.stderr).toBe(0);
      const newTree = treeState(newDir);
      runPipeline(newStore.engine, newDir);
      for (const t of finalTags) {
        const after = await snapshotImage(newStore.engine, t);
        const diffs = compareSnapshots(before.get(t)!, after);
        expect(diffs, formatDifferences(diffs, { labels: ['old pipeline', 'migrated'] })).toEqual([]);
        expect(after.files.length).toBeGreaterThan(5);
      }
      // The migrated run leaves the repository as the old run did: the same files created,
      // changed (type, mode, content) or removed; the artifacts kept on the host are the same.
      // An artifact the migrated run still writes to the host (an export stage) is no footprint
      // to skip: it is compared like any file, and so are the folders holding it.
      const newLeft = treeState(newDir);
      const artifacts = setups.flatMap((s) => s.hostPaths).filter((p) => !newLeft.has(p));
      // A folder of the repository a folder's contents were copied into (`docker cp x:/out/. site`):
      // what the old run wrote in it is the extraction's footprint, while the migrated run must
      // leave it as it was.
      const intoFolders = setups.flatMap((s) => s.hostPaths).filter((p) => (newTree.get(p) ?? '').startsWith('dir '));
      expect(leftBy(newTree, newLeft, artifacts), 'files the run left in the repository').toEqual(leftBy(oldTree, treeState(oldDir), [...artifacts, ...intoFolders]));
      for (const f of HOST_FILES[c] ?? []) expect(hostFile(newDir, f), f).toEqual(hostFile(oldDir, f));
      expect(fs.existsSync(path.join(newDir, 'app'))).toBe(false);
    } finally {
      for (const st of stores) await st.dispose();
    }
  });
}

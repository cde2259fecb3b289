/**
 * CircleCI steps as CircleCI expands them before a job runs: YAML merges and aliases, reusable
 * `commands:`, orb commands, `when:`/`unless:` steps; the job's `working_directory` as the
 * checkout; `$BASH_ENV` writes of a name the setup reads; `<< … >>` parameters in
 * `environment:`; a docker CLI before 23 in the job's image.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM busybox:latest\nARG FLAVOR=release\nRUN mkdir -p /out && printf "$FLAVOR" > /out/app && printf debug > /out/app-debug\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const SETUP = (bin = '/out/app', indent = '          ') =>
  ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', `docker cp x:${bin} app`, 'docker rm x', 'docker build -t app:latest .'].map((l) => `${indent}${l}`).join('\n');
const plan = (config: string): Plan => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.circleci/config.yml': config });
const errors = (p: Plan) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
const refused = (p: Plan, code: string, says?: RegExp) => {
  expect(p.changes).toEqual([]);
  expect(errors(p)).toContain(code);
  if (says) expect(p.setups.flatMap((s) => s.diagnostics).filter((d) => d.code === code).map((d) => d.message).join('\n')).toMatch(says);
};
const exports = (p: Plan) => {
  expect(errors(p)).toEqual([]);
  expect(p.setups.every((s) => s.status === 'migrate')).toBe(true);
  expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).toMatch(/^FROM scratch AS export$/m);
};
const job = (steps: string, head = '') => `version: 2.1\n${head}jobs:\n  build:\n    docker:\n      - image: cimg/base:2024.01\n    steps:\n      - checkout\n      - setup_remote_docker\n      - run: |\n${SETUP()}\n${steps}workflows:\n  main:\n    jobs: [build]\n`;

describe('CircleCI YAML merges and aliases', () => {
  it('a job running the setup\'s steps through `steps: *steps` with other environment is refused (SHARED_CI_SCRIPT)', () => {
    const p = plan(`version: 2.1\njobs:\n  build:\n    environment:\n      BIN: /out/app\n    steps: &steps\n      - checkout\n      - run: |\n${SETUP('$BIN')}\n  build-debug:\n    environment:\n      BIN: /out/app-debug\n    steps: *steps\n`);
    refused(p, 'SHARED_CI_SCRIPT', /writes once and several jobs run/);
    expect(p.setups).toHaveLength(2);
  });

  it('a job merging the setup\'s job (`<<: *build`) is read with its own environment, and refused (SHARED_CI_SCRIPT)', () => {
    const p = plan(`version: 2.1\njobs:\n  build: &build\n    environment:\n      BIN: /out/app\n    steps:\n      - checkout\n      - run: |\n${SETUP('$BIN')}\n  build-debug:\n    <<: *build\n    environment:\n      BIN: /out/app-debug\n`);
    refused(p, 'SHARED_CI_SCRIPT');
    expect(p.setups.map((s) => s.diagnostics.find((d) => d.code === 'SHARED_CI_SCRIPT')!.message).join('\n')).toContain('job build-debug');
  });

  it('`- run: *image` in another job shares the setup\'s text: refused (SHARED_CI_SCRIPT)', () => {
    const p = plan(`version: 2.1\njobs:\n  build:\n    steps:\n      - checkout\n      - run: &image |\n${SETUP()}\n  release:\n    steps:\n      - checkout\n      - run: *image\n      - run: ./app --version\n`);
    refused(p, 'SHARED_CI_SCRIPT', /text the YAML file writes once and reuses/);
  });

  it('a job merging defaults that hold no steps (`<<: *defaults`) reads its working_directory and environment through the merge', () => {
    const p = plan(`version: 2.1\ndefaults: &defaults\n  working_directory: ~/repo\n  environment:\n    BIN: /out/app\njobs:\n  build:\n    <<: *defaults\n    steps:\n      - checkout\n      - run: |\n${SETUP('$BIN')}\n      - store_artifacts:\n          path: ~/repo/app\n`);
    exports(p);
    expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app');
  });
});

describe('CircleCI reusable commands and orbs', () => {
  it('a reusable command after the setup is read in place: its store_artifacts or ./app keeps the artifact (export stage)', () => {
    exports(plan(job('      - keep-binary\n', 'commands:\n  keep-binary:\n    steps:\n      - store_artifacts:\n          path: app\n')));
    exports(plan(job('      - smoke\n', 'commands:\n  smoke:\n    steps:\n      - run: ./app --version\n')));
  });

  it('a reusable command rebuilding the runtime Dockerfile in another job is read (RUNTIME_REBUILT)', () => {
    const config = `version: 2.1\ncommands:\n  debug-build:\n    steps:\n      - run: docker build --build-arg FLAVOR=debug -t app:debug .\njobs:\n  build:\n    steps:\n      - checkout\n      - run: |\n${SETUP()}\n      - persist_to_workspace:\n          root: .\n          paths: [app]\n  debug-image:\n    steps:\n      - checkout\n      - attach_workspace:\n          at: .\n      - debug-build\n`;
    refused(plan(config), 'RUNTIME_REBUILT');
  });

  it('an orb command\'s parameters naming the artifact read it (export stage)', () => {
    exports(plan(job('      - aws-s3/copy:\n          from: app\n          to: s3://bucket/app\n', 'orbs:\n  aws-s3: circleci/aws-s3@4.0.0\n')));
  });

  it('an orb command working with docker in any job refuses the file\'s setups (SHELL_NOT_READ)', () => {
    const config = `version: 2.1\norbs:\n  docker: circleci/docker@2.5.0\njobs:\n  build:\n    steps:\n      - checkout\n      - run: |\n${SETUP()}\n  debug-image:\n    steps:\n      - checkout\n      - docker/build:\n          image: app\n          extra_build_args: --build-arg FLAVOR=debug\n`;
    refused(plan(config), 'SHELL_NOT_READ', /docker\/build/);
  });

  it('a run step with `<< parameters.x >>` after the setup is a program the tool does not model, run where the artifact is', () => {
    exports(plan(job('      - smoke:\n          bin: app\n', 'commands:\n  smoke:\n    parameters:\n      bin: {type: string}\n    steps:\n      - run: ./<< parameters.bin >> --version\n')));
  });
});

describe('CircleCI when/unless steps', () => {
  it('a store_artifacts inside a `when:` step is read (export stage)', () => {
    exports(plan(job('      - when:\n          condition: << pipeline.parameters.release >>\n          steps:\n            - store_artifacts:\n                path: app\n')));
  });

  it('a run step inside a `when:` step using the artifact is read (export stage)', () => {
    exports(plan(job('      - unless:\n          condition: << pipeline.parameters.quick >>\n          steps:\n            - run: ./app --version\n')));
  });
});

describe('CircleCI working_directory', () => {
  it('persist_to_workspace with `root: ~/repo` under `working_directory: ~/repo` reads the checkout (export stage)', () => {
    exports(plan(job('      - persist_to_workspace:\n          root: ~/repo\n          paths: [app]\n').replace('    steps:', '    working_directory: ~/repo\n    steps:')));
  });

  it('a relative store_artifacts path under `working_directory: ~/repo` is the checkout\'s (export stage, not refused)', () => {
    exports(plan(job('      - store_artifacts:\n          path: app\n').replace('    steps:', '    working_directory: ~/repo\n    steps:')));
  });

  it('`/home/circleci/repo/app` or `/root/repo/app` under `working_directory: ~/repo` may be the checkout\'s (export stage)', () => {
    for (const path of ['/home/circleci/repo/app', '/root/repo/app']) exports(plan(job(`      - store_artifacts:\n          path: ${path}\n`).replace('    steps:', '    working_directory: ~/repo\n    steps:')));
  });

  it('`~/project/app` under another working_directory is no file of the checkout', () => {
    const p = plan(job('      - store_artifacts:\n          path: ~/project/app\n').replace('    steps:', '    working_directory: ~/repo\n    steps:'));
    expect(errors(p)).toEqual([]);
    expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).not.toMatch(/AS export/);
  });
});

describe('CircleCI environment', () => {
  it('a $BASH_ENV export of a name the setup reads refuses (STEP_ENV_WRITTEN)', () => {
    const config = `version: 2.1\njobs:\n  build:\n    environment:\n      BIN: /out/app\n    steps:\n      - checkout\n      - run: echo 'export BIN=/out/app-debug' >> "$BASH_ENV"\n      - run: |\n${SETUP("$BIN")}\n`;
    refused(plan(config), 'STEP_ENV_WRITTEN', /sets BIN for the later steps through \$BASH_ENV, which this setup's commands read/);
  });

  it('a $BASH_ENV export of a name the setup does not read changes nothing', () => {
    const config = `version: 2.1\njobs:\n  build:\n    steps:\n      - checkout\n      - run: echo 'export VERSION=1' >> "$BASH_ENV"\n      - run: |\n${SETUP()}\n`;
    expect(errors(plan(config))).toEqual([]);
  });

  it('a pipeline parameter in `environment:` is only known at run time (DYNAMIC_ARTIFACT_PATH), never a literal path', () => {
    const config = `version: 2.1\nparameters:\n  flavor:\n    type: string\n    default: app-debug\njobs:\n  build:\n    environment:\n      BIN: /out/<< pipeline.parameters.flavor >>\n    steps:\n      - checkout\n      - run: |\n${SETUP("$BIN")}\n`;
    refused(plan(config), 'DYNAMIC_ARTIFACT_PATH');
    expect(errors(plan(config))).not.toContain('PATH_NEEDS_QUOTING');
  });
});

describe('CircleCI docker CLI version', () => {
  it('a `docker:19.03` primary image builds with the legacy builder: an export build refuses (UNSUPPORTED_BUILD_FLAG)', () => {
    const config = job('      - store_artifacts:\n          path: app\n').replace('cimg/base:2024.01', 'docker:19.03');
    refused(plan(config), 'UNSUPPORTED_BUILD_FLAG', /docker:19\.03/);
  });

  it('`setup_remote_docker: version: 20.10.24` is the legacy builder too', () => {
    const config = job('      - store_artifacts:\n          path: app\n').replace('      - setup_remote_docker\n', '      - setup_remote_docker:\n          version: 20.10.24\n');
    refused(plan(config), 'UNSUPPORTED_BUILD_FLAG', /setup_remote_docker: version: 20\.10\.24/);
  });

  it('DOCKER_BUILDKIT=1 in the job\'s environment, or a docker 24 image, migrates', () => {
    const store = '      - store_artifacts:\n          path: app\n';
    exports(plan(job(store).replace('cimg/base:2024.01', 'docker:19.03').replace('    steps:', '    environment:\n      DOCKER_BUILDKIT: "1"\n    steps:')));
    exports(plan(job(store).replace('cimg/base:2024.01', 'docker:24.0')));
  });
});

describe('CircleCI machine executor docker engine', () => {
  const store = '      - store_artifacts:\n          path: app\n';
  const onMachine = (machine: string, head = '') => job(store, head).replace('    docker:\n      - image: cimg/base:2024.01\n', machine).replace('      - setup_remote_docker\n', '');

  it('an image dated before Docker 23.0, or a circleci/classic one, builds with the legacy builder: an export build refuses', () => {
    refused(plan(onMachine('    machine:\n      image: ubuntu-2004:202010-01\n')), 'UNSUPPORTED_BUILD_FLAG', /the machine image `ubuntu-2004:202010-01` is dated before Docker 23\.0 was released/);
    refused(plan(onMachine('    machine:\n      image: ubuntu-2204:2022.10.1\n')), 'UNSUPPORTED_BUILD_FLAG', /ubuntu-2204:2022\.10\.1/);
    refused(plan(onMachine('    machine:\n      image: circleci/classic:201808-01\n')), 'UNSUPPORTED_BUILD_FLAG', /retired `circleci\/classic` image/);
    // through an executor of the file
    refused(plan(onMachine('    executor: old-vm\n', 'executors:\n  old-vm:\n    machine:\n      image: ubuntu-2004:202107-02\n')), 'UNSUPPORTED_BUILD_FLAG', /ubuntu-2004:202107-02/);
  });

  it('`machine: true`, a later dated image or a parameter is not known: an export build refuses; a channel tag or DOCKER_BUILDKIT=1 migrates', () => {
    refused(plan(onMachine('    machine: true\n')), 'UNSUPPORTED_BUILD_FLAG', /`machine: true` runs the image CircleCI gives by default/);
    refused(plan(onMachine('    machine:\n      image: ubuntu-2204:2024.01.1\n')), 'UNSUPPORTED_BUILD_FLAG', /does not know which docker version the machine image `ubuntu-2204:2024\.01\.1` holds/);
    refused(plan(onMachine('    machine:\n      image: << pipeline.parameters.vm >>\n')), 'UNSUPPORTED_BUILD_FLAG', /only known at run time/);
    exports(plan(onMachine('    machine:\n      image: ubuntu-2204:current\n')));
    exports(plan(onMachine('    machine:\n      image: ubuntu-2004:202010-01\n    environment:\n      DOCKER_BUILDKIT: "1"\n')));
  });
});

describe('CircleCI remote docker engine', () => {
  const mountCopy = ['docker build -t app:build -f Dockerfile.build .', 'docker run --rm -v "$PWD":/host app:build cp -p /out/app /host/app', 'docker build -t app:latest .'].map((l) => `          ${l}`).join('\n');
  const remote = (head = '    docker:\n      - image: cimg/base:2024.01\n', env = '') => `version: 2.1\njobs:\n  build:\n${head}${env}    steps:\n      - checkout\n      - setup_remote_docker\n      - run: |\n${mountCopy}\n`;

  it('a bind-mount extraction on `setup_remote_docker`\'s engine wrote into the remote machine\'s folder: refused (ARTIFACT_VOLUME)', () => {
    refused(plan(remote()), 'ARTIFACT_VOLUME', /bind-mounts the repository folder at \/host on the engine DOCKER_HOST names/);
    // an orb's executor is a docker image too
    refused(plan(remote('    executor: node/default\n', '').replace('version: 2.1\n', 'version: 2.1\norbs:\n  node: circleci/node@5\n')), 'ARTIFACT_VOLUME');
  });

  it('on a machine executor, or with DOCKER_HOST the job sets itself, the mount is the job\'s folder: migrated', () => {
    for (const p of [plan(remote('    machine:\n      image: ubuntu-2204:current\n').replace('      - setup_remote_docker\n', '')), plan(remote(undefined, '    environment:\n      DOCKER_HOST: unix:///var/run/docker.sock\n'))]) {
      expect(errors(p)).toEqual([]);
      expect(p.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('COPY --from=builder');
    }
  });
});

describe('the deprecated `deploy` step', () => {
  // CircleCI runs it as a `run` step in a job without parallelism: a use of the extracted file there keeps it on the host.
  it('is read as a run step', () => {
    const p = plan(job('      - deploy:\n          command: scp app deploy@example.com:/srv/app\n'));
    exports(p);
    expect(p.setups[0]!.notes.join('\n')).toMatch(/app is still needed on the host: `scp app deploy@example\.com:\/srv\/app`/);
  });

  it('in a job with parallelism it runs on one node: a program the tool does not model, not read where it runs docker', () => {
    const par = (steps: string) => job(steps).replace('    steps:\n', '    parallelism: 3\n    steps:\n');
    exports(plan(par('      - deploy:\n          command: scp app deploy@example.com:/srv/app\n')));
    const p = plan(par('      - deploy:\n          command: docker push app:latest\n'));
    expect(p.changes).toEqual([]);
  });
});

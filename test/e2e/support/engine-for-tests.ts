/**
 * The engine e2e suites run against, or null (with a loud warning) when this machine has none.
 *
 * Use with top-level await and `describe.skipIf(!engine)`. On CI (`CI=true`) a missing engine
 * is an error, never a skip: a green run must mean the e2e tests really ran.
 */
import { detectEngine, EngineUnavailableError, type Engine } from '../../../src/verify/engine.js';

let pending: Promise<Engine | null> | undefined;

function warn(reason: string): void {
  const bar = '!'.repeat(78);
  const body = [
    bar,
    '!! END-TO-END TESTS DID NOT RUN: no usable container engine on this machine.',
    '!! Results below say nothing about building real images.',
    '!!',
    ...reason.split('\n').map((line) => `!! ${line}`),
    '!!',
    '!! On CI (CI=true) this is a failure, not a skip.',
    bar,
  ];
  process.stderr.write(`\n${body.join('\n')}\n\n`);
}

/**
 * Podman is preferred: the tests tag stand-in base images as docker.io/library/…, and in
 * podman's vfs store they cannot shadow real images a developer pulled into a Docker daemon.
 */
export function engineForTests(): Promise<Engine | null> {
  pending ??= detectEngine('podman').catch((err: unknown) => {
    if (process.env['CI'] === 'true') throw err;
    if (!(err instanceof EngineUnavailableError)) throw err;
    warn(err.message);
    return null;
  });
  return pending;
}

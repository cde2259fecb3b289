/**
 * The docker engine of a CircleCI `machine:` executor, read from its image. Docker Engine 23.0
 * (released 1 February 2023) made BuildKit the default builder on Linux; an engine before it
 * builds with the legacy builder unless DOCKER_BUILDKIT says otherwise. CircleCI tags its
 * machine images by release date (`ubuntu-2004:202010-01`, `ubuntu-2204:2023.10.1`) and keeps
 * the channel tags `current`, `default`, `edge` and `previous` on the images it supports
 * (https://circleci.com/docs/linux-vm-support-policy/), which follow Docker's supported
 * releases. So:
 *
 * - an image dated before February 2023 holds an engine before 23 (none was released yet): the
 *   legacy builder;
 * - `circleci/classic:*` images (retired before Docker 23) likewise;
 * - a channel tag: an engine the tool counts as current (BuildKit), as `docker:latest`;
 * - an image dated later, `machine: true` (whatever image CircleCI gives by default, and once
 *   `circleci/classic`), an image only known at run time (`<< parameters.image >>`, an
 *   environment variable) or a name the tool does not know: not known, which refuses what only
 *   BuildKit builds.
 */
import { isMap, isScalar } from './ci-yaml.js';

export type MachineBuilder = { builder: 'buildkit' } | { builder: 'legacy'; why: string } | { builder: 'unknown'; why: string };

const CHANNEL = /^(current|default|edge|previous)$/;
/** `202010-01` (the old scheme) or `2023.10.1`: year and month. */
const DATED = /^(\d{4})(?:(\d{2})-\d+|\.(\d{2})\.\d+)$/;

/** What a job's `machine:` value says of its docker engine. */
export function machineBuilder(machine: unknown): MachineBuilder {
  if (isScalar(machine) && machine.value === true) return { builder: 'unknown', why: '`machine: true` runs the image CircleCI gives by default, whose docker version the file does not say' };
  const image = isMap(machine) ? machine.get('image', true) : null;
  if (!isMap(machine) || image === undefined) return { builder: 'unknown', why: 'its machine image is not named, and the one CircleCI gives by default may have any docker version' };
  const ref = isScalar(image) && typeof image.value === 'string' ? image.value.trim() : null;
  if (ref === null || ref.includes('<<') || ref.includes('$')) return { builder: 'unknown', why: `its machine image is only known at run time` };
  const colon = ref.lastIndexOf(':');
  const name = colon < 0 ? ref : ref.slice(0, colon);
  const tag = colon < 0 ? '' : ref.slice(colon + 1);
  if (name === 'circleci/classic') return { builder: 'legacy', why: `the machine image \`${ref}\` is a retired \`circleci/classic\` image, whose docker engine is before 23` };
  if (CHANNEL.test(tag)) return { builder: 'buildkit' };
  const dated = DATED.exec(tag);
  if (dated) {
    const year = Number(dated[1]);
    const month = Number(dated[2] ?? dated[3]);
    if (year < 2023 || (year === 2023 && month < 2)) return { builder: 'legacy', why: `the machine image \`${ref}\` is dated before Docker 23.0 was released (February 2023), so its docker engine is older` };
    return { builder: 'unknown', why: `the tool does not know which docker version the machine image \`${ref}\` holds` };
  }
  return { builder: 'unknown', why: `the tool does not know which docker version the machine image \`${ref}\` holds` };
}

/** DOCKER_BUILDKIT as a `machine:` executor gives it where the job sets none: `'0'` (legacy), null (not known), undefined (BuildKit). */
export function machineBuildkit(machine: unknown): { value: '0' | null; why: string } | undefined {
  const read = machineBuilder(machine);
  if (read.builder === 'buildkit') return undefined;
  if (read.builder === 'legacy') return { value: '0', why: `on a machine executor: ${read.why}, which builds with the legacy builder unless DOCKER_BUILDKIT says otherwise` };
  return { value: null, why: `on a machine executor, whose docker engine may build with the legacy builder (one before 23 does unless DOCKER_BUILDKIT says otherwise): ${read.why}` };
}

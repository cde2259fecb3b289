/**
 * A builder pattern whose builds are docker/build-push-action steps (`load: true` building
 * Dockerfile.build, a `run:` step copying out of that image, another build-push-action step for
 * the runtime image): the tool does not merge builds an action makes, and the copy out of the
 * image is reported (EXTRACTION_NOT_FOLLOWED, naming the action steps) rather than passed over.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { MemoryFs } from '../../src/model/fs.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine\nCOPY app /app\n' };

const misses = (workflow: string) => {
  const f = { ...DOCKERFILES, '.github/workflows/image.yml': workflow };
  return analyze(new MemoryFs(f), Object.keys(f).sort()).diagnostics.filter((d) => d.code === 'EXTRACTION_NOT_FOLLOWED');
};

const workflow = (builder: string, final: string) => `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
${builder}      - run: |
          docker create --name x app-build
          docker cp x:/out/app ./app
          docker rm x
${final}`;

const BUILDER = `      - uses: docker/build-push-action@v5
        with:
          context: .
          file: Dockerfile.build
          load: true
          tags: app-build
`;
const FINAL = `      - uses: docker/build-push-action@v5
        with:
          context: .
          tags: example/app:latest
`;

describe('a builder pattern built by docker/build-push-action steps', () => {
  it('reports the copy out of the image, naming the action steps that build it and the one after', () => {
    const d = misses(workflow(BUILDER, FINAL));
    expect(d.map((x) => [x.line, x.severity])).toEqual([[15, 'warning']]);
    expect(d[0]!.message).toContain('the `docker/build-push-action` step at line 7 builds app-build:latest (with `load: true`)');
    expect(d[0]!.message).toContain('the `docker/build-push-action` step at line 17 builds an image after it');
  });

  it('reports it with only the builder built by an action, or only the runtime image', () => {
    expect(misses(workflow(BUILDER, '')).map((x) => x.line)).toEqual([15]);
    expect(misses(workflow('      - run: docker pull app-build\n', FINAL)).map((x) => x.message.includes('at line 12 builds an image after it'))).toEqual([true]);
  });

  it('says nothing where no build of either kind stands in the job', () => {
    expect(misses(workflow('', ''))).toEqual([]);
  });
});

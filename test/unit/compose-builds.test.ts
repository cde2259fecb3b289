/**
 * The compose services that build an image (src/analyze/hosts/compose-file.ts composeBuilds):
 * what readComposeFile reads, without parsing a file that cannot hold a `build` key.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeBuilds, readComposeFile } from '../../src/analyze/hosts/compose-file.js';
import { yaml } from '../../src/analyze/hosts/yaml-module.js';

const builds = (text: string) => [...readComposeFile('app/compose.yaml', text).services.values()].filter((s) => s.build !== null);

afterEach(() => vi.restoreAllMocks());

describe('composeBuilds', () => {
  it('does not parse a file with neither `build` nor a backslash', () => {
    const parse = vi.spyOn(yaml(), 'parseDocument');
    const text = 'services:\n  web:\n    image: app:latest\n    ports: ["3000:3000"]\n';
    expect(composeBuilds('app/compose.yaml', text)).toEqual([]);
    expect(parse).not.toHaveBeenCalled();
    expect(builds(text)).toEqual([]);
  });

  it('reads every service that builds as readComposeFile does, however its key is written', () => {
    const texts = [
      'services:\n  web:\n    build: .\n  db:\n    image: postgres\n',
      'services:\n  web:\n    "\\x62uild": ./ctx\n',
      "services:\n  web: {'build': {context: ., dockerfile: Dockerfile.web}}\n",
    ];
    for (const text of texts) {
      const got = composeBuilds('app/compose.yaml', text);
      expect(got.length).toBeGreaterThan(0);
      expect(got).toEqual(builds(text));
    }
  });
});

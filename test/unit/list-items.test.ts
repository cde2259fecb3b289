/**
 * Removing items of a separated list (src/model/list-items.ts), as package.json scripts are
 * removed (transforms/embedded.ts): items removed together go run by run, each run with the
 * separators that joined it, so two neighbours never both claim the comma between them, and
 * what stays is written as it was.
 */
import { describe, expect, it } from 'vitest';
import { parseTree } from 'jsonc-parser';
import { parsePackageJson } from '../../src/analyze/hosts/package-json.js';
import { applyEdits } from '../../src/model/edits.js';
import { removeListItems, type ListSpans } from '../../src/model/list-items.js';
import { embeddedAdapter } from '../../transforms/embedded.js';

/** The members of the JSON object `text` as a list. */
function listOf(text: string): ListSpans {
  const node = parseTree(text)!;
  return { open: node.offset + 1, close: node.offset + node.length - 1, items: node.children!.map((p) => [p.offset, p.offset + p.length] as const) };
}

const without = (text: string, removed: number[]) => applyEdits(text, removeListItems(listOf(text), removed));

describe('removing items of a list', () => {
  const pretty = '{\n  "a": "1",\n  "b": "2",\n  "c": "3",\n  "d": "4",\n  "e": "5"\n}';

  it('takes out a run of items with the separators that joined it, first, inner or last', () => {
    expect(without(pretty, [0, 1])).toBe('{\n  "c": "3",\n  "d": "4",\n  "e": "5"\n}');
    expect(without(pretty, [1, 2, 3])).toBe('{\n  "a": "1",\n  "e": "5"\n}');
    expect(without(pretty, [2, 3, 4])).toBe('{\n  "a": "1",\n  "b": "2"\n}');
    expect(without(pretty, [0, 1, 2, 3])).toBe('{\n  "e": "5"\n}');
    expect(without(pretty, [0, 2, 4])).toBe('{\n  "b": "2",\n  "d": "4"\n}');
    expect(without(pretty, [0, 1, 3, 4])).toBe('{\n  "c": "3"\n}');
    expect(without(pretty, [4, 0])).toBe('{\n  "b": "2",\n  "c": "3",\n  "d": "4"\n}');
    expect(without(pretty, [0, 1, 2, 3, 4])).toBe('{}');
  });

  it('keeps odd whitespace between the items that stay', () => {
    const odd = '{ "a":"1" ,\t"b" : "2",\n\n    "c":"3"   ,"d":"4"}';
    expect(without(odd, [0, 1])).toBe('{ "c":"3"   ,"d":"4"}');
    expect(without(odd, [1, 2])).toBe('{ "a":"1"   ,"d":"4"}');
    expect(without(odd, [2, 3])).toBe('{ "a":"1" ,\t"b" : "2"}');
    expect(without(odd, [0, 3])).toBe('{ "b" : "2",\n\n    "c":"3"}');
  });

  it('leaves valid JSON holding exactly the other items, for every set of items removed', () => {
    for (const text of [pretty, '{"a":"1","b":"2","c":"3","d":"4","e":"5"}', '{\r\n\t"a" :"1" ,\r\n\t"b":"2",\t"c":  "3",\n"d":"4"  ,  "e":"5"  \n}']) {
      for (let mask = 0; mask < 32; mask++) {
        const removed = [0, 1, 2, 3, 4].filter((i) => mask & (1 << i));
        const edits = removeListItems(listOf(text), removed);
        const kept = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k, i) => [k, String(i + 1)]).filter((_, i) => !removed.includes(i)));
        expect(JSON.parse(applyEdits(text, edits))).toEqual(kept);
      }
    }
  });
});

describe('package.json scripts emptied together', () => {
  const PKG = '{\n  "name": "app",\n  "scripts": {\n    "builder": "docker build -t app:build -f Dockerfile.build .",\n    "extract": "docker create --name x app:build && docker cp x:/src/app ./app && docker rm x",\n    "clean": "docker rmi app:build",\n    "image": "npm run builder && npm run extract && npm run clean && docker build -t app:latest .",\n    "test": "go test ./..."\n  }\n}\n';
  /** The package.json left when the commands of scripts `names` are removed (with the `npm run` calls of those emptied). */
  const removing = (names: string[]) => {
    const script = parsePackageJson('package.json', PKG).script!;
    const indices = script.parts.filter((p) => names.some((n) => p.snippet.label === `package.json script "${n}"`)).flatMap((p) => p.script.commands.map((_, i) => p.first + i));
    const edits = embeddedAdapter.deleteCommands(script, indices);
    if ('error' in edits) throw new Error(edits.error);
    return applyEdits(PKG, edits);
  };

  it('removes three consecutive scripts, the first of the object among them, and their calls', () => {
    const out = removing(['builder', 'extract', 'clean']);
    expect(out).toBe('{\n  "name": "app",\n  "scripts": {\n    "image": "docker build -t app:latest .",\n    "test": "go test ./..."\n  }\n}\n');
    expect(JSON.parse(out).scripts).toEqual({ image: 'docker build -t app:latest .', test: 'go test ./...' });
  });

  it('removes two consecutive scripts where the object starts, and one in the middle', () => {
    expect(JSON.parse(removing(['builder', 'extract'])).scripts).toEqual({ clean: 'docker rmi app:build', image: 'npm run clean && docker build -t app:latest .', test: 'go test ./...' });
    expect(JSON.parse(removing(['extract', 'clean'])).scripts).toEqual({ builder: 'docker build -t app:build -f Dockerfile.build .', image: 'npm run builder && docker build -t app:latest .', test: 'go test ./...' });
  });

  it('removes the last script with the ones before it', () => {
    const out = removing(['clean', 'test']);
    expect(out).toBe('{\n  "name": "app",\n  "scripts": {\n    "builder": "docker build -t app:build -f Dockerfile.build .",\n    "extract": "docker create --name x app:build && docker cp x:/src/app ./app && docker rm x",\n    "image": "npm run builder && npm run extract && docker build -t app:latest ."\n  }\n}\n');
  });
});

/**
 * A Dockerfile text is parsed once while it is in use: dockerfile-ast's parser keeps its last
 * parses, keyed by the exact text, and gives the same tree when one of those texts is parsed
 * again.
 *
 * The same text is parsed many times in one run: the validator parses the merged Dockerfile
 * and the structural check reads it again (src/plan/merge-structure.ts); the merge, the checks
 * and the artifact readers ask for the instructions of the same two or three files of a setup
 * in turn; and a monorepo's packages made from one template have Dockerfiles that are the same
 * byte for byte (a third of the bench's 2,000). Every parser of the run goes through
 * `DockerfileParser.parse`, dockerfile-utils' validator included, so the parse is shared there:
 * whatever asks gets a tree of exactly the text it gave (the key is the whole text, compared
 * in full), so a check that re-reads written bytes still reads those bytes.
 *
 * The trees are only read. dockerfile-ast computes its answers from the document and its
 * ranges; every argument, flag and range it returns is a new object on every call (and the
 * words kept by ./dockerfile-arguments.ts are a function of the instruction), and nothing here
 * or in the validator changes an instruction, a range or a tree's lists.
 *
 * Bounded: the last MAX_ENTRIES texts, and no more than MAX_CHARS characters of text among
 * them (a text longer than MAX_ONE is parsed and not kept). A tree of a small Dockerfile takes
 * about 4 KiB (a thousand bytes an instruction), so the cache holds well under a mebibyte in
 * the usual case and a few tens in the worst, however large the tree swept.
 *
 * Importing this module installs it, once, on the dockerfile-ast that every reader here and
 * dockerfile-utils' validator share (one copy of the package).
 */
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';

export const MAX_ENTRIES = 64;
export const MAX_CHARS = 256 * 1024;
export const MAX_ONE = 64 * 1024;

const INSTALLED = Symbol.for('multistage-codemod.dockerfile-parses');

interface Cache {
  /** The kept trees, least recently used first. */
  trees: Map<string, Dockerfile>;
  chars: number;
  /** Parses made, and parses given from the cache, since the start (for measurement and tests). */
  parsed: number;
  reused: number;
}

type Parser = typeof DockerfileParser & { [INSTALLED]?: Cache };

function install(): Cache {
  const parser = DockerfileParser as Parser;
  const existing = parser[INSTALLED];
  if (existing) return existing;
  const cache: Cache = { trees: new Map(), chars: 0, parsed: 0, reused: 0 };
  const parse = parser.parse;
  parser[INSTALLED] = cache;
  parser.parse = function (this: unknown, content: string): Dockerfile {
    const trees = cache.trees;
    const hit = trees.get(content);
    if (hit !== undefined) {
      cache.reused++;
      // The most recently used goes last.
      trees.delete(content);
      trees.set(content, hit);
      return hit;
    }
    const tree = parse.call(DockerfileParser, content);
    cache.parsed++;
    if (content.length <= MAX_ONE) {
      trees.set(content, tree);
      cache.chars += content.length;
      while (trees.size > MAX_ENTRIES || cache.chars > MAX_CHARS) {
        const oldest = trees.keys().next().value!;
        trees.delete(oldest);
        cache.chars -= oldest.length;
      }
    }
    return tree;
  };
  return cache;
}

const cache = install();

/** How many parses dockerfile-ast made and how many the cache gave, since the start. */
export function parseCounts(): { parsed: number; reused: number } {
  return { parsed: cache.parsed, reused: cache.reused };
}

/** The number of texts and characters kept now. */
export function keptTrees(): { entries: number; chars: number } {
  return { entries: cache.trees.size, chars: cache.chars };
}

/**
 * The merged Dockerfile is parsed once for its two checks. dockerfile-utils' validator
 * (validate.ts) parses the text it is given with dockerfile-ast; `keepingParse` keeps that tree
 * and the structural check (merge-structure.ts) takes it with `parseKept` instead of parsing
 * the same text again. The tree is only read by both (dockerfile-ast computes every answer from
 * the document, and the arguments it returns are new objects on every call).
 */
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';

let kept: { text: string; dockerfile: Dockerfile } | null = null;

/** Runs `fn`, keeping the tree of `text` if `fn` parses it with dockerfile-ast. */
export function keepingParse<T>(text: string, fn: () => T): T {
  const parse = DockerfileParser.parse;
  kept = null;
  DockerfileParser.parse = (content: string): Dockerfile => {
    const dockerfile = parse.call(DockerfileParser, content);
    if (content === text) kept = { text, dockerfile };
    return dockerfile;
  };
  try {
    return fn();
  } finally {
    DockerfileParser.parse = parse;
  }
}

/** The tree of `text`: the one kept for it (taken once), or a new parse. */
export function parseKept(text: string): Dockerfile {
  const hit = kept !== null && kept.text === text ? kept.dockerfile : null;
  kept = null;
  return hit ?? DockerfileParser.parse(text);
}

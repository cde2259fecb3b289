/**
 * How many times a JavaScript file binds each name: a `const`/`let`/`var` (destructured too), a
 * function or class name, a parameter, a `catch` parameter, an import. The reader knows a
 * const by its value only where its name is bound once in the file: it does not resolve scopes,
 * so with a second binding (`function lint() { const df = 'Dockerfile.lint'; … }`, a parameter
 * `df`) a `${df}` could read the other one's value, and reads as unknown instead.
 */

/** The names a binding pattern declares (`{ a, b: [c] }`, `...rest`, `x = 1`). */
export function patternNames(id: any): string[] {
  if (!id) return [];
  if (id.type === 'Identifier') return [id.name];
  if (id.type === 'ObjectPattern') return id.properties.flatMap((p: any) => patternNames(p.type === 'RestElement' ? p.argument : p.value));
  if (id.type === 'ArrayPattern') return id.elements.flatMap((e: any) => patternNames(e));
  if (id.type === 'AssignmentPattern') return patternNames(id.left);
  if (id.type === 'RestElement') return patternNames(id.argument);
  if (id.type === 'TSParameterProperty') return patternNames(id.parameter);
  return [];
}

/** The paths the count reads, collected in the reader's one walk (./js-syntax.ts). */
export const DECLARATION_TYPES = ['VariableDeclarator', 'Function', 'ClassDeclaration', 'CatchClause', 'ImportDeclaration'] as const;

export function declarationCounts(paths: Record<(typeof DECLARATION_TYPES)[number], any[]>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (names: string[]) => {
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  };
  for (const p of paths.VariableDeclarator) add(patternNames(p.node.id));
  for (const p of paths.Function) {
    // A function expression's own name is bound only inside it: a binding all the same.
    if (p.node.id) add(patternNames(p.node.id));
    for (const param of p.node.params ?? []) add(patternNames(param));
  }
  for (const p of paths.ClassDeclaration) if (p.node.id) add(patternNames(p.node.id));
  for (const p of paths.CatchClause) add(patternNames(p.node.param));
  for (const p of paths.ImportDeclaration) for (const s of p.node.specifiers ?? []) add(patternNames(s.local));
  return counts;
}

/**
 * Functions that can cross threads. A function made by `revivable(name, make)(...args)` is
 * remembered with its recipe (the factory's name and the plain-data arguments it was made
 * from), so a worker thread can send the recipe and the main thread make the same function
 * again (src/analyze/transfer.ts). A factory must be a module-level function whose result
 * depends only on its arguments; it is registered when its module loads, which every thread
 * does before analysing.
 */

export interface Recipe {
  name: string;
  args: unknown[];
}

type AnyFn = (...a: never[]) => unknown;

const factories = new Map<string, (...args: never[]) => AnyFn>();
const recipes = new WeakMap<AnyFn, Recipe>();

export function revivable<A extends unknown[], F extends AnyFn>(name: string, make: (...args: A) => F): (...args: A) => F {
  if (factories.has(name)) throw new Error(`internal error: two revivable factories named ${name}`);
  factories.set(name, make as unknown as (...args: never[]) => AnyFn);
  return (...args: A) => {
    const f = make(...args);
    recipes.set(f, { name, args });
    return f;
  };
}

/** How `f` was made, when it was made by a revivable factory. */
export function recipeOf(f: AnyFn): Recipe | undefined {
  return recipes.get(f);
}

/** The function a recipe makes (in this thread). */
export function fromRecipe(r: Recipe): AnyFn {
  const make = factories.get(r.name);
  if (!make) throw new Error(`internal error: no revivable factory named ${r.name} in this thread`);
  const f = make(...(r.args as never[]));
  recipes.set(f, r);
  return f;
}

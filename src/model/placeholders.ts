/**
 * The names the hosts' readers read in place of text of a file they do not model, as shell
 * variables nothing assigns: `${__ci_expression_N}` (a CI YAML `${{ … }}`), `${__azp_NAME}` (an
 * Azure Pipelines `$(NAME)` macro), `${__js_expression_N}` (a JavaScript value only known at run
 * time), `${__make_expansion_N}` (a Make expansion), `${__ps_expression_…}` (a PowerShell value;
 * `${__ps_backslash_…}` one holding a `\`, `${__ps_name}` a script's variable `$name`), `${__groovy_N}` (a Jenkinsfile's Groovy interpolation).
 * The tool compares and follows words by them; a user must see the file's own text instead
 * (the reading of each file records it: ../analyze/embedded.ts, and the plan shows it:
 * ../plan/shown-placeholders.ts).
 */

const NAME = '__(?:ci_expression|azp|js_expression|make_expansion|ps|groovy)_\\w*';

/** A placeholder as the shell text spells it: `${NAME}`. */
const SPELLED = new RegExp(`\\$\\{(${NAME})\\}`, 'g');

/** A placeholder in a message: `${NAME}`, `$NAME` or the bare name. */
const SHOWN = new RegExp(`\\$\\{(${NAME})\\}|\\$(${NAME})|(${NAME})`, 'g');

/** Where `shell` spells a placeholder (`${NAME}`): its name and span. */
export function placeholderSpans(shell: string): { name: string; start: number; end: number }[] {
  if (!shell.includes('${__')) return [];
  return [...shell.matchAll(SPELLED)].map((m) => ({ name: m[1]!, start: m.index, end: m.index + m[0].length }));
}

/** Whether `text` holds a placeholder's name. */
export function holdsPlaceholder(text: string): boolean {
  SHOWN.lastIndex = 0;
  return text.includes('__') && SHOWN.test(text);
}

/** `text` with each placeholder `written` knows given as the file writes it; the others left as they are. */
export function showPlaceholders(text: string, written: (name: string) => string | undefined): string {
  if (!text.includes('__')) return text;
  return text.replace(SHOWN, (all, a?: string, b?: string, c?: string) => written((a ?? b ?? c)!) ?? all);
}

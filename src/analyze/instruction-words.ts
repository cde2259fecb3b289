/**
 * What an instruction's words mean to the builder, read from dockerfile-ast's parse of it,
 * for comparing one instruction read with two escape characters (transforms/escape-convert.ts)
 * or before and after a merge (src/plan/merge-structure.ts).
 */
import type { Instruction } from 'dockerfile-ast';

/**
 * Instructions whose argument text the builder uses as joined: the shell form's command goes
 * to the shell as written, the exec form is JSON (HEALTHCHECK: its options, then CMD and such
 * a command).
 */
export const VERBATIM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'HEALTHCHECK']);

type WithProperties = { getProperties?(): { getName(): string; getValue(): string | null }[] };
type WithTrigger = { getTriggerInstruction(): Instruction | null };

/**
 * ENV, LABEL and ARG: `NAME=value` per declaration (`NAME` without one), quotes applied as
 * Docker applies them: inside single quotes the escape character is a plain character, so
 * `ENV P='C:\bin'` holds the same value whichever it is. ONBUILD: the builder keeps the
 * trigger's text as joined and parses it when the trigger fires (BuildKit with the default
 * escape character, whatever the file's): a trigger run as written (`ONBUILD RUN …`) gives
 * null, its joined text being all that matters; another gives its keyword and its own words.
 * Anything else: its arguments, unescaped with the file's escape character.
 */
export function instructionWords(ins: Instruction): string[] | null {
  const kw = ins.getKeyword();
  if (kw === 'ONBUILD') {
    const trigger = (ins as unknown as WithTrigger).getTriggerInstruction();
    if (!trigger) return ins.getArguments().map((a) => a.getValue());
    return VERBATIM.has(trigger.getKeyword()) ? null : [trigger.getKeyword(), ...(instructionWords(trigger) ?? [])];
  }
  const props = (ins as unknown as WithProperties).getProperties?.();
  if (props && (kw === 'ENV' || kw === 'LABEL' || kw === 'ARG')) return props.map((p) => (p.getValue() === null ? p.getName() : `${p.getName()}=${p.getValue()}`));
  return ins.getArguments().map((a) => a.getValue());
}

/**
 * Each Dockerfile instruction's words are read from the document once.
 *
 * dockerfile-ast computes an instruction's arguments from the document's text on every call of
 * `getArguments()` (a scan of the instruction's text, then a line search for each argument's
 * start and end), and almost everything else it offers calls that again: the flags, the
 * argument ranges and content, the JSON form, FROM's image and stage name, the parser itself
 * while it builds the tree (a COPY or RUN is scanned four or five times before the parse
 * returns). An instruction never changes once parsed (its document, range and escape
 * character are set in its constructor), so the words are a function of the instruction: the
 * first call keeps them as plain data on the instruction, later calls rebuild the same
 * arguments from that data.
 *
 * Every call still returns a new array of new `Argument` objects, each with its own range, as
 * before: callers shift the array (ModifiableInstruction drops its flags from it) and FROM's
 * image-name and registry ranges are the first argument's range, edited in place. But a range
 * is made only when it is first asked for: most calls read the values alone (dockerfile-ast's
 * parser asks a RUN for all its words three or four times, to find its flags and whether it is
 * JSON, and looks at the range of the first and last), and a range with its two positions was
 * three of the four objects each word cost on every call.
 *
 * Importing this module installs it, once, on the dockerfile-ast that every reader here and
 * dockerfile-utils' validator share (one copy of the package).
 */
import { Argument, Instruction } from 'dockerfile-ast';

/** An argument as data: its value, then its range's start line and character, end line and character. */
type Word = [value: string, startLine: number, startCharacter: number, endLine: number, endCharacter: number];

const WORDS = Symbol('dockerfile-arguments.words');
const INSTALLED = Symbol.for('multistage-codemod.dockerfile-arguments');

type Readable = { getRawArguments(): Argument[]; [WORDS]?: Word[] };
type Range = ReturnType<Argument['getRange']>;

/**
 * An argument built from its data, whose range is made on its first use. It is an `Argument`
 * (its prototype's parent is Argument's), and every method of Argument reads `this.range`, so
 * each of them sees the range: made once per object, then kept, so an edit to it stays with
 * that object as it did with dockerfile-ast's own.
 */
class WordArgument {
  readonly value: string;
  private made: Range | undefined = undefined;
  constructor(private readonly word: Word) {
    this.value = word[0];
  }
  get range(): Range {
    let r = this.made;
    if (r === undefined) {
      const w = this.word;
      r = this.made = { start: { line: w[1], character: w[2] }, end: { line: w[3], character: w[4] } };
    }
    return r;
  }
  set range(r: Range) {
    this.made = r;
  }
}

const proto = Instruction.prototype as unknown as Readable & { [INSTALLED]?: true };

if (!proto[INSTALLED]) {
  Object.setPrototypeOf(WordArgument.prototype, Argument.prototype);
  const read = proto.getRawArguments;
  proto[INSTALLED] = true;
  proto.getRawArguments = function (this: Readable): Argument[] {
    const words = this[WORDS];
    if (words !== undefined) {
      const out = new Array<Argument>(words.length);
      for (let i = 0; i < words.length; i++) out[i] = new WordArgument(words[i]!) as unknown as Argument;
      return out;
    }
    const args = read.call(this);
    this[WORDS] = args.map((a) => {
      const { start, end } = a.getRange();
      return [a.getValue(), start.line, start.character, end.line, end.character];
    });
    return args;
  };
}

/**
 * Contract patterns run in DuckDB, whose regular expressions are RE2, not JavaScript's:
 * `new RegExp` accepts lookarounds and backreferences that RE2 refuses, and refuses RE2's
 * `(?i)` and `(?P<name>...)`. So the syntax is checked here, by RE2's rules, where a person
 * can read why; a pattern that passed here and still failed would fail ingest with
 * DuckDB's own message. Not checked: Unicode class names (`\p{Greek}`) and the size of
 * nested repetitions.
 */

/** Escapes RE2 knows besides punctuation, digits, `\x`, `\p` and `\Q`. */
const LETTER_ESCAPES = new Set('afnrtvdDsSwWbBAzC');
const CLASS_LETTER_ESCAPES = new Set('afnrtvdDsSwW');
const POSIX_CLASSES = new Set(
  'alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit'.split(' '),
);
const MAX_REPEAT = 1000;

/** Why RE2 would refuse `pattern`, in plain words, or undefined when it is fine. */
export function re2SyntaxError(pattern: string): string | undefined {
  try {
    check(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof Refused) return error.message;
    throw error;
  }
}

class Refused extends Error {}

function check(p: string): void {
  let i = 0;
  let depth = 0;
  /** Whether the last thing can take `*`, `+`, `?` or `{n,m}`. */
  let operand = false;
  /** The last thing was a repetition (`repeat`), or a lazy one (`lazy`: nothing may follow). */
  let repeated: 'no' | 'repeat' | 'lazy' = 'no';
  const refuse = (why: string): never => {
    throw new Refused(why);
  };
  const repetition = (op: string) => {
    if (repeated === 'lazy' || (repeated === 'repeat' && op !== '?')) {
      refuse(`${op} cannot follow another repetition (RE2 has no possessive quantifiers)`);
    }
    if (repeated === 'repeat') repeated = 'lazy';
    else if (!operand) refuse(`${op} has nothing before it to repeat`);
    else repeated = 'repeat';
  };
  while (i < p.length) {
    const c = p[i]!;
    if (c === '*' || c === '+' || c === '?') {
      repetition(c);
      i++;
      continue;
    }
    const counted = c === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i)) : null;
    if (counted) {
      const [text, min, range, max] = counted;
      const low = Number(min);
      const high = range === undefined ? low : max === '' ? low : Number(max);
      if (low > MAX_REPEAT || high > MAX_REPEAT) {
        refuse(`${text} repeats more than ${MAX_REPEAT} times, the most RE2 allows`);
      }
      if (low > high) refuse(`${text} has its minimum above its maximum`);
      repetition(text);
      i += text.length;
      continue;
    }
    repeated = 'no';
    if (c === '\\') {
      i = escape(p, i, false, refuse);
      operand = true;
    } else if (c === '[') {
      i = characterClass(p, i, refuse);
      operand = true;
    } else if (c === '(') {
      const group = groupOpener(p, i, refuse);
      i += group.length;
      if (group.opens) depth++;
      operand = false;
    } else if (c === ')') {
      if (depth === 0) refuse('a ")" has no "(" before it');
      depth--;
      i++;
      operand = true;
    } else {
      operand = c !== '|';
      i++;
    }
  }
  if (depth > 0) refuse('a "(" is never closed');
}

/** A group's opening: `(`, `(?:`, `(?P<name>`, `(?i)`, `(?i-s:`. Returns its length. */
function groupOpener(
  p: string,
  at: number,
  refuse: (why: string) => never,
): { length: number; opens: boolean } {
  if (p[at + 1] !== '?') return { length: 1, opens: true };
  const rest = p.slice(at + 2);
  if (rest.startsWith('=') || rest.startsWith('!')) {
    refuse(`a lookahead (?${rest[0]}...) is not supported`);
  }
  if (rest.startsWith('<=') || rest.startsWith('<!')) {
    refuse(`a lookbehind (?${rest.slice(0, 2)}...) is not supported`);
  }
  if (rest.startsWith('<')) refuse('write a named group as (?P<name>...), not (?<name>...)');
  if (rest.startsWith('>')) refuse('an atomic group (?>...) is not supported');
  if (rest.startsWith('#')) refuse('a comment (?#...) is not supported');
  if (rest.startsWith('P=') || rest.startsWith('P>')) {
    refuse(`a backreference (?${rest.slice(0, 2)}...) is not supported`);
  }
  const named = /^P<\w+>/.exec(rest);
  if (named) return { length: 2 + named[0].length, opens: true };
  const flags = /^([imsU]*)(?:-([imsU]+))?([:)])/.exec(rest);
  // `(?)` is accepted by RE2 (no flags); `(?-)` is not.
  if (flags && !(flags[2] === undefined && rest.startsWith('-'))) {
    return { length: 2 + flags[0].length, opens: flags[3] === ':' };
  }
  refuse(
    `"(?${rest.slice(0, 1)}" is not a group RE2 knows: (?:...), (?P<name>...) and flags such as (?i) are`,
  );
}

/** An escape at `at` (the backslash); returns the index after it. */
function escape(p: string, at: number, inClass: boolean, refuse: (why: string) => never): number {
  const next = p[at + 1];
  if (next === undefined) refuse('the pattern ends with a lone \\');
  if (next === 'Q' && !inClass) {
    const end = p.indexOf('\\E', at + 2);
    return end < 0 ? p.length : end + 2;
  }
  if (next === 'x') {
    const hex = /^x(\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{2})/.exec(p.slice(at + 1));
    if (!hex) refuse(`"${p.slice(at, at + 4)}" is not a hex escape: write \\x41 or \\x{41}`);
    return at + 1 + hex[0].length;
  }
  if (next === 'p' || next === 'P') {
    const name = /^[pP](\{\^?\w+\}|[A-Za-z])/.exec(p.slice(at + 1));
    if (!name) refuse(`"${p.slice(at, at + 4)}" is not a Unicode class: write \\pL or \\p{Greek}`);
    return at + 1 + name[0].length;
  }
  if (next === '0' || /[1-7][0-7]/.test(p.slice(at + 1, at + 3))) {
    // Octal: \0, \012, \17. A lone \1 is a backreference.
    return at + 1 + /^[0-7]{1,3}/.exec(p.slice(at + 1))![0].length;
  }
  if (/[1-9]/.test(next)) refuse(`\\${next} is a backreference, which RE2 does not support`);
  if (next === 'k') refuse('\\k<...> is a backreference, which RE2 does not support');
  if (next === 'u') refuse('write a Unicode character as \\x{0041}, not \\u0041');
  if (/[A-Za-z]/.test(next) && !(inClass ? CLASS_LETTER_ESCAPES : LETTER_ESCAPES).has(next)) {
    refuse(`\\${next} is not an escape RE2 knows${inClass ? ' inside [...]' : ''}`);
  }
  return at + 2;
}

/** A character class at `at` (the `[`); returns the index after its `]`. */
function characterClass(p: string, at: number, refuse: (why: string) => never): number {
  let i = at + 1;
  if (p[i] === '^') i++;
  // A `]` first is a literal; `previous` is the last single character, for ranges.
  let first = true;
  let previous: string | undefined;
  while (i < p.length) {
    const c = p[i]!;
    if (c === ']' && !first) return i + 1;
    first = false;
    if (c === '[' && p[i + 1] === ':') {
      const posix = /^\[:\^?(\w+):\]/.exec(p.slice(i));
      if (posix) {
        if (!POSIX_CLASSES.has(posix[1]!))
          refuse(`[:${posix[1]}:] is not a character class RE2 knows`);
        i += posix[0].length;
        previous = undefined;
        continue;
      }
    }
    if (c === '-' && previous !== undefined && p[i + 1] !== undefined && p[i + 1] !== ']') {
      if (p[i + 1] === '\\') {
        const n = p[i + 2] ?? '';
        if (/[dDsSwWpP]/.test(n)) refuse(`the range ${previous}-\\${n} ends in a class`);
        if (/[^A-Za-z0-9]/.test(n) && n < previous) {
          refuse(`the range ${previous}-\\${n} runs backwards`);
        }
        i = escape(p, i + 1, true, refuse);
      } else {
        if (p[i + 1]! < previous) refuse(`the range ${previous}-${p[i + 1]} runs backwards`);
        i += 2;
      }
      previous = undefined;
      continue;
    }
    if (c === '\\') {
      const after = escape(p, i, true, refuse);
      const escaped = p.slice(i + 1, after);
      previous = escaped.length === 1 && !/[dDsSwW]/.test(escaped) ? escaped : undefined;
      i = after;
      continue;
    }
    previous = c;
    i++;
  }
  refuse('a "[" is never closed');
}

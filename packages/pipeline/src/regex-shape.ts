/**
 * A fast syntactic look at a pattern, before the slow ReDoS checker: `linear` is a proof that
 * V8's backtracking takes linear time on any text; `suspicious` (a quantified group that holds a
 * quantifier or an alternation, or a backreference: the shapes of catastrophic backtracking) must
 * always go to the checker; `unproven` may go to it if the file's allowance lasts.
 *
 * The proof is sound but incomplete. It covers a top-level alternation of sequences of atoms (a
 * character, class, escape such as \d or `.`), each with an optional quantifier, and the
 * assertions ^ $ \b \B; groups are allowed but neither quantified nor holding `|`. Lookarounds,
 * backreferences and the `v` flag are left to the checker. Write an atom's character set S, LT for
 * the line terminators, "loose" for an atom whose count varies (a?, a*, a{1,3}) or may exceed 32.
 *   1. Every loose atom u is entered at most once per text position, because:
 *      a. the atom just before u must consume a character (min >= 1) outside S(u), so u can only
 *         start where a run of S(u) characters starts; or
 *      b. the alternative starts with ^ and neither u nor any atom before it can match LT, so u
 *         starts once per line; or
 *      c. u is unbounded with min <= 32 and only end of pattern (or $, when S(u) with LT is every
 *         character) follows: the first time u is reached the pattern matches.
 *   2. Every atom whose count varies is left at most one way: the next atom consumes a character
 *      (min >= 1) outside S(u), or the next is $ and S(u) holds no LT, or only assertions follow.
 *      Stopping u early leaves a character of S(u) next, which that atom (or $) refuses at once.
 * With 2 each start position follows a single path; with 1 no two start positions reach the same
 * atom at the same text position, and a loose atom's scans of different runs do not overlap. So
 * each (atom, position) pair is visited at most once: work <= 33 x atoms x text length.
 * Character sets are over-approximated (case folding under `i` adds more), never under: a set that
 * seems disjoint is disjoint.
 */
export type PatternShape = 'linear' | 'suspicious' | 'unproven';

/** Above this a finite count is treated like an unbounded one. */
const SMALL = 32;
const MAX_CP = 0x10ffff;

/** Sorted, non-overlapping inclusive code point ranges. */
type CharSet = readonly (readonly [number, number])[];

type Token =
  | { t: 'atom'; set: CharSet }
  | { t: 'assert'; kind: '^' | '$' | 'b' }
  | { t: 'quant'; min: number; max: number }
  | { t: 'open'; plain: boolean } // plain: a capturing or (?: group; otherwise a lookaround or modifier group
  | { t: 'close' }
  | { t: 'alt' }
  | { t: 'backref' };

interface Atom {
  set: CharSet;
  min: number;
  max: number;
}
type Item = { t: 'atom'; atom: Atom } | { t: 'assert'; kind: '^' | '$' | 'b' };

export function patternShape(source: string, flags: string): PatternShape {
  if (flags.includes('v') || /[^dgimsuy]/.test(flags)) return 'suspicious';
  const tokens = tokenize(source, flags);
  if (tokens === undefined) return 'unproven';
  if (isSuspicious(tokens)) return 'suspicious';
  const alternatives = flatten(tokens);
  if (alternatives === undefined) return 'unproven';
  return alternatives.every((items) => provablyLinear(items)) ? 'linear' : 'unproven';
}

/** A quantified group holding a quantifier, an alternation or a group, or any backreference. */
function isSuspicious(tokens: Token[]): boolean {
  const stack: boolean[] = [false]; // per open group: holds a quantifier, alternation or group
  let closed = false; // the group that just closed held one
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const top = stack.length - 1;
    if (tok.t === 'backref') return true;
    if (tok.t === 'open') stack.push(false);
    else if (tok.t === 'alt' || tok.t === 'quant') stack[top] = true;
    else if (tok.t === 'close') {
      closed = stack.pop() ?? false;
      stack[stack.length - 1] = true;
      if (tokens[i + 1]?.t === 'quant' && closed) return true;
    }
  }
  return false;
}

/** The top-level alternatives as flat item lists, or undefined outside the shapes the proof covers. */
function flatten(tokens: Token[]): Item[][] | undefined {
  const alternatives: Item[][] = [[]];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const next = tokens[i + 1];
    const items = alternatives[alternatives.length - 1]!;
    switch (tok.t) {
      case 'atom': {
        const q = next?.t === 'quant' ? next : { min: 1, max: 1 };
        items.push({ t: 'atom', atom: { set: tok.set, min: q.min, max: q.max } });
        if (next?.t === 'quant') i++;
        break;
      }
      case 'assert':
        if (next?.t === 'quant') return undefined;
        items.push(tok);
        break;
      case 'open':
        if (!tok.plain) return undefined;
        depth++;
        break;
      case 'close':
        if (next?.t === 'quant') return undefined;
        depth--;
        break;
      case 'alt':
        if (depth > 0) return undefined;
        alternatives.push([]);
        break;
      case 'quant':
      case 'backref':
        return undefined;
      default: {
        const never: never = tok;
        throw new Error(`unknown token ${JSON.stringify(never)}`);
      }
    }
  }
  return alternatives;
}

function provablyLinear(items: Item[]): boolean {
  const anchored = items[0]?.t === 'assert' && items[0].kind === '^';
  let lineBound = anchored; // every atom so far stays inside one line
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    if (item.t !== 'atom') continue;
    const u = item.atom;
    lineBound &&= !intersects(u.set, LT);
    const varies = u.max > u.min;
    if (varies && !leftOneWay(u, items.slice(k + 1))) return false;
    if ((varies || u.max > SMALL) && !(startsAtRun(u, items.slice(0, k)) || lineBound || endsMatch(u, items.slice(k + 1)))) return false;
  }
  return true;
}

/** Rule 1a: the atom just before consumes a character outside S(u). */
function startsAtRun(u: Atom, before: Item[]): boolean {
  const prev = before.findLast((it): it is Extract<Item, { t: 'atom' }> => it.t === 'atom');
  return prev !== undefined && prev.atom.min >= 1 && !intersects(prev.atom.set, u.set);
}

/** Rule 1c: once u is reached the pattern matches. */
function endsMatch(u: Atom, after: Item[]): boolean {
  if (u.max !== Infinity || u.min > SMALL) return false;
  return after.every((it) => it.t === 'assert' && it.kind === '$' && covers(union(u.set, LT)));
}

/** Rule 2. */
function leftOneWay(u: Atom, after: Item[]): boolean {
  for (const it of after) {
    if (it.t === 'atom') return it.atom.min >= 1 && !intersects(it.atom.set, u.set);
    if (it.kind === '$' && !intersects(u.set, LT)) return true;
  }
  return true;
}

// ---- character sets

const LT: CharSet = [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]];
const ALL: CharSet = [[0, MAX_CP]];
const DIGIT: CharSet = [[0x30, 0x39]];
const WORD: CharSet = normalizeSet([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]);
const SPACE: CharSet = normalizeSet([[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]]);

function normalizeSet(ranges: (readonly [number, number])[]): CharSet {
  const sorted = ranges.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const union = (a: CharSet, b: CharSet): CharSet => normalizeSet([...a, ...b]);
const covers = (s: CharSet): boolean => s.length === 1 && s[0]![0] === 0 && s[0]![1] === MAX_CP;

function complement(s: CharSet): CharSet {
  const out: [number, number][] = [];
  let from = 0;
  for (const [a, b] of s) {
    if (a > from) out.push([from, a - 1]);
    from = b + 1;
  }
  if (from <= MAX_CP) out.push([from, MAX_CP]);
  return out;
}

function intersects(a: CharSet, b: CharSet): boolean {
  return a.some(([a0, a1]) => b.some(([b0, b1]) => a0 <= b1 && b0 <= a1));
}

/**
 * Everything `s` may match under the `i` flag, over-approximated: the other case of ASCII letters,
 * ſ and K (Kelvin) for s and k, and for any non-ASCII character every non-ASCII character and s, k;
 * never a line terminator, which has no other case.
 */
function caseFold(s: CharSet): CharSet {
  const extra: [number, number][] = [];
  const has = (c: number) => s.some(([a, b]) => a <= c && c <= b);
  for (let c = 0x41; c <= 0x5a; c++) if (has(c) || has(c + 0x20)) extra.push([c, c], [c + 0x20, c + 0x20]);
  if (has(0x53) || has(0x73)) extra.push([0x17f, 0x17f]);
  if (has(0x4b) || has(0x6b)) extra.push([0x212a, 0x212a]);
  if (s.some(([, b]) => b >= 0x80)) extra.push([0x80, 0x2027], [0x202a, MAX_CP], [0x4b, 0x4b], [0x53, 0x53], [0x6b, 0x6b], [0x73, 0x73]);
  return normalizeSet([...s, ...extra]);
}

// ---- tokenizer (the pattern already compiled, so its syntax is valid)

/** The pattern's tokens, or undefined for syntax this tokenizer does not model (the pattern is then unproven). */
function tokenize(source: string, flags: string): Token[] | undefined {
  if (/[\ud800-\udfff]/.test(source)) return undefined; // astral characters: a quantifier would apply to half of one
  const unicode = flags.includes('u');
  const fold = flags.includes('i') ? caseFold : (s: CharSet) => s;
  const dot: CharSet = flags.includes('s') ? ALL : complement(LT);
  const tokens: Token[] = [];
  let i = 0;
  const char = (c: number): CharSet => [[c, c]];

  /** An escape after the backslash at `i`; returns a set, an assertion, a backreference, or undefined. */
  const escape = (inClass: boolean): CharSet | 'b' | 'backref' | undefined => {
    const c = source[i + 1];
    if (c === undefined) return undefined;
    i += 2;
    switch (c) {
      case 'd': return DIGIT;
      case 'D': return complement(DIGIT);
      case 'w': return WORD;
      case 'W': return complement(WORD);
      case 's': return SPACE;
      case 'S': return complement(SPACE);
      case 'b': return inClass ? char(0x08) : 'b';
      case 'B': return inClass ? char(0x42) : 'b';
      case 'n': return char(0x0a);
      case 'r': return char(0x0d);
      case 't': return char(0x09);
      case 'v': return char(0x0b);
      case 'f': return char(0x0c);
      case 'k': return 'backref'; // \k<name>, or a literal k outside unicode mode: either way, left to the checker
      case 'p':
      case 'P': return unicode ? (skipBraces(), ALL) : char(c.charCodeAt(0));
      case 'c': {
        const l = source[i];
        if (l === undefined || !/[A-Za-z]/.test(l)) return undefined;
        i++;
        return char(l.charCodeAt(0) % 32);
      }
      case 'x': {
        const hex = /^[0-9a-fA-F]{2}/.exec(source.slice(i))?.[0];
        if (!hex) return char(0x78);
        i += 2;
        return char(parseInt(hex, 16));
      }
      case 'u': {
        const braced = unicode ? /^\{([0-9a-fA-F]+)\}/.exec(source.slice(i)) : null;
        if (braced) {
          i += braced[0].length;
          return char(parseInt(braced[1]!, 16));
        }
        const hex = /^[0-9a-fA-F]{4}/.exec(source.slice(i))?.[0];
        if (!hex) return unicode ? undefined : char(0x75);
        i += 4;
        const cp = parseInt(hex, 16);
        return cp >= 0xd800 && cp <= 0xdfff ? undefined : char(cp);
      }
      default:
        if (c === '0' && !/[0-9]/.test(source[i] ?? '')) return char(0);
        if (/[0-9]/.test(c)) return inClass ? undefined : 'backref'; // octal escapes too: left to the checker
        return char(c.charCodeAt(0));
    }
  };
  const skipBraces = () => {
    if (source[i] === '{') i = source.indexOf('}', i) + 1;
  };

  const charClass = (): CharSet | undefined => {
    i++; // [
    const negated = source[i] === '^';
    if (negated) i++;
    const ranges: (readonly [number, number])[] = [];
    const single = (): CharSet | undefined => {
      if (source[i] === '\\') {
        const e = escape(true);
        return e === 'b' || e === 'backref' ? undefined : e;
      }
      const cp = source.codePointAt(i)!;
      i++;
      return char(cp);
    };
    while (i < source.length && source[i] !== ']') {
      const from = single();
      if (from === undefined) return undefined;
      if (source[i] === '-' && source[i + 1] !== ']' && i + 1 < source.length) {
        i++;
        const to = single();
        if (to === undefined) return undefined;
        if (from.length === 1 && to.length === 1 && from[0]![0] === from[0]![1] && to[0]![0] === to[0]![1]) {
          ranges.push([from[0]![0], to[0]![0]]);
        } else {
          ranges.push(...from, [0x2d, 0x2d], ...to); // [\d-x]: the dash is literal
        }
      } else {
        ranges.push(...from);
      }
    }
    if (source[i] !== ']') return undefined;
    i++;
    // The complement of the exact literal set over-approximates the negated class, folding or not.
    const literal = normalizeSet(ranges);
    return fold(negated ? complement(literal) : literal);
  };

  const quantifier = (): { min: number; max: number; length: number } | undefined => {
    const c = source[i];
    if (c === '*') return { min: 0, max: Infinity, length: 1 };
    if (c === '+') return { min: 1, max: Infinity, length: 1 };
    if (c === '?') return { min: 0, max: 1, length: 1 };
    const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return { min, max, length: m[0].length };
  };

  while (i < source.length) {
    const c = source[i]!;
    const q = quantifier();
    if (q) {
      i += q.length;
      if (source[i] === '?') i++; // lazy: the proof holds for both
      tokens.push({ t: 'quant', min: q.min, max: q.max });
      continue;
    }
    switch (c) {
      case '^':
      case '$':
        tokens.push({ t: 'assert', kind: c });
        i++;
        break;
      case '|':
        tokens.push({ t: 'alt' });
        i++;
        break;
      case ')':
        tokens.push({ t: 'close' });
        i++;
        break;
      case '(': {
        const rest = source.slice(i + 1);
        const plain = !rest.startsWith('?') || rest.startsWith('?:') || /^\?<[^=!]/.test(rest);
        tokens.push({ t: 'open', plain });
        if (rest.startsWith('?:')) i += 3;
        else if (plain && rest.startsWith('?<')) i = source.indexOf('>', i) + 1;
        else if (plain) i += 1;
        else i += 1 + (/^\?<?[=!]/.exec(rest)?.[0].length ?? 1); // lookaround or modifiers: not flattened anyway
        break;
      }
      case '[': {
        const set = charClass();
        if (set === undefined) return undefined;
        tokens.push({ t: 'atom', set });
        break;
      }
      case '.':
        tokens.push({ t: 'atom', set: dot });
        i++;
        break;
      case '\\': {
        const e = escape(false);
        if (e === undefined) return undefined;
        if (e === 'b') tokens.push({ t: 'assert', kind: 'b' });
        else if (e === 'backref') tokens.push({ t: 'backref' });
        else tokens.push({ t: 'atom', set: fold(e) });
        break;
      }
      default:
        // A lone { } or ] outside unicode mode is a literal character.
        tokens.push({ t: 'atom', set: fold(char(source.codePointAt(i)!)) });
        i++;
    }
  }
  return tokens;
}

import { TrackingError } from './errors';

/**
 * Tokens of MLflow's search grammar (the SQL-like subset `search_runs`, `search_experiments` and
 * `order_by` accept). Every token keeps its offset so errors can say where parsing failed.
 *
 * Identifiers are dotted paths whose segments may be quoted: `metrics.acc`, ``metrics.`my metric` ``,
 * `tags."a b"`, `tags.mlflow.runName`. A `.` is a path separator only when glued to the segment
 * before it; elsewhere it starts a number (`.5`).
 */
export type TokenKind =
  | 'word' // bare identifier segment or keyword (AND, LIKE, IN, ...)
  | 'backtick' // `...`
  | 'dquote' // "..." (a key or a string value, depending on where it stands)
  | 'string' // '...'
  | 'number'
  | 'dot'
  | 'operator'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Unquoted content for quoted tokens; the source text otherwise. */
  text: string;
  /** Source text as written. */
  raw: string;
  /** 0-based offset of the token's first character. */
  offset: number;
  end: number;
}

/** A parse failure: INVALID_PARAMETER_VALUE, saying where (1-based character) and at which token. */
export class SearchSyntaxError extends TrackingError {
  constructor(
    readonly input: string,
    readonly offset: number,
    readonly near: string,
    readonly reason: string,
    what = 'filter',
  ) {
    super('INVALID_PARAMETER_VALUE', `Invalid ${what} '${input}': ${reason} at character ${offset + 1} (near ${near})`);
  }
}

export function describeToken(t: Token): string {
  return t.kind === 'eof' ? 'end of input' : `'${t.raw}'`;
}

const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const KEY_SEGMENT = /[A-Za-z0-9_]+/y;
const OPERATOR = /!=|<>|<=|>=|==|=|<|>/y;

function matchAt(re: RegExp, input: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(input);
  return m ? m[0] : null;
}

function isSegment(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'word' || t.kind === 'backtick' || t.kind === 'dquote');
}

export function tokenize(input: string, what = 'filter'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (offset: number, near: string, reason: string): never => {
    throw new SearchSyntaxError(input, offset, near, reason, what);
  };
  const push = (kind: TokenKind, text: string, start: number, end: number) => tokens.push({ kind, text, raw: input.slice(start, end), offset: start, end });

  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const glued = prev !== undefined && prev.end === i;
    if (c === '.' && glued && isSegment(prev)) {
      push('dot', '.', i, i + 1);
      i++;
      continue;
    }
    if (glued && prev.kind === 'dot' && /[A-Za-z0-9_]/.test(c)) {
      const seg = matchAt(KEY_SEGMENT, input, i) as string;
      push('word', seg, i, i + seg.length);
      i += seg.length;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      // A quote inside is written twice ('it''s'); there are no backslash escapes.
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= input.length) fail(i, `'${input.slice(i, i + 20)}'`, `unterminated ${c === '`' ? 'backtick-quoted name' : 'string'}`);
        if (input[j] === c) {
          if (input[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += input[j++];
      }
      push(c === "'" ? 'string' : c === '"' ? 'dquote' : 'backtick', text, i, j + 1);
      i = j + 1;
      continue;
    }
    const num = /[-.\d]/.test(c) ? matchAt(NUMBER, input, i) : null;
    if (num !== null) {
      if (/[A-Za-z_]/.test(input[i + num.length] ?? '')) fail(i, `'${input.slice(i, i + num.length + 1)}'`, 'malformed number');
      push('number', num, i, i + num.length);
      i += num.length;
      continue;
    }
    const word = matchAt(WORD, input, i);
    if (word !== null) {
      push('word', word, i, i + word.length);
      i += word.length;
      continue;
    }
    const op = matchAt(OPERATOR, input, i);
    if (op !== null) {
      push('operator', op, i, i + op.length);
      i += op.length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      push(c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', c, i, i + 1);
      i++;
      continue;
    }
    fail(i, `'${c}'`, 'unexpected character');
  }
  tokens.push({ kind: 'eof', text: '', raw: '', offset: input.length, end: input.length });
  return tokens;
}

/** A cursor over tokens with the error helper bound to the source text. */
export class TokenStream {
  private index = 0;

  constructor(
    readonly input: string,
    private readonly tokens: Token[],
    private readonly what: string,
  ) {}

  static of(input: string, what = 'filter'): TokenStream {
    return new TokenStream(input, tokenize(input, what), what);
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  /** True (and consumes it) when the next token is the keyword, case-insensitively. */
  acceptKeyword(keyword: string): boolean {
    const t = this.peek();
    if (t.kind === 'word' && t.text.toUpperCase() === keyword) {
      this.index++;
      return true;
    }
    return false;
  }

  error(at: Token, reason: string): SearchSyntaxError {
    return new SearchSyntaxError(this.input, at.offset, describeToken(at), reason, this.what);
  }
}

// A small highlighter for Strudel code (JavaScript with mini-notation strings): comments, strings (with the
// mini-notation inside double quotes and backticks: notes, numbers, rests, operators), numbers and function calls.
// It returns tokens; the code editor renders them as spans under a transparent textarea.

export type TokenKind = 'plain' | 'comment' | 'string' | 'number' | 'function' | 'keyword' | 'mini-note' | 'mini-op' | 'mini-rest';

export interface Token {
  kind: TokenKind;
  text: string;
}

const keywords = new Set(['const', 'let', 'var', 'return', 'if', 'else', 'function', 'true', 'false', 'null', 'undefined', 'await', 'async', 'new']);

export function highlight(code: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = tokens.at(-1);
    if (last && last.kind === kind) {
      last.text += text;
    } else if (text) {
      tokens.push({ kind, text });
    }
  };
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    const rest = code.slice(i);
    if (rest.startsWith('//')) {
      const end = code.indexOf('\n', i);
      const stop = end === -1 ? code.length : end;
      push('comment', code.slice(i, stop));
      i = stop;
    } else if (rest.startsWith('/*')) {
      const end = code.indexOf('*/', i + 2);
      const stop = end === -1 ? code.length : end + 2;
      push('comment', code.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === '`' || c === "'") {
      let j = i + 1;
      while (j < code.length && code[j] !== c) {
        j += code[j] === '\\' ? 2 : 1;
      }
      const body = code.slice(i + 1, Math.min(j, code.length));
      push('string', c);
      if (c === "'") {
        push('string', body);
      } else {
        mini(body, push);
      }
      if (j < code.length) {
        push('string', c);
      }
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(code[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+(e[-+]?[0-9]+)?/i.exec(rest)!;
      push('number', m[0]);
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(rest)!;
      const word = m[0];
      const next = code.slice(i + word.length).match(/^\s*\(/);
      push(keywords.has(word) ? 'keyword' : next ? 'function' : 'plain', word);
      i += word.length;
    } else {
      push('plain', c);
      i++;
    }
  }
  return tokens;
}

/** Mini-notation inside a pattern string: note names, numbers, rests (~) and operators ([]<>*!/:,@?|.). */
function mini(body: string, push: (kind: TokenKind, text: string) => void): void {
  const re = /([a-gA-G][#bs]?-?[0-9]?(?![A-Za-z]))|(-?[0-9]*\.?[0-9]+)|(~)|([[\]<>{}*!/:,@?|.()_-])|([^\s])|(\s+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    if (m[1]) push('mini-note', m[0]);
    else if (m[2]) push('number', m[0]);
    else if (m[3]) push('mini-rest', m[0]);
    else if (m[4]) push('mini-op', m[0]);
    else push('string', m[0]);
  }
}

export const tokenClasses: Record<TokenKind, string> = {
  plain: '',
  comment: 'text-zinc-500 italic',
  string: 'text-emerald-700 dark:text-emerald-400',
  number: 'text-amber-700 dark:text-amber-300',
  function: 'text-sky-700 dark:text-sky-300',
  keyword: 'text-fuchsia-700 dark:text-fuchsia-300',
  'mini-note': 'text-rose-700 dark:text-rose-300 font-semibold',
  'mini-op': 'text-violet-700 dark:text-violet-300',
  'mini-rest': 'text-zinc-400',
};

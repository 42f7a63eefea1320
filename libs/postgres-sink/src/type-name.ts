import pg from 'pg';

/**
 * Re-renders a source type name ("numeric(10,2)", "character varying(20)", "timestamp(3) with
 * time zone", "public.\"My Type\"[]", "geometry(Point,4326)") from a strict token set: plain
 * words, numbers, quoted identifiers (re-quoted), `.`, `[`, `]`, and parenthesised lists of
 * words/numbers. Anything else (quotes, comments, `;`, operators, unbalanced brackets) gives
 * undefined. The result is only used in DDL after the destination accepted the same string
 * with `to_regtype`, so it names a type and nothing else.
 */
export function normalizeTypeName(source: string): string | undefined {
  const tokens: string[] = [];
  let depth = 0;
  let i = 0;
  let expectTypmod = false; // inside parentheses: item expected (after "(" or ",")
  let typmodLists = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    let token: string | undefined;
    let kind: 'word' | 'number' | 'punct';
    if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(source.slice(i));
      token = match![0];
      kind = 'word';
    } else if (/[0-9]/.test(ch)) {
      const match = /^[0-9]+/.exec(source.slice(i));
      token = match![0];
      kind = 'number';
    } else if (ch === '"') {
      let end = i + 1;
      let name = '';
      for (;;) {
        const next = source.indexOf('"', end);
        if (next < 0) return undefined;
        name += source.slice(end, next);
        if (source[next + 1] === '"') {
          name += '"';
          end = next + 2;
        } else {
          end = next + 1;
          break;
        }
      }
      if (name.length === 0) return undefined;
      tokens.push(pg.escapeIdentifier(name));
      i = end;
      if (depth > 0) {
        if (!expectTypmod) return undefined;
        expectTypmod = false;
      }
      continue;
    } else if ('()[],.'.includes(ch)) {
      token = ch;
      kind = 'punct';
    } else {
      return undefined;
    }
    i += token.length;
    if (kind === 'punct') {
      if (token === '(') {
        if (depth > 0 || typmodLists > 0) return undefined;
        typmodLists += 1;
        depth += 1;
        expectTypmod = true;
      } else if (token === ')') {
        if (depth !== 1 || expectTypmod) return undefined;
        depth -= 1;
      } else if (token === ',') {
        if (depth !== 1 || expectTypmod) return undefined;
        expectTypmod = true;
      } else if (depth > 0) {
        return undefined; // "." "[" "]" only outside a typmod list
      }
    } else if (depth > 0) {
      if (!expectTypmod) return undefined;
      expectTypmod = false;
    }
    tokens.push(token);
  }
  if (depth !== 0 || tokens.length === 0) return undefined;
  // Rejoin: a space before a word that follows a word or a closing parenthesis.
  let out = '';
  let previous = '';
  for (const token of tokens) {
    const wordy = !'()[],.'.includes(token);
    if (wordy && previous !== '' && (previous === ')' || !'()[],.'.includes(previous))) out += ' ';
    out += token;
    previous = token;
  }
  return out;
}

/** "integer[]" → 1, "text[][]" → 2, "int4" → 0 (for an unknown type's fallback to text / text[]). */
export function arrayDimensions(source: string): number {
  const match = /((?:\[\d*\]\s*)+)$/.exec(source.trim());
  if (match) return (match[1].match(/\[/g) ?? []).length;
  return /\barray\s*$/i.test(source.trim()) ? 1 : 0;
}

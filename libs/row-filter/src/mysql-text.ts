/**
 * Text comparison as MySQL (and MariaDB) does it for a column's collation, for the part of a
 * Vitess source's filter the reader evaluates. A binary collation compares bytes; a `_ci`
 * collation ignores case (and accents, except `_as_ci`), a `_cs` / `_as_cs` one neither. The
 * linguistic order is ICU's root collation (Intl.Collator), close to MySQL's UCA tables but not
 * identical for every character (utf8mb4_general_ci, for one, is no UCA collation at all).
 * Collations other than the UCA 9.0.0 (`_0900_`) ones and MariaDB's `_nopad_` ones pad with
 * spaces: trailing spaces do not count.
 */
export interface TextRule {
  /** <0, 0, >0, as the collation orders the two strings. */
  readonly order: (a: string, b: string) => number;
  /** LIKE ignores case under this collation. */
  readonly caseInsensitive: boolean;
  /** LIKE ignores accents under this collation. */
  readonly accentInsensitive: boolean;
}

const cache = new Map<string, TextRule>();

/** The rule of a collation name as information_schema spells it; undefined (unknown): bytes. */
export function mysqlTextRule(collation: string | undefined): TextRule {
  const name = (collation ?? 'binary').toLowerCase();
  let rule = cache.get(name);
  if (rule === undefined) {
    rule = build(name);
    cache.set(name, rule);
  }
  return rule;
}

function build(name: string): TextRule {
  const padSpace = name !== 'binary' && !name.includes('_0900_') && !name.includes('_nopad_');
  const pad = padSpace ? (text: string) => text.replace(/ +$/, '') : (text: string) => text;
  if (name === 'binary' || name.endsWith('_bin')) {
    return {
      order: (a, b) => compareBytes(pad(a), pad(b)),
      caseInsensitive: false,
      accentInsensitive: false,
    };
  }
  const caseInsensitive = name.endsWith('_ci');
  const accentInsensitive = caseInsensitive && !name.endsWith('_as_ci');
  const collator = new Intl.Collator('und', {
    sensitivity: accentInsensitive ? 'base' : caseInsensitive ? 'accent' : 'variant',
    usage: 'sort',
  });
  return { order: (a, b) => collator.compare(pad(a), pad(b)), caseInsensitive, accentInsensitive };
}

function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Text with its accents taken off (NFD, combining marks dropped), for LIKE under an `_ai` collation. */
export function withoutAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

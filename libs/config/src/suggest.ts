/**
 * The known key closest to an unknown one, or undefined when nothing is close. Catches typos
 * ("slott"), transpositions ("tabels") and camelCase/kebab-case spellings ("maxOps", "max-ops").
 */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const normalized = normalize(unknown);
  const exact = known.find((key) => normalize(key) === normalized);
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const key of known) {
    const distance = editDistance(unknown.toLowerCase(), key);
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.floor(unknown.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function normalize(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/-/g, '_');
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) rows[i][j] = i === 0 ? j : 0;
  }
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2][j - 2] + 1);
      }
      rows[i][j] = value;
    }
  }
  return rows[a.length][b.length];
}

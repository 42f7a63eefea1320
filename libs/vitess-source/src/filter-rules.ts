/**
 * VStream filter rules for table glob patterns ("orders", "order_*"): a rule whose match starts
 * with "/" is a regular expression over table names (Go syntax), which also picks up tables
 * created later that match.
 */
export function tablePatternRules(tablePatterns: readonly string[]): Array<{ match: string }> {
  return tablePatterns.map((pattern) => ({
    match: `/^${pattern
      .split('*')
      .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
      .join('.*')}$`,
  }));
}

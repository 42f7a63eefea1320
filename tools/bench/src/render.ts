// Re-renders the PG -> PG section of docs/benchmarks.md and its plots from result files, e.g.
// after a change to the tables or plots:
//   node --import tsx tools/bench/src/render.ts tools/bench/results/reference-pg-to-pg.json [more.json ...]
// Several files (runs of different modes, e.g. --only fanout) are merged: the run information of
// the first, the results of all.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PG_TO_PG_SECTION, PLOT_DIR, renderMarkdown, renderPlots, type Results } from './report';
import { writeSection } from './sections';

const REPO = resolve(__dirname, '../../..');
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: render.ts <results.json> [more results.json ...]');
  process.exit(2);
}
const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Results);
const results: Results = {
  info: runs[0].info,
  drain: runs.flatMap((r) => r.drain),
  live: runs.flatMap((r) => r.live),
  memory: runs.flatMap((r) => r.memory),
  snapshot: runs.flatMap((r) => r.snapshot ?? []),
  fanout: runs.flatMap((r) => r.fanout ?? []),
};
writeSection(join(REPO, 'docs', 'benchmarks.md'), PG_TO_PG_SECTION, renderMarkdown(results));
mkdirSync(join(REPO, 'docs', PLOT_DIR), { recursive: true });
for (const [name, svg] of renderPlots(results)) writeFileSync(join(REPO, 'docs', PLOT_DIR, name), svg);
console.log(`rendered docs/benchmarks.md and docs/${PLOT_DIR}/*.svg from ${files.join(', ')}`);

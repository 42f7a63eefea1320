// Re-renders the PG -> PG section of docs/benchmarks.md and its plots from a result file, e.g.
// after a change to the tables or plots: node --import tsx tools/bench/src/render.ts tools/bench/results/reference-pg-to-pg.json
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLOT_DIR, renderMarkdown, renderPlots, writeDocs, type Results } from './report';

const REPO = resolve(__dirname, '../../..');
const file = process.argv[2];
if (!file) {
  console.error('usage: render.ts <results.json>');
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
writeDocs(join(REPO, 'docs', 'benchmarks.md'), renderMarkdown(results));
mkdirSync(join(REPO, 'docs', PLOT_DIR), { recursive: true });
for (const [name, svg] of renderPlots(results)) writeFileSync(join(REPO, 'docs', PLOT_DIR, name), svg);
console.log(`rendered docs/benchmarks.md and docs/${PLOT_DIR}/*.svg from ${file}`);

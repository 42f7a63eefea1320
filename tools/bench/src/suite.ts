// `npm run bench [-- --scale F] [--only NAME] [--repeat N] [--order O] [--no-docs]`: runs the benchmarks one after the
// other (never two at once: they share the machine), each in its own process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { planSuite } from './suite-plan';

function main(): number {
  let steps;
  try {
    steps = planSuite(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const failed: string[] = [];
  for (const step of steps) {
    console.log(`\n=== bench ${step.name}: ${step.script} ${step.args.join(' ')}`);
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, step.script), ...step.args], {
      stdio: 'inherit',
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (result.status !== 0) failed.push(step.name);
    console.log(`=== bench ${step.name}: ${result.status === 0 ? 'done' : 'FAILED'} in ${seconds} s`);
  }
  if (failed.length > 0) console.error(`bench: failed: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

process.exit(main());

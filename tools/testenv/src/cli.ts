// A persistent local stack for the demo and manual work:
//   node --import tsx tools/testenv/src/cli.ts up|down|env
// `up` starts (or reuses) a source Postgres, a destination Postgres and a NATS server under
// <testenv dir>/stack/ that outlive this process, and writes <testenv dir>/stack/env.sh.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachNats, createNats, type NatsInstance } from './nats';
import { baseDir } from './paths';
import { attachPostgres, createPostgres, PostgresInstance } from './postgres';

function stackDir(): string {
  return join(baseDir(), 'stack');
}

function envFile(): string {
  return join(stackDir(), 'env.sh');
}

type Component = { name: 'source' | 'dest'; kind: 'postgres' } | { name: 'nats'; kind: 'nats' };
const COMPONENTS: Component[] = [
  { name: 'source', kind: 'postgres' },
  { name: 'dest', kind: 'postgres' },
  { name: 'nats', kind: 'nats' },
];

function attach(c: Component): PostgresInstance | NatsInstance | undefined {
  const dir = join(stackDir(), c.name);
  return c.kind === 'postgres' ? attachPostgres(dir, { persistent: true }) : attachNats(dir, { persistent: true });
}

async function up(): Promise<void> {
  const urls: Record<string, string> = {};
  for (const c of COMPONENTS) {
    const dir = join(stackDir(), c.name);
    let server = attach(c);
    if (server) {
      const running = server.isRunning();
      await server.start();
      console.log(`${c.name}: ${running ? 'already running' : 'restarted'} (${dir})`);
    } else {
      // Nothing usable there (first run, or a half-created directory): start from scratch.
      rmSync(dir, { recursive: true, force: true });
      server =
        c.kind === 'postgres'
          ? await createPostgres({ name: c.name }, { dir, persistent: true })
          : await createNats({ name: c.name }, { dir, persistent: true });
      console.log(`${c.name}: started (${dir})`);
    }
    urls[c.name] = server instanceof PostgresInstance ? server.url() : server.url;
  }
  const text =
    `# written by: node --import tsx tools/testenv/src/cli.ts up\n` +
    `export CDC_SOURCE_URL=${urls.source}\n` +
    `export CDC_DEST_URL=${urls.dest}\n` +
    `export CDC_NATS_URL=${urls.nats}\n`;
  writeFileSync(envFile(), text);
  console.log(`wrote ${envFile()}:`);
  process.stdout.write(text);
}

async function down(purge: boolean): Promise<void> {
  for (const c of COMPONENTS) {
    const server = attach(c);
    if (!server) continue;
    if (purge) {
      await server.destroy();
      console.log(`${c.name}: stopped and removed`);
    } else {
      const running = server.isRunning();
      await server.stop();
      console.log(`${c.name}: ${running ? 'stopped' : 'was not running'}`);
    }
  }
  if (purge) rmSync(stackDir(), { recursive: true, force: true });
  else rmSync(envFile(), { force: true });
}

function env(): number {
  if (!existsSync(envFile())) {
    console.error(`no stack (${envFile()} is missing); run: node --import tsx tools/testenv/src/cli.ts up`);
    return 1;
  }
  process.stdout.write(readFileSync(envFile(), 'utf8'));
  return 0;
}

const USAGE = `usage: node --import tsx tools/testenv/src/cli.ts <command>
  up            start (or reuse) the persistent stack and print its env.sh
  down          stop the stack (data is kept for the next 'up')
  down --purge  stop the stack and delete its data
  env           print the stack's env.sh (source it: eval "$(... env)")`;

async function main(argv: string[]): Promise<number> {
  switch (argv[0]) {
    case 'up':
      await up();
      return 0;
    case 'down':
      await down(argv.includes('--purge'));
      return 0;
    case 'env':
      return env();
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

// PG -> PG benchmark: native logical replication, pg_recvlogical and our pipeline over the same
// workload, in drain, live, snapshot and fan-out modes (one file each under pg-to-pg/, over the
// shared pg-to-pg/harness.ts). See tools/bench/README.md.
//   node --import tsx tools/bench/src/pg-to-pg.ts [--rows N | --scale F] [--quick]
//     [--only drain|live|snapshot|fanout] [--live-rate N|max] [--order ours-first|baseline-first|alternate]
//     [--docs|--no-docs] [--timeout S] [--nats-r3]
import { main } from './pg-to-pg/main';
import { UsageError } from './pg-to-pg/options';

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const text =
      error instanceof UsageError || !(error instanceof Error) ? String(error) : (error.stack ?? error.message);
    console.error(`bench: ${text.replace(/^Error: /, '')}`);
    process.exit(1);
  },
);

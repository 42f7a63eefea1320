import { describe } from 'node:test';
import { crashRecoverySuite } from './crash-recovery-suite';
import { failoverSuite } from './failover-suite';
import { largeTransactionsSuite } from './large-transactions-suite';
import { partitionedTablesSuite } from './partitioned-tables-suite';
import { replicationSuite } from './replication-suite';
import { parseVersionPairs } from './server-versions';

// The end-to-end suites on other PostgreSQL majors than the default (Debian's 15). npm test runs
// 14 -> 18 and 18 -> 14, so 14 and 18 are each a source and a destination; the full matrix
// (every major as a source, 15 and 18 as destinations) is `npx nx run cli:test-postgres-matrix`,
// which runs this file once per pair and suite through CDC_PG_VERSION_PAIRS and CDC_PG_SUITES.
const SUITES = {
  replication: replicationSuite,
  'crash-recovery': crashRecoverySuite,
  'partitioned-tables': partitionedTablesSuite,
  'large-transactions': largeTransactionsSuite,
  failover: failoverSuite,
} as const;
type SuiteName = keyof typeof SUITES;

const pairs = parseVersionPairs(process.env.CDC_PG_VERSION_PAIRS ?? '14>18,18>14');
const suites = (process.env.CDC_PG_SUITES ?? 'replication,crash-recovery').split(',').map((name) => {
  if (!(name in SUITES))
    throw new Error(`unknown suite "${name}" in CDC_PG_SUITES (known: ${Object.keys(SUITES).join(', ')})`);
  return name as SuiteName;
});

for (const versions of pairs) {
  for (const name of suites) {
    describe(`PostgreSQL ${versions.sourceVersion} -> ${versions.destinationVersion}: ${name}`, () =>
      SUITES[name](versions));
  }
}

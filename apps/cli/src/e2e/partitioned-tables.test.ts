import { partitionedTablesSuite } from './partitioned-tables-suite';

// A partitioned table as one destination table on the default server (Debian's 15);
// the version matrix (postgres-versions.test.ts) runs the same suite on other majors.
partitionedTablesSuite();

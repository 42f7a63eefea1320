import { failoverSuite } from './failover-suite';

// A source that fails over, on PostgreSQL 17 (failover slots): the reader follows a promotion
// from the synced slot, and stops with one line where the slot was not synced.
// postgres-versions.test.ts runs the same suite on other majors (the version matrix).
failoverSuite({ sourceVersion: Number(process.env.CDC_FAILOVER_PG_VERSION ?? 17) });

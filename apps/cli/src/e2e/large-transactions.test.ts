import { largeTransactionsSuite } from './large-transactions-suite';

// Streamed large transactions (commit, abort, kill -9) on the default server (Debian's 15); the
// version matrix (postgres-versions.test.ts) runs the same suite on other majors.
largeTransactionsSuite();

import { replicationSuite } from './replication-suite';

// Every type, TOAST, keyless, truncate and hostile names on the default server (Debian's 15);
// postgres-versions.test.ts runs the same suite on other majors.
replicationSuite();

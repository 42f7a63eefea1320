import { crashRecoverySuite } from './crash-recovery-suite';

// kill -9 of every service under a transfer workload on the default server (Debian's 15);
// postgres-versions.test.ts runs the same suite on other majors.
crashRecoverySuite();

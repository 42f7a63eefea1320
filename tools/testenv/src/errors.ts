/** Thrown when the PostgreSQL or nats-server binaries (or the `postgres` OS user) are missing. */
export class TestEnvNotInstalledError extends Error {
  constructor(what: string) {
    super(`${what}; run bash tools/testenv/install.sh`);
    this.name = 'TestEnvNotInstalledError';
  }
}

/** Thrown when a server process does not come up; the message carries the log path and its last lines. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last lines of ${logFile} ---\n${logTail}\n--- end of log ---`);
    this.name = 'ServerStartError';
  }
}

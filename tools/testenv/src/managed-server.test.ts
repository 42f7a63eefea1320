// The lifecycle every server shares, on a stand-in server: a node process that listens on a port
// (and, when told, ignores SIGTERM or exits at once), so each rule is seen without a database.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ServerStartError } from './errors';
import { ManagedServer, startServerOnFreePort, type ServerCommand } from './managed-server';
import { LOOPBACK, portAnswers } from './net';
import { baseDir } from './paths';
import { RUN_MARKER, tailFile } from './proc';

type Behaviour = 'listen' | 'ignore-sigterm' | 'exit';

const SCRIPT = `
const behaviour = process.argv[2];
if (behaviour === 'exit') { console.error('stand-in: bad setting'); process.exit(3); }
if (behaviour === 'ignore-sigterm') process.on('SIGTERM', () => console.log('stand-in: SIGTERM ignored'));
require('node:net').createServer().listen(Number(process.argv[1]), '${LOOPBACK}', () => console.log('stand-in: listening'));
`;

class StandIn extends ManagedServer {
  constructor(
    readonly port: number,
    private readonly behaviour: Behaviour,
    dir = mkdtempSync(join(baseDir(), 'stand-in-')),
  ) {
    super(dir, join(dir, 'stand-in.log'), false, {
      label: 'stand-in',
      ready: 'accept connections',
      startupTimeoutMs: 10_000,
      readyIntervalMs: 20,
      stopTimeoutMs: 500,
    });
  }

  protected get address(): string {
    return `${LOOPBACK}:${this.port}`;
  }

  protected command(): ServerCommand {
    return { command: process.execPath, args: ['-e', SCRIPT, String(this.port), this.behaviour] };
  }

  /** Its own run is listening (the port alone may be another process's). */
  protected async probe(): Promise<string | undefined> {
    const log = tailFile(this.logFile);
    // A line of its own: the run's first line (the command) holds the script's text too.
    if (!/^stand-in: listening$/m.test(log.slice(log.lastIndexOf(RUN_MARKER)))) return 'not listening yet';
    return (await portAnswers(this.port)) ? undefined : 'connection refused';
  }
}

test('start waits until the server answers; stop ends it and waits until its port is closed; destroy removes its directory', async () => {
  const server = await startServerOnFreePort((port) => new StandIn(port, 'listen'), /EADDRINUSE/);
  assert.equal(server.isRunning(), true);
  assert.equal(await portAnswers(server.port), true);
  await server.stop();
  assert.equal(server.isRunning(), false);
  assert.equal(await portAnswers(server.port), false);
  await server.start();
  assert.equal(await portAnswers(server.port), true, 'started again on the same port');
  await server.destroy();
  assert.equal(existsSync(server.dir), false);
});

test('kill is SIGKILL: the server is gone at once, and start brings it back', async () => {
  const server = await startServerOnFreePort((port) => new StandIn(port, 'ignore-sigterm'), /EADDRINUSE/);
  try {
    await server.kill();
    assert.equal(server.isRunning(), false);
    assert.equal(await portAnswers(server.port), false);
    await server.start();
    assert.equal(server.isRunning(), true);
  } finally {
    await server.destroy();
  }
});

test('stop SIGKILLs a server that outlives its grace period', async () => {
  const server = await startServerOnFreePort((port) => new StandIn(port, 'ignore-sigterm'), /EADDRINUSE/);
  try {
    await server.stop();
    assert.equal(server.isRunning(), false);
    assert.equal(await portAnswers(server.port), false);
  } finally {
    await server.destroy();
  }
});

test('a server that exits during start-up fails the start at once with its log', async () => {
  const started = Date.now();
  let server: StandIn | undefined;
  await assert.rejects(
    startServerOnFreePort((port) => (server = new StandIn(port, 'exit')), /EADDRINUSE/),
    (error: unknown) => {
      assert.ok(error instanceof ServerStartError);
      assert.match(error.message, /^stand-in on 127\.0\.0\.1:\d+ exited with code 3 during startup/);
      assert.match(error.logTail, /stand-in: bad setting/);
      return true;
    },
  );
  assert.ok(Date.now() - started < 10_000, 'not after the start-up timeout');
  assert.equal(server?.isRunning(), false);
  await server?.destroy();
});

test('startServerOnFreePort tries a new port when the last run says the port was taken', async () => {
  const first = await startServerOnFreePort((port) => new StandIn(port, 'listen'), /EADDRINUSE/);
  const made: StandIn[] = [];
  try {
    const second = await startServerOnFreePort(
      // The first attempt is given the port the first server holds.
      (port) => {
        const server = new StandIn(made.length === 0 ? first.port : port, 'listen');
        made.push(server);
        return server;
      },
      /EADDRINUSE/,
    );
    assert.equal(made.length, 2);
    assert.equal(made[1], second);
    assert.notEqual(second.port, first.port);
    assert.equal(made[0].isRunning(), false);
  } finally {
    await Promise.all([first, ...made].map((server) => server.destroy()));
  }
});

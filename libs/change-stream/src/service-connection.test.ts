import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { NatsConnection } from '@nats-io/nats-core';
import { health } from '@cdc/telemetry';
import { startNats, until, type NatsServer } from '@cdc/testenv';
import { connectService, messageMaxBytes } from './service-connection';

/** A logger whose lines the test reads (JSON, one per line). */
function collectingLog(): { log: pino.Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  return { log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }), lines };
}

let nats: NatsServer;

before(async () => {
  nats = await startNats({ name: 'service-connection-test' });
});

after(async () => {
  await nats?.destroy();
});

test("a service's connection: its readiness '<component>: nats' true until it closes", async () => {
  health.setReady('test service: nats', false);
  const nc = await connectService({ url: nats.url }, 'cdc-test-service', 'test service', pino({ level: 'silent' }));
  assert.ok(nc);
  try {
    assert.equal(nc.isClosed(), false);
    assert.equal(health.readiness().notReady.includes('test service: nats'), false);
  } finally {
    await nc.close();
  }
  await nc.closed();
  assert.ok(health.readiness().notReady.includes('test service: nats'));
  health.forget('test service:');
});

test('a service started while NATS is down waits for it: one line with the URL, not ready, then connected once a nats-server starts', async () => {
  const late = await startNats({ name: 'service-connection-late' });
  try {
    await late.stop();
    const { log, lines } = collectingLog();
    const connecting = connectService({ url: late.url }, 'cdc-test-late', 'late service', log);
    let settled = false;
    void connecting.finally(() => (settled = true));
    await until('the waiting line', () => lines.some((line) => line.msg.startsWith('waiting for NATS')));
    const waiting = lines.filter((line) => line.msg.startsWith('waiting for NATS'));
    assert.deepEqual(
      waiting.map((line) => line.msg),
      [`waiting for NATS at ${late.url}: late service starts once it answers (/readyz is false meanwhile)`],
    );
    assert.ok(health.readiness().notReady.includes('late service: nats'));
    assert.equal(settled, false, 'still waiting');

    await late.start();
    const nc = await connecting;
    assert.ok(nc);
    try {
      assert.equal(health.readiness().notReady.includes('late service: nats'), false);
      assert.ok(lines.some((line) => line.msg === `connected to NATS at ${late.url}`));
      assert.equal(lines.filter((line) => line.msg.startsWith('waiting for NATS')).length, 1, 'said once');
    } finally {
      await nc.close();
    }
  } finally {
    health.forget('late service:');
    await late.destroy();
  }
});

test('a stop while waiting for NATS is a clean stop: no connection, no error', async () => {
  const down = await startNats({ name: 'service-connection-down' });
  await down.destroy();
  const { log, lines } = collectingLog();
  const stop = new AbortController();
  const connecting = connectService({ url: down.url }, 'cdc-test-down', 'down service', log, stop.signal);
  await until('the waiting line', () => lines.some((line) => line.msg.startsWith('waiting for NATS')));
  stop.abort();
  assert.equal(await connecting, undefined);
  health.forget('down service:');
});

test('what waiting cannot fix is one line at once: a malformed URL, refused credentials', async () => {
  const guarded = await startNats({
    name: 'service-connection-auth',
    configText: 'authorization { user: cdc, password: right }\n',
  });
  try {
    const { log, lines } = collectingLog();
    await assert.rejects(
      connectService({ url: guarded.url, user: 'cdc', password: 'wrong' }, 'cdc-test-auth', 'auth service', log),
      (error: Error) => {
        assert.match(error.message, new RegExp(`^cannot connect to NATS at ${guarded.url}: .*authorization`, 'i'));
        return true;
      },
    );
    await assert.rejects(
      connectService({ url: 'nats://127.0.0.1:notaport' }, 'cdc-test-url', 'url service', log),
      /^NatsUnreachableError: cannot connect to NATS at nats:\/\/127\.0\.0\.1:notaport: Invalid URL/,
    );
    assert.deepEqual(
      lines.filter((line) => line.msg.startsWith('waiting for NATS')),
      [],
      'not waited for',
    );
  } finally {
    health.forget('auth service:');
    health.forget('url service:');
    await guarded.destroy();
  }
});

test("a reader's message size: its publish.max_bytes, within three quarters of the server's max_payload", () => {
  const server = (maxPayload?: number) =>
    ({ info: maxPayload === undefined ? undefined : { max_payload: maxPayload } }) as unknown as NatsConnection;
  assert.equal(messageMaxBytes(100_000, server(1_048_576)), 100_000);
  assert.equal(messageMaxBytes(2_000_000, server(1_048_576)), 786_432);
  assert.equal(messageMaxBytes(2_000_000, server(8_388_608)), 2_000_000);
  // No INFO yet: NATS's default 1 MiB.
  assert.equal(messageMaxBytes(2_000_000, server()), 786_432);
});

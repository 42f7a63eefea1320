import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { NatsConnection } from '@nats-io/nats-core';
import { health } from '@cdc/telemetry';
import { startNats, type NatsServer } from '@cdc/testenv';
import { connectService, messageMaxBytes } from './service-connection';

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

test("a reader's message size: its publish.max_bytes, within three quarters of the server's max_payload", () => {
  const server = (maxPayload?: number) =>
    ({ info: maxPayload === undefined ? undefined : { max_payload: maxPayload } }) as unknown as NatsConnection;
  assert.equal(messageMaxBytes(100_000, server(1_048_576)), 100_000);
  assert.equal(messageMaxBytes(2_000_000, server(1_048_576)), 786_432);
  assert.equal(messageMaxBytes(2_000_000, server(8_388_608)), 2_000_000);
  // No INFO yet: NATS's default 1 MiB.
  assert.equal(messageMaxBytes(2_000_000, server()), 786_432);
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNats, type NatsServer } from '@cdc/testenv';
import { Kvm } from '@nats-io/kv';
import { ApplierGroup, MEMBERS_BUCKET } from './group';

const log = pino({ level: 'silent' });
let nats: NatsServer;

before(async () => {
  nats = await startNats({ name: 'group-test' });
});

after(async () => {
  await nats?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

test('a NATS outage longer than ttl_ms moves no partition: members stay, leases stay with their holders', async () => {
  const options = { heartbeatMs: 100, ttlMs: 500, log };
  const connections: NatsConnection[] = [];
  const open = async () => {
    const nc = await connect({ servers: nats.url, reconnectTimeWait: 200, maxReconnectAttempts: -1 });
    connections.push(nc);
    return nc;
  };
  const a = await ApplierGroup.join(await open(), 'dest', 'a', options);
  const b = await ApplierGroup.join(await open(), 'dest', 'b', options);
  const seen: string[] = [];
  const lost: string[] = [];
  for (const [name, group] of [
    ['a', a],
    ['b', b],
  ] as const) {
    group.onChange((members) => seen.push(`${name}: ${members.join(',')}`));
    group.onLeaseLost((key) => lost.push(`${name} lost ${key}`));
  }
  try {
    await until('both instances to see each other', () => a.members.length === 2 && b.members.length === 2);
    const signal = new AbortController().signal;
    assert.equal(await a.acquire('s/0', () => true, signal), true);
    assert.equal(await b.acquire('s/1', () => true, signal), true);
    seen.length = 0;

    // Down four times ttl_ms: every entry is older than the TTL, and the bucket's max age (2 x TTL) removes them.
    await nats.kill();
    await sleep(2_000);
    const restartedAt = Date.now();
    await nats.start();
    const watcher = await open();
    const kv = await new Kvm(watcher).open(MEMBERS_BUCKET);
    const entry = async (key: string) => {
      const found = await kv.get(key).catch(() => null);
      return found && found.operation === 'PUT' ? found : undefined;
    };
    const deadline = Date.now() + 30_000;
    for (;;) {
      const beats = await Promise.all(['a', 'b'].map((id) => entry(`member.dest.${id}`)));
      if (beats.every((beat) => beat && beat.json<{ heartbeatAtMs: number }>().heartbeatAtMs > restartedAt)) break;
      assert.ok(Date.now() < deadline, 'both instances beat again after the restart');
      await sleep(50);
    }
    await sleep(1_000); // two TTLs of both beating again

    assert.deepEqual(lost, [], 'no lease was lost');
    assert.deepEqual(
      seen.filter((line) => !line.endsWith('a,b')),
      [],
      'no instance saw the other leave',
    );
    assert.deepEqual(
      [a.members, b.members],
      [
        ['a', 'b'],
        ['a', 'b'],
      ],
    );
    assert.equal((await entry('lease.dest.s.0'))?.string(), 'a', 'a holds s/0 again');
    assert.equal((await entry('lease.dest.s.1'))?.string(), 'b', 'b holds s/1 again');
    // Taking a's lease needs a to be silent for ttl_ms from now on.
    const controller = new AbortController();
    const attempt = b.acquire('s/0', () => !controller.signal.aborted, controller.signal);
    await sleep(1_000);
    controller.abort();
    assert.equal(await attempt, false, 'a still holds s/0 while it beats');
  } finally {
    await a.leave().catch(() => undefined);
    await b.leave().catch(() => undefined);
    for (const nc of connections) await nc.close().catch(() => undefined);
  }
});

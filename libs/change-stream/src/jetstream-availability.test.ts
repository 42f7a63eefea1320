import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { isJetStreamUnavailable, JetStreamAvailability } from './jetstream-availability';

function tracker(alertAfterMs: number) {
  const lines: Array<{ level: number; msg: string; unavailableForS?: number }> = [];
  let now = 1_000_000;
  const availability = new JetStreamAvailability();
  availability.configure({
    alertAfterMs,
    log: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
    now: () => now,
  });
  return { availability, lines, advance: (ms: number) => (now += ms) };
}

test('errors of a leader election are outages; refusals that retrying cannot mend are not', () => {
  for (const text of [
    'timeout',
    'TIMEOUT',
    'jetstream is not enabled',
    'no responders',
    'JetStream system temporarily unavailable',
  ])
    assert.ok(isJetStreamUnavailable(new Error(text)), text);
  for (const text of [
    'Permissions Violation for Publish to "cdc.x.0"',
    'maximum payload exceeded',
    'wrong last sequence: 4',
  ])
    assert.ok(!isJetStreamUnavailable(new Error(text)), text);
});

test('an election shorter than the limit logs nothing; a longer outage one error line, then one line when it ends', () => {
  const { availability, lines, advance } = tracker(30_000);
  try {
    availability.failed('publish to cdc.shop.1', new Error('timeout'));
    advance(9_000);
    availability.check();
    availability.succeeded();
    assert.equal(lines.length, 0, 'a 9 s election is ridden through silently');

    availability.failed('publish to cdc.shop.1', new Error('timeout'));
    advance(20_000);
    availability.failed('KV put cdc_progress progress.shop.replica.0', new Error('jetstream is not enabled'));
    availability.check();
    assert.equal(lines.length, 0);
    advance(10_000);
    availability.check();
    availability.check();
    advance(5_000);
    availability.check();
    assert.equal(lines.length, 1, 'one line per outage');
    assert.equal(lines[0].level, 50);
    assert.equal(
      lines[0].msg,
      'NATS JetStream has refused or timed out every write for 30 s (last: KV put cdc_progress progress.shop.replica.0: jetstream is not enabled): ' +
        "the cluster has likely lost quorum (a majority of its servers, or of a stream's replicas, is down); " +
        'nothing is lost, the service keeps retrying and goes on once a majority is back',
    );
    assert.equal(availability.unavailableForMs, 35_000);

    availability.succeeded();
    assert.equal(lines.length, 2);
    assert.equal(lines[1].level, 30);
    assert.equal(lines[1].msg, 'NATS JetStream accepts writes again after 35 s');
    assert.equal(availability.unavailableForMs, 0);
  } finally {
    availability.stop();
  }
});

test('errors that are not outages do not start one', () => {
  const { availability, lines, advance } = tracker(1_000);
  try {
    availability.failed('publish', new Error('Permissions Violation for Publish'));
    advance(5_000);
    availability.check();
    assert.equal(availability.unavailableForMs, 0);
    assert.equal(lines.length, 0);
  } finally {
    availability.stop();
  }
});

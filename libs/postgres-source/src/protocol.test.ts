import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pgoutputProtocol, startReplicationOptions, streamAbortCarriesLsn } from './protocol';

const PUB = `'"cdc_shop"'`;

test('each major gets the highest protocol it speaks, and streaming where it exists', () => {
  const cases: Array<[number, string]> = [
    [130012, `proto_version '1', publication_names ${PUB}`],
    [140023, `proto_version '2', publication_names ${PUB}, messages 'true', streaming 'on'`],
    [150018, `proto_version '3', publication_names ${PUB}, messages 'true', streaming 'on'`],
    [160014, `proto_version '4', publication_names ${PUB}, messages 'true', streaming 'parallel'`],
    [170010, `proto_version '4', publication_names ${PUB}, messages 'true', streaming 'parallel'`],
    [180004, `proto_version '4', publication_names ${PUB}, messages 'true', streaming 'parallel'`],
  ];
  for (const [version, expected] of cases)
    assert.equal(
      startReplicationOptions(pgoutputProtocol(version, { streamInProgress: true }), PUB),
      expected,
      `${version}`,
    );
});

test('streaming off keeps the protocol version and messages', () => {
  const protocol = pgoutputProtocol(170002, { streamInProgress: false });
  assert.deepEqual(protocol, { protoVersion: 4, streaming: 'off', messages: true });
  assert.equal(startReplicationOptions(protocol, PUB), `proto_version '4', publication_names ${PUB}, messages 'true'`);
});

test('only parallel streaming puts the abort LSN in Stream Abort', () => {
  assert.equal(streamAbortCarriesLsn(pgoutputProtocol(140000, { streamInProgress: true })), false);
  assert.equal(streamAbortCarriesLsn(pgoutputProtocol(150000, { streamInProgress: true })), false);
  assert.equal(streamAbortCarriesLsn(pgoutputProtocol(160000, { streamInProgress: true })), true);
  assert.equal(streamAbortCarriesLsn(pgoutputProtocol(160000, { streamInProgress: false })), false);
});

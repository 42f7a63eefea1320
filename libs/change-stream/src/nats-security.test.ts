import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { nkeys } from '@nats-io/nats-core';
import { createTestCertificates, startNats, type NatsServer } from '@cdc/testenv';
import { connectToNats, NatsUnreachableError } from './nats-connection';

// NKey and TLS (with client certificates) against a real nats-server configured for them.
const servers: NatsServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.destroy()));
});

async function roundTrip(options: Parameters<typeof connectToNats>[0]): Promise<void> {
  const nc = await connectToNats(options);
  try {
    await nc.flush();
    assert.equal(nc.isClosed(), false);
  } finally {
    await nc.close();
  }
}

test('NKey authentication: the right seed connects, another seed is refused with a clear error', async () => {
  const user = nkeys.createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  const server = await startNats({
    name: 'nkey',
    configText: `authorization { users = [ { nkey: "${user.getPublicKey()}" } ] }`,
  });
  servers.push(server);
  await roundTrip({ url: server.url, nkeySeed: seed, name: 'cdc-test' });
  const other = new TextDecoder().decode(nkeys.createUser().getSeed());
  await assert.rejects(
    connectToNats({ url: server.url, nkeySeed: other, name: 'cdc-test' }),
    (error: unknown) =>
      error instanceof NatsUnreachableError &&
      /cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: .*(Authorization|authorization)/.test(error.message) &&
      !error.message.includes(other),
  );
  await assert.rejects(connectToNats({ url: server.url, name: 'cdc-test' }), NatsUnreachableError);
});

test('TLS with client certificates: a client certificate from the CA connects, no certificate is refused', async () => {
  const certs = createTestCertificates();
  const server = await startNats({
    name: 'tls',
    configText: `tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}", ca_file: "${certs.ca}", verify: true }`,
  });
  servers.push(server);
  const url = `tls://127.0.0.1:${server.port}`;
  await roundTrip({
    url,
    tls: { caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey },
    name: 'cdc-test',
  });
  await assert.rejects(
    connectToNats({ url, tls: { caFile: certs.ca }, name: 'cdc-test' }),
    NatsUnreachableError,
    'a client without a certificate must be refused',
  );
});

test('user and password: the right pair connects, a wrong password is refused without printing it', async () => {
  const server = await startNats({
    name: 'userpass',
    configText: `authorization { users = [ { user: "cdc", password: "s3cret-Pa55" } ] }`,
  });
  servers.push(server);
  await roundTrip({ url: server.url, user: 'cdc', password: 's3cret-Pa55', name: 'cdc-test' });
  await assert.rejects(
    connectToNats({ url: server.url, user: 'cdc', password: 'wrong-Pa55word', name: 'cdc-test' }),
    (error: unknown) =>
      error instanceof NatsUnreachableError &&
      /cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: .*(Authorization|authorization)/.test(error.message) &&
      !error.message.includes('wrong-Pa55word') &&
      !error.message.includes('\n'),
  );
  await assert.rejects(connectToNats({ url: server.url, name: 'cdc-test' }), NatsUnreachableError);
});

test('token: the right token connects, another is refused without printing it', async () => {
  const server = await startNats({ name: 'token', configText: `authorization { token: "t0ken-abc123" }` });
  servers.push(server);
  await roundTrip({ url: server.url, token: 't0ken-abc123', name: 'cdc-test' });
  await assert.rejects(
    connectToNats({ url: server.url, token: 'other-t0ken', name: 'cdc-test' }),
    (error: unknown) =>
      error instanceof NatsUnreachableError &&
      /(Authorization|authorization)/.test(error.message) &&
      !error.message.includes('other-t0ken'),
  );
});

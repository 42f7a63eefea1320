import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import { vtgate } from './generated/vitess';
import { vstreamRequestMessage } from './vstream-client';

// Our proto/vitess files are written by hand for the messages the reader uses. Vitess's own
// .proto files (the pinned module in the Go module cache that tools/vitess-testenv/install.sh
// downloads) are the truth: every message, field and enum value we declare must exist there
// with the same number, type and label, so a typo in a field number fails here, not in production.
const REPO = resolve(__dirname, '../../..');
const VITESS_VERSION = 'v0.22.4';
const OURS = join(REPO, 'proto/vitess');
const FILES = [
  'vtrpc.proto',
  'topodata.proto',
  'query.proto',
  'binlogdata.proto',
  'vtgate.proto',
  'vtgateservice.proto',
];

function vitessProtoDir(): string {
  const modCache = process.env.GOMODCACHE ?? join(REPO, '.cache/go-mod');
  const dir = join(modCache, `vitess.io/vitess@${VITESS_VERSION}/proto`);
  if (!existsSync(dir)) {
    throw new Error(`Vitess ${VITESS_VERSION} protos not found in ${dir}: run bash tools/vitess-testenv/install.sh`);
  }
  return dir;
}

function load(dir: string, files: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/') || target.startsWith('/') ? target : join(dir, target);
  root.loadSync(
    files.map((file) => join(dir, file)),
    { keepCase: true },
  );
  root.resolveAll();
  return root;
}

function* walk(namespace: protobuf.NamespaceBase): Generator<protobuf.ReflectionObject> {
  for (const nested of namespace.nestedArray) {
    yield nested;
    if (nested instanceof protobuf.Namespace) yield* walk(nested);
  }
}

test(`proto/vitess matches Vitess ${VITESS_VERSION}'s own .proto files`, () => {
  const theirs = load(vitessProtoDir(), FILES);
  const ours = load(OURS, FILES);
  let checked = 0;
  for (const object of walk(ours)) {
    const name = object.fullName.slice(1);
    if (object instanceof protobuf.Type) {
      const other = theirs.lookupType(name);
      for (const field of object.fieldsArray) {
        const match = other.fields[field.name];
        assert.ok(match, `${name}.${field.name} does not exist in Vitess`);
        assert.equal(field.id, match.id, `${name}.${field.name}: field number ${field.id}, Vitess has ${match.id}`);
        assert.equal(
          field.resolvedType?.fullName ?? field.type,
          match.resolvedType?.fullName ?? match.type,
          `${name}.${field.name}: type`,
        );
        assert.equal(field.repeated, match.repeated, `${name}.${field.name}: repeated`);
        assert.equal(field.map, match.map, `${name}.${field.name}: map`);
        checked += 1;
      }
    } else if (object instanceof protobuf.Enum) {
      const other = theirs.lookupEnum(name);
      for (const [key, value] of Object.entries(object.values)) {
        assert.equal(other.values[key], value, `${name}.${key}: ${value}, Vitess has ${other.values[key]}`);
        checked += 1;
      }
    } else if (object instanceof protobuf.Service) {
      const other = theirs.lookupService(name);
      for (const method of object.methodsArray) {
        const match = other.methods[method.name];
        assert.ok(match, `${name}.${method.name} does not exist in Vitess`);
        assert.equal(method.requestType, match.requestType);
        assert.equal(method.responseType, match.responseType);
        assert.equal(Boolean(method.responseStream), Boolean(match.responseStream));
        checked += 1;
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} fields compared`);
});

test('the committed generated code matches proto/vitess', async () => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { execFileSync } = await import('node:child_process');
  const out = mkdtempSync(join(tmpdir(), 'vitess-proto-'));
  execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import(${JSON.stringify(join(REPO, 'tools/proto/generate.mjs'))}).then(m => m.generateVitess(${JSON.stringify(out)}))`,
    ],
    { stdio: 'pipe' },
  );
  for (const file of readdirSync(out)) {
    assert.equal(
      readFileSync(join(out, file), 'utf8'),
      readFileSync(join(__dirname, 'generated', file), 'utf8'),
      `libs/vitess-source/src/generated/${file} is stale: run npm run proto`,
    );
  }
});

test("the VStream request asks for reshard journal events, as Vitess's own vtgate.proto reads it", () => {
  const theirs = load(vitessProtoDir(), FILES).lookupType('vtgate.VStreamRequest');
  for (const stopOnReshard of [false, true]) {
    const bytes = vtgate.VStreamRequest.encode(
      vstreamRequestMessage({
        tabletType: 'primary',
        vgtid: { shardGtids: [{ keyspace: 'customer', gtid: 'current' }] },
        rules: [{ match: '/.*' }],
        heartbeatIntervalS: 1,
        stopOnReshard,
      }),
    ).finish();
    const decoded = theirs.toObject(theirs.decode(bytes), { defaults: true }) as {
      flags: { include_reshard_journal_events: boolean; stop_on_reshard: boolean; heartbeat_interval: number };
    };
    assert.equal(decoded.flags.include_reshard_journal_events, true);
    assert.equal(decoded.flags.stop_on_reshard, stopOnReshard);
    assert.equal(decoded.flags.heartbeat_interval, 1);
  }
});

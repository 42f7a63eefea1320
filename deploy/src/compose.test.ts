// deploy/docker-compose.yml checked without a Docker engine: interpolated from deploy/.env,
// validated against the Compose Specification schema (tools/k8s-validate compose), then the
// checks of compose-check.ts, and the cdc services against the real config loader. Each check is
// also shown to fail on a broken copy.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '@cdc/config';
import {
  checkCompose,
  environmentOf,
  interpolate,
  loadCompose,
  readDotEnv,
  type ComposeDocument,
} from './compose-check';
import { DEPLOY, k8sValidate } from './tools';

const COMPOSE_FILE = join(DEPLOY, 'docker-compose.yml');
const env = readDotEnv(join(DEPLOY, '.env'));
const load = (): ComposeDocument => loadCompose(COMPOSE_FILE, env);
const CDC_COMMANDS = ['reader', 'applier', 'coordinator'];

describe('docker-compose.yml', () => {
  it('interpolates from .env and passes every check', () => {
    assert.deepEqual(checkCompose(load(), DEPLOY), []);
  });

  it('is valid against the Compose Specification schema', () => {
    const result = k8sValidate('compose', JSON.stringify(load()));
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('has the whole stack', () => {
    const services = load().services ?? {};
    for (const name of ['nats', 'source-postgres', 'vitess', 'dest-postgres', 'jaeger', 'coordinator']) {
      assert.ok(services[name], `service ${name}`);
    }
    const commands = Object.values(services).map((s) => (Array.isArray(s.command) ? s.command : []));
    assert.equal(commands.filter((c) => c[0] === 'reader').length, 2, 'a reader per source');
    assert.equal(commands.filter((c) => c[0] === 'applier').length, 2, 'two appliers');
    assert.match(String(services.vitess.image), /^vitess\/vttestserver:/);
    assert.ok((services['source-postgres'].command as string[]).includes('wal_level=logical'));
  });

  it('runs each cdc service with a config the real loader accepts, and its names exist', () => {
    const configText = readFileSync(join(DEPLOY, 'compose/cdc.yaml'), 'utf8');
    const services = Object.entries(load().services ?? {}).filter(
      ([, s]) => Array.isArray(s.command) && CDC_COMMANDS.includes(s.command[0]),
    );
    assert.equal(services.length, 5);
    for (const [name, service] of services) {
      const args = service.command as string[];
      assert.equal(args[args.indexOf('--config') + 1], '/etc/cdc/cdc.yaml', name);
      assert.ok(
        (service.volumes ?? []).includes('./compose/cdc.yaml:/etc/cdc/cdc.yaml:ro'),
        `${name} mounts the config`,
      );
      const serviceEnv = environmentOf(service);
      // The container's environment is all the ${VAR}s of cdc.yaml get.
      const config = parseConfig(configText, 'compose/cdc.yaml', serviceEnv);
      if (args[0] === 'reader') {
        assert.ok(
          config.sources.some((s) => s.name === args[args.indexOf('--source') + 1]),
          name,
        );
      }
      if (args[0] === 'applier') {
        assert.ok(
          config.destinations.some((d) => d.name === args[args.indexOf('--destination') + 1]),
          name,
        );
      }
      assert.equal(serviceEnv.CDC_HTTP_ADDR, '0.0.0.0:9400', name);
      assert.deepEqual(service.healthcheck?.test, [
        'CMD',
        'wget',
        '-q',
        '-O',
        '/dev/null',
        'http://127.0.0.1:9400/readyz',
      ]);
      assert.equal(serviceEnv.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://jaeger:4318', name);
    }
  });

  it('interpolates like Compose', () => {
    const vars = { A: 'a', EMPTY: '' };
    assert.equal(interpolate('$A ${A} ${EMPTY:-d} ${EMPTY-d} ${UNSET-x} $$A', vars, 't'), 'a a d  x $A');
    assert.throws(() => interpolate('${UNSET}', vars, 't'), /UNSET is not set/);
    assert.throws(() => interpolate('${EMPTY:?needed}', vars, 't'), /EMPTY is required: needed/);
  });
});

describe('docker-compose.yml checks fail on broken copies', () => {
  const broken = (change: (doc: ComposeDocument) => void): string[] => {
    const doc = load();
    change(doc);
    return checkCompose(doc, DEPLOY);
  };
  const services = (doc: ComposeDocument) => doc.services ?? {};

  it('a depends_on target that does not exist', () => {
    const problems = broken((d) => {
      services(d)['applier-1'].depends_on = { 'dest-postgress': { condition: 'service_healthy' } };
    });
    assert.deepEqual(problems, ['services.applier-1.depends_on: unknown service "dest-postgress"']);
  });

  it('a service without image or build, and one without healthcheck', () => {
    const problems = broken((d) => {
      delete services(d).nats.image;
      delete services(d).jaeger.healthcheck;
    });
    assert.deepEqual(problems, ['services.nats: neither image nor build', 'services.jaeger: no healthcheck']);
  });

  it('two services on one host port', () => {
    const problems = broken((d) => {
      services(d)['applier-2'].ports = ['9403:9400'];
    });
    assert.deepEqual(problems, ['services.applier-2.ports: host port 9403/tcp is also published by applier-1']);
  });

  it('service_healthy on a service without healthcheck, a cycle, an undeclared volume', () => {
    const problems = broken((d) => {
      delete services(d)['dest-postgres'].healthcheck;
      services(d).nats.depends_on = { coordinator: { condition: 'service_started' } };
      services(d).nats.volumes = ['nats-dat:/data'];
    });
    assert.ok(problems.includes('services.dest-postgres: no healthcheck'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('services.applier-1.depends_on.dest-postgres: service_healthy')));
    assert.ok(problems.includes('depends_on cycle: nats -> coordinator -> nats'), problems.join('\n'));
    assert.ok(problems.includes('services.nats.volumes: named volume "nats-dat" is not declared'));
    assert.ok(problems.includes('volumes.nats-data: declared but not used'));
  });

  it('a misspelt key or a wrong type (schema)', () => {
    const doc = load();
    const nats = services(doc).nats as Record<string, unknown>;
    nats.healthcheks = nats.healthcheck;
    nats.restart = 42;
    const result = k8sValidate('compose', JSON.stringify(doc));
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /\/services\/nats.*healthcheks/);
    assert.match(result.stdout, /\/services\/nats\/restart/);
  });

  it('a variable missing from .env', () => {
    const { DEST_PG_PASSWORD: _removed, ...rest } = env;
    assert.throws(() => loadCompose(COMPOSE_FILE, rest), /DEST_PG_PASSWORD is required/);
  });
});

// deploy/docker-compose.yml checked without a Docker engine: interpolated from deploy/.env,
// validated against the Compose Specification schema (tools/k8s-validate compose), then the
// checks of compose-check.ts, and the cdc services against the real config loader. Each check is
// also shown to fail on a broken copy.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '@cdc/config';
import { findFreePort, natsServerBinary, until } from '@cdc/testenv';
import {
  checkCompose,
  dependencies,
  environmentOf,
  interpolate,
  loadCompose,
  loadComposeFiles,
  mergeCompose,
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

describe('docker-compose.nats-cluster.yml (the 3-server NATS variant)', () => {
  const files = [COMPOSE_FILE, join(DEPLOY, 'docker-compose.nats-cluster.yml')];
  const merged = (): ComposeDocument => loadComposeFiles(files, env);
  const NATS_SERVERS = ['nats', 'nats-2', 'nats-3'];
  const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

  it('merged over docker-compose.yml, passes every check and the Compose schema', () => {
    assert.deepEqual(checkCompose(merged(), DEPLOY), []);
    const result = k8sValidate('compose', JSON.stringify(merged()));
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('three servers of one cluster: own names and stores, routes to the two others, all answer to "nats"', () => {
    const services = merged().services ?? {};
    const nameOf = new Map<string, string>(); // route host -> service
    for (const name of NATS_SERVERS) {
      const aliases = ((services[name].networks as Record<string, { aliases?: string[] }>)?.default?.aliases ??
        []) as string[];
      for (const alias of [name, ...aliases]) if (alias !== 'nats' || name === 'nats') nameOf.set(alias, name);
      assert.ok(name === 'nats' || aliases.includes('nats'), `${name} answers to nats`);
    }
    const serverNames = new Set<string>();
    const stores = new Set<string>();
    for (const name of NATS_SERVERS) {
      const args = services[name].command as string[];
      serverNames.add(flag(args, '--name'));
      assert.equal(flag(args, '--cluster_name'), 'cdc', name);
      assert.ok(args.includes('--jetstream'), name);
      const routed = flag(args, '--routes')
        .split(',')
        .map((url) => nameOf.get(new URL(url).hostname));
      assert.deepEqual(routed.sort(), NATS_SERVERS.filter((n) => n !== name).sort(), `${name} routes`);
      const store = (services[name].volumes as string[]).find((v) => v.endsWith(`:${flag(args, '--store_dir')}`));
      assert.ok(store, `${name} keeps its store on a volume`);
      stores.add(store.split(':')[0]);
      assert.match(JSON.stringify(services[name].healthcheck?.test), /\/healthz"/, `${name}: healthy once clustered`);
    }
    assert.equal(serverNames.size, 3, 'distinct server names');
    assert.equal(stores.size, 3, 'a store each');
  });

  it('every cdc service asks for three copies and waits for the three servers; one server alone asks for one', () => {
    const configText = readFileSync(join(DEPLOY, 'compose/cdc.yaml'), 'utf8');
    const cdcServices = (doc: ComposeDocument) =>
      Object.entries(doc.services ?? {}).filter(
        ([, s]) => Array.isArray(s.command) && CDC_COMMANDS.includes(s.command[0]),
      );
    assert.equal(cdcServices(merged()).length, 5);
    for (const [name, service] of cdcServices(merged())) {
      const config = parseConfig(configText, 'compose/cdc.yaml', environmentOf(service));
      assert.equal(config.nats.replicas, 3, name);
      for (const server of NATS_SERVERS) {
        assert.equal(dependencies(service).get(server), 'service_healthy', `${name} waits for ${server}`);
      }
      assert.ok(environmentOf(service).OTEL_SERVICE_NAME, `${name} keeps the base environment`);
    }
    for (const [name, service] of cdcServices(load())) {
      assert.equal(parseConfig(configText, 'compose/cdc.yaml', environmentOf(service)).nats.replicas, 1, name);
    }
  });

  it("the servers' command lines form a JetStream cluster (run here, host names mapped to loopback ports)", async () => {
    const services = merged().services ?? {};
    const ports = new Map<string, { client: number; route: number; monitor: number }>();
    for (const name of NATS_SERVERS) {
      ports.set(name, { client: await findFreePort(), route: await findFreePort(), monitor: await findFreePort() });
    }
    const routeHost = (host: string) => (host === 'nats-1' ? 'nats' : host);
    const dir = mkdtempSync(join(tmpdir(), 'compose-nats-'));
    const children = NATS_SERVERS.map((name) => {
      const own = ports.get(name)!;
      const args = (services[name].command as string[]).map((arg, i, all) => {
        if (all[i - 1] === '--store_dir') return join(dir, name);
        if (all[i - 1] === '--http_port') return String(own.monitor);
        if (all[i - 1] === '--cluster') return `nats://127.0.0.1:${own.route}`;
        if (all[i - 1] === '--routes') {
          return arg
            .split(',')
            .map((url) => `nats://127.0.0.1:${ports.get(routeHost(new URL(url).hostname))!.route}`)
            .join(',');
        }
        return arg;
      });
      return spawn(natsServerBinary(), [...args, '--addr', '127.0.0.1', '--port', String(own.client)], {
        stdio: 'ignore',
      });
    });
    try {
      await until(
        'a JetStream meta leader over 3 servers',
        async () => {
          const jsz = await fetch(`http://127.0.0.1:${ports.get('nats')!.monitor}/jsz`)
            .then((r) => r.json() as Promise<{ meta_cluster?: { leader?: string; cluster_size?: number } }>)
            .catch(() => undefined);
          return jsz?.meta_cluster?.leader !== undefined && jsz.meta_cluster.cluster_size === 3;
        },
        30_000,
      );
    } finally {
      for (const child of children) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('merges like Compose: commands replaced, maps merged, volumes by container path, lists extended', () => {
    assert.deepEqual(
      mergeCompose(
        {
          services: { a: { command: ['x', 'y'], environment: { A: '1' }, volumes: ['v:/d', 'w:/e'], ports: ['1:1'] } },
        },
        { services: { a: { command: ['z'], environment: { B: '2' }, volumes: ['u:/d'], ports: ['2:2'] } } },
      ),
      {
        services: {
          a: { command: ['z'], environment: { A: '1', B: '2' }, volumes: ['w:/e', 'u:/d'], ports: ['1:1', '2:2'] },
        },
      },
    );
  });
});

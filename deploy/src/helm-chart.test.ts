// deploy/helm/cdc checked without a cluster: `helm lint`, `helm template` with the default values
// and each example, every render validated by tools/k8s-validate (strict decoding into the
// k8s.io/api types, CRD schemas for ScaledObject/ServiceMonitor, selectors and references), and the
// rendered config through the real config loader. Broken values must make these fail.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '@cdc/config';
import { CHART, helm, k8sValidate, KUBE_VERSION } from './tools';

type Manifest = {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

const EXAMPLES = join(CHART, 'examples');
const VALUE_SETS: Record<string, string[]> = {
  default: [],
  keda: ['-f', join(EXAMPLES, 'keda-values.yaml')],
  hpa: ['-f', join(EXAMPLES, 'hpa-values.yaml')],
  'full + keda': ['-f', join(EXAMPLES, 'full-values.yaml'), '-f', join(EXAMPLES, 'keda-values.yaml')],
  'nats cluster': ['-f', join(EXAMPLES, 'nats-cluster-values.yaml')],
};

function render(args: string[]): string {
  const result = helm('template', 'cdc', CHART, '--namespace', 'cdc', '--kube-version', KUBE_VERSION, ...args);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}
const manifests = (text: string): Manifest[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
const ofKind = (all: Manifest[], kind: string) => all.filter((m) => m.kind === kind);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const podSpec = (d: Manifest): any => (d.spec as any).template.spec;

describe('helm chart', () => {
  for (const [name, args] of Object.entries(VALUE_SETS)) {
    it(`${name}: helm lint, helm template, k8s-validate`, () => {
      const lint = helm('lint', '--strict', '--kube-version', KUBE_VERSION, CHART, ...args);
      assert.equal(lint.status, 0, lint.stdout + lint.stderr);
      const validation = k8sValidate('manifests', render(args));
      assert.equal(validation.status, 0, validation.stdout + validation.stderr);
    });
  }

  it('a Deployment per source and destination, probes, non-root, config the loader accepts', () => {
    const all = manifests(render(VALUE_SETS['full + keda']));
    const deployments = ofKind(all, 'Deployment').map((d) => d.metadata.name);
    assert.deepEqual(deployments.sort(), [
      'cdc-applier-analytics-mysql',
      'cdc-applier-replica',
      'cdc-coordinator',
      'cdc-reader-commerce',
      'cdc-reader-shop',
    ]);
    for (const d of ofKind(all, 'Deployment')) {
      const container = podSpec(d).containers[0];
      assert.equal(container.livenessProbe.httpGet.path, '/healthz', d.metadata.name);
      assert.equal(container.readinessProbe.httpGet.path, '/readyz', d.metadata.name);
      assert.equal(podSpec(d).securityContext.runAsNonRoot, true);
      assert.ok(container.env.some((e: { name: string; value: string }) => e.name === 'CDC_HTTP_ADDR'));
    }
    const configMap = ofKind(all, 'ConfigMap')[0];
    const env = { CDC_SOURCE_PASSWORD: 'x', DEST_PG_PASSWORD: 'x', MYSQL_PASSWORD: 'x' };
    const config = parseConfig(configMap.data?.['cdc.yaml'] ?? '', 'configmap cdc.yaml', env);
    assert.deepEqual(
      config.sources.map((s) => s.name),
      ['shop', 'commerce'],
    );
    assert.equal(ofKind(all, 'ServiceMonitor').length, 1);
    assert.equal(ofKind(all, 'Secret').length, 0, 'existingSecret: no Secret rendered');
  });

  it('nats cluster example: every server, three replicas and a stream limit reach the config', () => {
    const configMap = ofKind(manifests(render(VALUE_SETS['nats cluster'])), 'ConfigMap')[0];
    const env = { CDC_SOURCE_PASSWORD: 'x', DEST_PG_PASSWORD: 'x' };
    const config = parseConfig(configMap.data?.['cdc.yaml'] ?? '', 'configmap cdc.yaml', env);
    assert.equal(config.nats.replicas, 3);
    assert.equal(config.nats.maxBytes, 4294967296);
    assert.deepEqual(config.nats.url, [
      'nats://nats-0.nats-headless.nats.svc:4222',
      'nats://nats-1.nats-headless.nats.svc:4222',
      'nats://nats-2.nats-headless.nats.svc:4222',
    ]);
    assert.deepEqual(
      config.sources.map((s) => s.name),
      ['shop'],
      'the example changes nats only',
    );
  });

  it('appliers: replicas and resources from values, a PDB each', () => {
    const all = manifests(
      render(['--set', 'applier.replicaCount=3', '--set', 'appliers.replica.resources.limits.memory=2Gi']),
    );
    const applier = ofKind(all, 'Deployment').find((d) => d.metadata.name === 'cdc-applier-replica') as Manifest;
    assert.equal(applier.spec?.replicas, 3);
    assert.equal(podSpec(applier).containers[0].resources.limits.memory, '2Gi');
    assert.equal(ofKind(all, 'PodDisruptionBudget').length, 1);
    assert.equal(ofKind(all, 'Secret').length, 1);
  });

  it('KEDA: one nats-jetstream trigger per partition consumer <destination>_p<N> on CDC_<source>', () => {
    const all = manifests(render(VALUE_SETS['full + keda']));
    const scaled = ofKind(all, 'ScaledObject').find((s) => s.metadata.name === 'cdc-applier-replica') as Manifest;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const allTriggers = (scaled.spec as any).triggers;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const jetstreamTriggers = allTriggers.filter((t: any) => t.type === 'nats-jetstream');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const triggers = jetstreamTriggers.map((t: any) => `${t.metadata.stream}/${t.metadata.consumer}`);
    const expected = [
      ...Array.from({ length: 8 }, (_, p) => `CDC_shop/replica_p${p}`),
      ...Array.from({ length: 4 }, (_, p) => `CDC_commerce/replica_p${p}`),
    ];
    assert.deepEqual(triggers, expected);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const lag = allTriggers.filter((t: any) => t.type === 'prometheus');
    assert.equal(lag.length, 1, 'one trigger on the age of the oldest unapplied change');
    assert.equal(lag[0].metadata.query, 'max(cdc_partition_oldest_unapplied_seconds{destination="replica"})');
    assert.equal(lag[0].metadata.threshold, '30');
    const applier = ofKind(all, 'Deployment').find((d) => d.metadata.name === 'cdc-applier-replica') as Manifest;
    assert.equal(applier.spec?.replicas, undefined, 'replicas left to the autoscaler');
  });
});

describe('helm chart checks fail on broken values', () => {
  it('a probe path that is not a path', () => {
    const result = k8sValidate('manifests', render(['--set', 'probes.readiness.path=readyz']));
    assert.equal(result.status, 1);
    assert.match(result.stdout, /readinessProbe.httpGet.path "readyz" must start with \//);
  });

  it('a bad field in a rendered manifest (unknown key, bad quantity, unknown CRD field)', () => {
    const good = render(VALUE_SETS['full + keda']);
    const cases: [string, string, RegExp][] = [
      [
        'imagePullPolicy: IfNotPresent',
        'imagePullPolicy: IfNotPresent\n          imagePullPolise: Always',
        /unknown field "spec.template.spec.containers\[0\].imagePullPolise"/,
      ],
      ['memory: 1Gi', 'memory: 1Gb', /quantities must match/],
      [
        'path: /healthz\n              port: http',
        'path: /healthz\n              port: htp',
        /livenessProbe.httpGet.port "htp" is not a named port/,
      ],
      [
        'pollingInterval:',
        'pollingIntervall:',
        /ScaledObject\/cdc-applier-replica: unknown field "spec.pollingIntervall"/,
      ],
      [
        'port: http\n      path: /metrics',
        'port: metrics\n      path: /metrics',
        /port "metrics" is not a port of Service/,
      ],
    ];
    for (const [from, to, expected] of cases) {
      assert.ok(good.includes(from), from);
      const result = k8sValidate('manifests', good.replace(from, to));
      assert.equal(result.status, 1, `${from} -> ${to}`);
      assert.match(result.stdout, expected);
    }
  });

  it('KEDA and HPA together', () => {
    const result = helm(
      'template',
      'cdc',
      CHART,
      '--kube-version',
      KUBE_VERSION,
      '--set',
      'autoscaling.keda.enabled=true',
      '--set',
      'autoscaling.hpa.enabled=true',
    );
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /enable keda or hpa, not both/);
  });
});

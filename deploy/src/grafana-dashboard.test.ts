// The dashboard may only chart metrics the services export: a renamed or removed metric must
// fail here, not show up as an empty panel in production.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectDefaultMetrics } from 'prom-client';
import { registry } from '@cdc/telemetry';

const DASHBOARD = join(__dirname, '..', 'grafana', 'cdc-dashboard.json');

test('every cdc_ metric the Grafana dashboard queries is exported by the services', async () => {
  // The process metrics every service's /metrics adds (libs/telemetry registers them the same way).
  collectDefaultMetrics({ register: registry, prefix: 'cdc_' });
  const exported = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    exported.add(metric.name);
    if (String(metric.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) exported.add(metric.name + suffix);
    }
  }
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  };
  const used = new Set<string>();
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      for (const name of target.expr.match(/\bcdc_[a-z_]+/g) ?? []) used.add(name);
    }
  }
  assert.ok(used.size > 10, `${used.size} metrics charted`);
  const missing = [...used].filter((name) => !exported.has(name));
  assert.deepEqual(missing, [], 'charted but not exported');
  for (const name of [
    'cdc_partition_pending_messages',
    'cdc_partition_oldest_unapplied_seconds',
    'cdc_applier_owned_partitions',
  ]) {
    assert.ok(used.has(name), `the dashboard charts ${name}`);
  }
});

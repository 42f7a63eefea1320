// Fan-out mode: one source drained into 2 and 4 destinations, native and ours.
import { startNats } from '@cdc/testenv';
import { arrange } from '../contender-order';

import type { FanoutResult, MemoryResult } from '../report';
import { fmt } from '../sections';
import {
  checkpoint,
  connect,
  digests,
  dropPipelineSlot,
  oursPipeline,
  prepareDestination,
  prepareSource,
  probe,
  PUBLICATION,
  say,
  serviceMemory,
  TABLE_NAMES,
  totalChanges,
  waitUntilComplete,
  withClient,
  writeWorkload,
  type Servers,
  type Workload,
} from './harness';
import type { Options } from './options';

/**
 * The workload written once with every consumer stopped, then drained into n destinations:
 * native with a subscription (and slot) per destination, all enabled at once; ours with one
 * reader and one applier per destination. Timed until every destination has everything.
 */
export async function fanoutMode(
  servers: Servers,
  w: Workload,
  n: number,
  options: Options,
): Promise<{ fanout: FanoutResult[]; memory: MemoryResult[] }> {
  const { source, destination } = servers;
  say(`fan-out ${n}: preparing the source and ${2 * n} destination databases`);
  const sourceDb = `fan${n}`;
  const sourceUrl = await prepareSource(source, sourceDb);
  const names = Array.from({ length: n }, (_, i) => (i === 0 ? 'replica' : `d${i + 1}`));
  const oursUrls: string[] = [];
  const nativeUrls: string[] = [];
  for (let i = 0; i < n; i += 1) {
    oursUrls.push(await prepareDestination(destination, `fan${n}_ours_${i + 1}`));
    nativeUrls.push(await prepareDestination(destination, `fan${n}_native_${i + 1}`));
  }
  const nats = await startNats({ name: `bench-fan${n}` });
  const pipeline = oursPipeline(
    servers,
    `fanout-${n}`,
    {
      natsUrl: nats.url,
      sourceUrl,
      destinationUrl: oursUrls[0],
      moreDestinations: names.slice(1).map((name, i) => ({ name, url: oursUrls[i + 1] })),
    },
    names,
  );
  pipeline.start();
  for (const url of oursUrls) await probe(sourceUrl, url, 120_000, () => pipeline.check());
  await pipeline.stop();
  for (let i = 0; i < n; i += 1)
    await destination.query(
      `CREATE SUBSCRIPTION fan_native_${i + 1} CONNECTION 'host=${source.host} port=${source.port} dbname=${sourceDb} user=postgres' ` +
        `PUBLICATION ${PUBLICATION} WITH (copy_data = false, enabled = false, slot_name = 'fan${n}_native_${i + 1}')`,
      [],
      `fan${n}_native_${i + 1}`,
    );
  say(`fan-out ${n}: writing the workload (${fmt(totalChanges(w))} row changes) with every consumer stopped`);
  await writeWorkload(sourceUrl, w, `fan-out ${n}`);
  const expected = await withClient(sourceUrl, digests);
  for (const table of TABLE_NAMES) await source.query(`VACUUM (ANALYZE) ${table}`, [], sourceDb);
  const results: FanoutResult[] = [];

  const drainAll = async (urls: string[], check?: () => void) => {
    const clients = await Promise.all(urls.map((url) => connect(url)));
    const done = await Promise.all(
      clients.map((c) => waitUntilComplete(c, w, async () => expected, options.timeoutMs, check)),
    );
    await Promise.all(clients.map((c) => c.end()));
    return Math.max(...done.map((d) => d.at));
  };

  const native = async () => {
    await checkpoint(servers);
    say(`fan-out ${n}: native ...`);
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1)
      await destination.query(`ALTER SUBSCRIPTION fan_native_${i + 1} ENABLE`, [], `fan${n}_native_${i + 1}`);
    const nativeSeconds = ((await drainAll(nativeUrls)) - t0) / 1000;
    results.push({ contender: 'native', destinations: n, rowChanges: totalChanges(w), seconds: nativeSeconds });
    say(`fan-out ${n}: native: ${fmt(nativeSeconds, 1)} s`);
    for (let i = 0; i < n; i += 1)
      await destination.query(`DROP SUBSCRIPTION fan_native_${i + 1}`, [], `fan${n}_native_${i + 1}`);
  };

  let memory: MemoryResult[] = [];
  const ours = async () => {
    await checkpoint(servers);
    say(`fan-out ${n}: ours ...`);
    const t0 = performance.now();
    pipeline.start();
    const oursSeconds = ((await drainAll(oursUrls, () => pipeline.check())) - t0) / 1000;
    memory = n === 4 ? serviceMemory('fan-out 4', pipeline, nats) : [];
    await pipeline.stop();
    results.push({ contender: 'ours', destinations: n, rowChanges: totalChanges(w), seconds: oursSeconds });
    say(`fan-out ${n}: ours: ${fmt(oursSeconds, 1)} s`);
  };

  for (const contender of arrange(options.order, [ours], [native])) await contender();

  await dropPipelineSlot(servers, sourceDb);
  await nats.destroy();
  for (let i = 0; i < n; i += 1)
    for (const kind of ['ours', 'native'])
      await destination.query(`DROP DATABASE fan${n}_${kind}_${i + 1} WITH (FORCE)`);
  await source.query(`DROP DATABASE ${sourceDb} WITH (FORCE)`);
  return { fanout: results, memory };
}

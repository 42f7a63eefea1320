import { Bucket, type KV } from '@nats-io/kv';

/**
 * The keys of a KV bucket that match `filter` (NATS wildcards) and hold a value or a delete
 * marker, read with one stream-info request, so a call fails within the request timeout when
 * NATS is away. Why not `kv.keys()`: it reads through an ordered consumer, and a NATS server
 * that restarts in the middle leaves it waiting for a missed heartbeat (about 30 s). In the
 * applier group that stopped the heartbeats: the instance's leases went stale and another
 * instance took its partitions while it still applied them.
 */
export async function kvKeys(kv: KV, filter: string): Promise<string[]> {
  if (!(kv instanceof Bucket)) throw new Error('kvKeys: not a JetStream KV bucket');
  const info = await kv.jsm.streams.info(kv.stream, { subjects_filter: `${kv.prefix}.${filter}` });
  const start = kv.prefix.length + 1;
  return Object.keys(info.state.subjects ?? {})
    .map((subject) => subject.slice(start))
    .sort();
}

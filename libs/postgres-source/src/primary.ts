import { Client } from 'pg';

/**
 * Which of a cluster's servers is the primary now: the first of `urls`, in order, that answers
 * and is not in recovery. Each is asked on a connection of its own, all at once; a server that
 * does not answer within `timeoutMs` counts as not the primary. Undefined when none is (the
 * primary is down and no standby promoted yet, or a promotion still running).
 */
export async function findPrimary(urls: readonly string[], timeoutMs = 5_000): Promise<string | undefined> {
  return (await findPrimaries(urls, timeoutMs))[0];
}

/**
 * Every one of `urls` that answers and is not in recovery, in order. More than one means a
 * primary that was failed over came back as a primary (its data diverged at the promotion).
 */
export async function findPrimaries(urls: readonly string[], timeoutMs = 5_000): Promise<string[]> {
  const answers = await Promise.all(
    urls.map(async (url) => {
      const client = new Client({
        connectionString: url,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
        return rows[0]?.standby === false;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    }),
  );
  return urls.filter((_, index) => answers[index]);
}

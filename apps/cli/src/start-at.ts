import { findSource, type PipelineConfig } from '@cdc/config';
import { connectToNats } from '@cdc/change-stream';
import { ProgressStore } from '@cdc/progress';
import { parseVgtid, recordStartPosition, StartPositionError } from '@cdc/vitess-source';
import { UsageError } from './command-line';

/**
 * `cdc start-at`: records where a new Vitess source's first start streams from (the hand-over
 * of a table moved by MoveTables, apps/reader-vitess/README.md). Only for a source that has never
 * run; its reader then starts there instead of copying.
 */
export async function startAtCommand(
  config: PipelineConfig,
  sourceName: string,
  position: string,
  out: (line: string) => void,
): Promise<number> {
  const source = findSource(config, sourceName);
  if (source.type !== 'vitess')
    throw new UsageError(
      `cdc start-at: source ${source.name} is a ${source.type} source; only Vitess sources start at a VGtid`,
    );
  let vgtid;
  try {
    vgtid = parseVgtid(position);
  } catch (error) {
    throw new UsageError(`cdc start-at: --vgtid: ${(error as Error).message}`);
  }
  const nc = await connectToNats({ ...config.nats, name: 'cdc-start-at' });
  try {
    const progress = await ProgressStore.open(nc);
    out(await recordStartPosition(progress, source, vgtid));
    return 0;
  } catch (error) {
    if (!(error instanceof StartPositionError)) throw error;
    out(`error: ${error.message}`);
    return 1;
  } finally {
    await nc.drain().catch(() => undefined);
  }
}

import type { PostgresSourceConfig } from '@cdc/config';

/**
 * Where the publication is changed and the live backfill writes its markers and reads: the
 * source itself, or its primary when the reader reads from a standby (primary_url; the
 * standby check refuses primary_url for a source that is a primary, and drops it for the
 * standby promoted since).
 */
export function writeUrl(source: PostgresSourceConfig): string {
  return source.primaryUrl ?? source.url;
}

/** The PostgreSQL majors of a pipeline's source and destination servers (absent: Debian's 15). */
export interface ServerVersions {
  readonly sourceVersion?: number;
  readonly destinationVersion?: number;
}

/**
 * "14>18,18>14" (source>destination, comma-separated) as pairs; one clear error for anything
 * else, so a typo in CDC_PG_VERSION_PAIRS does not run nothing and pass.
 */
export function parseVersionPairs(text: string): Array<Required<ServerVersions>> {
  return text
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const match = /^(\d{2})>(\d{2})$/.exec(pair);
      if (!match) throw new Error(`version pair "${pair}" is not SOURCE>DESTINATION, e.g. 14>18`);
      return { sourceVersion: Number(match[1]), destinationVersion: Number(match[2]) };
    });
}

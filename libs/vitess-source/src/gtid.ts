import { binlogdata } from './generated/vitess';

/** A shard's ordering lane name, as positions and checkpoints carry it: "keyspace/shard". */
export function laneOf(keyspace: string, shard: string): string {
  return `${keyspace}/${shard}`;
}

/**
 * A shard's GTID position reduced to a number that grows with every transaction and is the
 * same whenever the shard is read again: positions of one lane compare by it.
 *   MariaDB "MariaDB/0-1-54,1-2-7": the sum of the sequence numbers over the domains.
 *   MySQL   "MySQL56/uuid:1-100:105,uuid2:1-3": the number of transactions in the set.
 *   File    "FilePos/binlog.000012:4567": file number * 2^32 + offset.
 * A GTID set only grows, so both sums only grow. Empty and "current" (not started) give 0.
 */
export function gtidOrdinal(gtid: string): bigint {
  if (gtid === '' || gtid === 'current') return 0n;
  const slash = gtid.indexOf('/');
  const flavor = slash < 0 ? '' : gtid.slice(0, slash);
  const body = slash < 0 ? gtid : gtid.slice(slash + 1);
  if (body.trim() === '') return 0n;
  if (flavor === 'MariaDB') return mariadbOrdinal(body, gtid);
  if (flavor === 'MySQL56' || flavor === 'MySQL') return mysqlOrdinal(body, gtid);
  if (flavor === 'FilePos') return filePosOrdinal(body, gtid);
  throw new Error(`unsupported GTID flavor in "${gtid}" (expected MariaDB/, MySQL56/ or FilePos/)`);
}

function mariadbOrdinal(body: string, gtid: string): bigint {
  let sum = 0n;
  for (const part of body.split(',')) {
    const match = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(part);
    if (match === null) throw new Error(`malformed MariaDB GTID "${part}" in "${gtid}"`);
    sum += BigInt(match[3]);
  }
  return sum;
}

function mysqlOrdinal(body: string, gtid: string): bigint {
  let count = 0n;
  for (const part of body.split(',')) {
    const [uuid, ...intervals] = part.trim().split(':');
    if (!/^[0-9a-fA-F-]{32,36}$/.test(uuid ?? '') || intervals.length === 0) {
      throw new Error(`malformed MySQL GTID set "${part}" in "${gtid}"`);
    }
    for (const interval of intervals) {
      // Tagged GTIDs (MySQL 8.4: uuid:tag:1-5) carry a tag word before their intervals.
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(interval)) continue;
      const match = /^(\d+)(?:-(\d+))?$/.exec(interval);
      if (match === null) throw new Error(`malformed GTID interval "${interval}" in "${gtid}"`);
      const start = BigInt(match[1]);
      const end = match[2] === undefined ? start : BigInt(match[2]);
      count += end - start + 1n;
    }
  }
  return count;
}

function filePosOrdinal(body: string, gtid: string): bigint {
  const match = /\.(\d+):(\d+)$/.exec(body);
  if (match === null) throw new Error(`malformed file position "${gtid}"`);
  return (BigInt(match[1]) << 32n) + BigInt(match[2]);
}

/** The VGtid as bytes (its protobuf encoding): what watermarks and the committed position carry. */
export function encodeVgtid(vgtid: binlogdata.IVGtid): Uint8Array {
  return binlogdata.VGtid.encode(new binlogdata.VGtid(vgtid)).finish();
}

export function decodeVgtid(token: Uint8Array): binlogdata.VGtid {
  return binlogdata.VGtid.decode(token);
}

/** Human-readable VGtid for logs and `cdc status`: "ks/-80@MariaDB/0-1-54 (copying t1), ks/80-@...". */
export function formatVgtid(vgtid: binlogdata.IVGtid): string {
  return (vgtid.shardGtids ?? [])
    .map((shard) => {
      const copying = (shard.tablePKs ?? []).map((table) => table.tableName).filter(Boolean);
      const gtid = shard.gtid === '' ? '(copy not started)' : shard.gtid;
      return `${laneOf(shard.keyspace ?? '', shard.shard ?? '')}@${gtid}${copying.length > 0 ? ` (copying ${copying.join(', ')})` : ''}`;
    })
    .join(', ');
}

/**
 * A position as `formatVgtid` and `cdc status` write it, `keyspace/shard@GTID` per shard joined
 * by ", " ("customer/-80@MariaDB/0-1-54, customer/80-@MariaDB/0-2-7"), back into a VGtid. Only
 * positions: a shard being copied, an empty GTID or "current" is an error. A GTID set's own
 * commas ("MariaDB/0-1-5,1-2-3") are not followed by a space.
 */
export function parseVgtid(text: string): binlogdata.IVGtid {
  const parts = text.trim() === '' ? [] : text.trim().split(/,\s+/);
  if (parts.length === 0) throw new Error('empty position: expected keyspace/shard@GTID[, keyspace/shard@GTID...]');
  const shardGtids = parts.map((part) => {
    const match = /^([^/@\s]+)\/([^/@\s]+)@(\S+)$/.exec(part);
    if (match === null)
      throw new Error(`"${part}" in "${text}" is not keyspace/shard@GTID (e.g. customer/-80@MariaDB/0-1-54)`);
    const [, keyspace, shard, gtid] = match;
    if (gtid === 'current') throw new Error(`"${part}" in "${text}": "current" is not a position`);
    gtidOrdinal(gtid); // a malformed GTID is an error here, not at vtgate
    return { keyspace, shard, gtid };
  });
  const lanes = shardGtids.map((shard) => laneOf(shard.keyspace, shard.shard));
  const repeated = lanes.find((lane, index) => lanes.indexOf(lane) !== index);
  if (repeated !== undefined) throw new Error(`shard ${repeated} appears twice in "${text}"`);
  return { shardGtids };
}

// The protobuf wire primitives batch-writer.ts writes a ChangeBatch with (varints, zigzag,
// length-delimited fields), into one growable buffer.

/** Integers of at most this many digits are exact as doubles (and doubled by zigzag, still < 2^53). */
export const SAFE_DIGITS = 15;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_POW_52 = 2 ** 52;

export function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    length += 1;
  }
  return length;
}

/**
 * A growable byte buffer with the protobuf primitives this contract uses. A nested message gets
 * a one-byte length placeholder (`begin`), widened by shifting its content only in the rare
 * case it reaches 128 bytes (`end`): lengths stay minimal varints, as protobufjs writes them.
 */
export class ByteWriter {
  buffer: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.pos + bytes));
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.pos++] = value;
  }

  /** An unsigned integer up to 2^53. */
  varint(value: number): void {
    this.reserve(8);
    const buffer = this.buffer;
    if (value < 0x80000000) {
      while (value > 127) {
        buffer[this.pos++] = (value & 127) | 128;
        value >>>= 7;
      }
    } else {
      while (value > 127) {
        buffer[this.pos++] = (value % 128) | 128;
        value = Math.floor(value / 128);
      }
    }
    buffer[this.pos++] = value;
  }

  /** An unsigned 64-bit integer. */
  varintBig(value: bigint): void {
    if (value <= MAX_SAFE) return this.varint(Number(value));
    this.reserve(10);
    const buffer = this.buffer;
    let low = Number(value & 0xffffffffn);
    let high = Number((value >> 32n) & 0xffffffffn);
    while (high) {
      buffer[this.pos++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    while (low > 127) {
      buffer[this.pos++] = (low & 127) | 128;
      low >>>= 7;
    }
    buffer[this.pos++] = low;
  }

  /** sint64 (zigzag) of an exact integer given as a JS number. */
  sint64Number(value: number): void {
    if (value > TWO_POW_52 || value < -TWO_POW_52) return this.sint64Big(BigInt(value));
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  sint64Big(value: bigint): void {
    const signed = BigInt.asIntN(64, value);
    this.varintBig(BigInt.asUintN(64, (signed << 1n) ^ (signed >> 63n)));
  }

  double(value: number): void {
    this.reserve(8);
    this.buffer.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** A length-delimited UTF-8 string. */
  string(value: string): void {
    const length = value.length;
    if (length * 3 < 128) {
      // Short (most column values): one length byte, ASCII copied here, anything else by Buffer.
      this.reserve(1 + length * 3);
      const buffer = this.buffer;
      const start = this.pos + 1;
      let i = 0;
      for (; i < length; i += 1) {
        const code = value.charCodeAt(i);
        if (code >= 128) break;
        buffer[start + i] = code;
      }
      const written = i === length ? length : buffer.write(value, start, 'utf8');
      buffer[this.pos] = written;
      this.pos = start + written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.reserve(bytes);
    this.pos += this.buffer.write(value, this.pos, bytes, 'utf8');
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.pos);
    this.pos += value.length;
  }

  raw(value: Buffer | Uint8Array, start = 0, end = value.length): void {
    this.reserve(end - start);
    // Buffer.copy takes a range without creating a view object (this runs once per op).
    if (value instanceof Buffer) value.copy(this.buffer, this.pos, start, end);
    else this.buffer.set(start === 0 && end === value.length ? value : value.subarray(start, end), this.pos);
    this.pos += end - start;
  }

  /** Opens a nested message: returns where its length goes. */
  begin(): number {
    this.reserve(1);
    return this.pos++;
  }

  /** Closes the nested message opened at `at`. */
  end(at: number): void {
    const length = this.pos - at - 1;
    if (length < 128) {
      this.buffer[at] = length;
      return;
    }
    const extra = varintLength(length) - 1;
    this.reserve(extra);
    this.buffer.copyWithin(at + 1 + extra, at + 1, this.pos);
    const end = this.pos + extra;
    this.pos = at;
    this.varint(length);
    this.pos = end;
  }
}

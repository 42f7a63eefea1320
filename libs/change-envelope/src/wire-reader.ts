/**
 * A minimal protobuf reader, enough for the messages of proto/cdc/v1. It decodes straight
 * into the domain types, with no intermediate message objects: decoding is the applier's
 * hottest path. codec.test.ts checks it against the generated protobufjs code.
 */
export class WireReader {
  pos: number;
  private readonly text: Buffer;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
    // Readers are made per nested message (per row in a VStream response): a Buffer is used as
    // it is rather than viewed again, which was a Buffer object per reader.
    this.text = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint as a number; exact up to 2^53. */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.end) throw new Error(`varint runs past the end at byte ${this.pos}`);
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** An unsigned varint as a bigint (for 64-bit values that may exceed 2^53). */
  varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i += 1) {
      if (this.pos >= this.end) throw new Error(`varint runs past the end at byte ${this.pos}`);
      const byte = this.bytes[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** An unsigned 64-bit varint as a bigint, without a detour through text. */
  uint64(): bigint {
    const start = this.pos;
    const small = this.varint();
    // varint() sums exact doubles: a result within the safe range is the exact value.
    if (small <= Number.MAX_SAFE_INTEGER) {
      // Consecutive ops mostly share their commit: reuse its bigint rather than allocate one per op.
      if (small !== this.lastSmall) {
        this.lastSmall = small;
        this.lastBig = BigInt(small);
      }
      return this.lastBig;
    }
    this.pos = start;
    return this.varintBig();
  }

  private lastSmall = 0;
  private lastBig = 0n;

  /** A zigzag varint (sint64) as a number, exact within the safe range (e.g. microsecond times). */
  sint64Number(): number {
    const start = this.pos;
    const small = this.varint();
    if (small <= Number.MAX_SAFE_INTEGER) return small % 2 === 0 ? small / 2 : -(small + 1) / 2;
    this.pos = start;
    return Number(this.int64Text(true));
  }

  /** A varint holding a 64-bit value, as decimal text (zigzag-decoded when signed). */
  int64Text(zigzag: boolean): string {
    const start = this.pos;
    const small = this.varint();
    if (small <= Number.MAX_SAFE_INTEGER) {
      if (!zigzag) return String(small);
      return String(small % 2 === 0 ? small / 2 : -(small + 1) / 2);
    }
    this.pos = start;
    const big = this.varintBig();
    if (!zigzag) return big.toString();
    return ((big & 1n) === 0n ? big >> 1n : -((big + 1n) >> 1n)).toString();
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new Error(`double runs past the end at byte ${this.pos}`);
    const value = this.text.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** Start and end of a length-delimited field. */
  span(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    const end = start + length;
    if (end > this.end) throw new Error(`field of ${length} bytes runs past the end at byte ${start}`);
    this.pos = end;
    return [start, end];
  }

  /** Like span(), without the tuple: checks the field's length, stays at its start, returns its end. */
  fieldEnd(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new Error(`field of ${length} bytes runs past the end at byte ${this.pos}`);
    return end;
  }

  string(): string {
    const [start, end] = this.span();
    return this.text.toString('utf8', start, end);
  }

  bytesField(): Uint8Array {
    const [start, end] = this.span();
    return this.bytes.slice(start, end);
  }

  /** A bytes field as a view into the message (no copy): valid as long as the message is. */
  bytesView(): Buffer {
    const [start, end] = this.span();
    return this.text.subarray(start, end);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.span();
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
    if (this.pos > this.end) throw new Error('fixed-size field runs past the end');
  }
}

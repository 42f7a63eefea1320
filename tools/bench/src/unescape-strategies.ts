// How a COPY text field's value bytes are copied out (libs/change-envelope unescapeField): the
// byte loop it uses against a native search for a backslash (Buffer#indexOf) and a native copy
// (set of a subarray) when there is none. Fields of 30-200 bytes inside a 2,000-row message,
// each strategy twice in alternating order:
//   node --import tsx tools/bench/src/unescape-strategies.ts
import { unescapeField } from '@cdc/change-envelope';

const BACKSLASH = 92;

function nativeWhenPlain(bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  const backslash = bytes.indexOf(BACKSLASH, start);
  if (backslash === -1 || backslash >= end) {
    out.set(bytes.subarray(start, end), at);
    return at + end - start;
  }
  return unescapeField(bytes, start, end, out, at);
}

const ROWS = 2_000;
const ROUNDS = 200;
for (const length of [30, 60, 100, 200]) {
  const row = Buffer.from(`12345\t${'x'.repeat(length)}\t2024-01-01 00:00:00+00\n`);
  const message = Buffer.concat(Array.from({ length: ROWS }, () => row));
  const out = Buffer.alloc(message.length);
  const strategies: Array<[string, typeof unescapeField]> = [
    ['byte loop (unescapeField)', unescapeField],
    ['indexOf + set', nativeWhenPlain],
  ];
  for (const [name, copy] of [...strategies, ...strategies.reverse()]) {
    const started = process.hrtime.bigint();
    for (let round = 0; round < ROUNDS; round += 1) {
      let at = 0;
      for (let i = 0; i < ROWS; i += 1) {
        const start = i * row.length + 6;
        at = copy(message, start, start + length, out, at);
      }
    }
    const nanos = Number(process.hrtime.bigint() - started) / (ROUNDS * ROWS);
    console.log(`${length}-byte fields: ${name}: ${nanos.toFixed(0)} ns a field`);
  }
}

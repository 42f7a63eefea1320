import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkCopyText } from './snapshot';

async function* piecesOf(text: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  for (let at = 0, i = 0; at < text.length; i += 1) {
    const size = sizes[i % sizes.length];
    yield text.subarray(at, at + size);
    at += size;
  }
}

async function collect(text: Buffer, sizes: readonly number[], limit: number) {
  const chunks: Array<{ text: string; count: number }> = [];
  for await (const { bytes, count } of chunkCopyText(piecesOf(text, sizes), limit))
    chunks.push({ text: Buffer.from(bytes).toString(), count });
  return chunks;
}

test('rows regrouped into chunks of whole rows near the limit, whatever the pieces', async () => {
  const rows = Array.from({ length: 500 }, (_, i) => `${i}\trow ${'x'.repeat(i % 37)}\n`);
  const text = Buffer.from(rows.join(''));
  for (const sizes of [[1], [7, 3, 50], [4096], [text.length]]) {
    for (const limit of [64, 1000, 1 << 20]) {
      const chunks = await collect(text, sizes, limit);
      assert.equal(chunks.map((c) => c.text).join(''), text.toString(), `pieces ${sizes}, limit ${limit}`);
      for (const chunk of chunks) {
        assert.ok(chunk.text.endsWith('\n'), 'a chunk ends with a whole row');
        assert.equal(chunk.count, chunk.text.split('\n').length - 1);
        const longest = Math.max(...chunk.text.split('\n').map((row) => row.length + 1));
        assert.ok(chunk.text.length <= Math.max(limit, longest), 'at most the limit, or one long row');
      }
      assert.equal(
        chunks.reduce((sum, c) => sum + c.count, 0),
        rows.length,
      );
      if (limit < text.length) assert.ok(chunks.length > 1);
    }
  }
});

test('a row longer than the limit is a chunk alone; the chunks own their bytes', async () => {
  const long = `1\t${'y'.repeat(300)}\n`;
  const text = Buffer.from(`0\ta\n${long}2\tb\n`);
  const chunks = await collect(text, [16], 64);
  assert.deepEqual(
    chunks.map((c) => c.text),
    ['0\ta\n', long, '2\tb\n'],
  );
  const source = Buffer.from('0\ta\n1\tb\n');
  const got: Uint8Array[] = [];
  for await (const { bytes } of chunkCopyText(piecesOf(source, [source.length]), 4)) got.push(bytes);
  source.fill(0);
  assert.equal(Buffer.concat(got).toString(), '0\ta\n1\tb\n', "not views of the stream's buffers");
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, escapeXml, lineChart, niceMax } from './svg';
import { bucketPercentiles, percentile } from './stats';

test('nearest-rank percentiles', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
  assert.equal(percentile(values, 0.5), 50);
  assert.equal(percentile(values, 0.95), 95);
  assert.equal(percentile(values, 0.99), 99);
  assert.equal(percentile(values, 1), 100);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([7], 0.99), 7);
  assert.ok(Number.isNaN(percentile([], 0.5)));
  assert.throws(() => percentile([1], 1.5), /within \[0, 1\]/);
});

test('lag samples are grouped into time buckets with their own percentiles', () => {
  const samples = [
    { t: 0.1, value: 10 },
    { t: 0.9, value: 30 },
    { t: 2.5, value: 200 },
  ];
  assert.deepEqual(bucketPercentiles(samples, 1), [
    { t: 0, count: 2, p50: 10, p95: 30, p99: 30 },
    { t: 2, count: 1, p50: 200, p95: 200, p99: 200 },
  ]);
  assert.throws(() => bucketPercentiles(samples, 0), /must be > 0/);
});

test('axis maxima round up to 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceMax(0.7), 1);
  assert.equal(niceMax(76_313), 100_000);
  assert.equal(niceMax(150), 200);
  assert.equal(niceMax(400), 500);
  assert.equal(niceMax(0), 1);
});

test('a bar chart has one bar per entry, scaled to the largest, with escaped labels', () => {
  const svg = barChart({
    title: 'drain <rows/s>',
    unit: 'rows/s',
    bars: [
      { label: 'native', value: 200_000 },
      { label: 'ours & co', value: 100_000 },
    ],
  });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.includes('drain &lt;rows/s&gt;'));
  assert.ok(svg.includes('ours &amp; co'));
  const widths = [...svg.matchAll(/<rect x="200" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 2);
  assert.equal(widths[0], 2 * widths[1]);
  assert.ok(svg.includes('200k rows/s'));
});

test('a line chart draws one polyline per series inside the plot area', () => {
  const svg = lineChart({
    title: 'lag',
    xLabel: 's',
    yLabel: 'ms',
    series: [
      {
        name: 'native p99',
        points: [
          { x: 0, y: 0 },
          { x: 10, y: 100 },
        ],
      },
      {
        name: 'ours p99',
        points: [
          { x: 0, y: 50 },
          { x: 10, y: NaN },
        ],
      },
    ],
    width: 400,
    height: 300,
  });
  const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(lines.length, 2);
  for (const line of lines)
    for (const pair of line.split(' ')) {
      const [x, y] = pair.split(',').map(Number);
      assert.ok(x >= 0 && x <= 400 && y >= 0 && y <= 300, `point ${pair} outside the picture`);
    }
  assert.equal(lines[1].split(' ').length, 1, 'non-finite points are dropped');
  assert.equal(escapeXml(`a"b'c`), 'a&quot;b&apos;c');
});

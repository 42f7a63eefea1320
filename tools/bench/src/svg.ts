// A minimal SVG writer for benchmark plots (horizontal bars, lines over time): plain strings,
// no browser, no dependencies, so plots regenerate on any machine that runs the benchmark.

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1'];
const FONT = 'font-family="sans-serif" font-size="12"';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A "nice" axis maximum (1, 2 or 5 times a power of ten) at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

function label(value: number): string {
  if (value >= 1_000_000) return `${num(value / 1_000_000)}M`;
  if (value >= 10_000) return `${num(value / 1_000)}k`;
  return num(value);
}

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** Horizontal bars, one per entry, with the value printed at the end of each bar. */
export function barChart(options: { title: string; unit: string; bars: readonly Bar[]; width?: number }): string {
  const width = options.width ?? 640;
  const labelWidth = 200;
  const barHeight = 22;
  const top = 30;
  const plotWidth = width - labelWidth - 90;
  const height = top + options.bars.length * (barHeight + 8) + 30;
  const max = niceMax(Math.max(0, ...options.bars.map((b) => b.value)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" ${FONT} font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  options.bars.forEach((bar, i) => {
    const y = top + i * (barHeight + 8);
    const w = Number.isFinite(bar.value) ? Math.max(0, (bar.value / max) * plotWidth) : 0;
    parts.push(
      `<text x="${labelWidth - 6}" y="${y + 15}" ${FONT} text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${num(w)}" height="${barHeight}" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text x="${num(labelWidth + w + 4)}" y="${y + 15}" ${FONT}>${escapeXml(`${label(bar.value)} ${options.unit}`)}</text>`,
    );
  });
  const axisY = height - 20;
  parts.push(
    `<line x1="${labelWidth}" y1="${axisY}" x2="${labelWidth + plotWidth}" y2="${axisY}" stroke="#888"/>`,
    `<text x="${labelWidth}" y="${axisY + 14}" ${FONT}>0</text>`,
    `<text x="${labelWidth + plotWidth}" y="${axisY + 14}" ${FONT} text-anchor="end">${label(max)}</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** A report's one plot, by its file name: rows/s per bar (the title says higher is better). */
export function rowsPerSecondPlot(file: string, title: string, bars: readonly Bar[]): Map<string, string> {
  return new Map([[file, barChart({ title, unit: 'rows/s', bars })]]);
}

export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<{ x: number; y: number }>;
}

/** Lines over a shared x axis (e.g. seconds) with a legend; y starts at 0. */
export function lineChart(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  width?: number;
  height?: number;
}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const left = 60;
  const right = 20;
  const top = 30;
  const bottom = 40 + 16 * options.series.length;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = options.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xMax = niceMax(Math.max(0, ...all.map((p) => p.x)));
  const yMax = niceMax(Math.max(0, ...all.map((p) => p.y)));
  const sx = (x: number) => left + (x / xMax) * plotW;
  const sy = (y: number) => top + plotH - (y / yMax) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" ${FONT} font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const y = top + plotH - (i / 4) * plotH;
    parts.push(
      `<line x1="${left}" y1="${num(y)}" x2="${left + plotW}" y2="${num(y)}" stroke="#ddd"/>`,
      `<text x="${left - 4}" y="${num(y + 4)}" ${FONT} text-anchor="end">${label((i / 4) * yMax)}</text>`,
    );
  }
  parts.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>`,
    `<text x="${left}" y="${top + plotH + 14}" ${FONT}>0</text>`,
    `<text x="${left + plotW}" y="${top + plotH + 14}" ${FONT} text-anchor="end">${label(xMax)} ${escapeXml(options.xLabel)}</text>`,
    `<text x="${left + 4}" y="${top + 12}" ${FONT} fill="#555">${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const points = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (points.length > 0)
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.map((p) => `${num(sx(p.x))},${num(sy(p.y))}`).join(' ')}"/>`,
      );
    const y = top + plotH + 30 + i * 16;
    parts.push(
      `<line x1="${left}" y1="${y - 4}" x2="${left + 20}" y2="${y - 4}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${left + 26}" y="${y}" ${FONT}>${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

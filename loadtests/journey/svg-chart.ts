// A small SVG line chart for the Markdown reports: a few series over a shared x axis, axes with
// round ticks, a legend. No chart library: the reports are plain text files with the SVG inline.

export interface Series {
  name: string;
  points: [number, number][];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  /** Lowest y shown (default 0). */
  yMin?: number;
}

const palette = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#393b79',
  '#ad494a',
  '#637939',
  '#e7ba52',
];

/** 1, 2 or 5 times a power of ten: about `count` steps between lo and hi. */
export function niceStep(lo: number, hi: number, count = 5): number {
  const span = Math.max(hi - lo, 1e-9);
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number) =>
  Math.abs(n) >= 1000 ? `${Math.round(n / 100) / 10}k` : String(Math.round(n * 100) / 100);

export function lineChart(options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 260;
  const m = { left: 56, right: 150, top: 28, bottom: 40 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMaxRaw = xs.length ? Math.max(...xs) : 1;
  const xMax = xMaxRaw > xMin ? xMaxRaw : xMin + 1;
  const yMin = options.yMin ?? 0;
  const yStep = niceStep(yMin, ys.length ? Math.max(...ys, yMin + 1) : 1);
  const yMax = Math.max(yMin + yStep, Math.ceil((ys.length ? Math.max(...ys) : 1) / yStep) * yStep);
  const xStep = niceStep(xMin, xMax, 6);
  const px = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const py = (y: number) => m.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${m.left}" y="16" font-size="13" font-weight="bold">${escape(options.title)}</text>`,
  ];
  for (let y = yMin; y <= yMax + 1e-9; y += yStep) {
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${m.left - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${fmt(y)}</text>`,
    );
  }
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax + 1e-9; x += xStep) {
    parts.push(
      `<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${m.top + plotH}" y2="${m.top + plotH + 4}" stroke="#333"/>`,
      `<text x="${px(x).toFixed(1)}" y="${m.top + plotH + 16}" text-anchor="middle">${fmt(x)}</text>`,
    );
  }
  parts.push(
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + plotH}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="#333"/>`,
    `<text x="${m.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escape(options.xLabel)}</text>`,
    `<text x="12" y="${m.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 12 ${m.top + plotH / 2})">${escape(options.yLabel)}</text>`,
  );
  options.series.forEach((s, i) => {
    const color = palette[i % palette.length]!;
    if (s.points.length > 0) {
      const d = s.points
        .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(Math.min(y, yMax)).toFixed(1)}`)
        .join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
    }
    const ly = m.top + 10 + i * 16;
    parts.push(
      `<line x1="${m.left + plotW + 12}" x2="${m.left + plotW + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${m.left + plotW + 34}" y="${ly}">${escape(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Values per whole second from [t, v] samples: count (events/s) or a statistic of v. */
export function perSecond(
  samples: [number, number][],
  how: 'count' | 'p50' | 'p95' | 'p99' | 'max',
): [number, number][] {
  const buckets = new Map<number, number[]>();
  for (const [t, v] of samples) {
    const s = Math.floor(t);
    let b = buckets.get(s);
    if (!b) buckets.set(s, (b = []));
    b.push(v);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, values]) => [
      s,
      how === 'count'
        ? values.length
        : how === 'max'
          ? Math.max(...values)
          : percentile(values, Number(how.slice(1))),
    ]);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

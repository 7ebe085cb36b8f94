/**
 * Two small SVG charts for the report: grouped horizontal bars on a log or a linear scale. Written by hand
 * because they are a few dozen lines of static markup; a charting library would need a DOM or a browser.
 */

export interface BarGroup {
  label: string;
  values: Array<{ series: string; value: number }>;
}

const COLORS: Record<string, string> = { code: "#2563eb", classic: "#d97706" };
const PALETTE = ["#2563eb", "#d97706", "#059669", "#7c3aed"];
const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function barChart(options: {
  title: string;
  groups: BarGroup[];
  log?: boolean;
  unit: string;
  format?: (n: number) => string;
}): string {
  const { groups, log = false, unit } = options;
  const format = options.format ?? ((n: number) => n.toLocaleString("en-US"));
  const series = [...new Set(groups.flatMap((g) => g.values.map((v) => v.series)))];
  const color = (s: string) => COLORS[s] ?? PALETTE[series.indexOf(s) % PALETTE.length]!;
  const max = Math.max(...groups.flatMap((g) => g.values.map((v) => v.value)), 1);
  const labelWidth = 230;
  const plotWidth = 520;
  const bar = 14;
  const groupHeight = series.length * (bar + 3) + 12;
  const top = 48;
  const height = top + groups.length * groupHeight + 40;
  const lo = log
    ? 10 **
      Math.floor(
        Math.log10(Math.min(...groups.flatMap((g) => g.values.map((v) => v.value)).filter((v) => v > 0))),
      )
    : 0;
  const hi = log ? 10 ** Math.ceil(Math.log10(max)) : max * 1.1;
  const x = (v: number) =>
    log
      ? (plotWidth * (Math.log10(Math.max(v, lo)) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo))
      : (plotWidth * v) / hi;
  const ticks = log
    ? Array.from({ length: Math.round(Math.log10(hi / lo)) + 1 }, (_, i) => lo * 10 ** i)
    : Array.from({ length: 5 }, (_, i) => (hi * i) / 4);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 90}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${xml(options.title)}</text>`,
    ...series.map((s, i) => {
      const at = labelWidth + series.slice(0, i).reduce((n, prev) => n + prev.length * 7 + 34, 0);
      return `<rect x="${at}" y="30" width="10" height="10" fill="${color(s)}"/><text x="${at + 14}" y="39">${xml(s)}</text>`;
    }),
  ];
  for (const t of ticks) {
    const tx = labelWidth + x(t);
    out.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${height - 34}" stroke="#e5e7eb"/>`,
      `<text x="${tx}" y="${height - 20}" text-anchor="middle" fill="#555">${xml(format(Math.round(t * 100) / 100))}</text>`,
    );
  }
  out.push(
    `<text x="${labelWidth + plotWidth / 2}" y="${height - 4}" text-anchor="middle" fill="#555">${xml(unit)}${log ? " (log scale)" : ""}</text>`,
  );
  groups.forEach((g, gi) => {
    const gy = top + gi * groupHeight;
    out.push(
      `<text x="${labelWidth - 8}" y="${gy + groupHeight / 2}" text-anchor="end">${xml(g.label)}</text>`,
    );
    g.values.forEach((v, vi) => {
      const y = gy + vi * (bar + 3);
      const w = Math.max(1, x(v.value));
      out.push(
        `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${color(v.series)}"><title>${xml(`${g.label} — ${v.series}: ${format(v.value)}`)}</title></rect>`,
        `<text x="${labelWidth + w + 4}" y="${y + bar - 3}" fill="#333">${xml(format(v.value))}</text>`,
      );
    });
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

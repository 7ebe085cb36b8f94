/** The sales sheet: 10,000 order lines of 2025, as a spreadsheet export (a header and rows of cells). */
import { cents, createRandom, SEED } from "./random.js";

export const REGIONS = ["North", "South", "East", "West", "Central"] as const;
const REGION_WEIGHTS = [1, 0.9, 1.15, 1.05, 0.8];
export const PRODUCTS: ReadonlyArray<{ name: string; price: number }> = [
  { name: "Anvil", price: 129 },
  { name: "Rocket Skates", price: 349 },
  { name: "Giant Magnet", price: 89.5 },
  { name: "Tornado Seeds", price: 12.25 },
  { name: "Bird Seed", price: 4.99 },
  { name: "Jet Pack", price: 999 },
  { name: "Spring Shoes", price: 59.9 },
  { name: "Portable Hole", price: 249 },
];

export type SalesRow = [date: string, region: string, product: string, units: number, unitPrice: number];
export const SALES_COLUMNS = ["date", "region", "product", "units", "unitPrice"] as const;
export const SALES_ROWS = 10_000;

let cached: SalesRow[] | undefined;

/** The sheet's rows, the same every run. */
export function salesRows(): SalesRow[] {
  if (cached) return cached;
  const random = createRandom(SEED * 1000 + 1);
  cached = Array.from({ length: SALES_ROWS }, (): SalesRow => {
    const month = random.int(1, 12);
    const day = random.int(1, 28);
    const product = random.pick(PRODUCTS);
    return [
      `2025-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
      random.weighted(REGIONS, REGION_WEIGHTS),
      product.name,
      random.int(1, 24),
      cents(product.price * (0.85 + random.next() * 0.3)),
    ];
  });
  return cached;
}

/** Revenue (units x unit price) per region over the months `from`..`to` (1-12), in cents-rounded dollars. */
export function revenueByRegion(from: number, to: number, rows = salesRows()): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const [date, region, , units, price] of rows) {
    const month = Number(date.slice(5, 7));
    if (month < from || month > to) continue;
    totals[region] = (totals[region] ?? 0) + units * price;
  }
  for (const key of Object.keys(totals)) totals[key] = cents(totals[key]!);
  return totals;
}

/** Total revenue over months `from`..`to`. */
export function revenue(from: number, to: number, rows = salesRows()): number {
  return cents(Object.values(revenueByRegion(from, to, rows)).reduce((a, b) => a + b, 0));
}

/** Small operational data: warehouse stock per SKU, shipping rates, and the export job's result. */
import { cents, createRandom, SEED } from "./random.js";
import { salesRows } from "./sales.js";

export const SKUS = ["AN-100", "RS-200", "GM-300", "TS-400", "BS-500", "JP-600"];

let stock: Record<string, number> | undefined;
/** Units on hand per SKU. */
export function stockOnHand(): Record<string, number> {
  stock ??= Object.fromEntries(SKUS.map((sku, i) => [sku, createRandom(SEED * 1000 + 10 + i).int(20, 900)]));
  return stock;
}

export const SHIPPING_SERVICES = { economy: 4.5, standard: 7.25, express: 14 } as const;
const CITIES: Record<string, number> = {
  Berlin: 0,
  Lisbon: 2310,
  Paris: 1050,
  Madrid: 1870,
  Warsaw: 570,
  Rome: 1500,
};
export const SHIPPING_CITIES = Object.keys(CITIES);

/** A quote: the service's base fee, plus weight times distance at a flat rate. Undefined for unknown cities. */
export function shippingQuote(
  weightKg: number,
  from: string,
  to: string,
  service: keyof typeof SHIPPING_SERVICES,
): number | undefined {
  const a = CITIES[from];
  const b = CITIES[to];
  if (a === undefined || b === undefined) return undefined;
  return cents(SHIPPING_SERVICES[service] + weightKg * Math.abs(a - b) * 0.0021);
}

/** Rows of the Q4 sales export (October to December). */
export function q4RowCount(): number {
  return salesRows().filter(([date]) => Number(date.slice(5, 7)) >= 10).length;
}

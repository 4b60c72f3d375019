import type { Rng } from "./rng.js";

// Data that is NOT personal and must survive redaction: order and invoice numbers, products, SKUs,
// dates and amounts. Order numbers are deliberately digit-heavy so a sloppy detector trips on them.

export interface Product {
  name: string;
  sku: string;
  /** Price in minor units of a euro-like currency; converted per currency below. */
  price: number;
}

export const PRODUCTS: readonly Product[] = [
  { name: "Nordlys Down Jacket", sku: "SKU-10442-BK", price: 189_00 },
  { name: "AeroBrew Coffee Grinder", sku: "SKU-20871-SS", price: 79_95 },
  { name: "TrailLite Backpack 28L", sku: "SKU-31905-GR", price: 64_50 },
  { name: "Lumen Desk Lamp", sku: "SKU-40127-WH", price: 39_90 },
  { name: "Fjord Wool Blanket", sku: "SKU-52288-NV", price: 119_00 },
  { name: "Pulse Wireless Earbuds", sku: "SKU-60734-BK", price: 99_00 },
  { name: "Cirrus Standing Desk", sku: "SKU-71450-OK", price: 549_00 },
  { name: "Atlas Running Shoes", sku: "SKU-83012-RD", price: 129_95 },
  { name: "Kettle Pro 1.7L", sku: "SKU-94566-CR", price: 49_00 },
  { name: "Orbit Smart Watch S2", sku: "SKU-15520-SL", price: 249_00 },
];

export const orderNumber = (rng: Rng, year: number): string =>
  `ORD-${year}-${String(rng.between(1, 999_999)).padStart(6, "0")}`;

export const invoiceNumber = (rng: Rng, year: number): string =>
  `INV-${year}-${String(rng.between(1, 99_999)).padStart(5, "0")}`;

export type Currency =
  | "DKK"
  | "SEK"
  | "NOK"
  | "EUR"
  | "PLN"
  | "BRL"
  | "USD"
  | "GBP"
  | "CAD"
  | "SAR"
  | "AED"
  | "EGP";

/** Per currency: rate against the catalogue price, thousands and decimal separators, and how the symbol sits. */
const CURRENCIES: Record<
  Currency,
  { rate: number; thousands: string; decimal: string; format: (n: string) => string }
> = {
  DKK: { rate: 7.46, thousands: ".", decimal: ",", format: (n) => `${n} kr.` },
  SEK: { rate: 11.2, thousands: " ", decimal: ",", format: (n) => `${n} kr` },
  NOK: { rate: 11.5, thousands: " ", decimal: ",", format: (n) => `kr ${n}` },
  EUR: { rate: 1, thousands: ".", decimal: ",", format: (n) => `${n} €` },
  PLN: { rate: 4.3, thousands: " ", decimal: ",", format: (n) => `${n} zł` },
  BRL: { rate: 5.4, thousands: ".", decimal: ",", format: (n) => `R$ ${n}` },
  USD: { rate: 1.08, thousands: ",", decimal: ".", format: (n) => `$${n}` },
  GBP: { rate: 0.85, thousands: ",", decimal: ".", format: (n) => `£${n}` },
  CAD: { rate: 1.47, thousands: ",", decimal: ".", format: (n) => `CA$${n}` },
  SAR: { rate: 4.05, thousands: ",", decimal: ".", format: (n) => `${n} SAR` },
  AED: { rate: 3.97, thousands: ",", decimal: ".", format: (n) => `AED ${n}` },
  EGP: { rate: 52, thousands: ",", decimal: ".", format: (n) => `EGP ${n}` },
};

export function amount(minorUnits: number, currency: Currency): string {
  const c = CURRENCIES[currency];
  const cents = Math.round(minorUnits * c.rate);
  const whole = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, c.thousands);
  return c.format(`${whole}${c.decimal}${String(cents % 100).padStart(2, "0")}`);
}

export type DateStyle = "dmy." | "dmy/" | "mdy/" | "iso" | "dmy-";

export function formatDate(epochMs: number, style: DateStyle): string {
  const d = new Date(epochMs);
  const dd = String(d.getUTCDate()).padStart(2, "0");
  const mm = String(d.getUTCMonth() + 1).padStart(2, "0");
  const yyyy = d.getUTCFullYear();
  switch (style) {
    case "dmy.":
      return `${dd}.${mm}.${yyyy}`;
    case "dmy/":
      return `${dd}/${mm}/${yyyy}`;
    case "mdy/":
      return `${mm}/${dd}/${yyyy}`;
    case "dmy-":
      return `${dd}-${mm}-${yyyy}`;
    default:
      return `${yyyy}-${mm}-${dd}`;
  }
}

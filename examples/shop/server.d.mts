export interface ShopProduct {
  id: number;
  name: string;
  price: number;
}
export interface ShopOptions {
  port?: number;
  /** posthog-js `api_host`; null (default) leaves the SDK out. */
  posthogHost?: string | null;
  /** A deliberate behaviour change for the failing re-drive test. */
  bug?: "banner-text" | "add-label" | null;
  /** Status of POST /api/checkout (default 200). */
  checkoutStatus?: number;
}
export interface RunningShop {
  port: number;
  url: string;
  close(): Promise<void>;
}
export const PRODUCTS: ShopProduct[];
export function startShop(options?: ShopOptions): Promise<RunningShop>;

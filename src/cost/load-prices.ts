import { readFile } from "node:fs/promises";
import { z } from "zod";
import { InputError } from "../errors/input-error.js";
import { zodIssueText } from "../errors/zod-issue-text.js";
import { DEFAULT_PRICES, modelPriceSchema, type PriceTable } from "./price-table.js";

const priceFileSchema = z.record(z.string().regex(/^[a-z0-9-]+:.*$/, "keys are provider:model or provider:"), modelPriceSchema);

/**
 * The built-in price table, overridden and extended by a JSON file of
 * `{"provider:model": {input, cachedInput, output}}` (`"provider:"` prices all of a provider's models).
 */
export async function loadPrices(file?: string): Promise<PriceTable> {
  if (file === undefined) return DEFAULT_PRICES;
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new InputError({ file, field: "--prices" }, `cannot read prices: ${(error as Error).message}`);
  }
  const result = priceFileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError({ file, field: issue.path.map(String).join(".") || "prices" }, zodIssueText(issue));
  }
  return { ...DEFAULT_PRICES, ...result.data };
}

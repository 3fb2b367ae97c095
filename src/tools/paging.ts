import * as z from "zod";
import { counted } from "./wording.js";

/**
 * Paging shared by every list tool: Clerk's `limit` and `offset` in, and
 * `{ <items>, total_count, next_offset }` out. Bounds that any sane call meets are checked in
 * refinements rather than advertised: they would cost tokens in every conversation, and the
 * error says what is expected anyway. `limit`'s maximum stays visible because the model
 * should know a page holds at most 100.
 */

export const Limit = z
  .number()
  .int()
  .max(100)
  .refine((n) => n >= 1, { error: "expected a limit from 1 to 100" })
  .default(20);

export const Offset = z
  .number()
  .int()
  .default(0)
  .refine((n) => n >= 0 && n <= 1_000_000, { error: "expected an offset from 0 to 1000000" });

/** Free-text search. Clerk takes it in the URL; a longer one matches no address, name or ID. */
export const Query = z.string().refine((q) => q.length >= 1 && q.length <= 256, {
  error: "expected 1 to 256 characters",
});

/** The output shape of a page of `item` under `key`. */
export function pageOutput<K extends string, T extends z.ZodType>(key: K, item: T) {
  return {
    [key]: z.array(item),
    total_count: z.number().int(),
    next_offset: z.number().int().nullable().describe("Offset of the next page; null on the last"),
  } as { [P in K]: z.ZodArray<T> } & {
    total_count: z.ZodNumber;
    next_offset: z.ZodNullable<z.ZodNumber>;
  };
}

/** A page: `items` under `key`, the total, and the offset of the next page (null on the last). */
export function page<K extends string, V>(key: K, items: V[], total_count: number, offset: number) {
  const end = offset + items.length;
  return {
    [key]: items,
    total_count,
    next_offset: items.length > 0 && end < total_count ? end : null,
  } as { [P in K]: V[] } & { total_count: number; next_offset: number | null };
}

/**
 * The summary of an empty page: past the end when something matched at a lower offset
 * (`what` is the noun, singular and plural, e.g. ["user", "users"]), else `none`.
 */
export function emptyPageSummary(
  offset: number,
  total_count: number,
  what: readonly [one: string, many: string],
  none: string,
): string {
  return offset > 0 && total_count > 0
    ? `Offset ${offset} is past the end: ${counted(total_count, ...what)} matched. Lower the offset.`
    : none;
}

import * as z from "zod";

/** Shapes shared by several routes' OpenAPI entries. */
export const IdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9.-]{1,110}$/, "an id") });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), continuation: z.string().nullable() });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

import * as z from "zod";

/** Shapes shared by several routes' OpenAPI entries. */
// `maxLength` (implied by the pattern) is for the OpenAPI document.
export const IdParams = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,110}$/, "an id")
    .meta({ maxLength: 110 }),
});

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .max(20)
    .optional()
    .describe("at most the first 20 bad fields"),
  errorCount: z.number().int().optional().describe("how many bad fields there were in all, when `errors` is present"),
});

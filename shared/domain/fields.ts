import * as z from "zod";
import { BSN_MESSAGE, containsBsn } from "./bsn.js";

/** Field types shared by the records' schemas, with the limits clients are told about. */

export const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * Free text: refused when it holds a BSN (DPIA: sensitive data in free text). Everything a
 * candidate sends is checked as a whole as well (`bsnFieldErrors`, applied in shared/http/routes.ts),
 * so a candidate's field is covered whether or not it is declared as free text.
 */
export const freeText = (max: number) => text(max).refine((s) => !containsBsn(s), { error: BSN_MESSAGE });

/** A switch that needs a reason to be turned on, as it parses: turned on, it has its reason. */
export type SwitchWithReason<F extends string> =
  (Record<F, true> & { reason: string }) | (Record<F, false> & { reason?: string | undefined });

/** `{ [flag]: boolean, reason?: string }`, refused without a reason when the flag is set (hiding a profile, suspending deletion). */
export function switchWithReason<F extends string>(flag: F, missingReason: string) {
  // The key is only known as F here, so the shape is typed loosely and the refinement states the real type.
  const shape: Record<string, z.ZodBoolean | z.ZodOptional<z.ZodString>> = { [flag]: z.boolean(), reason: text(500).optional() };
  return z
    .strictObject(shape)
    .refine((b): b is SwitchWithReason<F> => !b[flag] || b.reason !== undefined, { error: missingReason, path: ["reason"] });
}

export const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);
export const isoDate = z.iso.date();
export const yearOf = (d: string) => Number(d.slice(0, 4));
export const municipalityIdField = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,63}$/, "a municipality id such as den-haag")
  .meta({ maxLength: 64 });

export const postcode = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]{3} ?[A-Za-z]{2}$/, "a Dutch postcode such as 3511 AB")
  .refine((s) => !/(SA|SD|SS)$/i.test(s), "the letters SA, SD and SS are not used in Dutch postcodes")
  .transform((s) => `${s.slice(0, 4)} ${s.slice(-2).toUpperCase()}`)
  // What is stored and returned: the OpenAPI document describes the output by this schema.
  .pipe(
    z
      .string()
      .max(7)
      .regex(/^[1-9][0-9]{3} [A-Z]{2}$/),
  )
  .meta({ maxLength: 7 });

export const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{7,19}$/, "a phone number such as 06 12345678 or +31 6 12345678")
  .refine((s) => {
    const digits = s.replace(/\D/g, "").length;
    return digits >= 9 && digits <= 15;
  }, "a phone number has 9 to 15 digits")
  .meta({ maxLength: 21 }); // implied by the pattern; for the OpenAPI document

export const httpsUrl = z.url({ protocol: /^https$/ }).max(500);

/**
 * Each field may be left out (unchanged); optional fields may be null (removed); nested
 * objects merge (RFC 7396). Required fields cannot be removed.
 */
export function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const optional = field instanceof z.ZodOptional;
    const inner = optional ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
    const value = inner instanceof z.ZodObject ? patchOf(inner) : inner;
    shape[key] = optional ? value.nullable().optional() : value.optional();
  }
  return z.strictObject(shape);
}

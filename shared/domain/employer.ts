import * as z from "zod";
import { patchOf, phone, postcode, text } from "./fields.js";
import { normalise } from "./search-terms.js";
import { Contact } from "./municipality.js";

export const KvkNumber = z
  .string()
  .regex(/^\d{8}$/, "a KvK number has 8 digits")
  .meta({ maxLength: 8 });

/** Entered by an account manager, prefilled from KvK (employers enter no data themselves). */
export const EmployerFields = z.strictObject({
  companyName: text(200),
  kvkNumber: KvkNumber,
  address: z.strictObject({ street: text(200), postcode, city: text(100) }),
  contact: z
    .strictObject({
      firstName: text(100),
      lastName: text(100),
      email: z.email().max(254),
      phone: phone.optional(),
    })
    .meta({ id: "EmployerContact", description: "the employer's contact person" }),
});
export type EmployerFields = z.infer<typeof EmployerFields>;

export const EMPLOYER_STATUSES = ["invited", "active", "ended"] as const;

export const EmployerView = EmployerFields.extend({
  id: z.string(),
  municipalityId: z.string(),
  status: z.enum(EMPLOYER_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type EmployerView = z.infer<typeof EmployerView>;

/** What an employer user reads about their own company: plus the municipality's contact person. */
export const OwnEmployerView = EmployerView.extend({ municipalityContact: Contact });

export interface EmployerDoc extends EmployerView {
  type: "employer";
  sortKey: string;
  accountSubs?: string[];
  invitationIds?: string[];
  /** Set when an account manager ends the participation: the employer and its vacancies go then. */
  ended?: { endedOn: string; deleteOn: string };
}

export type EmployerRecord = Omit<EmployerDoc, "sortKey">;

export function withEmployerSortKey(doc: EmployerRecord): EmployerDoc {
  return { ...doc, sortKey: normalise(doc.companyName) };
}

export function toEmployerView(doc: EmployerDoc): EmployerView {
  const { type: _t, sortKey: _s, accountSubs: _a, invitationIds: _i, ended: _e, ...view } = doc;
  return view;
}

export const EmployerListQuery = z.object({ q: z.string().trim().min(1).max(100).optional() });

export const EmployerPatchBody = patchOf(EmployerFields);

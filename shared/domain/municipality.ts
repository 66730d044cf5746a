import * as z from "zod";
import { phone, text } from "./fields.js";
import { RetentionPeriods } from "./retention.js";
import { EMPLOYER_REACH } from "./visibility.js";

export const Contact = z
  .strictObject({
    name: text(100),
    email: z.email().max(254),
    phone: phone.optional(),
  })
  .meta({ id: "MunicipalityContact", description: "a municipality's contact person for employers" });
export type Contact = z.infer<typeof Contact>;

/** A municipality's own choices, set by its functional administrator. */
export const MunicipalitySettings = z
  .strictObject({
    /**
     * `all`: employers of every participating municipality see its shared candidates (the DPIA's
     * default); `ownMunicipality`: only employers (and account managers) of this municipality do.
     */
    employerReach: z.enum(EMPLOYER_REACH),
    /** The contact person employers of this municipality see; without it the general WSP contact. */
    contact: Contact.optional(),
    /** Retention periods in years where this municipality departs from the configured ones. */
    retentionYears: RetentionPeriods.partial()
      .meta({ id: "RetentionYears", description: "retention periods in years where the municipality keeps data longer than configured" })
      .optional(),
    /**
     * The team mailbox that gets staff signals by e-mail: retention signals (coaches) and
     * viewing-limit signals (account managers). Without it they are only in the signals inbox.
     */
    teamMailbox: z
      .email()
      .max(254)
      .optional()
      .describe(
        "the team mailbox (not a person's address) that gets staff signals by e-mail; without it, signals are only in the inbox (GET /signals)",
      ),
  })
  .meta({ id: "MunicipalitySettings", description: "A municipality's own choices, set by its functional administrator." });
export type MunicipalitySettings = z.infer<typeof MunicipalitySettings>;

export const DEFAULT_SETTINGS: MunicipalitySettings = { employerReach: "all" };

import { findAccount, type AccountDoc } from "../data/accounts.js";
import { forbidden, notFound } from "../domain/errors.js";
import { hasMunicipalityClaim, type Principal } from "../domain/roles.js";
import { municipalityOf } from "./municipalities.js";

/** Who is looking, with the municipality their sight is measured from. */
export interface Viewer {
  principal: Principal;
  /** Staff: their own; employers: the municipality that invited them; candidates: their own. */
  municipalityId: string;
  /** Employers and candidates: the record their account is linked to. */
  recordId?: string;
}

const NOT_LINKED = {
  candidate: "no profile is linked to this account; redeem the invitation code from your coach first",
  employer: "no employer is linked to this account; redeem the invitation code from your account manager first",
} as const;

/** The account a candidate or employer user signed in with; 404 (candidates) or 403 (employers) when not linked. */
export async function linkedAccount(principal: Principal, kind: AccountDoc["kind"]): Promise<AccountDoc> {
  const account = await findAccount(principal.sub);
  if (!account || account.kind !== kind) {
    throw kind === "candidate" ? notFound(NOT_LINKED.candidate) : forbidden(NOT_LINKED.employer);
  }
  return account;
}

/** A candidate's or employer's view: always of the record their account is linked to. */
export interface LinkedViewer extends Viewer {
  recordId: string;
}

export async function linkedViewerOf(principal: Principal, kind: AccountDoc["kind"]): Promise<LinkedViewer> {
  const account = await linkedAccount(principal, kind);
  return { principal, municipalityId: account.municipalityId, recordId: account.recordId };
}

export async function viewerOf(principal: Principal): Promise<Viewer> {
  if (hasMunicipalityClaim(principal.role)) return { principal, municipalityId: municipalityOf(principal) };
  return linkedViewerOf(principal, principal.role === "employer" ? "employer" : "candidate");
}

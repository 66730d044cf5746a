import { container, isStatus, withoutSystemFields } from "./cosmos.js";
import { StaleVersion } from "./errors.js";
import { ignoreNotFound } from "./status.js";
import type { AccountKind } from "./accounts.js";
import type { Versioned } from "./documents.js";

export interface InvitationDoc {
  /** SHA-256 of the code; the code itself is never stored. */
  id: string;
  kind: AccountKind;
  municipalityId: string;
  recordId: string;
  createdAt: string;
  expiresAt: string;
  redeemedAt?: string;
}

const invitations = () => container("invitations");

export async function insertInvitation(doc: InvitationDoc): Promise<void> {
  await invitations().items.create(doc);
}

export async function readInvitation(hash: string): Promise<Versioned<InvitationDoc> | undefined> {
  const { resource, etag } = await invitations().item(hash, hash).read<InvitationDoc>();
  return resource ? { doc: withoutSystemFields(resource), etag } : undefined;
}

/** Marks the code used; of two concurrent redemptions only one passes the ETag check (the other: StaleVersion). */
export async function markRedeemed({ doc, etag }: Versioned<InvitationDoc>, at: string): Promise<void> {
  try {
    await invitations()
      .item(doc.id, doc.id)
      .replace({ ...doc, redeemedAt: at }, { accessCondition: { type: "IfMatch", condition: etag } });
  } catch (err) {
    if (isStatus(err, 412)) throw new StaleVersion("the invitation was redeemed meanwhile");
    throw err;
  }
}

export async function deleteInvitation(hash: string): Promise<void> {
  await ignoreNotFound(invitations().item(hash, hash).delete());
}

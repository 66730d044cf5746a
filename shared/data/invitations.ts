import { conflict } from "../domain/errors.js";
import { container, isStatus, withoutSystemFields } from "./cosmos.js";
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

/** Marks the code used; of two concurrent redemptions only one passes the ETag check. */
export async function markRedeemed({ doc, etag }: Versioned<InvitationDoc>, at: string): Promise<void> {
  try {
    await invitations()
      .item(doc.id, doc.id)
      .replace({ ...doc, redeemedAt: at }, { accessCondition: { type: "IfMatch", condition: etag } });
  } catch (err) {
    if (isStatus(err, 412)) throw conflict("this invitation code has already been used");
    throw err;
  }
}

export async function deleteInvitation(hash: string): Promise<void> {
  await invitations().item(hash, hash).delete().catch((err: { code?: number }) => {
    if (err.code !== 404) throw err;
  });
}

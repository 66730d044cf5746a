import { httpEtag } from "./etag.js";
import type { Reply } from "./routes.js";

/** A single resource with its ETag. */
export const versioned = ({ view, etag }: { view: unknown; etag: string }): Reply => ({ body: view, etag: httpEtag(etag) });

/** 201 with Location, ETag, and the invitation code staff hand over when they create a record. */
export function createdWithInvitation(
  collection: string,
  created: { view: { id: string }; etag: string; invitationCode: string; invitationExpiresAt: string },
): Reply {
  return {
    status: 201,
    etag: httpEtag(created.etag),
    headers: { Location: `/api/${collection}/${created.view.id}` },
    body: { ...created.view, invitationCode: created.invitationCode, invitationExpiresAt: created.invitationExpiresAt },
  };
}

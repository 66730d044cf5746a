import { appendAudit, type AuditAction } from "../data/audit.js";
import { nowIso } from "../domain/clock.js";
import type { Principal } from "../domain/roles.js";

/** Records that `principal` did `action` on a candidate; returns when it is stored. */
export function audit(
  principal: Principal,
  action: AuditAction,
  candidate: { id: string; municipalityId: string },
  fields?: string[],
): Promise<void> {
  return appendAudit(principal, nowIso(), {
    subjectId: candidate.id,
    municipalityId: candidate.municipalityId,
    action,
    ...(fields ? { fields } : {}),
  });
}

/** Field names a merge patch touches, as dotted paths one level deep ("admin.postcode"). */
export function touchedFields(side: string, patch: Record<string, unknown>): string[] {
  return Object.keys(patch).map((key) => `${side}.${key}`);
}

import type { Principal } from "../domain/roles.js";
import { container } from "./cosmos.js";

export type AuditAction = "create" | "read" | "update" | "erase" | "redeem" | "acceptTerms" | "sharing" | "search";

/**
 * One usage-log line (DPIA §2): who, what, when; the IP address for staff only. Never field
 * values: changed fields by name; for searches, the filters and how many results came back.
 */
export interface AuditEvent {
  id: string;
  /** A candidate's id, or for searches `search:{municipality}:{yyyy-mm}` (one partition a month). */
  subjectId: string;
  subjectType: "candidate" | "search";
  municipalityId: string;
  action: AuditAction;
  fields?: string[];
  filters?: Record<string, unknown>;
  resultCount?: number;
  actor: { sub: string; role: Principal["role"]; municipalityId?: string; ip?: string };
  at: string;
}

export type AuditInput = Omit<AuditEvent, "id" | "actor" | "at">;

/** Upserts, so a retried write that logs with the same id leaves one event. */
export async function appendAudit(principal: Principal, at: string, id: string, input: AuditInput): Promise<void> {
  const actor: AuditEvent["actor"] = { sub: principal.sub, role: principal.role };
  if (principal.municipalityId) actor.municipalityId = principal.municipalityId;
  if (principal.ip) actor.ip = principal.ip;
  const event: AuditEvent = { id, ...input, actor, at };
  await container("audit").items.upsert(event);
}

/** A subject's trail, newest first (one partition). */
export async function auditTrail(subjectId: string): Promise<AuditEvent[]> {
  const { resources } = await container("audit")
    .items.query<AuditEvent>(
      {
        query: "SELECT c.id, c.subjectId, c.subjectType, c.municipalityId, c.action, c.fields, c.filters, c.resultCount, c.actor, c.at FROM c WHERE c.subjectId = @s ORDER BY c.at DESC",
        parameters: [{ name: "@s", value: subjectId }],
      },
      { partitionKey: subjectId },
    )
    .fetchAll();
  return resources;
}

import { deleteAccount } from "../data/accounts.js";
import { deleteInvitation } from "../data/invitations.js";
import { candidatesByClientNumbers, readCandidate } from "../data/candidates.js";
import type { VersionCheck } from "../data/documents.js";
import { vacanciesOfEmployer } from "../data/vacancies.js";
import { nowIso, todayIso } from "../domain/clock.js";
import { toEmployerView, type EmployerView } from "../domain/employer.js";
import { AppError, badRequest, fieldErrors, notFound, type FieldError } from "../domain/errors.js";
import type { SwitchWithReason } from "../domain/fields.js";
import { addDays, legalHoldApplies, retentionFor, ServiceEndLine, type RetentionPeriods, type ServiceEnd } from "../domain/retention.js";
import type { Principal } from "../domain/roles.js";
import { config } from "../config/index.js";
import { auditChange } from "./audit.js";
import { candidateView, modifyCandidate, modifyEmployer, type VersionedView } from "./concurrency.js";
import { municipalityOf, retentionPeriods } from "./municipalities.js";
import { eraseCandidate } from "./retention.js";
import { closeVacancy } from "./vacancies.js";

function refuseFuture(end: ServiceEnd): void {
  if (end.endedOn > todayIso())
    throw badRequest("the service cannot end in the future", [{ path: "endedOn", message: "a date up to today" }]);
}

/**
 * Records the end of service, which starts the retention period: the deletion date is computed
 * now (rules in domain/retention.ts, periods from configuration and the municipality) and stored,
 * so the nightly sweep finds it by an indexed range. The candidate becomes inactive.
 */
export async function recordServiceEnd(principal: Principal, id: string, end: ServiceEnd, expected?: VersionCheck): Promise<VersionedView> {
  return endService(principal, id, end, await retentionPeriods(municipalityOf(principal)), expected);
}

async function endService(
  principal: Principal,
  id: string,
  end: ServiceEnd,
  periods: RetentionPeriods,
  expected?: VersionCheck,
): Promise<VersionedView> {
  refuseFuture(end);
  const municipalityId = municipalityOf(principal);
  const updated = await modifyCandidate({
    municipalityId,
    id,
    expected,
    change: (doc) => ({
      ...doc,
      serviceEnd: end,
      retention: retentionFor(end, periods, addDays(todayIso(), config().RETENTION_SIGNAL_DAYS)),
      status: "inactive",
      updatedAt: nowIso(),
    }),
    alongside: auditChange(principal, "update", ["serviceEnd"]),
  });
  return candidateView(updated);
}

export type LineResult =
  | { line: number; clientNumber?: string; status: "recorded" | "alreadyRecorded" | "unknownClientNumber"; candidateId?: string }
  | { line: number; clientNumber?: string; status: "invalid"; errors: FieldError[] };

const sameEnd = (a: ServiceEnd | undefined, b: ServiceEnd) =>
  !!a && a.endedOn === b.endedOn && a.reason === b.reason && (a.esfProgrammeEndsOn ?? null) === (b.esfProgrammeEndsOn ?? null);

/**
 * A client-tracking system (RAAK/RMW) reports ended services in a batch; each line is checked
 * and recorded on its own, and the answer says per line what happened.
 */
export async function recordServiceEnds(
  principal: Principal,
  items: unknown[],
): Promise<{ results: LineResult[]; summary: Record<string, number> }> {
  const municipalityId = municipalityOf(principal);
  const parsed = items.map((item, i) => ({ line: i + 1, item, result: ServiceEndLine.safeParse(item) }));
  const numbers = [...new Set(parsed.flatMap((p) => (p.result.success ? [p.result.data.clientNumber] : [])))];
  const known = new Map((numbers.length ? await candidatesByClientNumbers(municipalityId, numbers) : []).map((c) => [c.clientNumber, c]));
  const periods = await retentionPeriods(municipalityId);

  const results: LineResult[] = [];
  for (const { line, item, result } of parsed) {
    if (!result.success) {
      const clientNumber = typeof item === "object" && item !== null && "clientNumber" in item ? item.clientNumber : undefined;
      results.push({
        line,
        ...(typeof clientNumber === "string" ? { clientNumber } : {}),
        status: "invalid",
        errors: fieldErrors(result.error),
      });
      continue;
    }
    const { clientNumber, ...end } = result.data;
    const candidate = known.get(clientNumber);
    if (!candidate) {
      results.push({ line, clientNumber, status: "unknownClientNumber" });
      continue;
    }
    if (sameEnd(candidate.serviceEnd as ServiceEnd | undefined, end)) {
      results.push({ line, clientNumber, status: "alreadyRecorded", candidateId: candidate.id });
      continue;
    }
    try {
      await endService(principal, candidate.id, end, periods);
      candidate.serviceEnd = end; // a repeated line in the same batch is then "already recorded"
      results.push({ line, clientNumber, status: "recorded", candidateId: candidate.id });
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      results.push({ line, clientNumber, status: "invalid", errors: err.errors ?? [{ path: "(line)", message: err.detail }] });
    }
  }
  const summary: Record<LineResult["status"], number> = { recorded: 0, alreadyRecorded: 0, unknownClientNumber: 0, invalid: 0 };
  for (const r of results) summary[r.status]++;
  return { results, summary };
}

/** An admin suspends (or lifts) deletion of a candidate's data. */
export async function setLegalHold(
  principal: Principal,
  id: string,
  hold: SwitchWithReason<"hold">,
  expected: VersionCheck | undefined,
): Promise<VersionedView> {
  const updated = await modifyCandidate({
    municipalityId: municipalityOf(principal),
    id,
    expected,
    change: (doc) => {
      const { legalHold: _old, ...rest } = doc;
      return hold.hold
        ? { ...rest, legalHold: { since: nowIso(), reason: hold.reason }, updatedAt: nowIso() }
        : { ...rest, updatedAt: nowIso() };
    },
    alongside: auditChange(principal, "update", ["legalHold"]),
  });
  return candidateView(updated);
}

/** A candidate asked to stop participating: everything goes now, by the same machinery as the sweep. */
export async function deleteCandidateNow(principal: Principal, id: string): Promise<void> {
  const municipalityId = municipalityOf(principal);
  const found = await readCandidate(municipalityId, id);
  if (!found) throw notFound("no such candidate in your municipality");
  if (found.doc.legalHold) throw legalHoldApplies(found.doc.legalHold.reason);
  await eraseCandidate(found.doc, found.etag, "request", principal);
}

/**
 * An account manager ends an employer's participation: its users lose access now, its open
 * vacancies close, and the employer and its vacancies are deleted EMPLOYER_RETENTION_DAYS later.
 */
export async function endEmployer(principal: Principal, id: string, endedOn: string | undefined): Promise<VersionedView<EmployerView>> {
  const municipalityId = municipalityOf(principal);
  const on = endedOn ?? todayIso();
  if (on > todayIso()) throw badRequest("an employer cannot end in the future", [{ path: "endedOn", message: "a date up to today" }]);
  let users: string[] = [];
  let codes: string[] = [];
  const updated = await modifyEmployer({
    municipalityId,
    id,
    change: (doc) => {
      const { accountSubs, invitationIds, ...rest } = doc;
      users = accountSubs ?? [];
      codes = invitationIds ?? [];
      return {
        ...rest,
        status: "ended" as const,
        ended: { endedOn: on, deleteOn: addDays(on, config().EMPLOYER_RETENTION_DAYS) },
        updatedAt: nowIso(),
      };
    },
  });
  // Access ends now: the users' links and any code not yet redeemed.
  for (const sub of users) await deleteAccount(sub);
  for (const code of codes) await deleteInvitation(code);
  for (const v of await vacanciesOfEmployer(municipalityId, id)) {
    if (v.status === "open") await closeVacancy(municipalityId, v.id);
  }
  return { view: toEmployerView(updated.doc), etag: updated.etag };
}

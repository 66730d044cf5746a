import { auditTrailPage, type AppearanceEvent, type AuditAction, type AuditEvent } from "../data/audit.js";
import { readCandidate } from "../data/candidates.js";
import { readEmployer } from "../data/employers.js";
import { continuations, type Continuations, type Page } from "../data/paging.js";
import { municipalityOfCandidate } from "../domain/candidate.js";
import { notFound } from "../domain/errors.js";
import type { Principal, Role } from "../domain/roles.js";
import { audit } from "./audit.js";
import { municipalityOf } from "./municipalities.js";
import { admitView } from "./view-limits.js";
import { linkedAccount } from "./viewer.js";

/**
 * Who did something, as the candidate may know it: the role and the organisation (the
 * municipality for staff, the company for employers), never a person's account.
 */
export interface AccessLogActor {
  role: Role;
  organisation: { type: "candidate" | "municipality" | "employer"; id?: string; name: string };
}

/**
 * One line of a candidate's access log. Reads, downloads and changes one by one; appearances in
 * search results summed per organisation and UTC day (`day`, `count`; `at` is the latest one).
 */
export interface AccessLogEntry {
  at: string;
  action: AuditAction;
  fields?: string[];
  day?: string;
  count?: number;
  who: AccessLogActor;
}

/** `den-haag` → `Den Haag`: the municipality ids are their names, lower-cased and dashed. */
export const municipalityName = (id: string) =>
  `Municipality of ${id
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ")}`;

type TrailItem = AuditEvent | AppearanceEvent;

/** Turns stored events into log lines, naming employers by their company (one point read per company on the page). */
async function toEntries(events: TrailItem[]): Promise<AccessLogEntry[]> {
  const companies = new Map<string, Promise<string>>();
  const company = (id: string, municipalityId: string) => {
    const key = `${municipalityId}/${id}`;
    let name = companies.get(key);
    if (!name) {
      name = readEmployer(municipalityId, id).then((e) => e?.doc.companyName ?? "an employer that no longer takes part");
      companies.set(key, name);
    }
    return name;
  };
  return Promise.all(
    events.map(async (e): Promise<AccessLogEntry> => {
      const { role, municipalityId, employerId } = e.actor;
      const organisation: AccessLogActor["organisation"] =
        role === "candidate"
          ? { type: "candidate", name: "the candidate" }
          : employerId && municipalityId
            ? { type: "employer", id: employerId, name: await company(employerId, municipalityId) }
            : {
                type: "municipality",
                ...(municipalityId ? { id: municipalityId, name: municipalityName(municipalityId) } : { name: "a municipality" }),
              };
      const entry: AccessLogEntry = { at: e.at, action: e.action, who: { role, organisation } };
      if ("fields" in e && e.fields?.length) entry.fields = e.fields;
      if (e.action === "appearances") Object.assign(entry, { day: (e as AppearanceEvent).day, count: (e as AppearanceEvent).count });
      return entry;
    }),
  );
}

/** `token` is the decoded continuation: callers decode it before they write anything, so a bad one is a 400 that leaves no trace. */
async function logPage(
  candidateId: string,
  pageSize: number,
  token: string | undefined,
  tokens: Continuations<string>,
): Promise<Page<AccessLogEntry>> {
  const page = await auditTrailPage(candidateId, pageSize, token);
  return { items: await toEntries(page.items), continuation: tokens.encode(page.continuation) };
}

/** Every line, newest first (the export): bounded by the usage log's retention and the viewing limits. */
export async function wholeAccessLog(candidateId: string): Promise<AccessLogEntry[]> {
  const out: AccessLogEntry[] = [];
  let token: string | undefined;
  do {
    const page = await auditTrailPage(candidateId, 100, token);
    out.push(...(await toEntries(page.items)));
    token = page.continuation;
  } while (token);
  return out;
}

/** The candidate's own log. Reading it is itself logged. */
export async function myAccessLog(principal: Principal, pageSize: number, continuation?: string): Promise<Page<AccessLogEntry>> {
  const { municipalityId, recordId } = await linkedAccount(principal, "candidate");
  const subject = { id: recordId, municipalityId };
  const tokens = continuations(JSON.stringify(["access-log", recordId]));
  const token = tokens.decode(continuation);
  await admitView({ principal, municipalityId, recordId }, []);
  const [page] = await Promise.all([logPage(recordId, pageSize, token, tokens), audit(principal, "accessLog", subject)]);
  return page;
}

/** Staff of the candidate's municipality (coach, admin) read the same log; elsewhere 404. */
export async function candidateAccessLog(
  principal: Principal,
  candidateId: string,
  pageSize: number,
  continuation?: string,
): Promise<Page<AccessLogEntry>> {
  const m = municipalityOf(principal);
  if (municipalityOfCandidate(candidateId) !== m) throw notFound("no such candidate, or not one you may see");
  const tokens = continuations(JSON.stringify(["access-log", candidateId]));
  const token = tokens.decode(continuation);
  await admitView({ principal }, [candidateId]);
  if (!(await readCandidate(m, candidateId))) throw notFound("no such candidate, or not one you may see");
  const [page] = await Promise.all([
    logPage(candidateId, pageSize, token, tokens),
    audit(principal, "accessLog", { id: candidateId, municipalityId: m }),
  ]);
  return page;
}

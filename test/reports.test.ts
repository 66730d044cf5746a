import { beforeAll, describe, expect, it } from "vitest";
import { container } from "../shared/data/cosmos.js";
import { toCsv } from "../shared/http/csv.js";
import {
  buildEmployer,
  employerUser,
  inviteCandidate,
  newMunicipality,
  sharedCandidate,
  signedUpCandidate,
  tokenFor,
} from "./support/factories.js";
import { jpeg, pdf } from "./support/files.js";
import { call, type Problem, type Schema } from "./support/http.js";
import { complete, upload } from "./support/uploads.js";
import { testClock } from "./support/runtime.js";
import { anyString } from "./support/matchers.js";

/** The summary; `T` says which answer the test expects: the JSON figures unless it asks for CSV (a string) or a refusal. */
const report = async <T = Schema<"ReportSummary">>(
  m: string,
  query = "",
  headers: Record<string, string> = {},
  role: "teamLead" | "admin" = "teamLead",
) => call<T>("GET", `/api/reports/summary${query}`, { token: await tokenFor(role, m), headers });

const times = async (n: number, act: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < n; i++) await act(i);
};

/** `section.item → value` from the CSV rows (header row dropped), parsed as RFC 4180 for what the report holds. */
function csvFigures(text: string): Record<string, string> {
  expect(text.endsWith("\r\n")).toBe(true);
  const [header, ...rows] = text.slice(0, -2).split("\r\n");
  expect(header).toBe("section,item,value");
  return Object.fromEntries(
    rows.map((row) => {
      const [section, item, value] = row.split(",");
      return [`${section}.${item}`, value!];
    }),
  );
}

/** A report's figures as JSON: numbers and strings, grouped in sections. */
interface Figures {
  [key: string]: string | number | null | Figures;
}

/** The same from the JSON answer. */
function jsonFigures(body: Figures, prefix = "report"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value !== null && typeof value === "object") Object.assign(out, jsonFigures(value, prefix === "report" ? key : `${prefix}.${key}`));
    else out[`${prefix}.${key}`] = value === null ? "" : String(value);
  }
  return out;
}

describe("GET /reports/summary", () => {
  const m = newMunicipality("report");
  const other = newMunicipality("elsewhere");
  let subs: string[] = [];

  beforeAll(async () => {
    // m: 5 invited; 6 active, 5 of them sharing (one hidden by a coach); one more erased on request.
    await times(5, () => inviteCandidate(m));
    const shared: Awaited<ReturnType<typeof sharedCandidate>>[] = [];
    for (let i = 0; i < 5; i++) shared.push(await sharedCandidate(m));
    const notSharing = await signedUpCandidate(m);
    const hide = await call("PUT", `/api/candidates/${shared[0]!.id}/employer-visibility`, {
      token: shared[0]!.coach,
      body: { hidden: true, reason: "op verzoek" },
    });
    expect(hide.status).toBe(200);
    const leaving = await inviteCandidate(m);
    expect((await call("DELETE", `/api/candidates/${leaving.id}`, { token: leaving.coach })).status).toBe(204);
    // Five CVs (a replacement counts as an upload too).
    await times(5, async (i) => {
      const cv = await upload(shared[i % 2]!.token, "cv", "application/pdf", pdf());
      expect((await complete(shared[i % 2]!.token, cv.ticket.uploadId)).status).toBe(200);
    });
    // One employer that signed in, one still invited; 4 open vacancies and 1 closed.
    const employer = await employerUser(m);
    expect((await call("POST", "/api/employers", { token: employer.accountManager, body: buildEmployer() })).status).toBe(201);
    await times(5, async (i) => {
      const created = await call<Schema<"VacancyView">>("POST", "/api/vacancies", {
        token: employer.accountManager,
        body: { employerId: employer.id, title: `Lasser ${i}`, description: "Lassen", occupation: "lasser", sector: "metaal" },
      });
      expect(created.status).toBe(201);
      if (i === 0)
        expect(
          (await call("PATCH", `/api/vacancies/${created.body.id}`, { token: employer.accountManager, body: { status: "closed" } })).status,
        ).toBe(200);
    });
    // The employer searches 5 times and opens candidates 6 times.
    await times(5, async () =>
      expect((await call("GET", "/api/search/candidates?skill=lassen", { token: employer.token })).status).toBe(200),
    );
    await times(6, async (i) =>
      expect((await call("GET", `/api/candidates/${shared[1 + (i % 4)]!.id}`, { token: employer.token })).status).toBe(200),
    );

    // Elsewhere: a candidate with a photo, an employer searching, an erasure; none of it counts in m.
    const there = await sharedCandidate(other);
    const photo = await upload(there.token, "photo", "image/jpeg", jpeg());
    expect((await complete(there.token, photo.ticket.uploadId)).status).toBe(200);
    const otherEmployer = await employerUser(other);
    await times(2, async () =>
      expect((await call("GET", "/api/search/candidates?skill=lassen", { token: otherEmployer.token })).status).toBe(200),
    );
    const gone = await inviteCandidate(other);
    expect((await call("DELETE", `/api/candidates/${gone.id}`, { token: gone.coach })).status).toBe(204);
    subs = [...shared.map((c) => c.sub), notSharing.sub, employer.sub, otherEmployer.sub];
  });

  it("when a team lead asks for this month, then every figure matches what was done, small counts show as <5 and totals that would give them away are suppressed", async () => {
    const res = await report(m);

    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers.vary).toBe("Accept");
    expect(res.body).toEqual({
      municipalityId: m,
      month: new Date().toISOString().slice(0, 7),
      generatedAt: anyString,
      candidates: {
        byStatus: { invited: 5, active: 6, inactive: 0, total: 11 },
        sharingWithEmployers: 5,
        sharingPercent: 45.5,
        hiddenFromEmployers: "<5",
      },
      // Two cells of 1: their sum (the total) would show that both are 1.
      employers: { byStatus: { invited: "<5", active: "<5", ended: 0, total: "suppressed" } },
      // Two small cells (4 and 1) whose sum 5 each could make up in several ways: the total stays.
      vacancies: { byStatus: { open: "<5", closed: "<5", total: 5 } },
      uploads: { cv: 5, video: 0, photo: 0, total: 5 },
      // One small cell: the total minus the rest would be that cell.
      deletions: {
        candidatesByRule: { aborted: 0, rejected: 0, completed: 0, esf: 0, onRequest: "<5", total: "suppressed" },
        profilesErased: 0,
        employers: 0,
      },
      employerActivity: { searches: 5, candidateViews: 6 },
    });
  });

  it("when the other municipality's team lead asks, then only its own figures count, suppressed the same way", async () => {
    const res = await report(other, "", {}, "admin");

    expect(res.status).toBe(200);
    expect(res.body.candidates.byStatus).toEqual({ invited: 0, active: "<5", inactive: 0, total: "suppressed" });
    expect(res.body.candidates.sharingPercent).toBeNull();
    expect(res.body.uploads).toEqual({ cv: 0, video: 0, photo: "<5", total: "suppressed" });
    expect(res.body.employerActivity).toEqual({ searches: "<5", candidateViews: 0 });
    expect(res.body.deletions.candidatesByRule.onRequest).toBe("<5");
  });

  it("when asked for CSV, then the same figures come as an attachment, one RFC 4180 row per figure", async () => {
    const json = await report(m);
    const csv = await report<string>(m, "", { accept: "text/csv" });

    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers["content-disposition"]).toBe(`attachment; filename="hallowerk-report-${m}-${json.body.month}.csv"`);
    const figures = csvFigures(csv.body);
    const { "report.generatedAt": _a, ...fromCsv } = figures;
    const { "report.generatedAt": _b, ...fromJson } = jsonFigures(json.body);
    expect(fromCsv).toEqual(fromJson);
    expect(figures).toMatchObject({
      "report.municipalityId": m,
      "candidates.byStatus.invited": "5",
      "candidates.hiddenFromEmployers": "<5",
      "employers.byStatus.total": "suppressed",
      "deletions.candidatesByRule.onRequest": "<5",
      "employerActivity.searches": "5",
    });
  });

  it("when the figures are read, then nothing in them names a person or staff member, and the read is logged", async () => {
    const lead = await tokenFor("teamLead", m, { sub: "lead-report-reader" });
    const res = await call<Schema<"ReportSummary">>("GET", "/api/reports/summary?month=2026-10", { token: lead });
    const csv = await call<string>("GET", "/api/reports/summary", { token: lead, headers: { accept: "text/csv" } });

    const text = JSON.stringify(res.body) + csv.body;
    for (const sub of [...subs, "lead-report-reader"]) expect(text).not.toContain(sub);
    const { resources } = await container("audit")
      .items.query({
        query: "SELECT c.subjectType, c.action, c.municipalityId, c.filters, c.actor.role AS role FROM c WHERE c.actor.sub = @s",
        parameters: [{ name: "@s", value: "lead-report-reader" }],
      })
      .fetchAll();
    expect(resources).toHaveLength(2);
    expect(resources).toContainEqual({
      subjectType: "report",
      action: "report",
      municipalityId: m,
      filters: { month: "2026-10" },
      role: "teamLead",
    });
  });

  it.each([
    ["text/csv;q=0.5, application/json", "application/json; charset=utf-8"],
    ["*/*", "application/json; charset=utf-8"],
    ["text/*", "text/csv; charset=utf-8"],
    ["application/json;q=0, text/csv", "text/csv; charset=utf-8"],
  ])("when Accept is %s, then the answer is %s", async (accept, type) => {
    const res = await report(m, "", { accept });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(type);
  });

  it("when Accept allows neither JSON nor CSV, then 406 says which it can send", async () => {
    const res = await report<Problem>(m, "", { accept: "application/xml, text/html;q=0.9" });
    expect(res.status).toBe(406);
    expect(res.body.detail).toMatch(/application\/json or text\/csv/);
  });

  it.each([
    ["?month=2026-13", "month"],
    ["?month=26-11", "month"],
    ["?month=2026-11-01", "month"],
    ["?month=2999-01", "month"],
    ["?period=2026-11", "period"],
  ])("when the query is %s, then 400 names %s", async (query, path) => {
    const res = await report<Schema<"ValidationProblem">>(m, query);
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toContain(path);
  });

  it("when the month has not begun, then 400 says which months can be asked for", async () => {
    testClock.set(() => new Date("2026-11-30T23:59:59.999Z"));
    const res = await report<Schema<"ValidationProblem">>(m, "?month=2026-12");
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(/this month \(UTC\) or an earlier one/);
  });
});

describe("GET /reports/summary: month boundaries", () => {
  it("when events fall on either side of midnight UTC at a month's end, then each counts in its own month", async () => {
    const m = newMunicipality("boundary");
    const employer = await employerUser(m);
    const search = () => call("GET", "/api/search/candidates?skill=lassen", { token: employer.token });
    testClock.set(() => new Date("2026-10-31T23:59:59.999Z"));
    await times(5, async () => expect((await search()).status).toBe(200));
    testClock.set(() => new Date("2026-11-01T00:00:00.000Z"));
    await times(6, async () => expect((await search()).status).toBe(200));

    const october = await report(m, "?month=2026-10");
    const november = await report(m, "?month=2026-11");
    expect(october.body.employerActivity.searches).toBe(5);
    expect(november.body.employerActivity.searches).toBe(6);
  });

  it("when the retention sweep deletes candidates, then they count under their rule in the month of deletion, not before", async () => {
    const m = newMunicipality("deleted");
    testClock.set(() => new Date("2026-11-20T10:00:00Z"));
    await times(5, async () => {
      const c = await inviteCandidate(m);
      const ended = await call("POST", `/api/candidates/${c.id}/service-end`, {
        token: c.coach,
        body: { endedOn: "2020-01-01", reason: "aborted" },
      });
      expect(ended.status).toBe(200);
    });
    const completed = await inviteCandidate(m);
    await call("POST", `/api/candidates/${completed.id}/service-end`, {
      token: completed.coach,
      body: { endedOn: "2015-06-01", reason: "completed" },
    });
    // The dates moved 30 days out (2026-12-20) so the coaches hear first; the sweep runs on 2027-01-01.
    testClock.set(() => new Date("2027-01-01T00:00:00.000Z"));
    const run = await call("POST", "/api/admin/retention/run", { token: await tokenFor("admin", m), body: { dryRun: false } });
    expect(run.status).toBe(200);

    const december = await report(m, "?month=2026-12");
    const january = await report(m, "?month=2027-01");
    expect(december.body.deletions.candidatesByRule).toEqual({ aborted: 0, rejected: 0, completed: 0, esf: 0, onRequest: 0, total: 0 });
    expect(january.body.deletions.candidatesByRule).toEqual({
      aborted: 5,
      rejected: 0,
      completed: "<5",
      esf: 0,
      onRequest: 0,
      total: "suppressed",
    });
    expect(january.body.candidates.byStatus).toEqual({ invited: 0, active: 0, inactive: 0, total: 0 });
  });
});

describe("CSV", () => {
  it("when fields hold commas, quotes, line breaks or what a spreadsheet would run, then they are quoted and defused as RFC 4180 and the row order kept", () => {
    expect(
      toCsv([
        ["section", "item", "value"],
        ["a,b", 'say "hi"', 3],
        ["x", "line\nbreak", null],
        ["=SUM(A1)", "-1", "@x"],
      ]),
    ).toBe('section,item,value\r\n"a,b","say ""hi""",3\r\nx,"line\nbreak",\r\n\'=SUM(A1),\'-1,\'@x\r\n');
  });
});

import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./api.js";

/**
 * The README's walk through the API, as a client team writes it: types generated from
 * GET /api/openapi.json with openapi-typescript (./api.d.ts, `npm run client:types`), requests
 * with openapi-fetch, compiled under the project's strict tsc settings. test/client.test.ts runs
 * it against the local host.
 */

type Candidate = components["schemas"]["CandidateOwnView"];

export interface Tokens {
  coach: string;
  candidate: string;
  accountManager: string;
  employer: string;
}

export interface Journey {
  candidateId: string;
  profileEtag: string;
  forbiddenStatus: number;
  bsnPath: string | undefined;
  coachSees: string[];
  companyName: string;
  redeemedKinds: string[];
  employerFinds: string[];
  employerSeesClientNumber: boolean;
  cv: { sent: number; put: number; complete: number; size: number | undefined };
  vacancyStatus: string;
  erasedStatus: number;
}

const fail = (what: string, status: number, body: unknown): never => {
  throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
};

export async function walkThrough(baseUrl: string, tokens: Tokens, check?: Middleware): Promise<Journey> {
  const as = (token: string) => {
    const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
    if (check) client.use(check);
    return client;
  };
  const coach = as(tokens.coach);
  const me = as(tokens.candidate);

  // A coach invites a candidate; the answer carries a one-time invitation code.
  const invited = await coach.POST("/candidates", {
    body: {
      admin: {
        clientNumber: `UT-${Date.now()}`,
        firstName: "Noor",
        lastName: "Bakker",
        email: "noor@example.org",
        postcode: "3511ab",
        targetGroups: { jobAgreement: true },
      },
    },
  });
  if (!invited.data) return fail("invite", invited.response.status, invited.error);
  const code: string = invited.data.invitationCode;
  const postcode: string | undefined = invited.data.admin.postcode; // "3511 AB": the output type

  // The candidate signs in and redeems the code; the answer says what was linked.
  const redeemed = await me.POST("/invitations/redeem", { body: { code } });
  if (!redeemed.data) return fail("redeem", redeemed.response.status, redeemed.error);
  const kinds: string[] = [redeemed.data.kind];
  let record: Candidate;
  if (redeemed.data.kind === "candidate") record = redeemed.data.candidate;
  else return fail("redeem: not a candidate", redeemed.response.status, redeemed.data);

  // The candidate fills in the profile (JSON merge patch); the ETag guards later changes.
  const filled = await me.PATCH("/me/profile", {
    body: { profile: { skills: ["koken", "klantcontact"], availability: { hoursPerWeek: 24 }, description: "Ik werk graag met mensen." } },
  });
  if (!filled.data) return fail("profile", filled.response.status, filled.error);
  const profileEtag = filled.response.headers.get("ETag") ?? "";

  // ... but may not touch what staff entered (the generated types refuse it already) ...
  const forbidden = await me.PATCH("/me/profile", {
    // @ts-expect-error `admin` is no part of the candidate's patch: the typed client refuses it as the server does
    body: { admin: { firstName: "X" } },
  });
  // ... nor type a BSN into free text.
  const bsn = await me.PATCH("/me/profile", { body: { profile: { freeText: "mijn bsn is 111222333" } } });

  // Terms and sharing, so employers may find the profile.
  const terms = await as(tokens.candidate).GET("/terms");
  if (!terms.data) return fail("terms", terms.response.status, terms.error);
  await me.POST("/me/terms", { body: { version: terms.data.version } });
  const shared = await me.PUT("/me/sharing", { body: { withEmployers: true } });
  if (!shared.data) return fail("sharing", shared.response.status, shared.error);

  // The candidate uploads a CV straight to Blob storage: a ticket, the bytes, then complete.
  const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
  const ticket = await me.POST("/me/uploads", {
    body: { kind: "cv", contentType: "application/pdf", size: pdf.length, fileName: "cv.pdf" },
  });
  if (!ticket.data) return fail("upload start", ticket.response.status, ticket.error);
  const put = await fetch(ticket.data.uploadUrl, { method: ticket.data.method, headers: ticket.data.headers, body: pdf });
  const completed = await me.POST("/me/uploads/{uploadId}/complete", { params: { path: { uploadId: ticket.data.uploadId } } });
  if (!completed.data) return fail("upload complete", completed.response.status, completed.error);

  // The coach sees the candidate.
  const list = await coach.GET("/candidates", { params: { query: { q: "bakker" } } });
  if (!list.data) return fail("list", list.response.status, list.error);

  // An account manager looks up the company at the KvK, registers it; its user redeems the code.
  const accountManager = as(tokens.accountManager);
  const company = await accountManager.GET("/kvk/{kvkNumber}", { params: { path: { kvkNumber: "69599084" } } });
  if (!company.data) return fail("kvk", company.response.status, company.error);
  const address = company.data.address ?? { street: "Oudegracht 112", postcode: "3511 AZ", city: "Utrecht" };
  const employerCreated = await accountManager.POST("/employers", {
    body: {
      companyName: company.data.companyName,
      kvkNumber: company.data.kvkNumber,
      address,
      contact: { firstName: "Eva", lastName: "Smit", email: "eva@bakkerij.example" },
    },
  });
  if (!employerCreated.data) return fail("employer", employerCreated.response.status, employerCreated.error);
  const employer = as(tokens.employer);
  const linked = await employer.POST("/invitations/redeem", { body: { code: employerCreated.data.invitationCode } });
  if (!linked.data) return fail("employer redeem", linked.response.status, linked.error);
  kinds.push(linked.data.kind);

  // The account manager puts up a vacancy for the employer.
  const vacancy = await accountManager.POST("/vacancies", {
    body: {
      employerId: employerCreated.data.id,
      title: "Hulpkok",
      description: "Meewerken in de keuken.",
      occupation: "kok",
      sector: "horeca",
      skills: ["koken"],
    },
  });
  if (!vacancy.data) return fail("vacancy", vacancy.response.status, vacancy.error);

  // The employer finds the candidate, in the employer projection.
  const found = await employer.GET("/search/candidates", { params: { query: { skill: "koken", municipality: record.municipalityId } } });
  if (!found.data) return fail("search", found.response.status, found.error);
  const employerSeesClientNumber = found.data.items.some((c) => "clientNumber" in c.admin);

  // The candidate reads the record, then erases everything they entered.
  const mine = await me.GET("/me/profile");
  if (!mine.data || mine.data.admin.postcode !== postcode) return fail("read", mine.response.status, mine.error ?? mine.data);
  const erased = await me.DELETE("/me/profile");

  return {
    candidateId: record.id,
    profileEtag,
    forbiddenStatus: forbidden.response.status,
    bsnPath: bsn.error && "errors" in bsn.error ? bsn.error.errors?.[0]?.path : undefined,
    coachSees: list.data.items.map((c) => `${c.admin.firstName} ${c.admin.lastName}`),
    companyName: company.data.companyName,
    redeemedKinds: kinds,
    employerFinds: found.data.items.map((c) => c.id),
    employerSeesClientNumber,
    cv: { sent: pdf.length, put: put.status, complete: completed.response.status, size: completed.data.files.cv?.size },
    vacancyStatus: vacancy.data.status,
    erasedStatus: erased.response.status,
  };
}

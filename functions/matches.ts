import * as z from "zod";
import { PageQuery } from "../shared/http/request.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { CandidateMatchPage, VacancyMatchPage } from "../shared/http/views.js";
import { myMatches, vacancyMatches } from "../shared/services/matches.js";

route({
  name: "vacancies-matches",
  method: "GET",
  path: "vacancies/{id}/matches",
  action: "vacancies.matches",
  summary: "Candidates who meet a vacancy's required criteria, each criterion explained",
  description:
    "The candidates you may see (the same rules as search) who meet every required criterion of the vacancy. Each item lists every criterion the vacancy sets, met or not, and why; the page is ordered by the number of criteria met, then freshness (`order` says so). There is no other score. Counted toward the viewing limits and audited like a search.",
  params: IdParams,
  query: z.strictObject(PageQuery),
  responses: {
    200: { description: "a page of matching candidates in the caller's projection, with their criteria", schema: CandidateMatchPage },
    400: { description: "a continuation from another query, or from before the vacancy changed: start again without it" },
  },
  handler: async ({ principal, params, query }) => ({ body: await vacancyMatches(principal, params.id, query) }),
});

route({
  name: "me-matches",
  method: "GET",
  path: "me/matches",
  action: "me.matches",
  summary: "Open vacancies of your municipality that fit your profile, each criterion explained",
  description:
    "Open vacancies of your municipality whose required criteria your profile meets. Each lists every criterion it sets, met or not, and why; ordered by the number of criteria met, then the newest (`order` says so). Nothing that identifies the employer is shown.",
  query: z.strictObject(PageQuery),
  responses: {
    200: { description: "a page of vacancies in the candidate view, with their criteria", schema: VacancyMatchPage },
    400: { description: "a continuation from another query, or from before your profile changed: start again without it" },
    404: { description: "no record is linked to this account" },
  },
  handler: async ({ principal, query }) => ({ body: await myMatches(principal, query) }),
});

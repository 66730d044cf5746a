import { CreateVacancyBody, VacancyListQuery, VacancyPatchBody } from "../shared/domain/vacancy.js";
import { PageQuery } from "../shared/http/request.js";
import { versioned } from "../shared/http/reply.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { VacancyForCaller, VacancyPage, VacancyStaffView } from "../shared/http/views.js";
import { createVacancy, getVacancy, listVacancies, updateVacancy } from "../shared/services/vacancies.js";

route({
  name: "vacancies-create",
  method: "POST",
  path: "vacancies",
  action: "vacancies.create",
  summary: "Create a vacancy for an employer of your municipality",
  body: CreateVacancyBody,
  responses: {
    201: { description: "the vacancy, open", schema: VacancyStaffView, headers: { ETag: true, Location: true } },
    409: { description: "the employer's participation has ended: it gets no new vacancies" },
    422: { description: "the employer is not one of your municipality" },
  },
  handler: async ({ principal, body }) => {
    const created = await createVacancy(principal, body);
    return { ...versioned(created), status: 201, headers: { Location: `/api/vacancies/${created.view.id}` } };
  },
});

route({
  name: "vacancies-list",
  method: "GET",
  path: "vacancies",
  action: "vacancies.list",
  summary: "List vacancies",
  query: VacancyListQuery.extend(PageQuery).strict(),
  responses: {
    200: {
      description:
        "candidates: open vacancies of their municipality (without employer); account managers: their municipality's; employers: their own",
      schema: VacancyPage,
    },
    404: { description: "(candidates) no record is linked to this account" },
  },
  handler: async ({ principal, query }) => ({ body: await listVacancies(principal, query) }),
});

route({
  name: "vacancies-get",
  method: "GET",
  path: "vacancies/{id}",
  action: "vacancies.read",
  summary: "Read a vacancy",
  params: IdParams,
  responses: {
    200: {
      description: "the vacancy: candidates get the candidate view (open vacancies of their municipality only), others the full one",
      schema: VacancyForCaller,
      headers: { ETag: true },
    },
  },
  handler: async ({ principal, params }) => versioned(await getVacancy(principal, params.id)),
});

route({
  name: "vacancies-update",
  method: "PATCH",
  path: "vacancies/{id}",
  action: "vacancies.update",
  summary: "Change or close a vacancy",
  params: IdParams,
  body: VacancyPatchBody,
  ifMatch: true,
  responses: {
    200: { description: "the vacancy", schema: VacancyStaffView, headers: { ETag: true } },
    409: {
      description:
        "the vacancy is being changed by others right now (try again), or it is re-opened while its employer's participation has ended (it stays closed)",
    },
  },
  handler: async ({ principal, params, body, ifMatch }) => {
    return versioned(await updateVacancy(principal, params.id, body, ifMatch));
  },
});

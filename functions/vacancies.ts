import { CreateVacancyBody, VacancyListQuery, VacancyPatchBody, VacancyView } from "../shared/domain/vacancy.js";
import { PageQuery } from "../shared/http/request.js";
import { versioned } from "../shared/http/reply.js";
import { route } from "../shared/http/routes.js";
import { IdParams, pageOf } from "../shared/http/schemas.js";
import { createVacancy, getVacancy, listVacancies, updateVacancy } from "../shared/services/vacancies.js";

route({
  name: "vacancies-create",
  method: "POST",
  path: "vacancies",
  action: "vacancies.create",
  summary: "Create a vacancy for an employer of your municipality",
  body: CreateVacancyBody,
  responses: {
    201: { description: "the vacancy, open", schema: VacancyView },
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
      description: "candidates: open vacancies of their municipality (without employer); account managers: their municipality's; employers: their own",
      schema: pageOf(VacancyView),
    },
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
  responses: { 200: { description: "the vacancy", schema: VacancyView } },
  handler: async ({ principal, params }) => {
    const found = await getVacancy(principal, params.id);
    return "etag" in found ? versioned(found) : { body: found.view };
  },
});

route({
  name: "vacancies-update",
  method: "PATCH",
  path: "vacancies/{id}",
  action: "vacancies.update",
  summary: "Change or close a vacancy",
  params: IdParams,
  body: VacancyPatchBody,
  responses: { 200: { description: "the vacancy", schema: VacancyView } },
  handler: async ({ principal, params, body, ifMatch }) => {
    return versioned(await updateVacancy(principal, params.id, body, ifMatch));
  },
});

import * as z from "zod";
import { PageQuery } from "../shared/http/request.js";
import { route } from "../shared/http/routes.js";
import { IdParams } from "../shared/http/schemas.js";
import { timer } from "../shared/http/timers.js";
import { SavedSearch, SavedSearchPage } from "../shared/http/views.js";
import {
  MAX_SAVED_SEARCHES,
  SavedSearchBody,
  createSavedSearch,
  deleteOwnSavedSearch,
  listSavedSearches,
  queueSavedSearchDigests,
} from "../shared/services/saved-searches.js";
import { queueVacancyAlerts } from "../shared/services/vacancy-alerts.js";

route({
  name: "me-saved-searches-list",
  method: "GET",
  path: "me/saved-searches",
  action: "me.savedSearches.list",
  summary: "Your saved searches",
  query: z.strictObject(PageQuery),
  responses: { 200: { description: "a page of your saved searches, newest first", schema: SavedSearchPage } },
  handler: async ({ principal, query }) => ({ body: await listSavedSearches(principal, query) }),
});

route({
  name: "me-saved-searches-create",
  method: "POST",
  path: "me/saved-searches",
  action: "me.savedSearches.create",
  summary: "Save a search for a daily digest",
  description: `The filters of GET /search/candidates and a name. Once a day, candidates who match and whom you may see then, new or changed since the last digest, are counted in an e-mail (employers: the organisation's contact address; account managers: the team mailbox). At most ${MAX_SAVED_SEARCHES} per user.`,
  body: SavedSearchBody,
  responses: {
    201: { description: "the saved search; `Location` is where to delete it", schema: SavedSearch, headers: { Location: true } },
    409: { description: `you already have ${MAX_SAVED_SEARCHES} saved searches: delete one first` },
  },
  handler: async ({ principal, body }) => {
    const saved = await createSavedSearch(principal, body);
    return { status: 201, body: saved, headers: { Location: `/api/me/saved-searches/${saved.id}` } };
  },
});

route({
  name: "me-saved-searches-delete",
  method: "DELETE",
  path: "me/saved-searches/{id}",
  action: "me.savedSearches.delete",
  summary: "Stop a saved search",
  params: IdParams,
  responses: {
    204: { description: "deleted: no more digests for it" },
    404: { description: "no such saved search among yours" },
  },
  handler: async ({ principal, params }) => {
    await deleteOwnSavedSearch(principal, params.id);
    return { status: 204 };
  },
});

// Every night: one digest per saved search with new matches, through the outbox.
timer({
  name: "savedSearchDigests",
  schedule: "0 30 5 * * *",
  localEveryMinutes: 24 * 60,
  run: () => queueSavedSearchDigests({ budgetMs: 480_000 }),
});

// Monday morning: new vacancies that fit, for candidates who asked for them.
timer({
  name: "vacancyAlertsWeekly",
  schedule: "0 30 8 * * 1",
  localEveryMinutes: 7 * 24 * 60,
  run: () => queueVacancyAlerts({ budgetMs: 480_000 }),
});

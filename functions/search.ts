import { PageQuery } from "../shared/http/request.js";
import { route } from "../shared/http/routes.js";
import { CandidateSearchPage } from "../shared/http/views.js";
import { SearchQuery, searchCandidates } from "../shared/services/search.js";

route({
  name: "search-candidates",
  method: "GET",
  path: "search/candidates",
  action: "search.candidates",
  summary: "Search the candidates you may see",
  query: SearchQuery.extend(PageQuery).strict(),
  responses: {
    200: {
      description:
        "a page of candidates in the caller's projection, without files; filters combine (skill may repeat: all must match); account managers get their own municipality first",
      schema: CandidateSearchPage,
    },
  },
  handler: async ({ principal, query }) => ({ body: await searchCandidates(principal, query) }),
});

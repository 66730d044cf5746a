import { route } from "../shared/http/routes.js";
import { Terms } from "../shared/http/views.js";
import { currentTerms } from "../shared/services/terms.js";

route({
  name: "terms-get",
  method: "GET",
  path: "terms",
  action: "terms.read",
  summary: "The current terms of use",
  responses: { 200: { description: "version and where to read it", schema: Terms } },
  handler: () => ({ body: currentTerms() }),
});

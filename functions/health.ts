import { route } from "../shared/http/routes.js";
import { Health, NotReady, Readiness } from "../shared/http/views.js";
import { readiness, READINESS_DEADLINE_MS } from "../shared/services/health.js";

route({
  name: "health",
  method: "GET",
  path: "health",
  action: "health.read",
  summary: "Liveness",
  responses: { 200: { description: "the app is up", schema: Health } },
  handler: () => ({ body: { status: "ok" } }),
});

// Public like /health: load balancers and availability tests call it without a token. It says
// only whether Cosmos DB and Blob storage answer, and probes within 2 s share one answer.
route({
  name: "health-ready",
  method: "GET",
  path: "health/ready",
  action: "health.ready",
  summary: "Readiness: Cosmos DB and Blob storage answer",
  description: `Each dependency is asked for its properties, in parallel, within ${READINESS_DEADLINE_MS / 1000} s. \`/health\` stays a plain liveness check.`,
  responses: {
    200: { description: "every dependency answers", schema: Readiness },
    503: { description: "a dependency did not answer; `checks` says which and how", schema: NotReady, headers: { "Retry-After": true } },
  },
  handler: async () => {
    const r = await readiness();
    return r.ready
      ? { body: { status: "ready", checks: r.checks } }
      : {
          status: 503,
          body: {
            type: "https://hallowerk.example/problems/service-unavailable",
            title: "Service Unavailable",
            status: 503,
            detail: `not ready: ${Object.entries(r.checks)
              .filter(([, v]) => v !== "ok")
              .map(([k, v]) => `${k} ${v}`)
              .join(", ")}`,
            checks: r.checks,
          },
          headers: { "Retry-After": "10", "Cache-Control": "no-store" },
        };
  },
});

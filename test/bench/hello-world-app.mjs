// The smallest v4 app there is, for npm run bench:coldstart to compare against: one HTTP route.
import { app } from "@azure/functions";

app.http("hello", { methods: ["GET"], authLevel: "anonymous", handler: async () => ({ body: "hello" }) });

// `npm run --silent openapi [-- <file>]`: the OpenAPI document as GET /api/openapi.json serves it,
// to stdout or a file (for Spectral, openapi-typescript, or a mock server), without starting anything.
import { writeFileSync } from "node:fs";
import { actAsWorker } from "./worker.js";

// Registrations go to the worker stand-in, as under `npm start` (no test-mode warnings).
actAsWorker();
await import("../functions/index.js");
const { openApiDocument } = await import("../shared/http/openapi.js");

const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
const file = process.argv[2];
if (file) writeFileSync(file, text);
else process.stdout.write(text);

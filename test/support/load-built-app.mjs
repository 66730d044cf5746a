// Loads the built app in a fresh process the way the Node worker does: with `@azure/functions-core`
// resolvable (the stand-in, on NODE_PATH) and nothing else of ours. Prints what the app registered
// and the answers of the requests it was asked to make, as JSON.
//   NODE_PATH=dev/worker node test/support/load-built-app.mjs dist/index.js '[{"function":"health","method":"GET","url":"…"}]'
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import azureFunctions from "@azure/functions";

const { HttpRequest, InvocationContext } = azureFunctions;
const [entry, requests = "[]"] = process.argv.slice(2);

await import(pathToFileURL(entry).href);
const core = createRequire(import.meta.url)("@azure/functions-core");

const responses = [];
for (const r of JSON.parse(requests)) {
  const registered = core.functions.find((f) => f.metadata.name === r.function);
  const request = new HttpRequest({
    method: r.method,
    url: r.url,
    headers: r.headers ?? {},
    params: r.params ?? {},
    ...(r.body !== undefined ? { body: { string: r.body } } : {}),
  });
  const response = await registered.callback(request, new InvocationContext({ functionName: r.function, invocationId: "built-app" }));
  responses.push({ status: response.status ?? 200, headers: response.headers ?? {}, body: response.body ?? null });
}

const out = { programmingModel: core.getProgrammingModel()?.name, functions: core.functions.map((f) => f.metadata), responses };
// The app's SDK clients keep sockets open; this process has said all it has to say.
process.stdout.write(JSON.stringify(out), () => process.exit(0));

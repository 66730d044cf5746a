// The Cosmos DB emulator in a process of its own (as Cosmos is remote in Azure), started by
// dev/emulators.ts with an IPC channel: it reports its port, and on request its round-trip counts
// and its connections (how many were opened, and how many of them the client closed).
import type { AddressInfo } from "node:net";
import { createHttpServer } from "@vercel/cosmosdb-server";

const send = (message: unknown) => {
  // process.send exists only with an IPC channel, which is how dev/emulators.ts starts this script.
  if (!process.send) throw new Error("dev/cosmos-emulator.ts reports to its parent over IPC; start it with dev/emulators.ts");
  process.send(message);
};
// keepAlive: reuse connections as the SDK does against Azure, instead of one TCP handshake per request.
const server = createHttpServer({ keepAlive: true });
const requests: Record<string, number> = {};
server.on("request", (req) => {
  const target = /\/colls\/([^/]+)/.exec(req.url ?? "")?.[1] ?? "account";
  requests[target] = (requests[target] ?? 0) + 1;
});
const connections = { opened: 0, closed: 0, closedByClient: 0 };
server.on("connection", (socket) => {
  connections.opened++;
  // 'end' is the client's FIN; a connection the server drops itself (its keep-alive time-out) closes without one.
  socket.once("end", () => connections.closedByClient++);
  socket.once("close", () => connections.closed++);
});
server.once("error", (err: NodeJS.ErrnoException) => {
  send({ error: err.code ?? err.message });
  process.exit(1);
});
server.listen(Number(process.argv[2] ?? 0), process.argv[3] ?? "127.0.0.1", () => {
  send({ port: (server.address() as AddressInfo).port });
});
process.on("message", (message) => {
  if (message === "stats") send({ stats: requests });
  if (message === "connections") send({ connections });
});
process.on("disconnect", () => process.exit(0)); // the parent is gone: never linger

import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for Azure Communication Services Email, answering in its REST shape:
 * `POST /emails:send?api-version=…` (HMAC-signed with the access key, as the SDK signs) → 202
 * with `Operation-Location`; `GET /emails/operations/{id}` → `Succeeded`. A repeated
 * `Operation-Id` (or `repeatability-request-id`) is the same operation, not a second message. Under `/fake/` it shows what it
 * received (`GET /fake/messages?to=`, and every send request, `GET /fake/requests?to=`) and can
 * be told to fail sends to an address (`POST /fake/failures {to, times, status}`).
 */
export const FAKE_MAIL_ACCESS_KEY = Buffer.from("local-fake-mail-access-key").toString("base64");

export interface FakeMessage {
  operationId: string;
  from: string;
  to: string[];
  subject: string;
  plainText: string;
  receivedAt: string;
}

interface SendRequest {
  operationId: string;
  to: string[];
  status: number;
}

const json = (body: unknown) => JSON.stringify(body);

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The SDK's access-key signature: HMAC-SHA256 over verb, path and query, date, host and body hash. */
function signedCorrectly(req: IncomingMessage, body: string): boolean {
  const hash = createHash("sha256").update(body).digest("base64");
  if (req.headers["x-ms-content-sha256"] !== hash) return false;
  const date = req.headers["x-ms-date"];
  if (typeof date !== "string") return false;
  const toSign = `${req.method}\n${req.url}\n${date};${req.headers.host};${hash}`;
  const signature = createHmac("sha256", Buffer.from(FAKE_MAIL_ACCESS_KEY, "base64")).update(toSign).digest("base64");
  return req.headers.authorization === `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`;
}

export async function startFakeMail(port = 0): Promise<{ url: string; server: Server }> {
  const messages = new Map<string, FakeMessage>();
  const requests: SendRequest[] = [];
  const failures = new Map<string, { times: number; status: number }>();

  const server = createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      // The name only: a parse error's message can quote the body, which holds addresses.
      console.error(`fake mail failed: ${err instanceof Error ? err.name : typeof err}`);
      res.destroy();
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const body = await bodyOf(req);
    res.setHeader("content-type", "application/json");
    const to = url.searchParams.get("to");
    const mine = (recipients: string[]) => !to || recipients.includes(to);

    if (req.method === "GET" && url.pathname === "/fake/messages")
      return void res.end(json([...messages.values()].filter((m) => mine(m.to))));
    if (req.method === "GET" && url.pathname === "/fake/requests") return void res.end(json(requests.filter((r) => mine(r.to))));
    if (req.method === "POST" && url.pathname === "/fake/failures") {
      const rule = JSON.parse(body) as { to: string; times: number; status: number };
      failures.set(rule.to.toLowerCase(), { times: rule.times, status: rule.status });
      return void res.writeHead(204).end();
    }

    if (!url.searchParams.get("api-version")) return void res.writeHead(400).end(json({ error: { code: "MissingApiVersionParameter" } }));
    if (!signedCorrectly(req, body))
      return void res.writeHead(401).end(json({ error: { code: "Denied", message: "Denied by the resource provider." } }));

    const polled = /^\/emails\/operations\/([^/]+)$/.exec(url.pathname)?.[1];
    if (req.method === "GET" && polled) {
      const found = messages.get(polled);
      if (!found) return void res.writeHead(404).end(json({ error: { code: "NotFound" } }));
      return void res.end(json({ id: found.operationId, status: "Succeeded" }));
    }
    if (req.method !== "POST" || url.pathname !== "/emails:send") return void res.writeHead(404).end(json({ error: { code: "NotFound" } }));

    const message = JSON.parse(body) as {
      senderAddress: string;
      recipients: { to: { address: string }[] };
      content: { subject: string; plainText: string };
    };
    const recipients = message.recipients.to.map((r) => r.address.toLowerCase());
    // The GA API names the operation with Operation-Id; its previews used repeatability-request-id.
    const operationId = String(req.headers["operation-id"] ?? req.headers["repeatability-request-id"] ?? randomUUID());
    const failing = recipients.map((r) => failures.get(r)).find((f) => f && f.times > 0);
    const status = failing ? failing.status : 202;
    requests.push({ operationId, to: recipients, status });
    if (failing) {
      failing.times--;
      return void res.writeHead(status).end(json({ error: { code: "ServiceUnavailable", message: "told to fail" } }));
    }
    // The same Operation-Id again is the same operation: answered as before, not sent twice.
    if (!messages.has(operationId)) {
      messages.set(operationId, {
        operationId,
        from: message.senderAddress,
        to: recipients,
        subject: message.content.subject,
        plainText: message.content.plainText,
        receivedAt: new Date().toISOString(),
      });
    }
    const base = `http://${req.headers.host}`;
    res.writeHead(202, {
      "Operation-Location": `${base}/emails/operations/${operationId}?api-version=${url.searchParams.get("api-version")}`,
      "Retry-After": "0",
    });
    res.end(json({ id: operationId, status: "Running" }));
  }
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

import { createHash } from "node:crypto";
import type { EmailClient } from "@azure/communication-email";
import { azureCredential } from "../auth/azure-credential.js";
import { MAIL_CALL_MS } from "../config/limits.js";
import { nameOf, statusOf } from "../data/status.js";
import { callSignal } from "../http/deadline.js";

/** One e-mail to one address. `id` makes sending idempotent: the same id is one message. */
export interface MailMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
}

/** Sends e-mail: Azure Communication Services in Azure, a local fake of it under `npm start` and the tests. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * A send that did not go through. `permanent`: trying again cannot help (the service refused
 * the message itself); otherwise it may work later. `code` is short and holds nothing personal.
 */
export class MailError extends Error {
  override name = "MailError";
  constructor(
    readonly code: string,
    readonly permanent: boolean,
  ) {
    super(`mail not sent: ${code}`);
  }
}

/** ACS wants the operation id as a UUID: the message id's hash, shaped as one, is the same on every try. */
export function operationIdOf(id: string): string {
  const h = createHash("sha256").update(`hallowerk-mail:${id}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.charAt(16), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** 408, 429 and 5xx may pass later; any other refusal is about the message. */
const retryable = (status: number | undefined) => status === undefined || status === 408 || status === 429 || status >= 500;

/**
 * Azure Communication Services Email through its SDK, loaded on first use (like the Blob SDK) so
 * cold starts do not pay for it. With an access key (the local fake) requests are HMAC-signed;
 * without, the app's managed identity gets the token.
 */
export function acsMailer(endpoint: string, sender: string, accessKey?: string): Mailer {
  let client: Promise<EmailClient> | undefined;
  const connect = async () => {
    const { EmailClient } = await import("@azure/communication-email");
    // Plain HTTP only to a fake on this machine; anything else must be HTTPS.
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(new URL(endpoint).hostname);
    // No retries inside the SDK: the outbox retries, with its own backoff, and counts every try.
    return new EmailClient(endpoint, accessKey ? { key: accessKey } : azureCredential, {
      allowInsecureConnection: loopback,
      retryOptions: { maxRetries: 0 },
    });
  };
  return {
    async send(m) {
      client ??= connect();
      let result: { status: string; error?: { code?: string } };
      try {
        // The send and its polling end after MAIL_CALL_MS, or with the invocation's budget: a try that did not finish.
        const abortSignal = callSignal(MAIL_CALL_MS);
        const poller = await (
          await client
        ).beginSend(
          { senderAddress: sender, recipients: { to: [{ address: m.to }] }, content: { subject: m.subject, plainText: m.text } },
          { operationId: operationIdOf(m.id), updateIntervalInMs: 1000, abortSignal },
        );
        result = await poller.pollUntilDone({ abortSignal });
      } catch (err) {
        const status = statusOf(err);
        throw new MailError(status ? `http${status}` : (nameOf(err) ?? "Error"), !retryable(status));
      }
      // Failed: the service took the message and could not send it (a refused recipient).
      if (result.status !== "Succeeded") throw new MailError(`status.${result.status}`, result.status === "Failed");
    },
  };
}

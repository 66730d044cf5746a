/**
 * The HTTP status of a failed Cosmos DB or Blob storage call: Blob storage's RestError carries it
 * in `statusCode`, Cosmos DB's ErrorResponse in `code` (which also holds network codes, strings).
 */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  if ("statusCode" in err && typeof err.statusCode === "number") return err.statusCode;
  const code = codeOf(err);
  return typeof code === "number" ? code : undefined;
}

/** The error's `code`, whatever it holds: Cosmos DB's status, Blob storage's or the network's name for it ("ECONNRESET"). */
export function codeOf(err: unknown): unknown {
  return typeof err === "object" && err !== null && "code" in err ? err.code : undefined;
}

/** The error's `code` as a log line shows it: a status or a name; anything else is left out. */
export function codeTextOf(err: unknown): string | undefined {
  const code = codeOf(err);
  return typeof code === "number" || typeof code === "string" ? String(code) : undefined;
}

/** The error's `name` ("TimeoutError", "RestError"), when it has one. */
export function nameOf(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "name" in err && typeof err.name === "string" ? err.name : undefined;
}

/** A failure for a log line: the error's class and code only, as its message can hold personal data. */
export const failureOf = (err: unknown) => `${nameOf(err) ?? "Error"} ${codeTextOf(err) ?? ""}`.trim();

/**
 * What `call` resolves to, or undefined when it fails with 404 or one of `also`: for a delete, a
 * record or blob that is already gone is as good as deleted; for a conditional write, 412 (`also`)
 * means someone else got there first.
 */
export async function ignoreNotFound<T>(call: Promise<T>, ...also: number[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    const status = statusOf(err);
    if (status !== undefined && [404, ...also].includes(status)) return undefined;
    throw err;
  }
}

/**
 * The HTTP status of a failed Cosmos DB or Blob storage call: Blob storage's RestError carries it
 * in `statusCode`, Cosmos DB's ErrorResponse in `code` (which also holds network codes, strings).
 */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const { statusCode, code } = err as { statusCode?: unknown; code?: unknown };
  return typeof statusCode === "number" ? statusCode : typeof code === "number" ? code : undefined;
}

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

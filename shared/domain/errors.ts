import type { z } from "zod";

export interface FieldError {
  path: string;
  message: string;
}

/** What an error adds to its status, title and detail: the fields at fault, headers (Retry-After). */
export interface AppErrorExtras {
  errors?: FieldError[] | undefined;
  headers?: Record<string, string> | undefined;
}

/** The one error type services throw; the HTTP layer turns it into problem+json. */
export class AppError extends Error {
  override name = "AppError";
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    { errors, headers }: AppErrorExtras = {},
  ) {
    super(detail);
    this.errors = errors;
    this.headers = headers;
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new AppError(400, "Bad Request", detail, { errors });
export const unauthorized = (detail: string, error = "invalid_token") =>
  new AppError(401, "Unauthorized", detail, {
    headers: { "WWW-Authenticate": `Bearer error="${error}", error_description="${detail.replace(/"/g, "'")}"` },
  });
export const forbidden = (detail: string, errors?: FieldError[]) => new AppError(403, "Forbidden", detail, { errors });
/** 404: a type of its own, so a caller that must react to "gone" checks the class, not a status. */
export class NotFound extends AppError {
  override name = "NotFound";
  constructor(detail: string) {
    super(404, "Not Found", detail);
  }
}
export const notFound = (detail: string) => new NotFound(detail);
export const conflict = (detail: string) => new AppError(409, "Conflict", detail);
/** 409 when a uniqueness check says the value is taken. */
export async function conflictIf(taken: Promise<boolean>, detail: string): Promise<void> {
  if (await taken) throw conflict(detail);
}

export const preconditionFailed = (detail: string) => new AppError(412, "Precondition Failed", detail);

/**
 * 503 with Retry-After: Cosmos DB, Blob storage or KvK is busy, unreachable or too slow, after the
 * SDKs' own retries. Never the client's fault, and never a 500: the client may simply try again.
 */
export class DependencyUnavailable extends AppError {
  override name = "DependencyUnavailable";
  constructor(detail: string, retryAfterSeconds: number) {
    super(503, "Service Unavailable", detail, { headers: { "Retry-After": String(retryAfterSeconds) } });
  }
}
export const dependencyUnavailable = (detail: string, retryAfterSeconds: number) => new DependencyUnavailable(detail, retryAfterSeconds);

/** Turns zod issues into `{ path, message }` entries, paths as clients write them ("admin.postcode"). */
export function fieldErrors(error: z.ZodError, prefix: string[] = []): FieldError[] {
  return error.issues
    .map((issue) => {
      const path = [...prefix, ...issue.path.map(String)];
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => ({
          path: [...path, key].join("."),
          message: "unknown field; remove it",
        }));
      }
      return [{ path: path.join(".") || "(body)", message: issue.message }];
    })
    .flat();
}

/**
 * Parses with the schema, or 400 listing every bad field. `also` adds problems found by checks
 * outside the schema (the BSN walk over a candidate's body), so one answer names them all.
 */
export function parseOr400<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
  prefix: string[] = [],
  also: FieldError[] = [],
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success && !also.length) return result.data;
  const errors = [...(result.success ? [] : fieldErrors(result.error, prefix)), ...also];
  const seen = new Set<string>();
  throw badRequest(
    `${what} is not valid; see errors`,
    errors.filter((e) => {
      const key = `${e.path}\n${e.message}`;
      return !seen.has(key) && !!seen.add(key);
    }),
  );
}

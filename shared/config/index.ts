import * as z from "zod";
import { runtime } from "../runtime.js";

/** Issuer and audience of the local development issuer; production config may never name them. */
export const LOCAL_ISSUER = "urn:hallowerk:local-issuer";
export const LOCAL_AUDIENCE = "api://hallowerk-local";

const csv = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);

const flag = z.enum(["true", "false", "1", "0", ""]).transform((v) => v === "true" || v === "1");

const schema = z
  .object({
    COSMOS_ENDPOINT: z.url(),
    /** Account key, for the local emulator only; in Azure the managed identity is used. */
    COSMOS_KEY: z.string().min(1).optional(),
    COSMOS_DATABASE: z.string().min(1).default("hallowerk"),
    /** Connection string, for Azurite only; in Azure STORAGE_ACCOUNT_URL and the managed identity. */
    STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
    STORAGE_ACCOUNT_URL: z.url().optional(),

    AUTH_LOCAL_ISSUER: flag.default(false),
    LOCAL_ISSUER_KEY_FILE: z.string().min(1).default(".local/issuer-key.json"),
    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).optional(),
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_OIDC_DISCOVERY_URL: z.url().optional(),
    AUTH_ROLES_CLAIM: z.string().min(1).default("roles"),
    AUTH_MUNICIPALITY_CLAIM: z.string().min(1).default("municipality"),
    AUTH_AMR_CLAIM: z.string().min(1).default("amr"),
    /** Values of the `acrs` claim that count as MFA evidence (Entra conditional access auth contexts). */
    AUTH_MFA_ACRS: csv.default([]),
    /**
     * Client ids (`azp`/`appid`) of the service principals allowed to use the `integration` role:
     * an app-only token from a known system, never a person's token that happens to carry the role.
     */
    AUTH_INTEGRATION_CLIENT_IDS: csv.default([]),
    AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),

    TERMS_VERSION: z.string().min(1).default("2026-11"),
    TERMS_URL: z.url().default("https://hallowerk.example/voorwaarden/2026-11"),
    INVITATION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** How long a municipality's employerReach may be served from memory before it is read again. */
    SETTINGS_CACHE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
    /** The general Werkgeversservicepunt contact, for municipalities that name none of their own. */
    WSP_CONTACT_NAME: z.string().min(1).default("Werkgeversservicepunt"),
    WSP_CONTACT_EMAIL: z.email().default("wsp@hallowerk.example"),
    WSP_CONTACT_PHONE: z.string().min(1).optional(),
    /** Key that signs continuation tokens; set the same value on every instance in Azure. */
    CONTINUATION_KEY: z.string().min(32).optional(),
    /** Key of the keyed hash that stands in for a deleted record's id in its deletion record. */
    PSEUDONYM_KEY: z.string().min(32).optional(),

    UPLOAD_MAX_CV_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    UPLOAD_MAX_PHOTO_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024),
    UPLOAD_MAX_VIDEO_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(500 * 1024 * 1024),
    /** How long an upload URL stays valid. */
    UPLOAD_SAS_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
    /** How long a download link stays valid. */
    DOWNLOAD_SAS_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
    /** `defender`: only files Defender for Storage tagged "No threats found" are accepted. */
    MALWARE_SCANNING: z.enum(["off", "defender"]).default("off"),
    /** Web origins that may call the API and upload to Blob storage from a browser. */
    CORS_ALLOWED_ORIGINS: csv.default(["http://localhost:5173", "http://localhost:3000"]),

    /** Retention in years (the DPIA's values); a municipality may override them in its settings. */
    RETENTION_YEARS_ABORTED: z.coerce.number().int().min(1).max(30).default(1),
    RETENTION_YEARS_REJECTED: z.coerce.number().int().min(1).max(30).default(5),
    RETENTION_YEARS_COMPLETED: z.coerce.number().int().min(1).max(30).default(10),
    RETENTION_YEARS_AFTER_ESF: z.coerce.number().int().min(1).max(30).default(10),
    /** Candidates whose data goes within this many days are signalled to their coaches. */
    RETENTION_SIGNAL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** How long an ended employer and its vacancies are kept. */
    EMPLOYER_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(365),
    /** A sweep stops itself after this long and continues the next night (Functions timeout is 10 min). */
    RETENTION_TIME_BUDGET_SECONDS: z.coerce.number().int().min(1).max(540).default(480),
    /**
     * The nightly sweep first erases again whoever was deleted in the last this many days and is
     * back (a point-in-time restore): 35 covers Cosmos DB's 30-day continuous backup tier (7 here) with margin.
     */
    RETENTION_REPLAY_DAYS: z.coerce.number().int().min(1).max(366).default(35),
    /** Usage-log events are deleted this many days after they were written (sweep; Cosmos TTL in Azure). */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),

    /** Pages (lists, searches, candidate details, file links) a user may open per minute: employers and candidates. */
    VIEW_LIMIT_PAGES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    /** Pages per minute for all users of one employer organisation together. */
    VIEW_LIMIT_EMPLOYER_PAGES_PER_MINUTE: z.coerce.number().int().min(1).default(240),
    /** Distinct candidates one employer organisation may be shown per day (UTC), all its users together. */
    VIEW_LIMIT_EMPLOYER_CANDIDATES_PER_DAY: z.coerce.number().int().min(1).max(50_000).default(500),
    /** Pages per minute for one staff member. */
    VIEW_LIMIT_STAFF_PAGES_PER_MINUTE: z.coerce.number().int().min(1).default(300),
    /** Distinct candidates one staff member may be shown per day (UTC). */
    VIEW_LIMIT_STAFF_CANDIDATES_PER_DAY: z.coerce.number().int().min(1).max(50_000).default(2000),
    /** At this share of its daily limit, an employer organisation is signalled to its municipality's account managers. */
    VIEW_LIMIT_SIGNAL_PERCENT: z.coerce.number().int().min(1).max(100).default(80),

    KVK_BASE_URL: z.url().optional(),
    KVK_API_KEY: z.string().min(1).optional(),
    KVK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5000),
    /** How long an HTTP request may wait for Cosmos DB, Blob storage and KvK before it answers 503 (shared/config/limits.ts). */
    REQUEST_BUDGET_SECONDS: z.coerce.number().int().min(1).max(200).default(30),

    /** Azure Communication Services endpoint that sends e-mail; without it the outbox waits. */
    MAIL_ENDPOINT: z.url().optional(),
    /** Access key of that endpoint, for the local fake only; in Azure the managed identity is used. */
    MAIL_ACCESS_KEY: z.string().min(1).optional(),
    /** The sender address, from the Email Communication Service's verified (Azure-managed) domain. */
    MAIL_SENDER: z.email().default("DoNotReply@hallowerk.example"),
    /** Sends tried before a message is dead-lettered; between tries the wait doubles from MAIL_RETRY_SECONDS. */
    MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    MAIL_RETRY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
    /** Where people log in: the only link an e-mail carries. */
    APP_URL: z.url().default("https://hallowerk.example"),
    /** At most one tips e-mail per candidate per this many days. */
    TIPS_INTERVAL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  })
  .superRefine((c, ctx) => {
    if (!c.AUTH_LOCAL_ISSUER) {
      if (!c.AUTH_ISSUER) ctx.addIssue({ code: "custom", path: ["AUTH_ISSUER"], message: "required" });
      if (!c.AUTH_AUDIENCE) ctx.addIssue({ code: "custom", path: ["AUTH_AUDIENCE"], message: "required" });
      if (!c.AUTH_JWKS_URL && !c.AUTH_OIDC_DISCOVERY_URL) {
        ctx.addIssue({
          code: "custom",
          path: ["AUTH_JWKS_URL"],
          message: "set AUTH_JWKS_URL or AUTH_OIDC_DISCOVERY_URL",
        });
      }
      if (c.AUTH_ISSUER === LOCAL_ISSUER || c.AUTH_AUDIENCE === LOCAL_AUDIENCE) {
        ctx.addIssue({
          code: "custom",
          path: ["AUTH_ISSUER"],
          message: "production configuration may not trust the local issuer",
        });
      }
    }
    if (!c.STORAGE_CONNECTION_STRING && !c.STORAGE_ACCOUNT_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["STORAGE_ACCOUNT_URL"],
        message: "set STORAGE_ACCOUNT_URL (Azure) or STORAGE_CONNECTION_STRING (Azurite)",
      });
    }
  });

export type Config = z.infer<typeof schema>;

/**
 * Azure Functions / App Service (WEBSITE_*, and the Functions host's FUNCTIONS_WORKER_RUNTIME)
 * and Container Apps set these; the local host and the tests never do. NODE_ENV=production
 * counts too, for any other host.
 */
export function runningInAzure(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(
    env.WEBSITE_INSTANCE_ID ||
    env.WEBSITE_SITE_NAME ||
    env.CONTAINER_APP_NAME ||
    env.FUNCTIONS_WORKER_RUNTIME ||
    env.NODE_ENV === "production",
  );
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The configuration of the runtime in use (shared/runtime.ts), validated when that was made. */
export function config(): Config {
  return runtime().config;
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const result = schema.safeParse(env);
  if (!result.success) throw invalid(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  const problems: string[] = [];
  if (result.data.AUTH_LOCAL_ISSUER && runningInAzure(env)) {
    problems.push("AUTH_LOCAL_ISSUER: the local issuer is for local development only and refuses to run in Azure");
  }
  for (const key of ["CONTINUATION_KEY", "PSEUDONYM_KEY"] as const) {
    if (!result.data[key] && runningInAzure(env)) {
      problems.push(`${key}: required in Azure, the same on every instance and kept (at least 32 characters)`);
    }
  }
  if (problems.length) throw invalid(problems);
  return result.data;
}

function invalid(problems: string[]): ConfigError {
  return new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
}

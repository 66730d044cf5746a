// `npm run --silent token -- --role coach --municipality utrecht`: a token from the local issuer.
import { parseArgs } from "node:util";
import { mintLocalToken } from "../shared/auth/local-issuer.js";
import { ROLES, hasMunicipalityClaim, type Role } from "../shared/domain/roles.js";

const usage = `usage: npm run --silent token -- --role <${ROLES.join("|")}> [--municipality <id>] [--sub <id>] [--no-mfa] [--ttl <seconds>]`;

try {
  const { values } = parseArgs({
    options: {
      role: { type: "string" },
      municipality: { type: "string" },
      sub: { type: "string" },
      "no-mfa": { type: "boolean", default: false },
      ttl: { type: "string", default: "3600" },
    },
  });
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(", ")}`);
  if (hasMunicipalityClaim(role) && !values.municipality) throw new Error(`--municipality is required for ${role}`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error("--ttl must be a number of seconds");
  const token = await mintLocalToken(process.env.LOCAL_ISSUER_KEY_FILE ?? ".local/issuer-key.json", {
    role,
    sub: values.sub ?? `local-${role}${values.municipality ? `-${values.municipality}` : ""}`,
    ...(values.municipality ? { municipality: values.municipality } : {}),
    mfa: !values["no-mfa"],
    ttlSeconds: ttl,
  });
  process.stdout.write(`${token}\n`);
} catch (err) {
  console.error(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
  process.exit(2);
}

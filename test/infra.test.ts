// infra/ as azd would provision it: the template is compiled by the real Bicep compiler (restored
// from NuGet; a missing dotnet or compiler fails here, it never skips), then "deployed on paper" by
// test/support/arm-template.ts with the parameters azd makes from infra/main.parameters.json.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildInfra, lintInfra, type ArmTemplate } from "../dev/bicep.js";
import { infraJsonFiles, REGENERATE } from "../dev/infra-json.js";
import { ROLES as PLATFORM_ROLES } from "../shared/domain/roles.js";
import { parseConfig } from "../shared/config/index.js";
import { CONTAINERS } from "../shared/data/containers.js";
import { BLOB_CONTAINERS, BLOB_CORS } from "../shared/storage/blob.js";
import { evaluateTemplate, parseId, referenceStandIn, TARGET, type DeployedResource, type Evaluation } from "./support/arm-template.js";
import { asJson, asObject, asString, get, parseJson } from "./support/json.js";

const root = new URL("..", import.meta.url).pathname;

/** Built-in role definitions by id; anything else assigned must be the custom tag-reader role. */
const ROLES = {
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  communicationEmailOwner: "09976791-48a7-449e-bb21-39d1a415f350",
} as const;
const BROAD_ROLES = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  storageAccountContributor: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
};

const DEPLOYER = "99999999-9999-4999-8999-999999999999";

/** The azd environment of a first `azd provision`: .azure/<env>/.env plus what azd itself sets. */
const AZD_ENV: Record<string, string> = {
  AZURE_ENV_NAME: "hallowerk-test",
  AZURE_LOCATION: "westeurope",
  AZURE_PRINCIPAL_ID: DEPLOYER,
  AUTH_ISSUER: "https://login.microsoftonline.com/00000000-0000-4000-8000-0000000000aa/v2.0",
  AUTH_AUDIENCE: "api://hallowerk",
  AUTH_JWKS_URL: "https://login.microsoftonline.com/00000000-0000-4000-8000-0000000000aa/discovery/v2.0/keys",
  AUTH_MFA_ACRS: "c1",
  AUTH_MUNICIPALITY_CLAIM: "extension_0f1e2d3c4b5a69788796a5b4c3d2e1f0_municipality",
  CORS_ALLOWED_ORIGINS: "https://app.hallowerk.example, https://coach.hallowerk.example",
  KVK_BASE_URL: "https://api.kvk.nl/api",
  KVK_API_KEY: "kvk-test-api-key",
  ALERT_EMAIL: "beheer@hallowerk.example",
};

/** azd's password for $(secretOrRandomPassword) when the vault has none: 5 lower, 5 upper, 5 digits. */
const azdRandomPassword = () => {
  const pick = (chars: string) => Array.from({ length: 5 }, () => chars[Math.floor(Math.random() * chars.length)]!);
  return [...pick("abcdefghijklmnopqrstuvwxyz"), ...pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), ...pick("0123456789")]
    .sort(() => Math.random() - 0.5)
    .join("");
};

/**
 * What azd does with infra/main.parameters.json: ${VAR} and ${VAR=default} from the environment,
 * $(secretOrRandomPassword vault secret) from the vault (or a new random value), then strings
 * converted for bool and int parameters.
 */
function azdParameters(template: ArmTemplate, env: Record<string, string>, vault: Record<string, string> = {}): Record<string, unknown> {
  const raw = readFileSync(join(root, "infra/main.parameters.json"), "utf8")
    .replace(/\$\{([A-Za-z0-9_]+)(?:=([^}]*))?\}/g, (_, name: string, fallback?: string) => env[name] || fallback || "")
    .replace(
      /\$\(secretOrRandomPassword\s*([^\s)]*)\s*([^\s)]*)\)/g,
      (_, vaultName: string, secret: string) => (vaultName && secret && vault[`${vaultName}/${secret}`]) || azdRandomPassword(),
    );
  const declared = asObject(get(asJson(template), "parameters"), "the template's parameters");
  const params: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(asObject(get(parseJson(raw), "parameters"), "main.parameters.json"))) {
    const value = get(entry, "value");
    const declaredType = get(declared, name, "type");
    const type = typeof declaredType === "string" ? declaredType.toLowerCase() : undefined;
    params[name] =
      type === "bool" && typeof value === "string" ? value === "true" : type === "int" && typeof value === "string" ? Number(value) : value;
  }
  return params;
}

let outDir: string;
let template: ArmTemplate;
let first: Evaluation;

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), "hallowerk-infra-"));
  template = buildInfra(outDir); // throws on any compiler diagnostic, or without dotnet
  first = evaluateTemplate(template, azdParameters(template, AZD_ENV));
}, 300_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const provision = (env: Record<string, string> = {}, vault?: Record<string, string>) =>
  evaluateTemplate(template, azdParameters(template, { ...AZD_ENV, ...env }, vault));

const all = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
function one(ev: Evaluation, type: string, where: (r: DeployedResource) => boolean = () => true): DeployedResource {
  const found = all(ev, type).filter(where);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}
const site = (ev: Evaluation) => one(ev, "Microsoft.Web/sites");
const appSettings = (ev: Evaluation): Record<string, string> => {
  const settings = asObject(one(ev, "Microsoft.Web/sites/config", (r) => r.name.endsWith("/appsettings")).properties, "app settings");
  return Object.fromEntries(Object.entries(settings).map(([name, value]) => [name, asString(value, name)]));
};
const identityOf = (ev: Evaluation) => {
  const { id, name } = one(ev, "Microsoft.ManagedIdentity/userAssignedIdentities");
  const { principalId, clientId } = referenceStandIn("Microsoft.ManagedIdentity/userAssignedIdentities", [name]);
  return { id, principalId: asString(principalId, "principalId"), clientId: asString(clientId, "clientId") };
};
const storageAccounts = (ev: Evaluation) => all(ev, "Microsoft.Storage/storageAccounts");
/** The files account is the one holding the code's blob containers. */
const filesAccount = (ev: Evaluation) => {
  const container = all(ev, "Microsoft.Storage/storageAccounts/blobServices/containers").find((c) =>
    c.name.endsWith(`/${BLOB_CONTAINERS.candidateFiles}`),
  )!;
  return one(ev, "Microsoft.Storage/storageAccounts", (a) => a.name === container.name.split("/")[0]);
};
const hostAccount = (ev: Evaluation) => one(ev, "Microsoft.Storage/storageAccounts", (a) => a.id !== filesAccount(ev).id);

/** App settings as the app sees them: Key Vault references resolved to the secrets' values. */
function resolvedSettings(ev: Evaluation): Record<string, string> {
  const secrets = new Map(
    all(ev, "Microsoft.KeyVault/vaults/secrets").map((s) => {
      const [vault, name] = s.name.split("/");
      return [
        asString(referenceStandIn("Microsoft.KeyVault/vaults/secrets", [vault!, name!]).secretUri, s.name),
        asString(get(s.properties, "value"), s.name),
      ];
    }),
  );
  return Object.fromEntries(
    Object.entries(appSettings(ev)).map(([key, value]) => {
      const ref = /^@Microsoft\.KeyVault\(SecretUri=(.+)\)$/.exec(value);
      if (!ref) return [key, value];
      const secret = secrets.get(ref[1]!);
      expect(secret, `${key} references a secret the template writes: ${ref[1]}`).toBeDefined();
      return [key, secret!];
    }),
  );
}

describe("the Bicep compiler", () => {
  it("when infra/main.bicep is linted with bicepconfig.json, then there is no error, warning or info", () => {
    expect(() => lintInfra()).not.toThrow();
  }, 120_000);

  it("when built, then it is a subscription deployment creating rg-<env> tagged for azd, with every module inside it", () => {
    expect(String(template.$schema)).toContain("subscriptionDeploymentTemplate");
    const rg = one(first, "Microsoft.Resources/resourceGroups");
    expect(rg.name).toBe("rg-hallowerk-test");
    expect(rg.tags).toEqual({ "azd-env-name": "hallowerk-test" });
    for (const r of first.resources) {
      if (r.type === "Microsoft.Resources/resourceGroups" || r.type === "Microsoft.Authorization/roleDefinitions") continue;
      expect(r.id.startsWith(`${rg.id}/`), `${r.type} ${r.name} is in ${rg.name}`).toBe(true);
    }
  });
});

describe("the Function App", () => {
  it("when provisioned, then it runs on a Flex Consumption (FC1) Linux plan with Node.js 22", () => {
    const plan = one(first, "Microsoft.Web/serverfarms");
    expect(plan.sku).toEqual({ name: "FC1", tier: "FlexConsumption" });
    expect(get(plan.properties, "reserved")).toBe(true);
    const app = site(first);
    expect(app.kind).toBe("functionapp,linux");
    expect(app.tags).toMatchObject({ "azd-env-name": "hallowerk-test", "azd-service-name": "api" });
    expect(get(app.properties, "serverFarmId")).toBe(plan.id);
    expect(get(app.properties, "functionAppConfig", "runtime")).toEqual({ name: "node", version: "22" });
    expect(get(app.properties, "functionAppConfig", "scaleAndConcurrency")).toEqual({
      instanceMemoryMB: 2048,
      maximumInstanceCount: 40,
      alwaysReady: [],
    });
  });

  it("when always-ready HTTP instances are asked for, then the http group gets them", () => {
    const scale = get(
      site(provision({ FUNCTION_ALWAYS_READY_HTTP: "1", FUNCTION_INSTANCE_MEMORY_MB: "4096" })).properties,
      "functionAppConfig",
      "scaleAndConcurrency",
    );
    expect(get(scale, "alwaysReady")).toEqual([{ name: "http", instanceCount: 1 }]);
    expect(get(scale, "instanceMemoryMB")).toBe(4096);
  });

  it("when provisioned, then it runs as the one user-assigned identity, also for Key Vault references and the deployment package", () => {
    const { id } = identityOf(first);
    const app = site(first);
    expect(app.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: { [id]: {} } });
    expect(get(app.properties, "keyVaultReferenceIdentity")).toBe(id);
    expect(get(app.properties, "functionAppConfig", "deployment", "storage")).toEqual({
      type: "blobContainer",
      value: `https://${hostAccount(first).name}.blob.core.windows.net/app-package`,
      authentication: { type: "UserAssignedIdentity", userAssignedIdentityResourceId: id },
    });
    expect(all(first, "Microsoft.Storage/storageAccounts/blobServices/containers").map((c) => c.name)).toContain(
      `${hostAccount(first).name}/default/app-package`,
    );
  });

  it("when provisioned, then HTTPS only with TLS 1.2, no FTP, no basic publishing credentials, and CORS for the configured origins", () => {
    const app = site(first);
    expect(get(app.properties, "httpsOnly")).toBe(true);
    expect(get(app.properties, "siteConfig")).toMatchObject({ minTlsVersion: "1.2", ftpsState: "Disabled" });
    expect(get(app.properties, "siteConfig", "cors", "allowedOrigins")).toEqual([
      "https://app.hallowerk.example",
      "https://coach.hallowerk.example",
    ]);
    const policies = all(first, "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
    expect(policies.map((p) => [p.name, get(p.properties, "allow")]).sort()).toEqual([
      [`${app.name}/ftp`, false],
      [`${app.name}/scm`, false],
    ]);
  });
});

describe("no keys, no local authentication", () => {
  it("when provisioned, then every storage account refuses shared keys and anonymous access, and wants TLS 1.2 over HTTPS", () => {
    expect(storageAccounts(first)).toHaveLength(2);
    for (const account of storageAccounts(first)) {
      expect(account.properties, account.name).toMatchObject({
        allowSharedKeyAccess: false,
        allowBlobPublicAccess: false,
        minimumTlsVersion: "TLS1_2",
        supportsHttpsTrafficOnly: true,
        defaultToOAuthAuthentication: true,
      });
    }
  });

  it("when provisioned, then Cosmos DB and Application Insights have local auth disabled", () => {
    const cosmos = one(first, "Microsoft.DocumentDB/databaseAccounts");
    expect(cosmos.properties).toMatchObject({
      disableLocalAuth: true,
      disableKeyBasedMetadataWriteAccess: true,
      minimalTlsVersion: "Tls12",
    });
    expect(get(one(first, "Microsoft.Insights/components").properties, "DisableLocalAuth")).toBe(true);
    expect(get(one(first, "Microsoft.OperationalInsights/workspaces").properties, "features", "disableLocalAuth")).toBe(true);
  });

  it("when compiled, then nothing lists keys or carries a key or connection-string secret", () => {
    const text = JSON.stringify(template);
    for (const forbidden of [
      "listKeys",
      "listConnectionStrings",
      "listAccountSas",
      "listServiceSas",
      "AccountKey=",
      "SharedAccessKey",
      "InstrumentationKey=",
      "APPINSIGHTS_INSTRUMENTATIONKEY",
    ]) {
      expect(text, forbidden).not.toContain(forbidden);
    }
  });

  it("when provisioned, then host storage and telemetry go by identity and no setting holds a key", () => {
    const settings = appSettings(first);
    const { clientId } = identityOf(first);
    expect(settings).toMatchObject({
      AzureWebJobsStorage__credential: "managedidentity",
      AzureWebJobsStorage__clientId: clientId,
      AzureWebJobsStorage__blobServiceUri: `https://${hostAccount(first).name}.blob.core.windows.net/`,
      AZURE_CLIENT_ID: clientId,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
    });
    expect(settings).not.toHaveProperty("AzureWebJobsStorage");
    // The connection string names the component (what Azure returns for it); with local auth off it grants nothing.
    const component = one(first, "Microsoft.Insights/components");
    expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe(referenceStandIn(component.type, [component.name]).ConnectionString);
    for (const [key, value] of Object.entries(settings)) {
      if (key === "APPLICATIONINSIGHTS_CONNECTION_STRING") continue;
      expect(value, key).not.toMatch(/AccountKey=|InstrumentationKey=|SharedAccessSignature=|sig=/i);
    }
  });
});

describe("role assignments", () => {
  const assignments = (ev: Evaluation) =>
    all(ev, "Microsoft.Authorization/roleAssignments").map((a) => ({
      scope: a.scope,
      role: parseId(asString(get(a.properties, "roleDefinitionId"), a.name)).names[0],
      principalId: get(a.properties, "principalId"),
      principalType: get(a.properties, "principalType"),
    }));

  it("when provisioned, then the identity holds exactly its least-privilege roles, each on its one resource, and the deployer only reads secrets", () => {
    const { principalId } = identityOf(first);
    const customRole = one(first, "Microsoft.Authorization/roleDefinitions");
    const vault = one(first, "Microsoft.KeyVault/vaults");
    const app = (scope: string, role: string) => ({ scope, role, principalId, principalType: "ServicePrincipal" });
    const expected = [
      app(filesAccount(first).id, ROLES.storageBlobDataContributor),
      app(filesAccount(first).id, customRole.name),
      app(hostAccount(first).id, ROLES.storageBlobDataOwner),
      app(vault.id, ROLES.keyVaultSecretsUser),
      app(one(first, "Microsoft.Insights/components").id, ROLES.monitoringMetricsPublisher),
      app(one(first, "Microsoft.Communication/communicationServices").id, ROLES.communicationEmailOwner),
      { scope: vault.id, role: ROLES.keyVaultSecretsOfficer, principalId: DEPLOYER, principalType: "User" },
    ];
    const byKey = (x: { scope?: string; role?: string }) => `${x.scope} ${x.role}`;
    expect(assignments(first).sort((a, b) => byKey(a).localeCompare(byKey(b)))).toEqual(
      expected.sort((a, b) => byKey(a).localeCompare(byKey(b))),
    );
    for (const broad of Object.values(BROAD_ROLES)) expect(assignments(first).map((a) => a.role)).not.toContain(broad);
  });

  it("when the custom role is read, then it grants nothing but reading blob index tags, assignable only in the environment's group", () => {
    const role = one(first, "Microsoft.Authorization/roleDefinitions");
    expect(get(role.properties, "type")).toBe("CustomRole");
    expect(get(role.properties, "permissions")).toEqual([
      {
        actions: [],
        notActions: [],
        dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/read"],
        notDataActions: [],
      },
    ]);
    expect(get(role.properties, "assignableScopes")).toEqual([one(first, "Microsoft.Resources/resourceGroups").id]);
  });

  it("when provisioned, then the identity is a Cosmos DB Built-in Data Contributor on the hallowerk database only", () => {
    const cosmos = one(first, "Microsoft.DocumentDB/databaseAccounts");
    const sql = one(first, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
    expect(sql.properties).toEqual({
      roleDefinitionId: `${cosmos.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002`,
      principalId: identityOf(first).principalId,
      scope: `${cosmos.id}/dbs/hallowerk`,
    });
  });

  it("when provisioned twice, then every assignment has the same deterministic name, and without a deployer there is no deployer role", () => {
    const again = provision();
    const names = (ev: Evaluation) =>
      [...all(ev, "Microsoft.Authorization/roleAssignments"), ...all(ev, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")]
        .map((r) => r.name)
        .sort();
    expect(names(again)).toEqual(names(first));
    const noDeployer = provision({ AZURE_PRINCIPAL_ID: "" });
    expect(assignments(noDeployer).map((a) => a.principalId)).not.toContain(DEPLOYER);
    expect(assignments(noDeployer)).toHaveLength(6);
  });
});

describe("Cosmos DB", () => {
  it("when provisioned, then the containers are exactly the code's CONTAINERS: partition key, indexing policy with composite indexes, unique keys, TTL", () => {
    const containers = all(first, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
    expect(containers.map((c) => get(c.properties, "resource", "id")).sort()).toEqual(
      Object.values(CONTAINERS)
        .map((c) => c.id)
        .sort(),
    );
    for (const def of Object.values(CONTAINERS)) {
      const c = containers.find((x) => get(x.properties, "resource", "id") === def.id)!;
      expect(c.name).toBe(`${one(first, "Microsoft.DocumentDB/databaseAccounts").name}/hallowerk/${def.id}`);
      const resource = get(c.properties, "resource");
      expect(get(resource, "partitionKey", "paths"), def.id).toEqual(def.partitionKey.paths);
      expect(get(resource, "partitionKey", "kind"), def.id).toBe("Hash");
      expect(get(resource, "indexingPolicy"), def.id).toEqual("indexingPolicy" in def ? def.indexingPolicy : undefined);
      expect(get(resource, "uniqueKeyPolicy"), def.id).toEqual("uniqueKeyPolicy" in def ? def.uniqueKeyPolicy : undefined);
      expect(get(resource, "defaultTtl"), `${def.id}: TTL on (-1) only where documents carry their own ttl`).toEqual(
        "defaultTtl" in def ? def.defaultTtl : undefined,
      );
      expect(get(c.properties, "options"), `${def.id}: throughput is never per container`).toBeUndefined();
    }
  });

  it("when provisioned by default, then the account is serverless with 7-day continuous backup and session consistency", () => {
    const account = one(first, "Microsoft.DocumentDB/databaseAccounts");
    expect(get(account.properties, "capabilities")).toEqual([{ name: "EnableServerless" }]);
    expect(get(account.properties, "backupPolicy")).toEqual({ type: "Continuous", continuousModeProperties: { tier: "Continuous7Days" } });
    expect(get(account.properties, "consistencyPolicy")).toEqual({ defaultConsistencyLevel: "Session" });
    const db = one(first, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases");
    expect(db.properties).toEqual({ resource: { id: "hallowerk" }, options: {} });
  });

  it("when provisioned throughput is chosen, then the database gets autoscale throughput and the account no serverless capability", () => {
    const ev = provision({ COSMOS_SERVERLESS: "false", COSMOS_AUTOSCALE_MAX_THROUGHPUT: "4000" });
    expect(get(one(ev, "Microsoft.DocumentDB/databaseAccounts").properties, "capabilities")).toEqual([]);
    expect(get(one(ev, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases").properties, "options")).toEqual({
      autoscaleSettings: { maxThroughput: 4000 },
    });
  });
});

describe("candidate files storage", () => {
  const blobService = (ev: Evaluation) =>
    one(ev, "Microsoft.Storage/storageAccounts/blobServices", (s) => s.name.startsWith(`${filesAccount(ev).name}/`));

  it("when provisioned, then it has the code's containers, private, and the browser-upload CORS rule for the configured origins", () => {
    const containers = all(first, "Microsoft.Storage/storageAccounts/blobServices/containers").filter((c) =>
      c.name.startsWith(`${filesAccount(first).name}/`),
    );
    expect(containers.map((c) => c.name.split("/")[2])).toEqual(Object.values(BLOB_CONTAINERS));
    for (const c of containers) expect(get(c.properties, "publicAccess")).toBe("None");
    const list = (csv: string) => csv.split(",");
    expect(get(blobService(first).properties, "cors", "corsRules")).toEqual([
      {
        allowedOrigins: ["https://app.hallowerk.example", "https://coach.hallowerk.example"],
        allowedMethods: list(BLOB_CORS.allowedMethods),
        allowedHeaders: list(BLOB_CORS.allowedHeaders),
        exposedHeaders: list(BLOB_CORS.exposedHeaders),
        maxAgeInSeconds: BLOB_CORS.maxAgeInSeconds,
      },
    ]);
    expect(list(BLOB_CORS.allowedMethods)).toEqual(["GET", "HEAD", "PUT", "OPTIONS"]);
    expect(list(BLOB_CORS.exposedHeaders).map((h) => h.toLowerCase())).toContain("etag");
    expect(get(blobService(provision({ CORS_ALLOWED_ORIGINS: "" })).properties, "cors", "corsRules")).toEqual([]);
  });

  it("when provisioned by default, then deleted files are gone: no blob or container soft delete, no versions, no change feed", () => {
    expect(blobService(first).properties).toMatchObject({
      deleteRetentionPolicy: { enabled: false },
      containerDeleteRetentionPolicy: { enabled: false },
      isVersioningEnabled: false,
      changeFeed: { enabled: false },
    });
    const kept = blobService(provision({ CANDIDATE_FILES_SOFT_DELETE_DAYS: "7" })).properties;
    expect(get(kept, "deleteRetentionPolicy")).toEqual({ enabled: true, days: 7 });
    expect(get(kept, "containerDeleteRetentionPolicy")).toEqual({ enabled: true, days: 7 });
  });

  it("when malware scanning is on (the default), then Defender scans uploads on the files account and the app waits for its verdict", () => {
    const defender = one(first, "Microsoft.Security/defenderForStorageSettings");
    expect(defender.scope).toBe(filesAccount(first).id);
    expect(defender.properties).toMatchObject({
      isEnabled: true,
      overrideSubscriptionLevelSettings: true,
      malwareScanning: { onUpload: { isEnabled: true, capGBPerMonth: 100 } },
    });
    expect(appSettings(first).MALWARE_SCANNING).toBe("defender");
    const off = provision({ MALWARE_SCANNING_ENABLED: "false" });
    expect(all(off, "Microsoft.Security/defenderForStorageSettings")).toEqual([]);
    expect(appSettings(off).MALWARE_SCANNING).toBe("off");
  });
});

describe("Key Vault and the app's keys", () => {
  const secret = (ev: Evaluation, name: string) =>
    asString(get(one(ev, "Microsoft.KeyVault/vaults/secrets", (s) => s.name.endsWith(`/${name}`)).properties, "value"), name);

  it("when provisioned, then the vault is in RBAC mode with soft delete and purge protection", () => {
    expect(one(first, "Microsoft.KeyVault/vaults").properties).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
    });
  });

  it("when azd provisions the first time (a 15-character random value), then the stored keys are long enough for the app", () => {
    for (const name of ["continuation-key", "pseudonym-key"]) expect(secret(first, name).length, name).toBeGreaterThanOrEqual(32);
    expect(secret(first, "continuation-key")).not.toBe(secret(first, "pseudonym-key"));
  });

  it("when azd provisions again and reads the keys back from the vault, then they are stored unchanged (PSEUDONYM_KEY never rotates)", () => {
    const vaultName = asString(first.outputs.AZURE_KEY_VAULT_NAME, "AZURE_KEY_VAULT_NAME");
    const inVault = {
      [`${vaultName}/continuation-key`]: secret(first, "continuation-key"),
      [`${vaultName}/pseudonym-key`]: secret(first, "pseudonym-key"),
    };
    const again = provision({ AZURE_KEY_VAULT_NAME: vaultName }, inVault);
    expect(secret(again, "pseudonym-key")).toBe(secret(first, "pseudonym-key"));
    expect(secret(again, "continuation-key")).toBe(secret(first, "continuation-key"));
  });

  it("when no KvK API key is given, then there is neither a kvk-api-key secret nor a KVK_API_KEY setting", () => {
    expect(secret(first, "kvk-api-key")).toBe("kvk-test-api-key");
    const none = provision({ KVK_API_KEY: "" });
    expect(
      all(none, "Microsoft.KeyVault/vaults/secrets")
        .map((s) => s.name.split("/")[1])
        .sort(),
    ).toEqual(["continuation-key", "pseudonym-key"]);
    expect(appSettings(none)).not.toHaveProperty("KVK_API_KEY");
  });
});

describe("app settings", () => {
  /** What the app sees on the Function App: its settings plus what the platform sets (WEBSITE_SITE_NAME: Azure mode). */
  const azure = (settings: Record<string, string>): Record<string, string> => ({ ...settings, WEBSITE_SITE_NAME: site(first).name });

  it("when provisioned, then every setting the app reads in Azure is there and its own config loader accepts them", () => {
    const settings = appSettings(first);
    for (const key of [
      "COSMOS_ENDPOINT",
      "COSMOS_DATABASE",
      "STORAGE_ACCOUNT_URL",
      "AUTH_ISSUER",
      "AUTH_AUDIENCE",
      "AUTH_JWKS_URL",
      "CONTINUATION_KEY",
      "PSEUDONYM_KEY",
      "KVK_BASE_URL",
      "KVK_API_KEY",
      "CORS_ALLOWED_ORIGINS",
      "MALWARE_SCANNING",
      "AUTH_INTEGRATION_CLIENT_IDS",
      "AUTH_MFA_ACRS",
      "AUTH_ROLES_CLAIM",
      "AUTH_MUNICIPALITY_CLAIM",
      "AZURE_CLIENT_ID",
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
      "MAIL_ENDPOINT",
      "MAIL_SENDER",
      "APP_URL",
    ])
      expect(settings, key).toHaveProperty(key);
    for (const key of ["CONTINUATION_KEY", "PSEUDONYM_KEY", "KVK_API_KEY"])
      expect(settings[key], key).toMatch(/^@Microsoft\.KeyVault\(SecretUri=https:\/\/.+\)$/);

    const config = parseConfig(azure(resolvedSettings(first)));
    expect(config).toMatchObject({
      COSMOS_ENDPOINT: `https://${one(first, "Microsoft.DocumentDB/databaseAccounts").name}.documents.azure.com:443/`,
      COSMOS_DATABASE: "hallowerk",
      STORAGE_ACCOUNT_URL: `https://${filesAccount(first).name}.blob.core.windows.net/`,
      AUTH_LOCAL_ISSUER: false,
      CORS_ALLOWED_ORIGINS: ["https://app.hallowerk.example", "https://coach.hallowerk.example"],
      AUTH_MFA_ACRS: ["c1"],
      AUTH_ROLES_CLAIM: "roles",
      AUTH_MUNICIPALITY_CLAIM: "extension_0f1e2d3c4b5a69788796a5b4c3d2e1f0_municipality",
      MALWARE_SCANNING: "defender",
      KVK_API_KEY: "kvk-test-api-key",
      MAIL_ENDPOINT: `https://${one(first, "Microsoft.Communication/communicationServices").name}.europe.communication.azure.com`,
      APP_URL: "https://app.hallowerk.example",
    });
    expect(config.MAIL_SENDER).toMatch(/^DoNotReply@[0-9a-f-]+\.azurecomm\.net$/);
    expect(config.COSMOS_KEY).toBeUndefined();
    expect(config.MAIL_ACCESS_KEY).toBeUndefined();
    expect(config.STORAGE_CONNECTION_STRING).toBeUndefined();
  });

  it("when a required setting is missing, then the app's config loader refuses to start", () => {
    const settings = azure(resolvedSettings(first));
    for (const key of ["AUTH_ISSUER", "AUTH_AUDIENCE", "COSMOS_ENDPOINT", "STORAGE_ACCOUNT_URL", "CONTINUATION_KEY", "PSEUDONYM_KEY"]) {
      const { [key]: _dropped, ...rest } = settings;
      expect(() => parseConfig(rest), key).toThrow(key);
    }
  });

  it("when the runtime settings are looked for, then none that Flex Consumption refuses or that production may not have are set", () => {
    for (const key of [
      "FUNCTIONS_WORKER_RUNTIME",
      "FUNCTIONS_EXTENSION_VERSION",
      "AUTH_LOCAL_ISSUER",
      "COSMOS_KEY",
      "STORAGE_CONNECTION_STRING",
      "WEBSITE_SITE_NAME",
      "AzureWebJobsStorage",
    ]) {
      expect(appSettings(first), key).not.toHaveProperty(key);
    }
  });

  it("when neither a JWKS nor a discovery URL is given, then the issuer's OpenID configuration is used, and optional empty settings are left out", () => {
    const ev = provision({
      AUTH_JWKS_URL: "",
      KVK_BASE_URL: "",
      AUTH_ISSUER: "https://tenant.ciamlogin.com/00000000-0000-4000-8000-0000000000aa/v2.0/",
    });
    const settings = appSettings(ev);
    expect(settings.AUTH_OIDC_DISCOVERY_URL).toBe(
      "https://tenant.ciamlogin.com/00000000-0000-4000-8000-0000000000aa/v2.0/.well-known/openid-configuration",
    );
    expect(settings).not.toHaveProperty("AUTH_JWKS_URL");
    expect(settings).not.toHaveProperty("KVK_BASE_URL");
    expect(() => parseConfig(azure(resolvedSettings(ev)))).not.toThrow();
    expect(
      appSettings(provision({ AUTH_OIDC_DISCOVERY_URL: "https://idp.example/.well-known/openid-configuration" })).AUTH_OIDC_DISCOVERY_URL,
    ).toBe("https://idp.example/.well-known/openid-configuration");
  });
});

describe("e-mail (infra/app/email.bicep)", () => {
  it("when provisioned, then Communication Services is linked to the Azure-managed domain of an Email Communication Service, both with data in Europe and no engagement tracking", () => {
    const emailService = one(first, "Microsoft.Communication/emailServices");
    const domain = one(first, "Microsoft.Communication/emailServices/domains");
    const acs = one(first, "Microsoft.Communication/communicationServices");
    expect(emailService).toMatchObject({ location: "global", properties: { dataLocation: "Europe" } });
    expect(domain).toMatchObject({
      name: `${emailService.name}/AzureManagedDomain`,
      properties: { domainManagement: "AzureManaged", userEngagementTracking: "Disabled" },
    });
    expect(acs).toMatchObject({ location: "global", properties: { dataLocation: "Europe", linkedDomains: [domain.id] } });
    expect(appSettings(first).MAIL_SENDER).toBe(
      `DoNotReply@${asString(referenceStandIn(domain.type, domain.name.split("/")).mailFromSenderDomain, "mailFromSenderDomain")}`,
    );
  });

  it("when an APP_URL is given, then the e-mails link there rather than to the first web origin", () => {
    expect(appSettings(provision({ APP_URL: "https://werk.gemeente.example" })).APP_URL).toBe("https://werk.gemeente.example");
  });
});

describe("alerts (infra/app/alerts.bicep)", () => {
  const actionGroup = () => one(first, "Microsoft.Insights/actionGroups");
  const logAlert = (name: string) => one(first, "Microsoft.Insights/scheduledQueryRules", (r) => r.name.endsWith(`-${name}`));
  const EVENTS = 'traces | where message startswith "hallowerk.event " | extend e = parse_json(substring(message, 16))';

  it("when provisioned, then one action group e-mails ALERT_EMAIL, and every alert points at it", () => {
    expect(actionGroup().location).toBe("global");
    expect(get(actionGroup().properties, "emailReceivers")).toEqual([
      expect.objectContaining({ emailAddress: "beheer@hallowerk.example", useCommonAlertSchema: true }),
    ]);
    const rules = all(first, "Microsoft.Insights/scheduledQueryRules");
    expect(rules.map((r) => get(r.properties, "displayName")).sort()).toEqual([
      "api-server-errors",
      "audit-unrecorded",
      "mail-dead-lettered",
      "retention-items-failing",
      "retention-replay-found-restored",
      "retention-sweep-failed",
      "retention-sweep-not-completed",
      "viewing-limit-spike",
    ]);
    for (const r of rules) {
      expect(get(r.properties, "actions", "actionGroups")).toEqual([actionGroup().id]);
      expect(get(r.properties, "scopes")).toEqual([one(first, "Microsoft.Insights/components").id]);
      expect(get(r.properties, "enabled")).toBe(true);
    }
    const metricAlerts = all(first, "Microsoft.Insights/metricAlerts");
    expect(metricAlerts).toHaveLength(2);
    for (const m of metricAlerts) expect(get(m.properties, "actions")).toEqual([{ actionGroupId: actionGroup().id }]);
  });

  it("when the retention sweep throws, does not complete within 26 hours, or leaves failed items three nights running, then a log alert on its events fires", () => {
    const failed = logAlert("retention-sweep-failed").properties;
    expect(get(failed, "criteria", "allOf", 0)).toMatchObject({ timeAggregation: "Count", operator: "GreaterThan", threshold: 0 });
    expect(get(failed, "criteria", "allOf", 0, "query")).toContain(
      `${EVENTS} | where tostring(e.event) == "timer.failed" and tostring(e.timer) == "retentionSweep"`,
    );
    expect(get(failed, "criteria", "allOf", 0, "query")).toContain('requests | where name == "retentionSweep" and success == false');

    const missing = logAlert("retention-sweep-not-completed").properties;
    expect(get(missing, "criteria", "allOf", 0)).toMatchObject({ timeAggregation: "Count", operator: "LessThan", threshold: 1 });
    expect(get(missing, "criteria", "allOf", 0, "query")).toBe(
      `${EVENTS} | where timestamp > ago(26h) | where tostring(e.event) == "retention.sweep" and tobool(e.complete) == true`,
    );
    expect(missing).toMatchObject({ evaluationFrequency: "PT1H", windowSize: "P2D" });

    const items = logAlert("retention-items-failing").properties;
    expect(items).toMatchObject({ evaluationFrequency: "P1D", windowSize: "P1D" });
    expect(get(items, "criteria", "allOf", 0)).toMatchObject({
      metricMeasureColumn: "failed",
      timeAggregation: "Total",
      operator: "GreaterThan",
      threshold: 0,
      failingPeriods: { numberOfEvaluationPeriods: 3, minFailingPeriodsToAlert: 3 },
    });
  });

  it("when 5xx rise, viewing limits refuse many pages, outbox messages are dead-lettered, a change stands without its usage-log line or a replay finds restored people, then a log alert fires", () => {
    expect(get(logAlert("api-server-errors").properties, "criteria", "allOf", 0)).toMatchObject({
      metricMeasureColumn: "errorPercent",
      operator: "GreaterThan",
      threshold: 5,
    });
    expect(get(logAlert("api-server-errors").properties, "criteria", "allOf", 0, "query")).toContain("countif(toint(resultCode) >= 500)");
    expect(get(logAlert("viewing-limit-spike").properties, "criteria", "allOf", 0)).toMatchObject({
      query: `${EVENTS} | where tostring(e.event) == "limit.hit"`,
      threshold: 50,
    });
    expect(get(logAlert("mail-dead-lettered").properties, "criteria", "allOf", 0)).toMatchObject({
      query: `${EVENTS} | where tostring(e.event) == "mail.deadLettered"`,
      timeAggregation: "Count",
      operator: "GreaterThan",
      threshold: 0,
    });
    expect(get(logAlert("audit-unrecorded").properties, "criteria", "allOf", 0)).toMatchObject({
      query: `${EVENTS} | where tostring(e.event) == "audit.unrecorded"`,
      operator: "GreaterThan",
      threshold: 0,
    });
    expect(get(logAlert("retention-replay-found-restored").properties, "criteria", "allOf", 0, "query")).toContain(
      'tostring(e.event) == "retention.replay"',
    );
  });

  it("when Cosmos DB throttles, then a metric alert on the account's TotalRequests with StatusCode 429 fires", () => {
    const throttling = one(first, "Microsoft.Insights/metricAlerts", (r) => r.name.endsWith("-cosmos-throttling"));
    expect(get(throttling.properties, "scopes")).toEqual([one(first, "Microsoft.DocumentDB/databaseAccounts").id]);
    expect(get(throttling.properties, "criteria", "allOf")).toEqual([
      expect.objectContaining({
        metricName: "TotalRequests",
        dimensions: [{ name: "StatusCode", operator: "Include", values: ["429"] }],
        operator: "GreaterThan",
      }),
    ]);
  });

  it("when /api/health fails, then the standard availability test on the app's host alerts from two locations", () => {
    const test = one(first, "Microsoft.Insights/webtests");
    const component = one(first, "Microsoft.Insights/components");
    expect(test.kind).toBe("standard");
    expect(get(test.properties, "Request")).toMatchObject({
      RequestUrl: `https://${site(first).name}.azurewebsites.net/api/health`,
      HttpVerb: "GET",
    });
    expect(get(test.properties, "ValidationRules", "ExpectedHttpStatusCode")).toBe(200);
    expect(test.tags?.[`hidden-link:${component.id}`]).toBe("Resource");
    const availability = one(first, "Microsoft.Insights/metricAlerts", (r) => r.name.endsWith("-health-availability"));
    expect(get(availability.properties, "scopes")).toEqual([test.id, component.id]);
    expect(get(availability.properties, "criteria")).toMatchObject({
      "odata.type": "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria",
      webTestId: test.id,
      componentId: component.id,
      failedLocationCount: 2,
    });
  });
});

describe("outputs and azd parameters", () => {
  it("when provisioned, then azd and a client team get the API URL, OpenAPI URL, auth, origins, upload endpoint and resource names", () => {
    const host = `${site(first).name}.azurewebsites.net`;
    expect(first.outputs).toMatchObject({
      API_BASE_URL: `https://${host}/api`,
      OPENAPI_URL: `https://${host}/api/openapi.json`,
      AUTH_ISSUER: AZD_ENV.AUTH_ISSUER,
      AUTH_AUDIENCE: AZD_ENV.AUTH_AUDIENCE,
      CORS_ALLOWED_ORIGINS: "https://app.hallowerk.example,https://coach.hallowerk.example",
      STORAGE_ACCOUNT_URL: `https://${filesAccount(first).name}.blob.core.windows.net/`,
      AZURE_FUNCTION_APP_NAME: site(first).name,
      AZURE_KEY_VAULT_NAME: one(first, "Microsoft.KeyVault/vaults").name,
      AZURE_RESOURCE_GROUP: "rg-hallowerk-test",
      API_IDENTITY_CLIENT_ID: identityOf(first).clientId,
      AZURE_TENANT_ID: TARGET.tenantId,
    });
  });

  it("when main.parameters.json is read, then every template parameter without a default comes from azd, and the keys from the vault azd names", () => {
    const file = asObject(get(parseJson(readFileSync(join(root, "infra/main.parameters.json"), "utf8")), "parameters"), "parameters");
    const declared = asObject(get(asJson(template), "parameters"), "the template's parameters");
    for (const name of Object.keys(file)) expect(declared, name).toHaveProperty(name);
    for (const [name, def] of Object.entries(declared))
      if (!("defaultValue" in asObject(def, name))) expect(file, name).toHaveProperty(name);
    expect(get(file, "continuationKey", "value")).toBe("$(secretOrRandomPassword ${AZURE_KEY_VAULT_NAME} continuation-key)");
    expect(get(file, "pseudonymKey", "value")).toBe("$(secretOrRandomPassword ${AZURE_KEY_VAULT_NAME} pseudonym-key)");
    expect(get(file, "environmentName", "value")).toBe("${AZURE_ENV_NAME}");
    expect(get(file, "location", "value")).toBe("${AZURE_LOCATION}");
    expect(get(file, "principalId", "value")).toBe("${AZURE_PRINCIPAL_ID}");
  });
});

describe("infra JSON generated from the code", () => {
  it("when the committed infra/*.json is compared with what dev/infra-json.ts writes now, then they are the same", () => {
    for (const [path, content] of Object.entries(infraJsonFiles())) {
      const committed = readFileSync(join(root, path), "utf8");
      expect(committed, `${path} is stale: run \`${REGENERATE}\``).toBe(content);
    }
  });
});

describe("the API's app registration (infra/entra/app-roles.json)", () => {
  it("when its app roles are created, then they are exactly the platform's roles, with fixed ids, and only integration is app-only", () => {
    const appRoles = JSON.parse(readFileSync(join(root, "infra/entra/app-roles.json"), "utf8")) as {
      value: string;
      id: string;
      allowedMemberTypes: string[];
      isEnabled: boolean;
    }[];
    expect(appRoles.map((r) => r.value).sort()).toEqual([...PLATFORM_ROLES].sort());
    expect(new Set(appRoles.map((r) => r.id)).size).toBe(PLATFORM_ROLES.length);
    for (const r of appRoles) {
      expect(r.id, r.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(r.isEnabled).toBe(true);
      expect(r.allowedMemberTypes, r.value).toEqual(r.value === "integration" ? ["Application"] : ["User"]);
    }
  });
});

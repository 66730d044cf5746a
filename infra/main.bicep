// HalloWerk in Azure, for `azd provision` (azure.yaml names this folder; service `api`).
// One resource group per azd environment; one module per concern under app/.
// Build and lint with the real compiler: `npx tsx dev/bicep.ts` (zero diagnostics allowed).
// Nothing here holds a key or a connection string: every service is reached with the Function
// App's user-assigned managed identity, and local (key) authentication is off everywhere.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------
// azd

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; the resource group is rg-<name>, and it seeds the resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource (must offer Flex Consumption, e.g. westeurope, northeurope, swedencentral).')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person (or pipeline) running azd: gets Key Vault Secrets Officer, so that azd can read back continuation-key and pseudonym-key on the next provision. Empty: no role.')
param principalId string = ''

@description('What principalId is: User for a person, ServicePrincipal for a pipeline.')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

// ---------------------------------------------------------------------------------------------
// The deployer's choices: who issues tokens, who may call, where KvK is

@minLength(1)
@description('AUTH_ISSUER: exact `iss` of accepted tokens (Entra ID / External ID), e.g. https://login.microsoftonline.com/<tenant>/v2.0.')
param authIssuer string

@minLength(1)
@description('AUTH_AUDIENCE: exact `aud` of accepted tokens, e.g. api://hallowerk or the API app registration\'s client id.')
param authAudience string

@description('AUTH_JWKS_URL: the issuer\'s JWKS. Empty: the JWKS is found through the OpenID configuration.')
param authJwksUrl string = ''

@description('AUTH_OIDC_DISCOVERY_URL: the issuer\'s OpenID configuration. Empty (and no authJwksUrl): <authIssuer>/.well-known/openid-configuration, where OpenID Connect Discovery puts it (Entra ID and External ID do).')
param authOidcDiscoveryUrl string = ''

@description('AUTH_ROLES_CLAIM: the claim with the platform role (Entra app roles: roles).')
param authRolesClaim string = 'roles'

@description('AUTH_MUNICIPALITY_CLAIM: the claim with a staff member\'s municipality id; with Entra ID a directory extension emitted as an optional claim, extension_<app id without dashes>_municipality.')
param authMunicipalityClaim string = 'municipality'

@description('AUTH_MFA_ACRS: comma-separated `acrs` values (Entra authentication contexts) that count as MFA.')
param authMfaAcrs string = ''

@description('AUTH_INTEGRATION_CLIENT_IDS: comma-separated client ids of the service principals that may use the integration role.')
param authIntegrationClientIds string = ''

@description('CORS_ALLOWED_ORIGINS: comma-separated web origins (https://app.example.nl) that may call the API and upload to / download from the candidate-files storage account.')
param corsAllowedOrigins string = ''

@description('KVK_BASE_URL: the KvK API base, e.g. https://api.kvk.nl/api. Empty: the KvK lookup answers 503.')
param kvkBaseUrl string = ''

@secure()
@description('KVK_API_KEY: the KvK API key; stored in Key Vault as kvk-api-key. Empty: no secret, no setting.')
param kvkApiKey string = ''

@secure()
@minLength(15)
@description('CONTINUATION_KEY (Key Vault continuation-key). From azd: $(secretOrRandomPassword ...), i.e. the value already in the vault, or a new random one on the first provision.')
param continuationKey string

@secure()
@minLength(15)
@description('PSEUDONYM_KEY (Key Vault pseudonym-key). Must never change once data exists: deletion records are keyed with it. From azd: $(secretOrRandomPassword ...), which reads it back from the vault.')
param pseudonymKey string

@secure()
@description('Added to a key shorter than 32 characters (azd\'s first random value has 15) before it is stored, so the stored key is long enough for the app. Leave at its default.')
param keyPadding string = newGuid()

// ---------------------------------------------------------------------------------------------
// Sizing and data protection

@description('Flex Consumption instance memory in MB.')
@allowed([512, 2048, 4096])
param functionInstanceMemoryMB int = 2048

@description('Flex Consumption: the most instances the app scales out to (also caps the load on Cosmos DB).')
@minValue(1)
@maxValue(1000)
param functionMaximumInstances int = 40

@description('Always-ready instances for the HTTP functions (0: scale to zero, cold starts; each one is billed while idle).')
@minValue(0)
@maxValue(20)
param functionAlwaysReadyHttpInstances int = 0

@description('Cosmos DB capacity: true = serverless (pay per request), false = provisioned autoscale throughput on the database. Chosen at the first provision: an account cannot switch in place.')
param cosmosServerless bool = true

@description('Provisioned mode only: the autoscale maximum RU/s shared by the containers (it scales between 10% and this).')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Blob soft delete and container soft delete of the candidate-files account, in days; 0 = off (the default). Deleted personal files must not linger: the retention sweep and an erase must really remove them. Only raise this with the DPIA\'s consent.')
@minValue(0)
@maxValue(365)
param candidateFilesSoftDeleteDays int = 0

@description('Defender for Storage malware scanning on upload for the candidate-files account; sets MALWARE_SCANNING=defender (else off).')
param malwareScanning bool = true

@description('Defender for Storage: at most this many GB scanned per month (cost cap).')
@minValue(1)
param malwareScanningCapGBPerMonth int = 100

@minLength(3)
@description('ALERT_EMAIL: where the alerts go (infra/app/alerts.bicep; README "Operating it"): the retention sweep failing or not completing, failed items, 5xx, viewing-limit spikes, Cosmos DB throttling, the availability test.')
param alertEmail string

@description('Where Azure Communication Services keeps e-mail data at rest (MAIL_ENDPOINT): Europe keeps it in the EU.')
param emailDataLocation string = 'Europe'

@description('APP_URL: where people log in; the only link the e-mails carry. Empty: the first of corsAllowedOrigins.')
param appUrl string = ''

@description('Log Analytics retention in days (application logs carry ids, never personal data).')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// ---------------------------------------------------------------------------------------------

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var origins = filter(map(split(corsAllowedOrigins, ','), o => trim(o)), o => !empty(o))
// OpenID Connect Discovery 1.0, section 4: the configuration is at the issuer + /.well-known/openid-configuration.
var oidcDiscoveryUrl = !empty(authOidcDiscoveryUrl) || !empty(authJwksUrl)
  ? authOidcDiscoveryUrl
  : '${endsWith(authIssuer, '/') ? substring(authIssuer, 0, length(authIssuer) - 1) : authIssuer}/.well-known/openid-configuration'
var loginUrl = !empty(appUrl) ? appUrl : (empty(origins) ? '' : origins[0])
var cosmosDefinition = loadJsonContent('cosmos-containers.json')
var blobDefinition = loadJsonContent('blob-storage.json')

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${token}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    workspaceName: 'log-${token}'
    applicationInsightsName: 'appi-${token}'
    location: location
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    hostAccountName: 'sthost${token}'
    filesAccountName: 'stfiles${token}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    fileContainers: blobDefinition.containers
    cors: blobDefinition.cors
    corsAllowedOrigins: origins
    softDeleteDays: candidateFilesSoftDeleteDays
    malwareScanning: malwareScanning
    malwareScanningCapGBPerMonth: malwareScanningCapGBPerMonth
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: 'cosmos-${token}'
    location: location
    tags: tags
    databaseName: cosmosDefinition.database
    containers: cosmosDefinition.containers
    serverless: cosmosServerless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${token}'
    location: location
    tags: tags
    continuationKey: length(continuationKey) >= 32 ? continuationKey : '${continuationKey}${keyPadding}'
    pseudonymKey: length(pseudonymKey) >= 32 ? pseudonymKey : '${pseudonymKey}${keyPadding}'
    kvkApiKey: kvkApiKey
  }
}

module email 'app/email.bicep' = {
  name: 'email'
  scope: rg
  params: {
    communicationServiceName: 'acs-${token}'
    emailServiceName: 'acs-email-${token}'
    tags: tags
    dataLocation: emailDataLocation
  }
}

// The custom role for reading blob index tags is a subscription-level resource. Its deployment is
// at subscription level too, so its name carries the environment's token: two environments in
// one subscription (or regions) must not share a deployment name.
module roles 'app/roles.bicep' = {
  name: 'roles-${token}'
  params: {
    resourceGroupId: rg.id
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityName: identity.outputs.name
    hostStorageAccountName: storage.outputs.hostAccountName
    filesStorageAccountName: storage.outputs.filesAccountName
    blobTagReaderRoleId: roles.outputs.blobTagReaderRoleId
    cosmosAccountName: cosmos.outputs.accountName
    cosmosDatabaseName: cosmos.outputs.databaseName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    communicationServiceName: email.outputs.communicationServiceName
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module function 'app/function.bicep' = {
  name: 'function'
  scope: rg
  // The identity's roles first: Key Vault references and host storage work from the first start.
  dependsOn: [rbac]
  params: {
    planName: 'plan-${token}'
    appName: 'func-api-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    hostBlobEndpoint: storage.outputs.hostBlobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstances
    alwaysReadyHttpInstances: functionAlwaysReadyHttpInstances
    corsAllowedOrigins: origins
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    appSettings: union(
      {
        COSMOS_ENDPOINT: cosmos.outputs.endpoint
        COSMOS_DATABASE: cosmos.outputs.databaseName
        STORAGE_ACCOUNT_URL: storage.outputs.filesBlobEndpoint
        AUTH_ISSUER: authIssuer
        AUTH_AUDIENCE: authAudience
        AUTH_ROLES_CLAIM: authRolesClaim
        AUTH_MUNICIPALITY_CLAIM: authMunicipalityClaim
        AUTH_MFA_ACRS: authMfaAcrs
        AUTH_INTEGRATION_CLIENT_IDS: authIntegrationClientIds
        CORS_ALLOWED_ORIGINS: join(origins, ',')
        MALWARE_SCANNING: malwareScanning ? 'defender' : 'off'
        MAIL_ENDPOINT: email.outputs.endpoint
        MAIL_SENDER: email.outputs.sender
        CONTINUATION_KEY: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.continuationKeyUri})'
        PSEUDONYM_KEY: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.pseudonymKeyUri})'
      },
      // Optional ones are left out when empty: the app refuses an empty URL.
      empty(authJwksUrl) ? {} : { AUTH_JWKS_URL: authJwksUrl },
      empty(oidcDiscoveryUrl) ? {} : { AUTH_OIDC_DISCOVERY_URL: oidcDiscoveryUrl },
      empty(kvkBaseUrl) ? {} : { KVK_BASE_URL: kvkBaseUrl },
      empty(loginUrl) ? {} : { APP_URL: loginUrl },
      empty(kvkApiKey) ? {} : { KVK_API_KEY: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.kvkApiKeyUri})' }
    )
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: token
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    cosmosAccountName: cosmos.outputs.accountName
    healthUrl: 'https://${function.outputs.defaultHostName}/api/health'
    alertEmail: alertEmail
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs: azd writes them to .azure/<env>/.env; a client team needs the first block.

output API_BASE_URL string = 'https://${function.outputs.defaultHostName}/api'
output OPENAPI_URL string = 'https://${function.outputs.defaultHostName}/api/openapi.json'
output AUTH_ISSUER string = authIssuer
output AUTH_AUDIENCE string = authAudience
output CORS_ALLOWED_ORIGINS string = join(origins, ',')
output STORAGE_ACCOUNT_URL string = storage.outputs.filesBlobEndpoint

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = function.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
// Not AZURE_CLIENT_ID: azd's .env would then steer local DefaultAzureCredential users to this identity.
output API_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output MALWARE_SCANNING string = malwareScanning ? 'defender' : 'off'

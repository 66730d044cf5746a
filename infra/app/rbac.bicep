// Every role the app's identity holds, each on the one resource it needs, and nothing broader
// (no Owner, no Contributor, no subscription- or group-wide data roles). Names are deterministic
// guid()s of scope, identity and role, so a re-provision finds the same assignments.

@description('Name of the app\'s user-assigned identity (identity.bicep).')
param identityName string
param hostStorageAccountName string
param filesStorageAccountName string

@description('Subscription-level id of the custom blob index tag reader role (roles.bicep).')
param blobTagReaderRoleId string
param cosmosAccountName string
param cosmosDatabaseName string
param keyVaultName string
param applicationInsightsName string
param communicationServiceName string

@description('The person or pipeline running azd; empty: no role.')
param deployerPrincipalId string
@allowed(['User', 'ServicePrincipal'])
param deployerPrincipalType string

// Built-in role definitions, by their fixed ids.
var roleId = {
  // Read, write, delete blobs in the candidate-files account, lease them, and (control-plane action
  // generateUserDelegationKey) get the user delegation key that signs the upload and download SAS.
  storageBlobDataContributor: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  // The Functions host with an identity-based AzureWebJobsStorage creates its containers and
  // takes blob leases (timer schedule status, singleton locks); Flex Consumption reads the
  // deployment package from the same account.
  storageBlobDataOwner: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  keyVaultSecretsUser: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
  keyVaultSecretsOfficer: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')
  monitoringMetricsPublisher: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
  // "Communication and Email Service Owner": the built-in role that lets an Entra identity send
  // e-mail through a Communication Services resource.
  communicationEmailOwner: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '09976791-48a7-449e-bb21-39d1a415f350')
}
// Cosmos DB's data-plane role (its own RBAC system, not Azure RBAC): read and write items, run
// queries; it cannot create or delete containers (Bicep does that) or read keys.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource hostAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: hostStorageAccountName
}

resource filesAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: filesStorageAccountName
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: cosmosAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

// Candidate files: the app's blob I/O and the user delegation key for SAS URLs.
resource filesContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(filesAccount.id, identity.id, roleId.storageBlobDataContributor)
  scope: filesAccount
  properties: {
    roleDefinitionId: roleId.storageBlobDataContributor
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Candidate files: read the malware scan verdict tag (custom role, see roles.bicep).
resource filesTagReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(filesAccount.id, identity.id, blobTagReaderRoleId)
  scope: filesAccount
  properties: {
    roleDefinitionId: blobTagReaderRoleId
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Host storage: Blob Data Owner only. The app has HTTP and timer triggers only; timers keep their
// schedule status and locks in blobs, so the host needs no queue or table role (and
// AzureWebJobsStorage names no queue or table endpoint).
resource hostOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostAccount.id, identity.id, roleId.storageBlobDataOwner)
  scope: hostAccount
  properties: {
    roleDefinitionId: roleId.storageBlobDataOwner
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Cosmos DB: data contributor on the one database, not the whole account.
resource cosmosData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, identity.id, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: identity.properties.principalId
    scope: '${cosmosAccount.id}/dbs/${cosmosDatabaseName}'
  }
}

// Key Vault: read secret values (the Key Vault references in the app settings), nothing else.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roleId.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: roleId.keyVaultSecretsUser
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights with local auth off: send telemetry as the identity.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identity.id, roleId.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: roleId.monitoringMetricsPublisher
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// E-mail: send through the one Communication Services resource (the outbox drainer).
resource mailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, identity.id, roleId.communicationEmailOwner)
  scope: communication
  properties: {
    roleDefinitionId: roleId.communicationEmailOwner
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// The deployer: azd's $(secretOrRandomPassword) reads continuation-key and pseudonym-key back
// from the vault on every provision, so they are kept rather than replaced. No data-plane role
// on Cosmos DB or the candidate files: the deployer does not need to read personal data.
resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roleId.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: roleId.keyVaultSecretsOfficer
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}

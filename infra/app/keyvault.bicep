// Key Vault for the app's secrets, in RBAC mode (no access policies): the app's identity reads
// them (Key Vault Secrets User, rbac.bicep) through Key Vault references in its app settings.
// Soft delete and purge protection: a deleted PSEUDONYM_KEY would orphan every deletion record.

param name string
param location string
param tags object

@secure()
param continuationKey string

@secure()
param pseudonymKey string

@secure()
@description('Empty: no kvk-api-key secret.')
param kvkApiKey string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Rewritten on every provision with the value azd read back from this vault, so it stays the same
// (a re-provision with a new value would only add a version; the old one stays recoverable).
resource continuationKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'continuation-key'
  properties: {
    value: continuationKey
    contentType: 'CONTINUATION_KEY: HMAC key of continuation tokens'
  }
}

resource pseudonymKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'pseudonym-key'
  properties: {
    value: pseudonymKey
    contentType: 'PSEUDONYM_KEY: keyed hash of deleted records\' ids; never change it'
  }
}

var kvkApiKeySecretName = 'kvk-api-key'

resource kvkApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(kvkApiKey)) {
  parent: vault
  name: kvkApiKeySecretName
  properties: {
    value: kvkApiKey
    contentType: 'KVK_API_KEY'
  }
}

output name string = vault.name
// Versionless URIs: the app follows the current version of each secret.
output continuationKeyUri string = continuationKeySecret.properties.secretUri
output pseudonymKeyUri string = pseudonymKeySecret.properties.secretUri
// Where kvk-api-key is (main.bicep references it only when a key was given).
output kvkApiKeyUri string = '${vault.properties.vaultUri}secrets/${kvkApiKeySecretName}'

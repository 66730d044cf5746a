// Two storage accounts, so that roles can be scoped tightly:
//  - host: the Functions host's own storage (AzureWebJobsStorage: timer schedules and locks) and
//    the deployment package container of Flex Consumption; no personal data;
//  - files: the candidates' CVs, photos and videos (personal data), written and read by browsers
//    through short-lived user delegation SAS URLs that the app signs.
// Both accept Entra ID only (no shared key, so no account key or account SAS works), TLS 1.2,
// HTTPS only, no anonymous blob access.

param hostAccountName string
param filesAccountName string
param location string
param tags object

@description('Blob container of the Flex Consumption deployment package, in the host account.')
param deploymentContainerName string

@description('Blob containers of the files account (shared/storage/blob.ts BLOB_CONTAINERS, via blob-storage.json).')
param fileContainers array

@description('The browser-upload CORS rule but for its origins (shared/storage/blob.ts BLOB_CORS, via blob-storage.json).')
param cors object

@description('Web origins allowed to upload and download with a SAS URL; none: no CORS rule.')
param corsAllowedOrigins array

@description('Blob and container soft delete in days on the files account; 0 = off.')
param softDeleteDays int

param malwareScanning bool
param malwareScanningCapGBPerMonth int

var secureAccount = {
  accessTier: 'Hot'
  allowBlobPublicAccess: false
  allowSharedKeyAccess: false
  allowCrossTenantReplication: false
  defaultToOAuthAuthentication: true
  minimumTlsVersion: 'TLS1_2'
  supportsHttpsTrafficOnly: true
  publicNetworkAccess: 'Enabled' // browsers upload straight to the files account
  networkAcls: {
    defaultAction: 'Allow'
    bypass: 'AzureServices'
  }
}

resource hostAccount 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: hostAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: secureAccount
}

resource hostBlobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: hostAccount
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: hostBlobs
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource filesAccount 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: filesAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: secureAccount
}

var retention = softDeleteDays > 0 ? { enabled: true, days: softDeleteDays } : { enabled: false }

resource filesBlobs 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: filesAccount
  name: 'default'
  properties: {
    // Same rule as allowBrowserUploads() sets on Azurite: PUT to an upload URL, GET a download link.
    cors: {
      corsRules: empty(corsAllowedOrigins) ? [] : [
        {
          allowedOrigins: corsAllowedOrigins
          allowedMethods: cors.allowedMethods
          allowedHeaders: cors.allowedHeaders
          exposedHeaders: cors.exposedHeaders
          maxAgeInSeconds: cors.maxAgeInSeconds
        }
      ]
    }
    // Off unless a number of days is given: a deleted personal file must be gone, not recoverable.
    deleteRetentionPolicy: retention
    containerDeleteRetentionPolicy: retention
    // No versions, no change feed: each would keep copies or traces of deleted files.
    isVersioningEnabled: false
    changeFeed: { enabled: false }
  }
}

resource fileContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for name in fileContainers: {
    parent: filesBlobs
    name: name
    properties: { publicAccess: 'None' }
  }
]

// Scans every upload; the verdict lands in the blob index tag "Malware Scanning scan result",
// which the app reads before it accepts a file (MALWARE_SCANNING=defender). When this is off,
// nothing is deployed, so a subscription-wide Defender plan still applies.
resource defender 'Microsoft.Security/defenderForStorageSettings@2025-01-01' = if (malwareScanning) {
  name: 'current'
  scope: filesAccount
  properties: {
    isEnabled: true
    overrideSubscriptionLevelSettings: true
    malwareScanning: {
      onUpload: {
        isEnabled: true
        capGBPerMonth: malwareScanningCapGBPerMonth
      }
    }
    sensitiveDataDiscovery: { isEnabled: false }
  }
}

output hostAccountName string = hostAccount.name
output filesAccountName string = filesAccount.name
output hostBlobEndpoint string = hostAccount.properties.primaryEndpoints.blob
output filesBlobEndpoint string = filesAccount.properties.primaryEndpoints.blob
output deploymentContainerName string = deploymentContainer.name

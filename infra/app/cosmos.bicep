// Cosmos DB for NoSQL: the account, database `hallowerk` and every container of
// shared/data/containers.ts (via cosmos-containers.json, written by dev/infra-json.ts), with its
// partition key, indexing policy (composite indexes included) and unique keys exactly as the code
// declares them. The app cannot create containers in Azure: its data-plane role cannot, and
// account keys (which could) are disabled.

param accountName string
param location string
param tags object
param databaseName string

@description('Container resource bodies from cosmos-containers.json: id, partitionKey, defaultTtl, indexingPolicy, uniqueKeyPolicy.')
param containers array

@description('true: serverless; false: provisioned autoscale throughput on the database.')
param serverless bool
param autoscaleMaxThroughput int

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    // Point-in-time restore of the last 7 days (no extra charge), e.g. after a faulty sweep.
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: { tier: 'Continuous7Days' }
    }
    // Entra ID only: no account keys for data, and no key-based changes to databases/containers.
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    enableAutomaticFailover: false
    enableMultipleWriteLocations: false
    enableAnalyticalStorage: false
    enableFreeTier: false
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    // Serverless takes no throughput; provisioned shares autoscale RU/s across the containers.
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [
  for c in containers: {
    parent: database
    name: c.id
    properties: {
      resource: c
    }
  }
]

output accountName string = account.name
output databaseName string = database.name
output endpoint string = account.properties.documentEndpoint

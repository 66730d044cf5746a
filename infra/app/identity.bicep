// The one identity of the Function App: every data-plane call (Cosmos DB, Blob storage, Key Vault,
// Application Insights, the Functions host's own storage) is made with it. User-assigned, so its
// roles exist before the app does and survive a re-creation of the app.

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId

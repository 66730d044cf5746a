// A custom role with one data action: read a blob's index tags. The app reads the tag that
// Defender for Storage writes ("Malware Scanning scan result") before it accepts an upload.
// No built-in role is that narrow: Storage Blob Data Contributor does not include tags/read, and
// Storage Blob Data Owner (blobs/*) would also let the app change tags and ACLs, and so forge a
// "No threats found" verdict. Role definitions live at subscription level; this one may only be
// assigned inside the environment's resource group.
targetScope = 'subscription'

param resourceGroupId string

resource blobTagReader 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroupId, 'hallowerk-blob-index-tag-reader')
  properties: {
    // Role names are unique in the tenant: one per resource group.
    roleName: 'HalloWerk blob index tag reader ${uniqueString(resourceGroupId)}'
    description: 'Read blob index tags only (the Defender for Storage malware scan verdict); no blob contents, no writes.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/read']
        notDataActions: []
      }
    ]
    assignableScopes: [resourceGroupId]
  }
}

output blobTagReaderRoleId string = blobTagReader.id

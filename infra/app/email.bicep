// E-mail: Azure Communication Services with an Email Communication Service and its Azure-managed
// domain (<id>.azurecomm.net: no DNS to set up; a custom domain can be linked later). The app sends
// as DoNotReply@ that domain with its managed identity (role in rbac.bicep); no access key is used.

param communicationServiceName string
param emailServiceName string
param tags object

@description('Where the e-mail data rests (Europe keeps it in the EU; the DPIA asks for processing in the Netherlands or the EU).')
param dataLocation string

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource domain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    // No tracking pixels or rewritten links in mail to candidates.
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [domain.id]
  }
}

output communicationServiceName string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
output sender string = 'DoNotReply@${domain.properties.mailFromSenderDomain}'

// Application Insights on a Log Analytics workspace. Local (instrumentation key) authentication is
// off: telemetry is only accepted from the app's identity, which holds Monitoring Metrics
// Publisher on the component (rbac.bicep) and says so in APPLICATIONINSIGHTS_AUTHENTICATION_STRING.

param workspaceName string
param applicationInsightsName string
param location string
param tags object
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = applicationInsights.name
// Not a secret: it names the component and its ingestion endpoint; without local auth it does not
// let anyone send telemetry.
output connectionString string = applicationInsights.properties.ConnectionString

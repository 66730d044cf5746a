// Alerts that say when operating the platform needs a person (README "Operating it" says what
// each one means and what to do). Everything goes to one action group that e-mails alertEmail.
// The app's own events are log lines `hallowerk.event {json}` (shared/services/telemetry.ts): the
// Functions host writes them to Application Insights `traces`; they hold codes and counts only.

param location string
param tags object
param applicationInsightsName string
param cosmosAccountName string
@description('Where the availability test calls: https://<app host>/api/health.')
param healthUrl string
@minLength(3)
param alertEmail string
param namePrefix string

@description('The 5xx share of requests, in percent over 15 minutes (with at least 20 requests), above which the API is failing.')
param serverErrorPercent int = 5
@description('Viewing-limit refusals (429) in 15 minutes above which someone may be harvesting profiles.')
param limitHitsPer15Minutes int = 50
@description('Cosmos DB requests answered 429 (throttled) in 15 minutes above which capacity is short.')
param cosmosThrottledPer15Minutes int = 100

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: cosmosAccountName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'hallowerk'
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// Every event line, parsed: `e.event` and its codes and counts.
var events = 'traces | where message startswith "hallowerk.event " | extend e = parse_json(substring(message, 16))'

var logAlerts = [
  {
    name: 'retention-sweep-failed'
    description: 'The nightly retention sweep (retentionSweep) threw: nothing was deleted or only part. See README "Operating it".'
    severity: 1
    frequency: 'PT1H'
    window: 'PT1H'
    query: '${events} | where tostring(e.event) == "timer.failed" and tostring(e.timer) == "retentionSweep" | project timestamp | union (requests | where name == "retentionSweep" and success == false | project timestamp)'
    operator: 'GreaterThan'
    threshold: 0
    measure: ''
    periods: 1
  }
  {
    name: 'retention-sweep-not-completed'
    description: 'No retention sweep completed in the last 26 hours (it did not run, stopped early, or failed): data past its date stays. See README "Operating it".'
    severity: 1
    frequency: 'PT1H'
    window: 'P2D'
    query: '${events} | where timestamp > ago(26h) | where tostring(e.event) == "retention.sweep" and tobool(e.complete) == true'
    operator: 'LessThan'
    threshold: 1
    measure: ''
    periods: 1
  }
  {
    name: 'retention-items-failing'
    description: 'The retention sweep left failed items three nights in a row: someone\'s data is not deleted on schedule. See README "Operating it".'
    severity: 2
    frequency: 'P1D'
    window: 'P1D'
    query: '${events} | where tostring(e.event) == "retention.sweep" | summarize failed = sum(toint(e.failed))'
    operator: 'GreaterThan'
    threshold: 0
    measure: 'failed'
    periods: 3
  }
  {
    name: 'retention-replay-found-restored'
    description: 'The deletion replay found people who had been erased and were back (a restore), or could not erase them. See README "Operating it".'
    severity: 2
    frequency: 'PT1H'
    window: 'PT1H'
    query: '${events} | where tostring(e.event) == "retention.replay" and (toint(e.found) > 0 or toint(e.failed) > 0)'
    operator: 'GreaterThan'
    threshold: 0
    measure: ''
    periods: 1
  }
  {
    // The outbox drainer gave up on a message after MAIL_MAX_ATTEMPTS tries, or the service refused it.
    // Single failed tries (mail.failed) are retried with backoff and alert nobody.
    name: 'mail-dead-lettered'
    description: 'Outbox messages were dead-lettered: an e-mail was not sent and will not be retried (event mail.deadLettered from the outbox drainer). See README "Operating it".'
    severity: 2
    frequency: 'PT1H'
    window: 'PT1H'
    query: '${events} | where tostring(e.event) == "mail.deadLettered"'
    operator: 'GreaterThan'
    threshold: 0
    measure: ''
    periods: 1
  }
  {
    // A change stood without its usage-log line: writing the line failed twice and taking the change back failed too.
    name: 'audit-unrecorded'
    description: 'A change was stored without its usage-log line (event audit.unrecorded). See README "Operating it".'
    severity: 2
    frequency: 'PT1H'
    window: 'PT1H'
    query: '${events} | where tostring(e.event) == "audit.unrecorded"'
    operator: 'GreaterThan'
    threshold: 0
    measure: ''
    periods: 1
  }
  {
    name: 'api-server-errors'
    description: 'More than the allowed share of API requests answered 5xx in 15 minutes. See README "Operating it".'
    severity: 1
    frequency: 'PT5M'
    window: 'PT15M'
    query: 'requests | where isnotempty(url) | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total >= 20 | project errorPercent = 100.0 * failed / total'
    operator: 'GreaterThan'
    threshold: serverErrorPercent
    measure: 'errorPercent'
    periods: 1
  }
  {
    name: 'viewing-limit-spike'
    description: 'Many pages refused by the viewing limits (429) in 15 minutes: possible harvesting of profiles. See README "Operating it".'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    query: '${events} | where tostring(e.event) == "limit.hit"'
    operator: 'GreaterThan'
    threshold: limitHitsPer15Minutes
    measure: ''
    periods: 1
  }
]

resource logAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for a in logAlerts: {
    name: '${namePrefix}-${a.name}'
    location: location
    tags: tags
    properties: {
      displayName: a.name
      description: a.description
      severity: a.severity
      enabled: true
      scopes: [appInsights.id]
      evaluationFrequency: a.frequency
      windowSize: a.window
      criteria: {
        allOf: [
          union(
            {
              query: a.query
              timeAggregation: empty(a.measure) ? 'Count' : 'Total'
              operator: a.operator
              threshold: a.threshold
              failingPeriods: {
                numberOfEvaluationPeriods: a.periods
                minFailingPeriodsToAlert: a.periods
              }
            },
            empty(a.measure) ? {} : { metricMeasureColumn: a.measure }
          )
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [actionGroup.id]
      }
    }
  }
]

resource cosmosThrottling 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-cosmos-throttling'
  location: 'global'
  tags: tags
  properties: {
    description: 'Cosmos DB answered many requests 429 (throttled) in 15 minutes: capacity is short. See README "Operating it".'
    severity: 2
    enabled: true
    scopes: [cosmosAccount.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'throttled'
          metricNamespace: 'Microsoft.DocumentDB/databaseAccounts'
          metricName: 'TotalRequests'
          dimensions: [
            {
              name: 'StatusCode'
              operator: 'Include'
              values: ['429']
            }
          ]
          operator: 'GreaterThan'
          threshold: cosmosThrottledPer15Minutes
          timeAggregation: 'Count'
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: '${namePrefix}-health'
  location: location
  // Azure links a web test to its component by this tag.
  tags: union(tags, { 'hidden-link:${appInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: '${namePrefix}-health'
    Name: 'GET /api/health'
    Description: 'Liveness of the API from three European locations, every 5 minutes.'
    Enabled: true
    Frequency: 300
    Timeout: 30
    Kind: 'standard'
    RetryEnabled: true
    Locations: [
      { Id: 'emea-nl-ams-azr' }
      { Id: 'emea-gb-db3-azr' }
      { Id: 'emea-se-sto-edge' }
    ]
    Request: {
      RequestUrl: healthUrl
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-health-availability'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /api/health failed from at least two locations. See README "Operating it".'
    severity: 1
    enabled: true
    scopes: [healthTest.id, appInsights.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: appInsights.id
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id

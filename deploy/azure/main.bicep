// vnetbot on Azure Container Apps: one container app running the image built from the repository's Dockerfile, with
// a user-assigned managed identity that reads the Slack secrets from Key Vault and holds the vnetbot role in every
// managed subscription; optionally a PostgreSQL Flexible Server for durable state and replicas. Deploy to a resource
// group (the role modules go to subscription scope): see "Deploying on Azure" in README.md.
//
// Microsoft docs behind the choices (MicrosoftDocs/azure-docs):
//   articles/container-apps/manage-secrets.md        Key Vault references (keyVaultUrl + identity), secret volumes
//   articles/container-apps/managed-identity.md      user-assigned identity; the Identity library needs its client id
//   articles/container-apps/health-probes.md         HTTP probes
//   articles/container-apps/storage-mounts.md        EmptyDir (replica-scoped) storage
//   articles/azure-resource-manager/bicep/deploy-to-resource-group.md   modules scoped to a subscription

@description('Prefix of every resource name.')
param name string = 'vnetbot'

@description('Region of the resources.')
param location string = resourceGroup().location

@description('The image to run, e.g. myregistry.azurecr.io/vnetbot:0.1.0 (docker build -t … . at the repository root).')
param containerImage string

@description('Azure Container Registry the image is pulled from with the managed identity; empty for a public image.')
param registryName string = ''

@description('Resource group of the registry.')
param registryResourceGroup string = resourceGroup().name

@description('Existing Key Vault (Azure RBAC) holding the Slack secrets.')
param keyVaultName string

@description('Resource group of the Key Vault.')
param keyVaultResourceGroup string = resourceGroup().name

@description('Key Vault secret holding the Bot User OAuth Token (xoxb-…).')
param slackBotTokenSecretName string = 'slack-bot-token'

@description('Key Vault secret holding the Signing Secret (HTTP mode).')
param slackSigningSecretName string = 'slack-signing-secret'

@description('Key Vault secret holding an app-level token (xapp-…): set it for Socket Mode, which needs no public ingress.')
param slackAppTokenSecretName string = ''

@description('The bot\'s config file, as text: the example parameters file loads the same vnetbot.yaml that `npm run check-config` checks.')
param configYaml string

@description('Subscriptions the bot manages (azure.subscriptions in the config file): the vnetbot role is defined for and assigned in each.')
param managedSubscriptionIds array = [subscription().subscriptionId]

@description('Name of the vnetbot custom role; unique in the tenant.')
param roleName string = 'vnetbot'

@description('Deploy a PostgreSQL Flexible Server for approvals, the audit trail and alert state. Without it the SQLite file lives on replica-scoped storage: one replica, and state is lost with each new revision.')
param deployPostgres bool = false

@description('PostgreSQL server name (globally unique).')
param postgresServerName string = '${name}-${uniqueString(resourceGroup().id)}'

@description('PostgreSQL administrator login, which the bot connects as.')
param postgresAdminLogin string = 'vnetbot'

@description('PostgreSQL administrator password; required with deployPostgres (the example reads it from Key Vault).')
@secure()
param postgresAdminPassword string = ''

@description('Most replicas; more than one needs PostgreSQL, so without it the app keeps one.')
@minValue(1)
param maxReplicas int = 1

@allowed([
  'debug'
  'info'
  'warn'
  'error'
])
param logLevel string = 'info'

var port = 3000
var socketMode = !empty(slackAppTokenSecretName)
// The config file is a Container Apps secret mounted as a file, not built from parameters: the vnetbot.yaml that
// `npm run check-config` checks is deployed unchanged, and no second copy of its schema lives here. Container Apps has
// no config maps; a secret volume puts a file in the container without a file share or a new image. The file itself
// holds no secrets. Changing a secret creates no new revision (manage-secrets.md), so the file name carries a hash of
// the content: a new config changes VNETBOT_CONFIG, and with it the revision, which then reads the new file.
var configDirectory = '/etc/vnetbot'
var configFileName = 'vnetbot-${uniqueString(configYaml)}.yaml'
// The image's WORKDIR is /app and storage.sqlitePath defaults to ./data/vnetbot.sqlite.
var dataDirectory = '/app/data'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

// The role and its assignments live at subscription scope; see modules/role-assignment.bicep for why.
module role 'modules/role-definition.bicep' = {
  name: '${name}-role-definition'
  scope: subscription(managedSubscriptionIds[0])
  params: {
    roleName: roleName
    assignableSubscriptionIds: managedSubscriptionIds
  }
}

module roleAssignments 'modules/role-assignment.bicep' = [for id in managedSubscriptionIds: {
  name: '${name}-role-${uniqueString(id)}'
  scope: subscription(id)
  params: {
    roleDefinitionName: role.outputs.roleDefinitionName
    principalId: identity.properties.principalId
  }
}]

module vaultReader 'modules/key-vault-reader.bicep' = {
  name: '${name}-key-vault-reader'
  scope: resourceGroup(keyVaultResourceGroup)
  params: {
    keyVaultName: keyVaultName
    principalId: identity.properties.principalId
  }
}

module registryPull 'modules/registry-pull.bicep' = if (!empty(registryName)) {
  name: '${name}-registry-pull'
  scope: resourceGroup(registryResourceGroup)
  params: {
    registryName: registryName
    principalId: identity.properties.principalId
  }
}

// Where the JSON log lines land, audit records included.
resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 90
  }
}

resource containerEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = if (deployPostgres) {
  name: postgresServerName
  location: location
  sku: {
    name: 'Standard_B1ms'
    tier: 'Burstable'
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: {
      storageSizeGB: 32
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
  }
}

resource postgresDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = if (deployPostgres) {
  parent: postgres
  name: 'vnetbot'
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// A consumption environment has no fixed outbound address, so the server admits Azure-hosted clients (0.0.0.0) and
// relies on its password and TLS; a VNet-integrated environment with private access is the stricter alternative.
resource postgresFromAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (deployPostgres) {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

var vaultUri = vaultReader.outputs.vaultUri
// Bicep lets an expression span lines only inside brackets, hence one variable per piece and a one-line concat.
var botTokenSecret = {
  name: 'slack-bot-token'
  keyVaultUrl: '${vaultUri}secrets/${slackBotTokenSecretName}'
  identity: identity.id
}
var modeSecret = socketMode ? {
  name: 'slack-app-token'
  keyVaultUrl: '${vaultUri}secrets/${slackAppTokenSecretName}'
  identity: identity.id
} : {
  name: 'slack-signing-secret'
  keyVaultUrl: '${vaultUri}secrets/${slackSigningSecretName}'
  identity: identity.id
}
var configSecret = {
  name: 'vnetbot-config'
  value: configYaml
}
var postgresSecrets = deployPostgres ? [
  {
    name: 'postgres-url'
    value: 'postgresql://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/vnetbot?sslmode=require'
  }
] : []
var secrets = concat([botTokenSecret, modeSecret, configSecret], postgresSecrets)

var commonEnvironment = [
  {
    name: 'SLACK_BOT_TOKEN'
    secretRef: 'slack-bot-token'
  }
  {
    name: 'VNETBOT_CONFIG'
    value: '${configDirectory}/${configFileName}'
  }
  {
    name: 'PORT'
    value: string(port)
  }
  {
    name: 'LOG_LEVEL'
    value: logLevel
  }
  // DefaultAzureCredential takes a user-assigned identity's client id from AZURE_CLIENT_ID; without it, it asks for
  // a system-assigned identity, which this app does not have (managed-identity.md, "Connect to Azure services in app code").
  {
    name: 'AZURE_CLIENT_ID'
    value: identity.properties.clientId
  }
]
var modeEnvironment = socketMode ? [
  {
    name: 'SLACK_APP_TOKEN'
    secretRef: 'slack-app-token'
  }
] : [
  {
    name: 'SLACK_SIGNING_SECRET'
    secretRef: 'slack-signing-secret'
  }
]
var postgresEnvironment = deployPostgres ? [
  {
    name: 'VNETBOT_POSTGRES_URL'
    secretRef: 'postgres-url'
  }
] : []
var environmentVariables = concat(commonEnvironment, modeEnvironment, postgresEnvironment)

var configVolume = {
  name: 'config'
  storageType: 'Secret'
  secrets: [
    {
      secretRef: 'vnetbot-config'
      path: configFileName
    }
  ]
}
// SQLite runs in WAL mode, which does not work over a network file system (sqlite.org/wal.html), so without
// PostgreSQL the file stays on replica-scoped storage rather than on an Azure Files share.
var dataVolumes = deployPostgres ? [] : [
  {
    name: 'data'
    storageType: 'EmptyDir'
  }
]
var configMount = {
  volumeName: 'config'
  mountPath: configDirectory
}
var dataMounts = deployPostgres ? [] : [
  {
    volumeName: 'data'
    mountPath: dataDirectory
  }
]

var healthz = {
  path: '/healthz'
  port: port
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: containerEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      // HTTP mode: Slack posts signed requests to https://<fqdn>/slack/events. Socket Mode needs no ingress.
      ingress: socketMode ? null : {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: empty(registryName) ? [] : [
        {
          server: registryPull.outputs.loginServer
          identity: identity.id
        }
      ]
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'vnetbot'
          image: containerImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: environmentVariables
          volumeMounts: concat([configMount], dataMounts)
          // /healthz answers 503 until the bot has settled what a previous process left running, then 200. A start
          // may take up to ~2 minutes (failureThreshold is at most 10 in the Microsoft.App API).
          probes: [
            {
              type: 'Startup'
              httpGet: healthz
              initialDelaySeconds: 5
              periodSeconds: 10
              timeoutSeconds: 5
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: healthz
              periodSeconds: 30
              timeoutSeconds: 5
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: healthz
              periodSeconds: 10
              timeoutSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      volumes: concat([configVolume], dataVolumes)
      scale: {
        // The scheduler and the approval sweeps run in the app itself: never scale to zero.
        minReplicas: 1
        maxReplicas: deployPostgres ? maxReplicas : 1
      }
    }
  }
  dependsOn: [
    roleAssignments
    postgresDatabase
    postgresFromAzure
  ]
}

@description('Slack\'s Request URL for the app manifest (HTTP mode).')
output slackRequestUrl string = socketMode ? '' : 'https://${app.properties.configuration.ingress.fqdn}/slack/events'

@description('The identity the bot acts as in Azure.')
output identityPrincipalId string = identity.properties.principalId

@description('Its client id (AZURE_CLIENT_ID).')
output identityClientId string = identity.properties.clientId

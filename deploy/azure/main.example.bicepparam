// An example of the deployment's parameters: copy it to main.bicepparam, fill in your names, then
//   az deployment group create --resource-group <group> --parameters deploy/azure/main.bicepparam
using './main.bicep'

param containerImage = 'myregistry.azurecr.io/vnetbot:0.1.0'
param registryName = 'myregistry'

// The vault holds slack-bot-token and slack-signing-secret (and postgres-admin-password below).
param keyVaultName = 'kv-vnetbot'

// The same file `npm run check-config` checks (its default path): what is checked is what is deployed.
param configYaml = loadTextContent('../../vnetbot.yaml')

// azure.subscriptions of that file.
param managedSubscriptionIds = [
  '00000000-0000-0000-0000-000000000000'
]

// Durable state and replicas. getSecret needs the vault's "enabledForTemplateDeployment".
param deployPostgres = true
param postgresAdminPassword = az.getSecret('00000000-0000-0000-0000-000000000000', 'rg-vnetbot', 'kv-vnetbot', 'postgres-admin-password')
param maxReplicas = 2

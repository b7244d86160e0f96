// The vnetbot custom role, defined once at subscription scope and assignable in every subscription the bot manages.
// Its actions are src/azure/vnetbot-role.json, the same file the README's `az role definition create` uses and the
// permission table is tested against, so the deployed role cannot drift from what the code needs.
targetScope = 'subscription'

@description('Role name; unique in the tenant. Change it if a role of this name already exists (e.g. created by hand from the JSON).')
param roleName string

@description('Subscriptions the bot manages: the role is assignable in each.')
param assignableSubscriptionIds array

var role = loadJsonContent('../../../src/azure/vnetbot-role.json')

resource vnetbotRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  // A fixed id per tenant and name, so that redeploying updates the role instead of adding another.
  name: guid(tenant().tenantId, roleName)
  properties: {
    roleName: roleName
    description: role.Description
    type: 'CustomRole'
    permissions: [
      {
        actions: role.Actions
        notActions: role.NotActions
        dataActions: role.DataActions
        notDataActions: role.NotDataActions
      }
    ]
    assignableScopes: [for id in assignableSubscriptionIds: '/subscriptions/${id}']
  }
}

output roleDefinitionName string = vnetbotRole.name

// Assigns the vnetbot role to the bot's identity at subscription scope. Subscription, not resource group: network
// changes poll their long-running operations under /subscriptions/{id}/providers/Microsoft.Network/locations/…, which
// no resource-group assignment reaches (see src/azure/permissions.ts).
targetScope = 'subscription'

@description('The role definition\'s name (a GUID), from role-definition.bicep.')
param roleDefinitionName string

@description('Principal (object) id of the bot\'s user-assigned managed identity.')
param principalId string

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleDefinitionName)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionName)
    principalId: principalId
    // A managed identity created in the same deployment may not have replicated yet; stating its type lets ARM
    // assign it anyway (articles/role-based-access-control/role-assignments-template.md, "New service principal").
    principalType: 'ServicePrincipal'
  }
}

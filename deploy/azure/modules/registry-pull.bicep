// Lets the bot's identity pull its image from an Azure Container Registry. Deployed to the registry's resource group.
@description('Name of the existing Azure Container Registry holding the vnetbot image.')
param registryName string

@description('Principal (object) id of the bot\'s user-assigned managed identity.')
param principalId string

// Built-in role "AcrPull" (articles/role-based-access-control/built-in-roles.md).
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output loginServer string = registry.properties.loginServer

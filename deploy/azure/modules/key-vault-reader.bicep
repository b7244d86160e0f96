// Lets the bot's identity read the Slack secrets that the container app references in Key Vault. Deployed to the
// vault's resource group. The vault must use Azure RBAC (enableRbacAuthorization); a vault on access policies needs a
// "Get" secret policy for the identity instead (articles/container-apps/manage-secrets.md, "Reference secret from Key Vault").
@description('Name of the existing Key Vault holding the Slack secrets.')
param keyVaultName string

@description('Principal (object) id of the bot\'s user-assigned managed identity.')
param principalId string

// Built-in role "Key Vault Secrets User" (articles/role-based-access-control/built-in-roles.md).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output vaultUri string = vault.properties.vaultUri

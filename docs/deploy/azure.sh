#!/usr/bin/env bash
# Switchboard on Azure, from an empty subscription to a bot Teams can reach: Azure Container Apps (two or
# more replicas), Azure Database for PostgreSQL Flexible Server, Key Vault for every secret (the container
# app reads them through Key Vault references with a user-assigned managed identity), and the Azure Bot
# registered as that same user-assigned managed identity, so no bot password exists anywhere.
#
#   az login
#   SWITCHBOARD_CONFIG_FILE=./switchboard.toml bash docs/deploy/azure.sh      # run from the repository root
#
# TLS terminates at the Container Apps ingress (Azure's certificate for *.azurecontainerapps.io, or your
# own domain's, added later with `az containerapp hostname add`); the replicas get plain HTTP on 3978.
# Re-running the script updates what exists (a new image tag rolls the app). See docs/deploy.md.
set -euo pipefail

: "${SWITCHBOARD_CONFIG_FILE:?set SWITCHBOARD_CONFIG_FILE to your switchboard.toml (docs/deploy/switchboard.example.toml)}"
RG=${RG:-switchboard-rg}
LOCATION=${LOCATION:-westeurope}
NAME=${NAME:-switchboard}
# Globally unique names: derived from the subscription so two subscriptions never collide.
SUFFIX=${SUFFIX:-$(az account show --query id -o tsv | tr -d '-' | cut -c1-8)}
ACR=${ACR:-${NAME}acr${SUFFIX}}
VAULT=${VAULT:-${NAME}-kv-${SUFFIX}}
PG=${PG:-${NAME}-pg-${SUFFIX}}
TAG=${TAG:-$(git rev-parse --short HEAD)}
MIN_REPLICAS=${MIN_REPLICAS:-2}
TENANT_ID=$(az account show --query tenantId -o tsv)

step() { printf '\n== %s\n' "$*"; }

step "Resource group $RG in $LOCATION"
az group create --name "$RG" --location "$LOCATION" --output none

step "The user-assigned identity: the bot's identity, the Key Vault reader and the image puller"
az identity create --resource-group "$RG" --name "$NAME-id" --output none
MI_ID=$(az identity show --resource-group "$RG" --name "$NAME-id" --query id -o tsv)
MI_CLIENT_ID=$(az identity show --resource-group "$RG" --name "$NAME-id" --query clientId -o tsv)
MI_PRINCIPAL=$(az identity show --resource-group "$RG" --name "$NAME-id" --query principalId -o tsv)

step "Container registry $ACR, and the image built there from the Dockerfile (no local Docker needed)"
az acr create --resource-group "$RG" --name "$ACR" --sku Basic --output none
ACR_ID=$(az acr show --name "$ACR" --query id -o tsv)
az role assignment create --assignee-object-id "$MI_PRINCIPAL" --assignee-principal-type ServicePrincipal \
  --role AcrPull --scope "$ACR_ID" --output none
az acr build --registry "$ACR" --image "switchboard:$TAG" --file Dockerfile .

step "Key Vault $VAULT (RBAC); the identity may read its secrets"
az keyvault create --resource-group "$RG" --name "$VAULT" --location "$LOCATION" \
  --enable-rbac-authorization true --output none
VAULT_ID=$(az keyvault show --name "$VAULT" --query id -o tsv)
VAULT_URI=$(az keyvault show --name "$VAULT" --query properties.vaultUri -o tsv)
az role assignment create --assignee-object-id "$MI_PRINCIPAL" --assignee-principal-type ServicePrincipal \
  --role "Key Vault Secrets User" --scope "$VAULT_ID" --output none
# Whoever runs this script writes the secrets.
ME=$(az ad signed-in-user show --query id -o tsv)
az role assignment create --assignee-object-id "$ME" --assignee-principal-type User \
  --role "Key Vault Secrets Officer" --scope "$VAULT_ID" --output none

step "PostgreSQL Flexible Server $PG and the database 'switchboard'"
if ! az postgres flexible-server show --resource-group "$RG" --name "$PG" --output none 2>/dev/null; then
  PG_PASSWORD=$(openssl rand -base64 30 | tr -d '/+=' | cut -c1-32)
  # 0.0.0.0: reachable from Azure services (the container app), not from the internet.
  az postgres flexible-server create --resource-group "$RG" --name "$PG" --location "$LOCATION" \
    --tier Burstable --sku-name Standard_B1ms --version 16 --storage-size 32 \
    --admin-user switchboard --admin-password "$PG_PASSWORD" --public-access 0.0.0.0 --yes --output none
  az postgres flexible-server db create --resource-group "$RG" --server-name "$PG" \
    --database-name switchboard --output none
  az keyvault secret set --vault-name "$VAULT" --name database-url --output none --value \
    "postgresql+asyncpg://switchboard:${PG_PASSWORD}@${PG}.postgres.database.azure.com:5432/switchboard?ssl=require"
fi

step "Switchboard's settings file, and each tenant's Graph secret, into Key Vault"
az keyvault secret set --vault-name "$VAULT" --name switchboard-toml --file "$SWITCHBOARD_CONFIG_FILE" --output none
# Tenants that use a client secret: SECRET_<NAME>=value in the environment, e.g. SECRET_CONTOSO=...
SECRETS=(
  "database-url=keyvaultref:${VAULT_URI}secrets/database-url,identityref:${MI_ID}"
  "switchboard-toml=keyvaultref:${VAULT_URI}secrets/switchboard-toml,identityref:${MI_ID}"
)
ENV_VARS=(
  "DATABASE_URL=secretref:database-url"
  "SWITCHBOARD_CONFIG=/etc/switchboard/switchboard-toml"
  "MicrosoftAppType=UserAssignedMSI"
  "MicrosoftAppId=${MI_CLIENT_ID}"
  "MicrosoftAppTenantId=${TENANT_ID}"
  "SWITCHBOARD_LOG_FORMAT=json"
)
while IFS='=' read -r variable _; do
  tenant=${variable#SECRET_}
  secret_name="$(printf '%s' "$tenant" | tr '[:upper:]_' '[:lower:]-')-client-secret"
  az keyvault secret set --vault-name "$VAULT" --name "$secret_name" --value "${!variable}" --output none
  SECRETS+=("${secret_name}=keyvaultref:${VAULT_URI}secrets/${secret_name},identityref:${MI_ID}")
  ENV_VARS+=("SWITCHBOARD_${tenant}_CLIENT_SECRET=secretref:${secret_name}")
done < <(env | grep -E '^SECRET_[A-Z0-9_]+=' || true)

step "Container Apps environment and the app ($MIN_REPLICAS replicas at least)"
az containerapp env create --resource-group "$RG" --name "$NAME-env" --location "$LOCATION" --output none
if az containerapp show --resource-group "$RG" --name "$NAME" --output none 2>/dev/null; then
  az containerapp secret set --resource-group "$RG" --name "$NAME" --secrets "${SECRETS[@]}" --output none
  az containerapp update --resource-group "$RG" --name "$NAME" --image "$ACR.azurecr.io/switchboard:$TAG" \
    --min-replicas "$MIN_REPLICAS" --set-env-vars "${ENV_VARS[@]}" --output none
else
  az containerapp create --resource-group "$RG" --name "$NAME" --environment "$NAME-env" \
    --image "$ACR.azurecr.io/switchboard:$TAG" --registry-server "$ACR.azurecr.io" --registry-identity "$MI_ID" \
    --user-assigned "$MI_ID" --ingress external --target-port 3978 \
    --min-replicas "$MIN_REPLICAS" --max-replicas 6 --cpu 0.5 --memory 1Gi \
    --secrets "${SECRETS[@]}" --secret-volume-mount /etc/switchboard \
    --env-vars "${ENV_VARS[@]}" --output none
fi
FQDN=$(az containerapp show --resource-group "$RG" --name "$NAME" --query properties.configuration.ingress.fqdn -o tsv)

step "The Azure Bot, as the user-assigned identity, with the Teams channel"
if ! az bot show --resource-group "$RG" --name "$NAME-bot" --output none 2>/dev/null; then
  az bot create --resource-group "$RG" --name "$NAME-bot" --app-type UserAssignedMSI \
    --appid "$MI_CLIENT_ID" --tenant-id "$TENANT_ID" --msi-resource-id "$MI_ID" \
    --endpoint "https://${FQDN}/api/messages" --output none
  az bot msteams create --resource-group "$RG" --name "$NAME-bot" --output none
else
  az bot update --resource-group "$RG" --name "$NAME-bot" --endpoint "https://${FQDN}/api/messages" --output none
fi

step "Done"
echo "Messaging endpoint: https://${FQDN}/api/messages"
echo "Check it:           curl -fsS https://${FQDN}/readyz"
echo "Teams app package:  MicrosoftAppId=${MI_CLIENT_ID} make package   (with SWITCHBOARD_DEVELOPER_* set)"

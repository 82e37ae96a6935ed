#!/usr/bin/env bash
# A publisher shares a gallery with a consumer subscription and with a partner's tenant, and
# checks who can see and do what. sigctl-only setup (tenants, subscriptions, principals) first;
# the sharing and role commands are az's.
set -euo pipefail
# Run against a throw-away state unless SIGCTL_HOME names one: this script adds identities and
# moves the clock, which a user's own state should not get by surprise.
if [[ -z "${SIGCTL_HOME:-}" ]]; then
  SIGCTL_HOME=$(mktemp -d)
  export SIGCTL_HOME
  trap 'rm -rf "$SIGCTL_HOME"' EXIT
fi
export SIGCTL_REPLICATION_SPEED=instant

# The publisher (the default subscription's owner) builds a gallery that can be shared.
sigctl group create -n pub-rg -l eastus2 -o none
sigctl sig create -g pub-rg -r PubGallery --permissions Groups -o none
sigctl sig image-definition create -g pub-rg -r PubGallery -i app -p Contoso -f App -s Linux \
  --os-type linux --only-show-errors -o none
sigctl source create managed-image -g pub-rg -n app-img --os-type linux -o none
sigctl sig image-version create -g pub-rg -r PubGallery -i app -e 1.0.0 --managed-image app-img \
  --only-show-errors -o none
GALLERY=$(sigctl sig show -g pub-rg -r PubGallery --query id -o tsv)
UNIQUE=$(sigctl sig show -g pub-rg -r PubGallery --query identifier.uniqueName -o tsv)

# A consumer subscription, and a partner tenant with its own user and subscription.
CONSUMER=$(sigctl account subscription create --name consumer --query subscriptionId -o tsv)
PARTNER=$(sigctl account tenant create --display-name Fabrikam --domain fabrikam.com --query tenantId -o tsv)
sigctl ad user create --display-name "Fabrikam Ops" --user-principal-name ops@fabrikam.com \
  --tenant-id "$PARTNER" -o none
sigctl account subscription create --name fabrikam-sub --tenant-id "$PARTNER" --owner ops@fabrikam.com -o none

# Nothing is shared yet: the consumer sees no gallery.
test "$(sigctl sig list-shared -l eastus2 --subscription consumer --query 'length(@)')" = 0

# Share with the consumer subscription and the partner tenant.
sigctl sig share add -g pub-rg -r PubGallery --subscription-ids "$CONSUMER" --tenant-ids "$PARTNER" -o none
sigctl sig list-shared -l eastus2 --subscription consumer --query "[].name" -o tsv
sigctl sig image-version list-shared --gallery-unique-name "$UNIQUE" -i app -l eastus2 \
  --subscription consumer --query "[].{version: name, published: publishedDate}" -o table
sigctl sig list-shared -l eastus2 --shared-to tenant --subscription fabrikam-sub \
  --as ops@fabrikam.com --query "[].name" -o tsv

# Inside the publisher's subscription, access is by role: a reader of one definition only.
sigctl ad user create --display-name Auditor --user-principal-name auditor@sigctl.onmicrosoft.com -o none
sigctl role assignment create --assignee auditor@sigctl.onmicrosoft.com --role Reader \
  --scope "$GALLERY/images/app" -o none
sigctl sig image-version show -g pub-rg -r PubGallery -i app -e 1.0.0 \
  --as auditor@sigctl.onmicrosoft.com --query name -o tsv
if sigctl sig show -g pub-rg -r PubGallery --as auditor@sigctl.onmicrosoft.com -o none 2>/dev/null; then
  echo "a role on a definition does not cover its gallery" >&2; exit 1
fi
if sigctl sig image-version create -g pub-rg -r PubGallery -i app -e 2.0.0 --managed-image app-img \
    -l eastus2 --as auditor@sigctl.onmicrosoft.com --only-show-errors -o none 2>/dev/null; then
  echo "a Reader cannot publish" >&2; exit 1
fi
sigctl role assignment list --all -o table

# Stop sharing with the consumer: the gallery is gone from its view.
sigctl sig share remove -g pub-rg -r PubGallery --subscription-ids "$CONSUMER" -o none
test "$(sigctl sig list-shared -l eastus2 --subscription consumer --query 'length(@)')" = 0

# Reset ends direct sharing for good: the partner's tenant loses access, and the gallery is Private.
sigctl sig share reset -g pub-rg -r PubGallery -o none
test "$(sigctl sig show -g pub-rg -r PubGallery --query sharingProfile.permissions -o tsv)" = Private
test "$(sigctl sig list-shared -l eastus2 --shared-to tenant --subscription fabrikam-sub \
  --as ops@fabrikam.com --query 'length(@)')" = 0

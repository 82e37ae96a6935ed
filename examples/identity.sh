#!/usr/bin/env bash
# Give a gallery managed identities, as a pipeline that lets the gallery read from elsewhere
# would: a system-assigned one, then a user-assigned one made with `identity create`.
# Written for az; set AZ=az to run the very same script against real Azure.
set -euo pipefail
AZ=${AZ:-sigctl}
RG=${RG:-identity-rg}
GALLERY=${GALLERY:-IdentityGallery}

$AZ group create -n "$RG" -l eastus2 -o none
$AZ sig create -g "$RG" -r "$GALLERY" -o none

# A system-assigned identity: the service makes its principal.
principal=$($AZ sig identity assign -g "$RG" -r "$GALLERY" --system-assigned --query principalId -o tsv)
test -n "$principal"

# A user-assigned identity is a resource of its own; give the gallery its id.
uami=$($AZ identity create -g "$RG" -n gallery-reader --query id -o tsv)
$AZ sig identity assign -g "$RG" -r "$GALLERY" --user-assigned "$uami" -o none
test "$($AZ sig identity show -g "$RG" -r "$GALLERY" --query type -o tsv)" = "SystemAssigned, UserAssigned"

# Both identities are principals that roles can be given to.
reader=$($AZ identity show -g "$RG" -n gallery-reader --query principalId -o tsv)
$AZ role assignment create --assignee "$reader" --role Reader \
  --scope "$($AZ group show -n "$RG" --query id -o tsv)" -o none
$AZ sig identity show -g "$RG" -r "$GALLERY" -o table

# Take the system-assigned identity away; the user-assigned one stays.
$AZ sig identity remove -g "$RG" -r "$GALLERY" --system-assigned -o none
test "$($AZ sig identity show -g "$RG" -r "$GALLERY" --query type -o tsv)" = UserAssigned

# A single --user-assigned id removes every user-assigned identity (az's behaviour): the
# gallery is left with none, and `sig identity show` says so.
$AZ sig identity remove -g "$RG" -r "$GALLERY" --user-assigned "$uami" -o none
if $AZ sig identity show -g "$RG" -r "$GALLERY" -o none 2>/dev/null; then
  echo "the gallery should have no identity left" >&2
  exit 1
fi

$AZ identity delete -g "$RG" -n gallery-reader
$AZ sig delete -g "$RG" -r "$GALLERY"
echo "gallery $GALLERY had, and gave back, its managed identities"

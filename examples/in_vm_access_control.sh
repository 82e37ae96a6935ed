#!/usr/bin/env bash
# Publish an in-VM access control profile for the WireServer endpoint of Linux VMs: audit the
# rules first, then enforce them, replicated to a second region.
# Written for az; set AZ=az to run the very same script against real Azure.
set -euo pipefail
AZ=${AZ:-sigctl}
RG=${RG:-msp-rg}
GALLERY=${GALLERY:-MspGallery}
PROFILE=${PROFILE:-linux-wireserver}
rules=$(mktemp)
trap 'rm -f "$rules"' EXIT
cat > "$rules" <<'JSON'
{
  "privileges": [{"name": "GoalState", "path": "/machine", "queryParameters": {"comp": "goalstate"}}],
  "roles": [{"name": "Provisioning", "privileges": ["GoalState"]}],
  "identities": [{"name": "WaAgent", "userName": "root", "processName": "waagent"}],
  "roleAssignments": [{"role": "Provisioning", "identities": ["WaAgent"]}]
}
JSON

$AZ group create -n "$RG" -l eastus2 -o none
$AZ sig create -g "$RG" -r "$GALLERY" -o none
$AZ sig in-vm-access-control-profile create -g "$RG" --gallery-name "$GALLERY" -n "$PROFILE" \
  --os-type Linux --applicable-host-endpoint WireServer -o none

# Version 1.0.0 audits the rules; create waits until it has replicated.
$AZ sig in-vm-access-control-profile-version create -g "$RG" --gallery-name "$GALLERY" \
  --profile-name "$PROFILE" --profile-version 1.0.0 --mode Audit --default-access Allow \
  --target-regions eastus2 westus --rules "$rules" -o none

# Then enforce them: mode and default access can change, the rules cannot.
$AZ sig in-vm-access-control-profile-version update -g "$RG" --gallery-name "$GALLERY" \
  --profile-name "$PROFILE" --profile-version 1.0.0 --mode Enforce --default-access Deny -o none
$AZ sig in-vm-access-control-profile-version list -g "$RG" --gallery-name "$GALLERY" \
  --profile-name "$PROFILE" -o table

# A profile with versions, and a gallery with profiles, cannot be deleted.
if $AZ sig in-vm-access-control-profile delete -g "$RG" --gallery-name "$GALLERY" -n "$PROFILE" \
    --yes 2>/dev/null; then
  echo "a profile with versions should not be deletable" >&2
  exit 1
fi
$AZ sig in-vm-access-control-profile-version delete -g "$RG" --gallery-name "$GALLERY" \
  --profile-name "$PROFILE" --profile-version 1.0.0 --yes
$AZ sig in-vm-access-control-profile delete -g "$RG" --gallery-name "$GALLERY" -n "$PROFILE" --yes
$AZ sig delete -g "$RG" -r "$GALLERY"
echo "profile $PROFILE was published, enforced and retired"

#!/usr/bin/env bash
# Publish an image version encrypted with customer-managed keys in two regions, plus an edge zone,
# as a release pipeline that must encrypt every replica would. Set AZ=az to run the az parts
# against real Azure (with a real key and vault in KEY_URL and VAULT; sigctl-only steps say so).
set -euo pipefail
AZ=${AZ:-sigctl}
RG=${RG:-secure-images-rg}
GALLERY=${GALLERY:-SecureImages}
DEF=${DEF:-ubuntu-cmk}
KEY_URL=${KEY_URL:-https://contoso-keys.vault.azure.net/keys/images/0123456789abcdef}
VAULT=${VAULT:-contoso-keys}

$AZ group create -n "$RG" -l eastus2 -o none
$AZ sig create -g "$RG" -r "$GALLERY" -o none
$AZ sig image-definition create -g "$RG" -r "$GALLERY" -i "$DEF" \
  -p Contoso -f Ubuntu -s 24_04-cmk --os-type linux --only-show-errors -o none

# A disk encryption set encrypts disks in its own region only: one per target region.
for region in eastus2 westus; do
  $AZ disk-encryption-set create -g "$RG" -n "des-$region" -l "$region" \
    --key-url "$KEY_URL" --source-vault "$VAULT" -o none
done
$AZ disk-encryption-set list -g "$RG" --query "[].{name: name, location: location}" -o table

# sigctl-only: the build's output, an OS disk and a data disk at LUN 0.
sigctl source create managed-image -g "$RG" -n build-img --os-type linux \
  --size-gb 30 --used-gb 8 --data-disk 64:2 -o none

# One encryption item per target region, in order: OS set, then LUN,set pairs for data disks.
# The edge zone in West US has its own replica count and its own encryption item.
$AZ sig image-version create -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.0.0 \
  --managed-image build-img --target-regions eastus2 westus=2 \
  --target-region-encryption des-eastus2,0,des-eastus2 des-westus,0,des-westus \
  --target-edge-zones westus=microsoftlosangeles1=1 \
  --target-edge-zone-encryption microsoftlosangeles1,des-westus,0,des-westus \
  --only-show-errors -o none

$AZ sig image-version show -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.0.0 \
  --query "publishingProfile.targetRegions[].{region: name, osDiskSet: encryption.osDiskImage.diskEncryptionSetId}" \
  -o table
$AZ sig image-version show -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.0.0 --expand ReplicationStatus \
  --query "replicationStatus.summary[].{where: region, state: state}" -o table

# Encrypting the OS disk in one region but not in the other is refused, and nothing changes.
if $AZ sig image-version create -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.0.1 \
    --managed-image build-img --target-regions eastus2 westus \
    --target-region-encryption des-eastus2 null --only-show-errors -o none 2>/dev/null; then
  echo "a disk encrypted in one region must be encrypted in every region" >&2
  exit 1
fi
# So is a set from another region.
if $AZ sig image-version create -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.0.1 \
    --managed-image build-img --target-regions eastus2 \
    --target-region-encryption des-westus --only-show-errors -o none 2>/dev/null; then
  echo "a disk encryption set must be in the region it encrypts" >&2
  exit 1
fi

# More replicas later: the regions keep their encryption (az sends --target-regions without it).
$AZ sig image-version update -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.0.0 \
  --target-regions eastus2 westus=3 --only-show-errors -o none
test "$($AZ sig image-version show -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.0.0 \
  --query "publishingProfile.targetRegions[1].encryption.osDiskImage.diskEncryptionSetId" -o tsv)" \
  = "$($AZ disk-encryption-set show -g "$RG" -n des-westus --query id -o tsv)"

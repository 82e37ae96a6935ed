#!/usr/bin/env bash
# Publish image versions from a managed image and check which one "latest" means, as a release
# pipeline would. Set AZ=az to run the az parts against real Azure (sigctl-only steps say so).
set -euo pipefail
AZ=${AZ:-sigctl}
RG=${RG:-images-rg}
GALLERY=${GALLERY:-CorpImages}
DEF=${DEF:-ubuntu-server}

$AZ group create -n "$RG" -l eastus2 -o none
$AZ sig create -g "$RG" -r "$GALLERY" -o none
$AZ sig image-definition create -g "$RG" -r "$GALLERY" -i "$DEF" \
  -p Contoso -f Ubuntu -s 24_04 --os-type linux --only-show-errors -o none

# sigctl-only: the artefact a build produced (a 30 GB image using 10 GB, plus a 32 GB data disk).
sigctl source create managed-image -g "$RG" -n build-img --os-type linux \
  --size-gb 30 --used-gb 10 --data-disk 32:0 -o none

# Three releases; 1.10.0 is a candidate, kept out of "latest" until it is promoted.
for version in 1.0.0 1.9.0; do
  $AZ sig image-version create -g "$RG" -r "$GALLERY" -i "$DEF" -e "$version" \
    --managed-image build-img --target-regions eastus2 westus2=2 --only-show-errors -o none
done
$AZ sig image-version create -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.10.0 \
  --managed-image build-img --target-regions eastus2 westus2=2 --exclude-from-latest \
  --only-show-errors -o none

# Versions compare as numbers (1.10.0 > 1.9.0), but an excluded one is skipped (sigctl-only).
latest=$(sigctl image-version resolve -g "$RG" -r "$GALLERY" -i "$DEF" --query name -o tsv)
test "$latest" = 1.9.0
sigctl image-version resolve -g "$RG" -r "$GALLERY" -i "$DEF" -l westus2 --explain \
  --query "[].{version: name, eligible: eligible, why: join(', ', reasons)}" -o table

# Promote the candidate; now it is latest.
$AZ sig image-version update -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.10.0 \
  --set publishingProfile.excludeFromLatest=false --only-show-errors -o none
test "$(sigctl image-version resolve -g "$RG" -r "$GALLERY" -i "$DEF" --query name -o tsv)" = 1.10.0

# A version that leaves out its own region is refused by the service, and nothing changes.
if $AZ sig image-version create -g "$RG" -r "$GALLERY" -i "$DEF" -e 2.0.0 \
    --managed-image build-img --target-regions westus2 --only-show-errors -o none 2>/dev/null; then
  echo "target regions must include the version's location" >&2
  exit 1
fi

$AZ sig image-version show -g "$RG" -r "$GALLERY" -i "$DEF" -e 1.10.0 --expand ReplicationStatus -o table

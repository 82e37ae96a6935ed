#!/usr/bin/env bash
# A pipeline step, written for az: publish an image version from a managed image and check that
# every target region has it. The tests beside it run it against sigctl (AZ=sigctl).
#
#   RG=... GALLERY=... IMAGE=... VERSION=1.2.0 SOURCE_IMAGE=... ./publish.sh
set -euo pipefail
AZ=${AZ:-az}
: "${RG:?}" "${GALLERY:?}" "${IMAGE:?}" "${VERSION:?}" "${SOURCE_IMAGE:?}"
REGIONS=${REGIONS:-eastus2 westus2=2}

# shellcheck disable=SC2086 # REGIONS is a space-separated list on purpose
$AZ sig image-version create -g "$RG" -r "$GALLERY" -i "$IMAGE" -e "$VERSION" \
  --managed-image "$SOURCE_IMAGE" --target-regions $REGIONS --only-show-errors -o none

state=$($AZ sig image-version show -g "$RG" -r "$GALLERY" -i "$IMAGE" -e "$VERSION" \
  --query provisioningState -o tsv)
if [[ $state != Succeeded ]]; then
  echo "publish: $VERSION is $state" >&2
  exit 1
fi
echo "published $IMAGE $VERSION"

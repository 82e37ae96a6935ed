#!/usr/bin/env bash
# A CI step that sets up a gallery idempotently, written for az; run it against sigctl as is.
# Set AZ=az to run the very same script against real Azure.
set -euo pipefail
AZ=${AZ:-sigctl}
RG=${RG:-images-rg}
GALLERY=${GALLERY:-CorpImages}

$AZ group create -n "$RG" -l eastus2 -o none

# Create only if missing; "not found" has its own exit code (3), other failures stop the job.
set +e
$AZ sig show -g "$RG" -r "$GALLERY" -o none 2>/dev/null
found=$?
set -e
case $found in
  0) echo "gallery $GALLERY exists" ;;
  3) $AZ sig create -g "$RG" -r "$GALLERY" --description "Corporate images" -o none ;;
  *) echo "unexpected failure ($found)" >&2; exit 1 ;;
esac

# Running create again is harmless: it is a PUT, never "already exists".
$AZ sig create -g "$RG" -r "$GALLERY" --description "Corporate images" -o none

# Tag it with a generic update and read the tag back the way scripts do.
$AZ sig update -g "$RG" -r "$GALLERY" --set tags.owner=platform -o none
owner=$($AZ sig show -g "$RG" -r "$GALLERY" --query tags.owner -o tsv)
test "$owner" = platform

# Gallery names are unique in the subscription and never contain dashes.
if $AZ sig create -g "$RG" -r "corp-images" -o none 2>/dev/null; then
  echo "a dash in a gallery name should have been refused" >&2
  exit 1
fi

$AZ sig list -g "$RG" -o table
echo "gallery $GALLERY is ready, owned by $owner"

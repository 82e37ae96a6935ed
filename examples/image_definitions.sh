#!/usr/bin/env bash
# Define the images a team publishes (the docs' Contoso example), the way a CI job would with az.
# Set AZ=az to run the very same script against real Azure.
set -euo pipefail
AZ=${AZ:-sigctl}
RG=${RG:-images-rg}
GALLERY=${GALLERY:-CorpImages}

$AZ group create -n "$RG" -l eastus2 -o none
$AZ sig create -g "$RG" -r "$GALLERY" -o none

# Three definitions; the (publisher, offer, sku) triple must be unique within the gallery.
while read -r name publisher offer sku; do
  $AZ sig image-definition create -g "$RG" -r "$GALLERY" -i "$name" \
    -p "$publisher" -f "$offer" -s "$sku" --os-type linux --only-show-errors -o none
done <<'TABLE'
myImage1 Contoso Finance Backend
myImage2 Contoso Finance Frontend
myImage3 Testing Finance Frontend
TABLE

# A fourth with myImage1's triple is refused (exit 1) and changes nothing.
if clash=$($AZ sig image-definition create -g "$RG" -r "$GALLERY" -i myImage4 \
    -p Contoso -f Finance -s Backend --os-type linux --only-show-errors 2>&1 >/dev/null); then
  echo "a duplicate publisher/offer/sku should have been refused" >&2
  exit 1
fi
grep -q "myImage1" <<<"$clash"

# The client fills V2 and Trusted Launch; the service fills x64.
$AZ sig image-definition show -g "$RG" -r "$GALLERY" -i myImage1 \
  --query "{generation: hyperVGeneration, arch: architecture, security: features[0].value}" -o json

# Only some properties may change: a description yes, the OS type no.
$AZ sig image-definition update -g "$RG" -r "$GALLERY" -i myImage1 \
  --set description="Finance backend" --set recommended.vCPUs.max=16 -o none
if $AZ sig image-definition update -g "$RG" -r "$GALLERY" -i myImage1 --set osType=Windows -o none 2>/dev/null; then
  echo "osType is immutable" >&2
  exit 1
fi

$AZ sig image-definition list -g "$RG" -r "$GALLERY" -o table

#!/usr/bin/env bash
# Rehearse a replication failure and Azure's documented remedy, step by step, deterministically.
# Everything here is sigctl-only (a frozen clock and injected faults are what Azure cannot do).
set -euo pipefail
# Run against a throw-away state unless SIGCTL_HOME names one: this script adds identities and
# moves the clock, which a user's own state should not get by surprise.
if [[ -z "${SIGCTL_HOME:-}" ]]; then
  SIGCTL_HOME=$(mktemp -d)
  export SIGCTL_HOME
  trap 'rm -rf "$SIGCTL_HOME"' EXIT
fi
RG=rep-rg GALLERY=RepGallery DEF=web-server

# Freeze time for this whole script: replication moves only when the clock is advanced.
export SIGCTL_NOW=2030-01-01T00:00:00Z

sigctl group create -n $RG -l eastus2 -o none
sigctl sig create -g $RG -r $GALLERY -o none
sigctl sig image-definition create -g $RG -r $GALLERY -i $DEF -p Contoso -f Web -s Server \
  --os-type linux --only-show-errors -o none
sigctl source create managed-image -g $RG -n web-img --os-type linux --size-gb 30 --used-gb 12 -o none

# West US 2 will fail halfway through its replication.
sigctl replication fault add --region westus2 --at 50 --message "Storage account throttled" -o none

sigctl sig image-version create -g $RG -r $GALLERY -i $DEF -e 1.0.0 --managed-image web-img \
  --target-regions eastus2 westus2=2 --no-wait --only-show-errors
state() { sigctl sig image-version show -g $RG -r $GALLERY -i $DEF -e 1.0.0 --query provisioningState -o tsv; }
test "$(state)" = Creating

# Step through it: a few modelled minutes, then long enough for everything to end.
sigctl replication clock advance 3m -o none
sigctl replication status -g $RG -r $GALLERY -i $DEF -e 1.0.0 -o table
sigctl replication clock advance 1h -o none
sigctl replication status -g $RG -r $GALLERY -i $DEF -e 1.0.0 -o table
test "$(state)" = Failed

# A pipeline's wait step fails the way az's does.
if sigctl sig image-version wait -g $RG -r $GALLERY -i $DEF -e 1.0.0 --created 2>/dev/null; then
  echo "wait should have failed" >&2
  exit 1
fi

# The remedy: clear the cause, remove the failed region, add it back.
sigctl replication fault clear
sigctl sig image-version update -g $RG -r $GALLERY -i $DEF -e 1.0.0 --target-regions eastus2 \
  --only-show-errors -o none
sigctl sig image-version update -g $RG -r $GALLERY -i $DEF -e 1.0.0 --target-regions eastus2 westus2=2 \
  --only-show-errors -o none   # blocks until done, advancing the frozen clock as it waits
test "$(state)" = Succeeded
sigctl replication status -g $RG -r $GALLERY -i $DEF -e 1.0.0 -o table

# More replicas in West US 2: only the extra copies are made, and the region keeps serving.
sigctl sig image-version update -g $RG -r $GALLERY -i $DEF -e 1.0.0 --target-regions eastus2 westus2=4 \
  --no-wait --only-show-errors
test "$(state)" = Updating
test "$(sigctl image-version resolve -g $RG -r $GALLERY -i $DEF -l westus2 --query name -o tsv)" = 1.0.0
sigctl replication wait -g $RG -r $GALLERY -i $DEF -e 1.0.0 2>/dev/null   # 96 modelled seconds
test "$(state)" = Succeeded

# How many replicas would 120 VMs created at once need per region?
sigctl replication recommend --concurrent-vms 120 --query recommendedReplicasPerRegion -o tsv

#!/usr/bin/env bash
# Draw the emulated cloud as a tree while a version replicates, fails in one region and recovers;
# read the same tree as data with --query. Everything here is sigctl-only.
set -euo pipefail
# Run against a throw-away state unless SIGCTL_HOME names one: this script moves the clock and
# injects a fault, which a user's own state should not get by surprise.
if [[ -z "${SIGCTL_HOME:-}" ]]; then
  SIGCTL_HOME=$(mktemp -d)
  export SIGCTL_HOME
  trap 'rm -rf "$SIGCTL_HOME"' EXIT
fi
SCOPE="-g tree-rg -r TreeGallery -i app"
export SIGCTL_NOW=2030-01-01T00:00:00Z   # a frozen clock: replication moves when stepped

sigctl group create -n tree-rg -l eastus2 -o none
sigctl sig create -g tree-rg -r TreeGallery -o none
sigctl sig image-definition create $SCOPE -p Contoso -f App -s Server --os-type linux \
  --only-show-errors -o none
sigctl source create managed-image -g tree-rg -n app-img --os-type linux --size-gb 30 --used-gb 12 -o none
sigctl sig image-version create $SCOPE -e 1.0.0 --managed-image app-img --target-regions eastus2 \
  --only-show-errors -o none 2>/dev/null   # waits, advancing the frozen clock

# 1.1.0 to three regions; West US 2 fails halfway.
sigctl replication fault add --region westus2 --at 50 -o none
sigctl sig image-version create $SCOPE -e 1.1.0 --managed-image app-img \
  --target-regions eastus2 westus2 northeurope --no-wait --only-show-errors
sigctl replication clock advance 3m -o none
sigctl tree -g tree-rg                      # every region of 1.1.0 part way
sigctl replication clock advance 10m -o none
sigctl tree -g tree-rg                      # West US 2 failed at 50%, the others completed

# The same tree as data: pick the version nodes, then the regions of 1.1.0.
versions="children[0].children[0].children[0].children[]"
test "$(sigctl tree $SCOPE --query "$versions.name" -o tsv | tr '\n' ' ')" = "1.0.0 1.1.0 "
test "$(sigctl tree $SCOPE --query "$versions | [?isLatest].name | [0]" -o tsv)" = 1.0.0
regions="$versions | [?name=='1.1.0'] | [0].children"
sigctl tree $SCOPE --query "$regions[].{region: displayName, state: state, progress: progress}" -o table
test "$(sigctl tree $SCOPE --query "$regions[?state=='Failed'].name | [0]" -o tsv)" = westus2

# Recover: clear the cause, remove the failed region, add it back; 1.1.0 becomes latest.
sigctl replication fault clear
sigctl sig image-version update $SCOPE -e 1.1.0 --target-regions eastus2 northeurope \
  --only-show-errors -o none 2>/dev/null
sigctl sig image-version update $SCOPE -e 1.1.0 --target-regions eastus2 westus2 northeurope \
  --only-show-errors -o none 2>/dev/null
test "$(sigctl tree $SCOPE --query "$versions | [?isLatest].name | [0]" -o tsv)" = 1.1.0
sigctl tree $SCOPE

#!/usr/bin/env bash
# Try a rollout against Azure's limits and price it before running it (sigctl-only steps: the
# limits come from sigctl's config, and `billing estimate` / `usage` are sigctl's).
set -euo pipefail
# Run against a throw-away state unless SIGCTL_HOME names one: this script changes the config.
if [[ -z "${SIGCTL_HOME:-}" ]]; then
  SIGCTL_HOME=$(mktemp -d)
  export SIGCTL_HOME
  trap 'rm -rf "$SIGCTL_HOME"' EXIT
fi
export SIGCTL_REPLICATION_SPEED=instant   # versions complete at once; this is about limits

sigctl group create -n cost-rg -l eastus2 -o none

# Behave as if the subscription could hold only two galleries per region.
sigctl config set limits.galleries=2
sigctl sig create -g cost-rg -r teamA -o none
sigctl sig create -g cost-rg -r teamB -o none
if err=$(sigctl sig create -g cost-rg -r teamC 2>&1 >/dev/null); then
  echo "a third gallery in eastus2 should exceed the limit" >&2; exit 1
fi
grep -q "Current Limit: 2, Current Usage: 2" <<<"$err"
sigctl sig create -g cost-rg -r teamC -l westus2 -o none   # another region has its own count
sigctl usage -l eastus2 -o table
sigctl config unset limits.galleries

# Price the documented example before publishing: a 127 GB OS disk using 10 GB plus an empty
# 32 GB data disk, to three regions with two replicas each.
sigctl billing estimate --os-disk 127:10 --data-disk 32:0 \
  --target-regions eastus2 westus2 westeurope --replica-count 2 -o table
stored=$(sigctl billing estimate --os-disk 127:10 --data-disk 32:0 \
  --target-regions eastus2 westus2 westeurope --replica-count 2 --query storedGB -o tsv)
test "$stored" = 60

# Zone-redundant storage needs a region with availability zones.
sigctl sig image-definition create -g cost-rg -r teamA -i app -p Contoso -f App -s Linux \
  --os-type linux --only-show-errors -o none
sigctl source create managed-image -g cost-rg -n app-img --os-type linux --size-gb 127 --used-gb 10 \
  --data-disk 32:0 -o none
if sigctl sig image-version create -g cost-rg -r teamA -i app -e 1.0.0 --managed-image app-img \
    --target-regions eastus2 westus=1=Standard_ZRS --only-show-errors -o none 2>/dev/null; then
  echo "West US has no availability zones, so no ZRS" >&2; exit 1
fi
sigctl sig image-version create -g cost-rg -r teamA -i app -e 1.0.0 --managed-image app-img \
  --target-regions eastus2=2=Standard_ZRS westus2=2 westeurope=2 --only-show-errors -o none

# What the published version costs, and the gallery, and the whole subscription.
sigctl billing estimate -g cost-rg -r teamA -i app -e 1.0.0 -o table
sigctl billing estimate --query "{versions: versions, monthly: monthlyStorage, currency: currency}"

# The early-access (canary) regions work as for an enrolled subscription, unless turned off.
sigctl group create -n canary-rg -l centraluseuap -o none
sigctl sig create -g canary-rg -r canary -o none
sigctl config set limits.early_access_regions=false
if sigctl sig create -g canary-rg -r canary2 -o none 2>/dev/null; then
  echo "early-access regions are off: centraluseuap should be refused" >&2; exit 1
fi
sigctl config unset limits.early_access_regions

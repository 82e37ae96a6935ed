#!/usr/bin/env bash
# Publish a VM application (a monitoring agent) and roll out releases of it, as a release
# pipeline would. Set AZ=az to run the az parts against real Azure, with PACKAGES naming a blob
# container the gallery can read (sigctl-only steps say so).
set -euo pipefail
AZ=${AZ:-sigctl}
RG=${RG:-apps-rg}
GALLERY=${GALLERY:-CorpApps}
APP=${APP:-monitor-agent}
PACKAGES=${PACKAGES:-https://contoso.blob.core.windows.net/packages}
VERSION_ARGS=(-g "$RG" -r "$GALLERY" --application-name "$APP")

$AZ group create -n "$RG" -l eastus2 -o none
$AZ sig create -g "$RG" -r "$GALLERY" -o none
$AZ sig gallery-application create -g "$RG" -r "$GALLERY" -n "$APP" --os-type linux \
  --description "Monitoring agent" --tags team=ops -o none

publish() {  # publish VERSION [more az arguments]: one release of the package
  local version=$1
  shift
  $AZ sig gallery-application version create "${VERSION_ARGS[@]}" -n "$version" \
    --package-file-link "$PACKAGES/agent-$version.tar.gz" \
    --install-command "tar -xzf $APP && ./agent/install.sh" \
    --remove-command "./agent/uninstall.sh" "$@"
}

# 1.0.0 in two regions, two replicas in the second; create returns once both have replicated.
publish 1.0.0 --target-regions "[{name:eastus2},{name:westus2,regional-replica-count:2}]" -o none
state=$($AZ sig gallery-application version show "${VERSION_ARGS[@]}" -n 1.0.0 \
  --query provisioningState -o tsv)
test "$state" = Succeeded

# 1.1.0 without waiting (the same regions, from a JSON file), then a separate wait step.
regions=$(mktemp)
trap 'rm -f "$regions"' EXIT
echo '[{"name": "eastus2"}, {"name": "westus2", "regional-replica-count": 2}]' >"$regions"
publish 1.1.0 --target-regions "$regions" --no-wait
$AZ sig gallery-application version wait "${VERSION_ARGS[@]}" -n 1.1.0 --created
$AZ sig gallery-application version show "${VERSION_ARGS[@]}" -n 1.1.0 --expand ReplicationStatus \
  --query "replicationStatus.summary[].{region: region, state: state}" -o table

# A region holds at most three replicas of an application version: refused, nothing created.
if publish 1.2.0 --target-regions "[{name:eastus2,regional-replica-count:4}]" -o none 2>/dev/null; then
  echo "four replicas in a region should be refused" >&2
  exit 1
fi

# sigctl-only: rehearse a region that fails while 1.2.0 replicates.
if [[ $AZ == sigctl ]]; then
  sigctl replication fault add --region westus2 --definition "$APP" --version 1.2.0 --at 40 -o none
  if publish 1.2.0 --target-regions "[{name:eastus2},{name:westus2}]" -o none 2>/dev/null; then
    echo "1.2.0 should have failed in West US 2" >&2
    exit 1
  fi
  sigctl sig gallery-application version show "${VERSION_ARGS[@]}" -n 1.2.0 \
    --expand ReplicationStatus --query "replicationStatus.summary[].[region, state]" -o tsv
  sigctl replication fault clear -o none
  sigctl sig gallery-application version delete "${VERSION_ARGS[@]}" -n 1.2.0 --yes
fi

# Retire 1.0.0 with an end-of-life date (az sends the package link on every update).
$AZ sig gallery-application version update "${VERSION_ARGS[@]}" -n 1.0.0 \
  --package-file-link "$PACKAGES/agent-1.0.0.tar.gz" --end-of-life-date 2030-06-30T00:00:00Z -o none
$AZ sig gallery-application version list "${VERSION_ARGS[@]}" \
  --query "[].{version: name, endOfLife: publishingProfile.endOfLifeDate}" -o table

# An application with versions cannot be deleted; tear down from the bottom up.
if $AZ sig gallery-application delete -g "$RG" -r "$GALLERY" -n "$APP" --yes 2>/dev/null; then
  echo "an application with versions should not be deletable" >&2
  exit 1
fi
for version in $($AZ sig gallery-application version list "${VERSION_ARGS[@]}" --query "[].name" -o tsv); do
  $AZ sig gallery-application version delete "${VERSION_ARGS[@]}" -n "$version" --yes
done
$AZ sig gallery-application delete -g "$RG" -r "$GALLERY" -n "$APP" --yes
$AZ sig delete -g "$RG" -r "$GALLERY"

#!/usr/bin/env bash
# One emulated cloud for a team (docs/shared-cloud.md): a namespace per CI job, two servers on
# one state, and the clean-up of namespaces jobs left behind. The state is the PostgreSQL
# database SIGCTL_DATABASE_URL names when it is set, else the files in SIGCTL_HOME: the commands
# are the same.
set -euo pipefail
export SIGCTL_HOME="${SIGCTL_HOME:-$(mktemp -d)}"
sigctl namespace list -o table

# A CI job makes its own namespace (an empty cloud) and works in it.
job="job-$RANDOM$RANDOM"
sigctl namespace create "$job" --settings limits.galleries=10 -o none
export SIGCTL_NAMESPACE="$job"
sigctl group create -n images-rg -l eastus2 -o none
sigctl sig create -g images-rg -r JobGallery -o none
sigctl replication clock advance 2h -o none

# Nothing of it is visible elsewhere: not the gallery, not the moved clock.
test -z "$(SIGCTL_NAMESPACE=default sigctl sig list --query "[?name=='JobGallery'].name" -o tsv)"
test "$(SIGCTL_NAMESPACE=default sigctl replication clock show --query offsetSeconds)" = 0.0
test "$(sigctl replication clock show --query offsetSeconds)" = 7200.0

# Two servers on the same state act as one cloud; a client picks the namespace by URL.
logs="$(mktemp -d)"
servers=()
trap 'kill "${servers[@]}" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$logs"' EXIT
for n in 1 2; do
  sigctl serve --port 0 >"$logs/$n" &
  servers+=($!)
done
for n in 1 2; do
  for _ in $(seq 200); do grep -q '^Certificate:' "$logs/$n" && break; sleep 0.05; done
done
first="$(sed -n 's/^Serving the emulated cloud at //p' "$logs/1")/namespaces/$job"
second="$(sed -n 's/^Serving the emulated cloud at //p' "$logs/2")/namespaces/$job"
ca="$SIGCTL_HOME/tls/cert.pem"
gallery="subscriptions/$(sigctl account show --query id -o tsv)/resourceGroups/images-rg/providers/Microsoft.Compute/galleries/TeamGallery?api-version=2026-03-03"
curl -sf --cacert "$ca" -H "Authorization: Bearer any" -H "Content-Type: application/json" \
  -X PUT "$first/$gallery" -d '{"location": "eastus2", "tags": {"by": "server 1"}}' >/dev/null
curl -sf --cacert "$ca" -H "Authorization: Bearer any" "$second/$gallery" \
  | python -c 'import json, sys; print("read through server 2:", json.load(sys.stdin)["tags"])'
sigctl sig list -g images-rg --query '[].name' -o tsv

# The job ends: its namespace goes, with everything in it.
unset SIGCTL_NAMESPACE
sigctl namespace delete "$job" --yes

# A nightly clean-up deletes what jobs that died left behind for more than a day.
sigctl namespace list --older-than 1d --query '[].name' -o tsv |
  xargs -r -n1 sigctl namespace delete --yes
sigctl namespace list --query '[].name' -o tsv

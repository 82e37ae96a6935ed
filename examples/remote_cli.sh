#!/usr/bin/env bash
# Remote mode: the CLI as a client of a served cloud. One SIGCTL_HOME holds the state and serves
# it; the CLI runs from another home that holds none, with SIGCTL_ENDPOINT and SIGCTL_CA_BUNDLE
# naming the server, and every command (sigctl's own included) works as it does in-process.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export SIGCTL_HOME="${SIGCTL_HOME:-$(mktemp -d)}"
export SIGCTL_NOW=2026-03-01T12:00:00Z   # a frozen clock: the waits below advance it

# The server's side: serve this home on a free port ($endpoint, $ca).
source "$here/lib/serve_in_background.sh"
echo "serving at $endpoint"

# The client's side: another home, and the served cloud to talk to.
server_home="$SIGCTL_HOME"
export SIGCTL_HOME="$(mktemp -d)"
export SIGCTL_ENDPOINT="$endpoint" SIGCTL_CA_BUNDLE="$ca"

sigctl group create -n images-rg -l eastus2 -o none
sigctl sig create -g images-rg -r Images -o none
sigctl sig image-definition create -g images-rg -r Images -i ubuntu -p Contoso -f Ubuntu -s 24_04 \
  --os-type linux --hyper-v-generation V2 --only-show-errors -o none
sigctl source create managed-image -g images-rg -n ubuntu-build --os-type linux -o none
sigctl sig image-version create -g images-rg -r Images -i ubuntu -e 1.0.0 \
  --managed-image ubuntu-build --target-regions eastus2 westeurope --only-show-errors -o none
sigctl replication status -g images-rg -r Images -i ubuntu -e 1.0.0 -o table
sigctl replication clock show --query now -o tsv
sigctl tree

# Errors arrive as they do in-process.
if sigctl sig show -g images-rg -r Missing 2>/dev/null; then exit 1; else test $? -eq 3; fi

# Everything lives in the served home; the client's home holds no state.
test ! -e "$SIGCTL_HOME/state"
test -d "$server_home/state"
echo "the client kept no state; the server holds it"

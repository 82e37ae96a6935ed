#!/usr/bin/env bash
# Serve the emulated cloud over HTTPS and drive it the way other tools do: curl with a token
# from the emulated token service, then the Azure SDK for Python (examples/serve_sdk.py) signed
# in as a service principal. The CLI, on the same SIGCTL_HOME, sees what the SDK made.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export SIGCTL_HOME="${SIGCTL_HOME:-$(mktemp -d)}"

# A service principal for the pipeline, allowed to publish in one resource group.
sigctl group create -n images-rg -l eastus2 -o none
app_id=$(sigctl ad sp create --display-name image-pipeline --query appId -o tsv)
sigctl role assignment create --assignee "$app_id" --role Contributor -g images-rg -o none

# --port 0 picks a free port; the first line names the endpoint.
source "$here/lib/serve_in_background.sh"
echo "serving at $endpoint, trusting $ca"

# curl: a token for the pipeline (client credentials; the secret is accepted, not checked).
token=$(curl -sf --cacert "$ca" "$endpoint/common/oauth2/v2.0/token" \
  -d grant_type=client_credentials -d client_id="$app_id" -d client_secret=anything \
  -d scope="$endpoint/.default" | python -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
curl -sf --cacert "$ca" -H "Authorization: Bearer $token" \
  "$endpoint/subscriptions/$(sigctl account show --query id -o tsv)/resourcegroups/images-rg?api-version=2025-04-01" \
  | python -c 'import json, sys; print("resource group:", json.load(sys.stdin)["name"])'

# The SDK: a gallery, a definition, a source image and a replicated version.
python "$here/serve_sdk.py" "$endpoint" "$ca" "$app_id"

# The CLI reads the same state.
test "$(sigctl sig image-version list -g images-rg -r PipelineImages -i ubuntu --query '[].name' -o tsv)" = 1.0.0
sigctl sig list -g images-rg -o table

#!/usr/bin/env bash
# The live web view of `sigctl serve`: serve a demo state, then fetch the page, its files and the
# data the page reads every second with curl, as a browser does, and check them. Open the
# printed address in a browser to watch it (the clock commands below move it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export SIGCTL_HOME="${SIGCTL_HOME:-$(mktemp -d)}"

# A demo state on a frozen clock: 1.0.0 replicated, 1.1.0 part way, West Europe failing at 40%.
sigctl state import "$here/fixtures/demo.toml" -o none
sigctl replication clock set 2030-01-01T00:00:00Z -o none
sigctl replication fault add --region westeurope --at 40 --message "Storage account throttled" -o none
sigctl sig image-version create -g demo-rg -r DemoGallery -i ubuntu -e 1.1.0 \
  --managed-image ubuntu-img --target-regions eastus2 westus2 westeurope=2 --no-wait \
  --only-show-errors -o none
sigctl replication clock advance 4m -o none

source "$here/lib/serve_in_background.sh"
echo "live view at $endpoint/"

# The page and its files: no credentials, and a policy that lets it reach only this server.
page="$(curl -sf --cacert "$ca" "$endpoint/")"
grep -q '<title>sigctl · live view</title>' <<<"$page"
curl -sfI --cacert "$ca" "$endpoint/" | grep -qi "^content-security-policy: default-src 'none'"
for file in $(grep -o 'web/[a-z]*\.[a-z]*' <<<"$page"); do
  curl -sf --cacert "$ca" -o /dev/null "$endpoint/$file" && echo "served /$file"
done

# What the page reads, with the token it sends (one this cloud did not issue: the default
# subscription's owner reads, as sigctl's own commands do).
auth="Authorization: Bearer sigctl-web-view"
subscription="$(curl -sf --cacert "$ca" -H "$auth" "$endpoint/subscriptions?api-version=2022-12-01" |
  python -c 'import json, sys; print(json.load(sys.stdin)["value"][0]["subscriptionId"])')"
inventory="$endpoint/subscriptions/$subscription/providers/Sigctl.Emulator/inventory?api-version=2026-01-01"
regions() { # the regions of 1.1.0: name, state, progress, latitude, longitude
  curl -sf --cacert "$ca" -H "$auth" "$inventory" | python -c '
import json, sys
def walk(node):
    yield node
    for child in node.get("children", []):
        yield from walk(child)
(root,) = json.load(sys.stdin)["value"]
(version,) = [n for n in walk(root) if n["kind"] == "imageVersion" and n["name"] == "1.1.0"]
for r in version["children"]:
    print(r["name"], r["state"], r["progress"], r["latitude"], r["longitude"])'
}
regions
test "$(regions | grep westeurope)" = "westeurope Failed 40 52.3667 4.9"
test "$(regions | grep westus2)" = "westus2 Replicating 55 47.233 -119.852"

# The clock moves (from any process); the page's next read, a second later, shows it.
sigctl replication clock advance 1m -o none
regions | grep '^westus2 Replicating [6-9][0-9] ' >/dev/null
sigctl replication clock advance 30m -o none
test "$(regions | grep westus2 | cut -d' ' -f2,3)" = "Completed 100"
regions

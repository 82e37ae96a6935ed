# Sourced by the examples: `sigctl serve` on a free port for the rest of the script, stopped on
# exit. Sets $endpoint (the first line it prints names it) and $ca (the certificate to trust).
log="$(mktemp)"
sigctl serve --port 0 >"$log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 200); do grep -q '^Certificate:' "$log" && break; sleep 0.05; done
endpoint="$(sed -n 's/^Serving the emulated cloud at //p' "$log")"
ca="$SIGCTL_HOME/tls/cert.pem"

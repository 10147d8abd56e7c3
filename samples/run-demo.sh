#!/usr/bin/env bash
# The whole product on one machine, for a first look: a Cipherpad server (Development, its own data folder), a
# demonstration account with an activated command-line cipher pad, and the demo wallet signed up as a relying party.
# Then open http://localhost:5090. Ctrl+C stops everything. Rerunning it keeps the account and makes a new pad.
set -euo pipefail
cd "$(dirname "$0")/.."

export ASPNETCORE_ENVIRONMENT=Development DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
demo="$PWD/samples/.demo"
server_url=http://localhost:5080
wallet_url=http://localhost:5090
pin=${DEMO_PIN:-271828}
mkdir -p "$demo"
# The server's own data folder for the demonstration, apart from a development server's (src/Cipherpad.Server/data).
export Cipherpad__DataDirectory="$demo/data"

echo "Building…"
for project in src/Cipherpad.Server src/Cipherpad.Client samples/Cipherpad.DemoWallet; do
  dotnet build --nologo -v quiet "$project" >"$demo/build.log" 2>&1 || { cat "$demo/build.log" >&2; exit 1; }
done

seed=$(dotnet run --no-build --no-launch-profile --project src/Cipherpad.Server -- demo seed --wallet "$wallet_url")
eval "$seed"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
dotnet run --no-build --no-launch-profile --project src/Cipherpad.Server -- --urls "$server_url" >"$demo/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
  curl -fsS "$server_url/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "$server_url/health" >/dev/null || { echo "The server did not start; see $demo/server.log" >&2; exit 1; }

rm -rf "$demo/pad"
# The wallet makes its tables when it first starts, so it starts afresh on each run, with the tables of this version.
rm -f "$demo/wallet.db"
cipherpad() { CIPHERPAD_HOME="$demo/pad" CIPHERPAD_PIN="$pin" dotnet src/Cipherpad.Client/bin/Debug/net10.0/cipherpad.dll "$@"; }
cipherpad activate --server "$server_url" --email "$DEMO_EMAIL" --code "$DEMO_ACTIVATION_CODE" --name "Demo pad" >/dev/null

dotnet run --no-build --no-launch-profile --project samples/Cipherpad.DemoWallet -- --urls "$wallet_url" --Cipherpad:Authority="$server_url" \
  --Cipherpad:ClientId="$DEMO_CLIENT_ID" --Cipherpad:ClientSecret="$DEMO_CLIENT_SECRET" --Wallet:Database="$demo/wallet.db" >"$demo/wallet.log" 2>&1 &
pids+=($!)

cat <<INSTRUCTIONS

Ready.
  Demo wallet:  $wallet_url      sign in as $DEMO_EMAIL
  Cipherpad:    $server_url      your personal account (/account); mail and SMS go to $server_url/dev/outbox

When a page shows a question, your cipher pad answers it (its PIN, $pin, is set for you here):
  CIPHERPAD_HOME="$demo/pad" CIPHERPAD_PIN=$pin dotnet src/Cipherpad.Client/bin/Debug/net10.0/cipherpad.dll answer QUESTION
  … pay QUESTION --payee PAYEE --amount AMOUNT --currency USD     (a transfer)
  … confirm QUESTION                                              (a settings change, or releasing the wallet key)

The wallet key: make one in the wallet, then keep it in your key vault and let sites ask for it:
  … vault put ~/Downloads/demo-wallet.key        then, on $server_url/account/vault, "Let sites ask"

Logs: $demo/server.log, $demo/wallet.log. Ctrl+C stops both.
INSTRUCTIONS
wait

#!/usr/bin/env bash
# The flow of examples/renewal-roi.ts as plain curl commands (README "Use the API"): create a workspace, upload the
# demo book, fit the renewal model, run a scenario and print its ROI with the 95% interval.
#   bash examples/renewal-roi.sh [baseUrl]     (default http://127.0.0.1:8787, the server of `npm start`)
# The demo files are made by scripts/synthetic-book.mjs; JSON fields are read with node (no jq needed).
set -euo pipefail
BASE="${1:-${API_BASE:-http://127.0.0.1:8787}}"
cd "$(dirname "$0")/.."
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
# field PATH [pct|usd]: one field of the JSON on stdin, e.g. `field ci95.roi.0 pct`, as a percentage or in dollars
field() {
  node -e 'const o = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const v = process.argv[1].split(".").reduce((a, k) => a[k], o), f = process.argv[2];
    console.log(f === "pct" ? (100 * v).toFixed(1) + "%" : f === "usd" ? "$" + Math.round(v).toLocaleString("en-US") : v);' "$1" "${2:-}"
}
# curl that fails on an HTTP error and shows the API's error body
call() { curl -sS --fail-with-body "$@"; }

# 1. Create a workspace (add -H "authorization: Bearer $ADMIN_TOKEN" if the server sets ADMIN_TOKEN).
call -X POST "$BASE/api/workspaces" -H 'content-type: application/json' -d '{"name": "Renewal ROI example"}' > "$DIR/ws.json"
WS=$(field id < "$DIR/ws.json")
TOKEN=$(field token < "$DIR/ws.json")
echo "workspace $WS"

# 2. Upload the demo book's accounts and survey responses (the CSV file is the request body).
node scripts/synthetic-book.mjs --accounts 2000 --seed 42 --out "$DIR" > /dev/null
for KIND in accounts responses; do
  call -X POST "$BASE/api/workspaces/$WS/datasets?kind=$KIND&name=Demo%20$KIND" \
    -H "authorization: Bearer $TOKEN" -H 'content-type: text/csv' --data-binary "@$DIR/$KIND.csv" > "$DIR/$KIND.json"
  echo "uploaded $KIND: $(field rows < "$DIR/$KIND.json") rows"
done

# 3. Fit the renewal model (logistic regression of renewed on mean NPS and CSAT, log ARR and segment).
call -X POST "$BASE/api/workspaces/$WS/models" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"kind": "logistic", "outcome": "renewed", "predictors": ["nps", "csat", "log_arr", "segment"]}' > "$DIR/model.json"
MODEL=$(field id < "$DIR/model.json")
echo "model $MODEL: $(field nObs < "$DIR/model.json") accounts"

# 4. Run and save a scenario: each account's mean NPS answer +1 point (0-10 scale), $1,000,000 invested, 80% margin, 3 years.
call -X POST "$BASE/api/workspaces/$WS/scenarios" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"name\": \"NPS +1\", \"modelId\": \"$MODEL\", \"change\": {\"nps\": 1}, \"investment\": 1000000, \"grossMargin\": 0.8, \"horizonYears\": 3, \"save\": true}" \
  > "$DIR/scenario.json"

# 5. The ROI over 3 years with its 95% interval (the uncertainty of the fitted coefficients: 1000 seeded draws).
S="$DIR/scenario.json"
echo "scenario $(field id < "$S"): ROI $(field roi pct < "$S") over 3 years (95% interval $(field ci95.roi.0 pct < "$S") to $(field ci95.roi.1 pct < "$S"))"
echo "revenue gain $(field revenueGain usd < "$S") over 3 years, undiscounted (95% interval $(field ci95.revenueGain.0 usd < "$S") to $(field ci95.revenueGain.1 usd < "$S"))"
echo "Association in past data, not proof that raising NPS causes the renewals."

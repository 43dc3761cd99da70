#!/usr/bin/env bash
# The EdgeFleet demo on embedded defaults: builds everything, starts a fleet server (embedded MQTT
# broker, SQLite), packages and signs the sample model, starts simulated devices (real agents),
# uploads the bundle, rolls it out to every device, and keeps the fleet running until Ctrl-C.
#
# Environment: DEVICES (20), HTTP_PORT (8080), MQTT_PORT (1883), DEMO_DATA (demo-data),
# DEMO_SECONDS (unset: run until Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")"

DEVICES=${DEVICES:-20}
HTTP_PORT=${HTTP_PORT:-8080}
MQTT_PORT=${MQTT_PORT:-1883}
DATA=${DEMO_DATA:-demo-data}
API=http://127.0.0.1:$HTTP_PORT

say() { printf '\n==> %s\n' "$*"; }
packager() { java -jar model-packager/target/model-packager.jar "$@"; }

say "Building (mvn package, tests skipped)"
mvn -B -q -DskipTests package

rm -rf "$DATA"
mkdir -p "$DATA"

say "Packaging the sample model: motor anomaly detection (docs/sample-model.md)"
packager keygen --out-dir "$DATA/keys" --name packager
packager sample --out "$DATA/sample"
packager package --model "$DATA/sample/motor-anomaly.onnx" --name motor-anomaly --version 1 \
  --key "$DATA/keys/packager.key" --calibration "$DATA/sample/calibration.csv" \
  --out "$DATA/motor-anomaly-1.bundle" --quiet

say "Starting the fleet server (log: $DATA/server.log)"
java -jar fleet-server/target/fleet-server.jar --data-dir "$DATA/server" --http-port "$HTTP_PORT" \
  --mqtt-port "$MQTT_PORT" --trust-key "$DATA/keys/packager.pub" > "$DATA/server.log" 2>&1 &
SERVER_PID=$!
SIM_PID=
cleanup() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
  kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 60); do
  curl -sf "$API/api/v1/health" > /dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
  sleep 0.5
done
# The API needs a token: on its first start the server wrote an admin token, readable by its owner only.
TOKEN_FILE="$DATA/server/admin-token"
AUTH="Authorization: Bearer $(cat "$TOKEN_FILE")"
echo "admin API token: $TOKEN_FILE"

say "Uploading the bundle"
curl -sf -H "$AUTH" -X POST --data-binary @"$DATA/motor-anomaly-1.bundle" -H 'Content-Type: application/octet-stream' \
  "$API/api/v1/bundles"
echo

say "Starting $DEVICES simulated devices (log: $DATA/devices.log)"
java -jar device-sim/target/device-sim.jar --packager-key "$DATA/keys/packager.pub" \
  --broker "tcp://127.0.0.1:$MQTT_PORT" --server "$API" --devices "$DEVICES" \
  --data-dir "$DATA/devices" --telemetry-interval 2s > "$DATA/devices.log" 2>&1 &
SIM_PID=$!
known() { curl -sf -H "$AUTH" "$API/metrics" | awk '/^fleet_devices_known/ {print int($2)}'; }
for _ in $(seq 1 120); do
  [ "$(known)" -ge "$DEVICES" ] 2>/dev/null && break
  sleep 0.5
done
echo "devices known to the server: $(known)"

say "Rolling motor-anomaly v1 out to every device"
ROLLOUT=$(curl -sf -H "$AUTH" -X POST -H 'Content-Type: application/json' \
  -d '{"model":"motor-anomaly","version":1,"selector":""}' "$API/api/v1/rollouts")
ROLLOUT_ID=$(printf '%s' "$ROLLOUT" | sed -n 's/^{"id":\([0-9][0-9]*\),.*/\1/p')
for _ in $(seq 1 240); do
  STATE=$(curl -sf -H "$AUTH" "$API/api/v1/rollouts/$ROLLOUT_ID")
  printf '%s\n' "$STATE" | grep -o '"status":"[A-Z]*"\|"counts":{[^}]*}' | paste -sd' '
  printf '%s' "$STATE" | grep -q '"status":"FINISHED"' && break
  sleep 1
done
# The simulator writes a status line every 5 s: wait for one written after the devices switched.
for _ in $(seq 1 24); do
  grep -q "active={v1=$DEVICES}" "$DATA/devices.log" && break
  sleep 0.5
done
grep 'connected=' "$DATA/devices.log" | tail -n 1 || true

say "The fleet is running. Dashboard: $API/ (docs/dashboard.md; log in with the token in $TOKEN_FILE). Or try:"
cat <<EOT
  TOKEN=\$(cat $TOKEN_FILE)
  curl -H "Authorization: Bearer \$TOKEN" $API/api/v1/devices
  curl -H "Authorization: Bearer \$TOKEN" $API/api/v1/rollouts/$ROLLOUT_ID
  curl -H "Authorization: Bearer \$TOKEN" $API/api/v1/models
  curl -H "Authorization: Bearer \$TOKEN" $API/api/v1/metrics/models/motor-anomaly
  curl -H "Authorization: Bearer \$TOKEN" $API/metrics
  tail -f $DATA/devices.log
EOT

if [ -n "${DEMO_SECONDS:-}" ]; then
  sleep "$DEMO_SECONDS"
  say "Model metrics after $DEMO_SECONDS s"
  curl -sf -H "$AUTH" "$API/api/v1/metrics/models/motor-anomaly"
  echo
else
  echo "Ctrl-C stops the server and the devices."
  wait "$SIM_PID"
fi

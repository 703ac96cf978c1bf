#!/usr/bin/env bash
# `make demo`: starts the sidecar with the demo configuration, replays a demo call into it, prints each
# card as it appears and leaves the agent UI running. Variables:
#   DEMO_CALL   config/demo/calls/<name> (default call-01-en-hotel-group; Danish: call-04-da-facility-services)
#   DEMO_SPEED  replay speed: 1 = real time (default 2), max = as fast as possible
#   DEMO_PORT   API/UI port on 127.0.0.1 (default 8080)
#   DEEPGRAM_API_KEY          set: the audio goes through Deepgram live ASR
#   SHERPA_ONNX_MODEL_DIR     folder with sherpa-onnx models (default models/, filled by `make models`)
#   OLLAMA_HOST               Ollama server for drafted replies (default http://127.0.0.1:11434)
set -euo pipefail
cd "$(dirname "$0")/../.."

DEMO_CALL=${DEMO_CALL:-call-01-en-hotel-group}
DEMO_SPEED=${DEMO_SPEED:-2}
DEMO_PORT=${DEMO_PORT:-8080}

# Check the variables before anything is built or started.
case "$DEMO_SPEED" in
  max) ;;
  *) if ! [[ "$DEMO_SPEED" =~ ^[0-9]+([.][0-9]+)?$ ]] || ! awk -v s="$DEMO_SPEED" 'BEGIN { exit !(s > 0 && s <= 100) }'; then
       echo "demo: DEMO_SPEED must be a number above 0 (at most 100) or max, not '$DEMO_SPEED' (e.g. make demo DEMO_SPEED=1 for real time)" >&2; exit 2
     fi ;;
esac
if ! [[ "$DEMO_PORT" =~ ^[0-9]{1,5}$ ]] || [ "$DEMO_PORT" -lt 1 ] || [ "$DEMO_PORT" -gt 65535 ]; then
  echo "demo: DEMO_PORT must be a TCP port number (1-65535), not '$DEMO_PORT' (e.g. make demo DEMO_PORT=8090)" >&2; exit 2
fi
if ! [[ "$DEMO_CALL" =~ ^[A-Za-z0-9._-]+$ ]] || [ ! -f "config/demo/calls/$DEMO_CALL.json" ]; then
  echo "demo: no demo call '$DEMO_CALL'; choose one of: $(ls config/demo/calls | sed -n 's/\.json$//p' | tr '\n' ' ')" >&2; exit 2
fi
OLLAMA_URL=${OLLAMA_HOST:-http://127.0.0.1:11434}
case "$OLLAMA_URL" in http*) ;; *) OLLAMA_URL="http://$OLLAMA_URL" ;; esac
CALL_WAV="config/demo/calls/$DEMO_CALL.wav"
CALL_JSON="config/demo/calls/$DEMO_CALL.json"
STATE=.modsvar/demo
BIN=dist/sidecar/bin/modsvar.js

say() { printf '\033[1m%s\033[0m\n' "$*"; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { echo "demo: Node.js 20 or newer is needed (found $(node --version))" >&2; exit 1; }

# Build when the build is missing or older than a source file.
if [ ! -f "$BIN" ] || [ ! -f agent-ui/dist/index.html ] || [ -n "$(find sidecar media agent-ui/src -newer "$BIN" -type f -print -quit)" ]; then
  say "building (tsc + UI) ..."
  npm run build --silent
fi
mkdir -p "$STATE"

# Tokens: fresh for each run, at least 16 characters, never written to disk.
token() { node -e 'process.stdout.write(require("crypto").randomBytes(18).toString("base64url"))'; }
export MODSVAR_DEMO_AGENT_TOKEN=demo-agent-$(token)
export MODSVAR_DEMO_SUPERVISOR_TOKEN=demo-supervisor-$(token)
export MODSVAR_DEMO_INGEST_TOKEN=demo-ingest-$(token)
export MODSVAR_API__PORT=$DEMO_PORT

# Speech recognition: Deepgram if a key is set, sherpa-onnx if its models are installed, else the transcript.
CALL_LANG=$(node -e 'const t=require("./'"$CALL_JSON"'"); process.stdout.write(String(t[0].language ?? t[0].lang ?? "en"))')
MODELS_DIR=${SHERPA_ONNX_MODEL_DIR:-models}
REPLAY_INPUT=(--transcript "$CALL_JSON")
if [ -n "${DEEPGRAM_API_KEY:-}${MODSVAR_ASR__DEEPGRAM__API_KEY:-}" ]; then
  say "ASR: Deepgram (key from the environment); replaying the recording $CALL_WAV"
  export MODSVAR_ASR__PROVIDER=deepgram
  REPLAY_INPUT=("$CALL_WAV")
elif SHERPA_MODEL=$(MODSVAR_ASR__SHERPA_ONNX__MODELS_DIR=$MODELS_DIR node --input-type=module -e '
    // The sherpa-onnx model folder the configuration names for the call language, if it is installed.
    const { loadConfig } = await import("./dist/sidecar/config/load-config.js");
    const { resolve } = await import("node:path");
    const { existsSync } = await import("node:fs");
    const s = loadConfig({ file: "config/demo/modsvar.demo.yaml" }).config.asr.sherpaOnnx;
    const m = s.models[process.argv[1]];
    const dir = m && resolve(s.modelsDir, m.dir);
    if (!dir || !existsSync(dir)) process.exit(1);
    process.stdout.write(dir);' "$CALL_LANG" 2>/dev/null); then
  say "ASR: sherpa-onnx ($SHERPA_MODEL); replaying the recording $CALL_WAV"
  export MODSVAR_ASR__PROVIDER=sherpa-onnx MODSVAR_ASR__SHERPA_ONNX__MODELS_DIR=$MODELS_DIR
  REPLAY_INPUT=("$CALL_WAV")
else
  say "ASR: none configured, so the demo replays the call's transcript ($CALL_JSON)."
  echo "  For real speech recognition on the recording: \`make models\` (local sherpa-onnx models) or"
  echo "  export DEEPGRAM_API_KEY=... (Deepgram), then run \`make demo\` again."
  export MODSVAR_ASR__PROVIDER=none
fi

# Drafted replies: Ollama when it answers, else extractive cards (verified facts verbatim).
if node -e 'fetch(process.argv[1] + "/api/tags", { signal: AbortSignal.timeout(1500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$OLLAMA_URL"; then
  say "LLM: Ollama at $OLLAMA_URL drafts the replies (model: ${MODSVAR_LLM__OLLAMA__MODEL:-llama3.2:3b})"
  export MODSVAR_LLM__PROVIDER=ollama MODSVAR_LLM__OLLAMA__HOST=$OLLAMA_URL
else
  say "LLM: no Ollama at $OLLAMA_URL: extractive cards (verified facts verbatim). Start Ollama to get drafted replies."
fi

if node -e 'const s=require("net").connect(Number(process.argv[1]),"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$DEMO_PORT"; then
  echo "demo: port $DEMO_PORT is in use; run \`make demo DEMO_PORT=8090\`" >&2
  exit 1
fi

say "starting the sidecar (log: $STATE/serve.log) ..."
node "$BIN" serve --config config/demo/modsvar.demo.yaml > "$STATE/serve.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT
# Ctrl-C (or TERM) stops the demo: the sidecar is stopped on exit, no error noise.
stopped() { echo; say "stopped"; exit 130; }
trap stopped INT TERM
URL="http://127.0.0.1:$DEMO_PORT"
for _ in $(seq 1 120); do
  if node -e 'fetch(process.argv[1]).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))' "$URL/healthz"; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "demo: the sidecar stopped; its log:" >&2; tail -20 "$STATE/serve.log" >&2; exit 1; fi
  sleep 0.5
done

cat <<INFO

  Agent UI:       $URL      (sign in with the agent token to see the call as the agent)
  Supervisor wall: $URL/wall
  Agent token:      $MODSVAR_DEMO_AGENT_TOKEN
  Supervisor token: $MODSVAR_DEMO_SUPERVISOR_TOKEN

INFO
say "replaying $DEMO_CALL (speed $DEMO_SPEED); cards appear below as the customer raises objections"
CALL_ID="demo-$(date -u +%H%M%S)"
# Ctrl-C reaches the replay too (it stops quietly with 130); the demo then stops as a whole.
INTERRUPTED=
trap 'INTERRUPTED=1' INT TERM
REPLAY_STATUS=0
node "$BIN" replay "${REPLAY_INPUT[@]}" --url "$URL" --token "$MODSVAR_DEMO_INGEST_TOKEN" --speed "$DEMO_SPEED" --call-id "$CALL_ID" || REPLAY_STATUS=$?
trap stopped INT TERM
if [ -n "$INTERRUPTED" ] || [ "$REPLAY_STATUS" -eq 130 ]; then stopped; fi
if [ "$REPLAY_STATUS" -ne 0 ]; then
  echo "demo: the replay failed (exit $REPLAY_STATUS, see above; sidecar log: $STATE/serve.log)." >&2
fi

cat <<INFO

  The call stays in the UI's recent calls: $URL/call/$CALL_ID
  Replay it again or another call from a second terminal:
    MODSVAR_REPLAY_TOKEN=$MODSVAR_DEMO_INGEST_TOKEN node $BIN replay --transcript config/demo/calls/call-04-da-facility-services.json --url $URL
  The sidecar keeps running; Ctrl-C stops it.
INFO
wait "$SERVER_PID"

#!/usr/bin/env bash
# Regenerates the demo call recordings in config/demo/calls/ from the scripted calls in config/demo/source/.
#
# For each call: every turn is spoken by espeak-ng (agent and customer on different voices and pitches),
# turns are laid end to end with gaps of 300-900 ms (fixed per turn, so the output is reproducible), the
# agent on the LEFT channel and the customer on the RIGHT, and written as:
#   config/demo/calls/<name>.wav   stereo, 8 kHz, G.711 mu-law (what a SIPREC stream carries; half the size of PCM16)
#   config/demo/calls/<name>.json  the turns with role, language, text and startMs/endMs on the recording's
#                                  timeline (the `modsvar replay --transcript` format, see README "Replay")
#
# Needs: espeak-ng, sox (Debian: apt-get install espeak-ng sox), node (for JSON). Usage:
#   config/demo/make-demo-calls.sh [NAME ...]     default: every *.json in config/demo/source/
set -euo pipefail
cd "$(dirname "$0")"
for tool in espeak-ng sox soxi node; do
  command -v "$tool" >/dev/null || { echo "make-demo-calls: $tool is missing (apt-get install espeak-ng sox)" >&2; exit 1; }
done

RATE_HZ=8000
# Voices per language and role: espeak-ng voice, pitch (0-99), words per minute.
voice_for() { # lang role -> "voice pitch speed"
  case "$1:$2" in
    en:agent) echo "en-gb 62 185" ;;      # agent: British English, higher pitch
    en:customer) echo "en-us 35 175" ;;   # customer: American English, lower pitch
    da:agent) echo "da 64 180" ;;
    da:customer) echo "da 30 170" ;;
    de:agent) echo "de 62 170" ;;
    de:customer) echo "de 32 160" ;;
    *) echo "en 50 170" ;;
  esac
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in source/*.json; do names+=("$(basename "$f" .json)"); done
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p calls

for name in "${names[@]}"; do
  src="source/$name.json"
  [ -f "$src" ] || { echo "make-demo-calls: no $src" >&2; exit 1; }
  # One line per turn: index<TAB>role<TAB>lang<TAB>text
  node -e '
    const turns = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    turns.forEach((t, i) => console.log([i, t.speaker ?? t.role, t.lang ?? t.language, t.text.replace(/\s+/g, " ")].join("\t")));
  ' "$src" > "$work/turns.tsv"
  parts=()
  times="$work/times.tsv"; : > "$times"
  posMs=0
  while IFS=$'\t' read -r i role lang text; do
    read -r voice pitch speed <<<"$(voice_for "$lang" "$role")"
    # Gap before the turn: 300-900 ms, a fixed function of the turn index (reproducible output).
    gapMs=$(( 300 + (i * 397 + 211) % 601 ))
    [ "$i" -eq 0 ] && gapMs=500
    espeak-ng -v "$voice" -p "$pitch" -s "$speed" -w "$work/raw.wav" -- "$text"
    # Mono 8 kHz 16-bit, then onto its channel (agent left, customer right) with the gap in front.
    if [ "$role" = agent ]; then remix="1 0"; else remix="0 1"; fi
    sox "$work/raw.wav" -r "$RATE_HZ" -b 16 -c 1 "$work/mono.wav" gain -n -3 rate -h
    sox "$work/mono.wav" "$work/turn-$i.wav" remix $remix pad "$(printf '%d.%03d' $((gapMs / 1000)) $((gapMs % 1000)))" 0
    samples=$(soxi -s "$work/mono.wav")
    speechMs=$(( samples * 1000 / RATE_HZ ))
    startMs=$(( posMs + gapMs ))
    endMs=$(( startMs + speechMs ))
    printf '%s\t%s\t%s\n' "$i" "$startMs" "$endMs" >> "$times"
    posMs=$endMs
    parts+=("$work/turn-$i.wav")
  done < "$work/turns.tsv"
  # A short tail of silence, so the last words are not cut at the end of the file.
  sox -n -r "$RATE_HZ" -b 16 -c 2 "$work/tail.wav" trim 0 0.8
  sox "${parts[@]}" "$work/tail.wav" -e u-law -b 8 "calls/$name.wav"
  node -e '
    const fs = require("fs");
    const [src, times, out, audio] = process.argv.slice(1);
    const turns = JSON.parse(fs.readFileSync(src, "utf8"));
    const at = Object.fromEntries(fs.readFileSync(times, "utf8").trim().split("\n").map((l) => {
      const [i, s, e] = l.split("\t").map(Number); return [i, { startMs: s, endMs: e }];
    }));
    const outTurns = turns.map((t, i) => ({
      turn: t.turn ?? i + 1, role: t.speaker ?? t.role, language: t.lang ?? t.language, text: t.text,
      startMs: at[i].startMs, endMs: at[i].endMs,
      // Ground truth of the scripted call (not read by replay): lets tests and the demo check what was found.
      objection: t.objection === true, label: t.label ?? "none",
    }));
    fs.writeFileSync(out, JSON.stringify(outTurns, null, 1) + "\n");
  ' "$src" "$times" "calls/$name.json" "$name.wav"
  echo "calls/$name.wav: $(soxi -d "calls/$name.wav"), $(du -k "calls/$name.wav" | cut -f1) KB; calls/$name.json: $(wc -l < "$work/turns.tsv") turns"
done

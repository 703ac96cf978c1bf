#!/bin/sh
# Regenerates the end-to-end audio fixtures from real recorded speech in Debian `pocketsphinx-testdata`
# (LibriVox, "Sense and Sensibility", public domain; 16 kHz 16-bit mono originals). Needs sox (build time only).
#   speech-stream1.ulaw    raw G.711 mu-law, 8 kHz: sipp's rtp_stream plays it byte for byte on stream 1
#                          ("he was not an ill disposed young man")
#   speech-stream2-8k.wav  PCM16 mono 8 kHz WAV: test/e2e/rtp-sender.ts encodes it to PCMU on stream 2
#                          ("he might even have been made amiable himself")
set -eu
SRC=/usr/share/pocketsphinx/test/data/librivox
OUT="$(dirname "$0")/../fixtures/e2e"
mkdir -p "$OUT"
sox "$SRC/sense_and_sensibility_01_austen_64kb-0880.wav" -r 8000 -c 1 -e u-law -t raw "$OUT/speech-stream1.ulaw" rate -v -L
sox "$SRC/sense_and_sensibility_01_austen_64kb-0930.wav" -r 8000 -c 1 -b 16 -e signed-integer "$OUT/speech-stream2-8k.wav" rate -v -L
ls -l "$OUT"

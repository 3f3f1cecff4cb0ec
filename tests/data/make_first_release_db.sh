#!/usr/bin/env bash
# Made once with refocus 0.1.0 (schema m001_initial) and committed as
# tests/data/first_release.db; never regenerate it with a later version —
# the point is to keep a database exactly as the first release wrote it.
set -euo pipefail
out=${1:-tests/data/first_release.db}
rm -f "$out"
export REFOCUS_DB="$out" REFOCUS_NOW=2027-01-04T09:00:00+00:00 REFOCUS_ACTOR=first-release
refocus init "First Release Trust" --start 2027-01-11 --region wales
refocus team add "Alpha CMHT" --site Cardiff --kind CMHT
refocus team add "Beta CMHT" --site Newport --kind CMHT
refocus team add "Gamma EIP" --site Newport --kind "early intervention"
refocus staff add "Siobhán Ní Bhriain" --team "Alpha CMHT" --email siobhan@example.org --manager --role "team manager" --start 2026-06-01
refocus staff add "Zoë Adams" --team "Alpha CMHT" --email zoe@example.org --role nurse --start 2026-09-01
refocus staff add "Ben Okafor" --team "Beta CMHT" --role psychiatrist --start 2026-01-05
refocus staff add "Łukasz Nowak" --team "Gamma EIP" --email lukasz@example.org --role "social worker" --start 2026-03-01
refocus staff move "Zoë Adams" --to "Beta CMHT" --on 2027-01-02
refocus staff leave "Ben Okafor" --on 2027-01-03
refocus team merge "Gamma EIP" --into "Alpha CMHT" --on 2027-01-04
refocus trainer add "Ruth Evans" --email ruth@example.org --stages workshop,working-practices,coaching
refocus trainer add "Dai Morgan" --lived-experience --stages workshop,coaching
refocus trainer unavailable "Dai Morgan" --from 2027-02-01 --to 2027-02-12 --reason "annual leave"
refocus venue add "Board Room" --capacity 24 --site Cardiff
refocus cohort create WAVE1 --team "Alpha CMHT" --team "Beta CMHT"
sqlite3_checkpoint='import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.execute("PRAGMA journal_mode=DELETE"); c.close()'
python -c "$sqlite3_checkpoint" "$out"

#!/usr/bin/env bash
# Reliability and security, short form (a few minutes; docs/RELIABILITY.md has the longer one):
# the PostgreSQL outage on a private cluster, the same keyed request with a valid If-Match sent
# at once to two servers, SQLite's busy writers and free readers, backups taken under writers,
# hostile input and field caps on every backend, concurrent CLI processes and HTTP clients of
# `peiyu serve` on SQLite and PostgreSQL, a server and an import killed with SIGKILL, text files
# over their cap, the parsers' property tests (500,000 unknown keys included), and cargo-deny.
# PEIYU_STRESS_SCALE=10 runs the stress and kill runs ten times longer.
# Called by .ci/run after the database servers are up; runs alone too.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export PEIYU_TEST_POSTGRES_URL="${PEIYU_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
export PEIYU_TEST_MYSQL_URL="${PEIYU_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}"
start=$(date +%s)
step() { printf '\n==> reliability: %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "outage: a private PostgreSQL cluster stopped and started; one keyed request sent at once to two servers"
cargo test -p peiyu-server --test it -- outage instances

step "SQLite busy writers and free readers; backups under writers; hostile input and field caps; idempotency; task handover"
cargo test -p peiyu-tests --test it -- outage backup hostile idempotency task_rules

step "concurrent peiyu processes and HTTP clients (SQLite, PostgreSQL), a server and an import killed mid-write, backup and restore, text files over their cap"
cargo test -p peiyu --test it -- stress backup every_text_file

step "property tests of the parsers: track and rule files, ledgers, amounts, USCC, weeks, months, days"
PROPTEST_CASES="${PROPTEST_CASES:-512}" cargo test -p peiyu-domain -p peiyu-workflow -p peiyu-formats

step "cargo-deny: advisories, licences, bans, sources"
DENY="target/tools/bin/cargo-deny"
if [ ! -x "$DENY" ]; then
  cargo install --locked cargo-deny --root target/tools
fi
if "$DENY" --log-level error fetch >/dev/null 2>&1; then
  "$DENY" --offline check advisories licenses bans sources
else
  echo "reliability: the advisory database cannot be fetched here; checking licences, bans and sources only"
  "$DENY" --offline check licenses bans sources
fi

step "done"

#!/usr/bin/env bash
# Reliability and security, short form (a few minutes; docs/RELIABILITY.md has the longer one):
# the PostgreSQL outage on a private cluster, SQLite's busy writers and free readers, backups
# taken under writers, hostile input on every backend, concurrent CLI processes on SQLite and
# PostgreSQL, an import killed with SIGKILL, the parsers' property tests, and cargo-deny.
# Called by .ci/run after the database servers are up; runs alone too.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
export PEIYU_TEST_POSTGRES_URL="${PEIYU_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
export PEIYU_TEST_MYSQL_URL="${PEIYU_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306/test}"
start=$(date +%s)
step() { printf '\n==> reliability: %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "outage: a private PostgreSQL cluster stopped and started under a running server"
cargo test -p peiyu-server --test it -- outage

step "SQLite busy writers and free readers; backups under writers; hostile input; idempotency"
cargo test -p peiyu-tests --test it -- outage backup hostile idempotency

step "concurrent peiyu processes (SQLite, PostgreSQL), an import killed mid-write, backup and restore"
cargo test -p peiyu --test it -- stress backup

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

#!/usr/bin/env python3
"""Verify a peiyu audit export independently of peiyu (Python 3 standard library only).

    peiyu audit export --format jsonl -o audit.jsonl
    python3 tools/verify_audit.py audit.jsonl

Each line of the export is one JSON object (docs/audit.md):
  {"kind":"entry","fields":{...},"hash":"..."}  an entry; SHA-256 of the canonical JSON of
                                                 "fields" must be "hash"
  {"kind":"head","chain_key":"...","seq":N,"hash":"..."}   a chain's head
  {"kind":"seal","day":"...","heads":{...},"hash":"..."}    a day's seal

Checks, for every chain in the order its entries appear: seq runs 1, 2, 3, ...; each entry's hash
is the SHA-256 of its fields; each prev_hash is the previous entry's hash (64 zeros first); the
chain's head equals its last entry. For every seal: its hash is the SHA-256 of its day and heads,
and each sealed head is still the entry with that seq and hash. Prints every problem and exits 1
when there is one, else prints a summary and exits 0. Reads the file twice (seals and heads
first, then the entries), keeping one hash per chain and the sealed heads in memory.
"""

import hashlib
import json
import sys

GENESIS = "0" * 64
HASHED_KEYS = {
    "action", "actor_id", "actor_login", "after", "before", "chain_key", "effective_on",
    "enterprise_id", "id", "on_behalf_of", "prev_hash", "reason", "recorded_at", "request_id",
    "seq", "subject_id", "subject_type", "v",
}


def canonical(value):
    """peiyu's canonical JSON: keys sorted, no whitespace, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(value):
    return hashlib.sha256(canonical(value)).hexdigest()


def lines(path):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                yield number, json.loads(line)


def verify(path):
    problems = []
    heads, seals = {}, []
    for number, obj in lines(path):
        if obj.get("kind") == "head":
            heads[obj["chain_key"]] = (obj["seq"], obj["hash"], number)
        elif obj.get("kind") == "seal":
            seals.append((number, obj))
        elif obj.get("kind") != "entry":
            problems.append(f"line {number}: unknown kind {obj.get('kind')!r}")
    # The heads each seal names, to be found among the entries: (chain, seq) -> [(day, hash)].
    sealed = {}
    for number, seal in seals:
        body = {"day": seal["day"], "heads": seal["heads"]}
        if sha256(body) != seal["hash"]:
            problems.append(f"line {number}: seal of {seal['day']}: its hash does not match its heads")
        for chain, head in seal["heads"].items():
            if head["seq"] > 0:
                sealed.setdefault((chain, head["seq"]), []).append((seal["day"], head["hash"]))

    chains = {}  # chain -> (last seq, last hash); a broken chain is no longer followed
    broken = set()
    found = set()
    entries = 0
    for number, obj in lines(path):
        if obj.get("kind") != "entry":
            continue
        entries += 1
        fields = obj["fields"]
        chain, seq = fields.get("chain_key"), fields.get("seq")
        if set(fields) != HASHED_KEYS:
            problems.append(f"line {number}: chain {chain} entry {seq}: fields are not exactly the hashed fields")
        for day, sealed_hash in sealed.get((chain, seq), []):
            found.add((chain, seq, day))
            if sealed_hash != obj["hash"]:
                problems.append(f"line {number}: chain {chain} entry {seq} is not the entry the seal of {day} pins")
        if chain in broken:
            continue
        last_seq, last_hash = chains.get(chain, (0, GENESIS))
        if seq != last_seq + 1:
            problems.append(f"line {number}: chain {chain}: entry {seq} where {last_seq + 1} was expected (an entry was removed, inserted or moved)")
            broken.add(chain)
        elif sha256(fields) != obj["hash"]:
            problems.append(f"line {number}: chain {chain} entry {seq}: its hash does not match its fields (edited)")
            broken.add(chain)
        elif fields["prev_hash"] != last_hash:
            problems.append(f"line {number}: chain {chain} entry {seq}: prev_hash does not link to entry {last_seq} (removed, inserted or swapped)")
            broken.add(chain)
        else:
            chains[chain] = (seq, obj["hash"])

    for chain, (seq, hash_, number) in sorted(heads.items()):
        if chain in broken:
            continue
        if chains.get(chain, (0, GENESIS)) != (seq, hash_):
            last = chains.get(chain, (0, GENESIS))[0]
            problems.append(f"line {number}: chain {chain}: the head says entry {seq}, the last entry is {last} (entries at the end removed, or the head changed)")
    for chain in sorted(set(chains) - set(heads)):
        problems.append(f"chain {chain}: entries without a head")
    for (chain, seq), pins in sorted(sealed.items()):
        for day, _ in pins:
            if (chain, seq, day) not in found:
                problems.append(f"seal of {day}: chain {chain} entry {seq} is gone")
    return problems, len(set(chains) | broken), entries, len(seals)


def main():
    if len(sys.argv) != 2:
        print("usage: verify_audit.py EXPORT.jsonl", file=sys.stderr)
        return 2
    problems, chains, entries, seals = verify(sys.argv[1])
    for p in problems:
        print(p)
    if problems:
        print(f"BROKEN: {len(problems)} problem(s) in {chains} chains, {entries} entries, {seals} seals")
        return 1
    print(f"OK: {chains} chains, {entries} entries, {seals} seals verify")
    return 0


if __name__ == "__main__":
    sys.exit(main())

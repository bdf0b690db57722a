"""Dump what the Rucio catalogue holds for some DIDs, normalised, as JSON.

Usage (the venv's python, RUCIO_CONFIG = the Rucio test client config):
  catalogue.py [--db RUCIO.DB] [-a SCOPE:NAME=LABEL]... SCOPE:NAME[=LABEL]...

For each DID given: its type, bytes, adler32, md5, account, availability;
its replicas (RSE, state, PFN without the signature query, and with --db
the replica row's bytes, adler32, md5, path, lock count and whether it has
a tombstone); its parent datasets/containers (type, open, rules); the
rules on the DID itself (RSE expression, copies, account, grouping,
state, activity, lock counts, ...). Never GUIDs, ids or timestamps: two
uploads of the same content under other names must dump equal.

Normalisation, so that such dumps compare equal:
  * each DID is keyed by its LABEL (default: the DID itself); other DIDs
    given with -a (datasets) are shown by their label where they appear;
  * the part of a PFN that Rucio's lfn2pfn algorithm made from the DID
    is replaced: <hash:LABEL> for `hash` (scope/md5[0:2]/md5[2:4]/name),
    <identity:LABEL> for `identity` (scope/name); user.x and group.x
    scopes become user/x, group/x as Rucio does. A PFN that matches
    neither stays as it is (and shows in a comparison);
  * the replica row's path the same way.
Output: one JSON document, keys sorted, lists sorted, indent 1.
"""
import argparse
import hashlib
import json
import sqlite3
import sys

from rucio.client import Client
from rucio.common.exception import DataIdentifierNotFound

RULE_FIELDS = ('account', 'copies', 'rse_expression', 'grouping', 'state', 'activity',
               'did_type', 'locked', 'purge_replicas', 'weight', 'source_replica_expression',
               'ignore_availability', 'ignore_account_limit', 'notification', 'comments',
               'priority', 'split_container', 'locks_ok_cnt', 'locks_replicating_cnt',
               'locks_stuck_cnt')
DID_FIELDS = ('did_type', 'bytes', 'adler32', 'md5', 'account', 'availability',
              'is_open', 'length', 'suppressed', 'monotonic', 'obsolete', 'is_archive',
              'constituent')


def split_did(text):
    did, _, label = text.partition('=')
    scope, sep, name = did.partition(':')
    if not sep or not scope or not name:
        sys.exit(f'catalogue.py: not a DID: {text!r}')
    return scope, name, label or did


def lfn_paths(scope, name, label):
    """The paths Rucio's `hash` and `identity` algorithms give, with their stand-ins."""
    digest = hashlib.md5(f'{scope}:{name}'.encode()).hexdigest()
    scope_path = scope.replace('.', '/') if scope.startswith(('user', 'group')) else scope
    return [(f'{scope_path}/{digest[0:2]}/{digest[2:4]}/{name}', f'<hash:{label}>'),
            (f'{scope_path}/{name}', f'<identity:{label}>')]


def normal_path(path, paths):
    path = path.split('?', 1)[0]
    for real, stand_in in paths:
        if path == real or path.endswith('/' + real):
            return path[:len(path) - len(real)] + stand_in
    return path


def plain(value):
    """JSON-able: enums and dates as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return getattr(value, 'name', None) or str(value)


def rules_of(client, scope, name, labels):
    out = []
    for rule in client.list_did_rules(scope, name):
        entry = {k: plain(rule.get(k)) for k in RULE_FIELDS}
        entry['expires'] = rule.get('expires_at') is not None
        entry['did'] = labels.get(f"{rule['scope']}:{rule['name']}", f"{rule['scope']}:{rule['name']}")
        out.append(entry)
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True))


def meta_of(client, scope, name):
    meta = client.get_metadata(scope, name)
    return {k: plain(meta.get(k)) for k in DID_FIELDS if k in meta}


def replica_rows(db, scope, name, paths):
    """The replicas table's own rows (bytes/checksums as registered, path)."""
    con = sqlite3.connect(f'file:{db}?mode=ro', uri=True)
    try:
        rows = con.execute(
            'SELECT r.rse, p.bytes, p.adler32, p.md5, p.path, p.state, p.lock_cnt, '
            'p.tombstone IS NOT NULL FROM replicas p JOIN rses r ON r.id = p.rse_id '
            'WHERE p.scope = ? AND p.name = ?', (scope, name)).fetchall()
    finally:
        con.close()
    return {row[0]: {'bytes': row[1], 'adler32': row[2], 'md5': row[3],
                     'path': normal_path(row[4], paths) if row[4] else None,
                     'state': plain(row[5]), 'lock_cnt': row[6], 'tombstone': bool(row[7])}
            for row in rows}


def replicas_of(client, scope, name, paths, db):
    out = {}
    for rep in client.list_replicas([{'scope': scope, 'name': name}], all_states=True):
        for rse, state in (rep.get('states') or {}).items():
            out.setdefault(rse, {})['state'] = plain(state)
        for pfn, info in (rep.get('pfns') or {}).items():
            out.setdefault(info['rse'], {}).setdefault('pfns', []).append(normal_path(pfn, paths))
    for entry in out.values():
        entry['pfns'] = sorted(set(entry.get('pfns', [])))
    if db:
        for rse, row in replica_rows(db, scope, name, paths).items():
            out.setdefault(rse, {})['row'] = row
    return out


def dump_did(client, scope, name, label, labels, db):
    try:
        entry = meta_of(client, scope, name)
    except DataIdentifierNotFound:
        return {'exists': False}
    paths = lfn_paths(scope, name, label)
    entry['exists'] = True
    entry['replicas'] = replicas_of(client, scope, name, paths, db)
    entry['rules'] = rules_of(client, scope, name, labels)
    parents = []
    for parent in client.list_parent_dids(scope, name):
        pdid = f"{parent['scope']}:{parent['name']}"
        p = {'did': labels.get(pdid, pdid)}
        p.update(meta_of(client, parent['scope'], parent['name']))
        p['rules'] = rules_of(client, parent['scope'], parent['name'], labels)
        parents.append(p)
    entry['parents'] = sorted(parents, key=lambda p: json.dumps(p, sort_keys=True))
    return entry


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--db', help="the server's SQLite database: also dump the replica rows")
    ap.add_argument('-a', '--alias', action='append', default=[], metavar='SCOPE:NAME=LABEL')
    ap.add_argument('dids', nargs='+', metavar='SCOPE:NAME[=LABEL]')
    args = ap.parse_args()
    dids = [split_did(d) for d in args.dids]
    labels = {f'{s}:{n}': lab for s, n, lab in [split_did(a) for a in args.alias] + dids}
    client = Client()
    out = {label: dump_did(client, scope, name, label, labels, args.db)
           for scope, name, label in dids}
    json.dump(out, sys.stdout, sort_keys=True, indent=1)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Point the Rucio test server's RSEs at the test storage servers.

Usage (the venv's python, RUCIO_CONFIG = the Rucio test client config, root):
  setup_rses.py [--extra-s3 NAME:PORT] <rucio workdir>/server.env <storage workdir>/storage.env

--extra-s3 NAME:PORT adds (or updates) only one more S3 RSE like S3-SITE
whose protocol port is PORT, e.g. a fault-injecting proxy in front of S3
(SigV4 signs the Host header with its port, so the URLs Rucio signs for it
verify at S3 through the proxy).

What it sets up (docs/testing.md, "Transfer suite"):
  S3-SITE     S3 (s3s-fs), lfn2pfn `hash` (the server's default)
  S3-IDENT    the same S3 server and bucket, lfn2pfn_algorithm `identity`
  S3-NONDET   the same S3 server, non-deterministic (uploads name a PFN)
  S3-SCRATCHDISK  the same S3 server, for USER accounts (Rucio lets them add
              replicas only on *SCRATCHDISK, *USERDISK, *LOCALGROUPDISK, *MOCK)
  GCS-SITE    the nginx WebDAV stand-in
  SWIFT-SITE  Swift (only when the storage runs Swift)
Every protocol: scheme https, hostname 127.0.0.1, the storage's port, impl
webdav.NoRename (the default webdav impl appends `.rucio.upload` after the
signed URL's query and breaks the signature), read/write/delete on lan and
wan. Attributes: sign_url, skip_upload_stat=True (else the Python client
checks the upload with a PROPFIND that S3 does not answer and leaves the
replica COPYING), s3_url_style=path for the S3 ones.
The new S3 RSEs get the S3 keys of S3-SITE in the server's rse-accounts.cfg
(keyed by RSE id; the server re-reads it on each signature when no
memcached runs). Scopes `lite`, `py`, `user.root`, `user.signer`; account
limits for root and signer on every RSE, so `rucio upload` may add rules.
Prints one line per RSE.
"""
import json
import os
import shlex
import sys

from rucio.client import Client
from rucio.common.exception import Duplicate

SCOPES = {'root': ['lite', 'py', 'user.root'], 'signer': ['user.signer']}
LIMIT_BYTES = 10 ** 12


def load_env(path):
    """A shell-quoted KEY=VALUE file (server.env, storage.env) as a dict."""
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#') and '=' in line:
                key, value = line.split('=', 1)
                words = shlex.split(value) if value else ['']
                env[key] = words[0] if words else ''
    return env


def protocol(port, prefix):
    ops = {'read': 1, 'write': 1, 'delete': 1}
    return {'scheme': 'https', 'hostname': '127.0.0.1', 'port': int(port),
            'prefix': prefix, 'impl': 'rucio.rse.protocols.webdav.NoRename',
            'domains': {'lan': dict(ops),
                        'wan': dict(ops, third_party_copy_read=1, third_party_copy_write=1)}}


def ensure_rse(client, name, deterministic=True):
    try:
        client.get_rse(name)
    except Exception:  # RSENotFound
        client.add_rse(name, deterministic=deterministic)


def set_protocol(client, rse, proto):
    # Idempotent: a rerun against the same server replaces the protocol.
    try:
        client.delete_protocols(rse, 'https')
    except Exception:  # RSEProtocolNotSupported: none yet
        pass
    client.add_protocol(rse, proto)


def set_attributes(client, rse, attrs):
    for key, value in attrs.items():
        client.add_rse_attribute(rse, key, value)


def add_s3_credentials(rucio_env, rse_ids):
    """The S3-SITE keys for the new S3 RSEs, written atomically."""
    path = os.path.join(rucio_env['RUCIO_TEST_WORKDIR'], 'etc', 'rse-accounts.cfg')
    with open(path) as f:
        creds = json.load(f)
    s3 = creds[rucio_env['RUCIO_TEST_S3_RSE_ID']]
    for rse_id in rse_ids:
        creds[rse_id] = s3
    tmp = path + '.tmp'
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as f:
        json.dump(creds, f, indent=2)
        f.write('\n')
    os.replace(tmp, path)


def add_extra_s3(client, renv, senv, spec):
    name, _, port = spec.partition(':')
    ensure_rse(client, name)
    set_protocol(client, name, protocol(port, f"/{senv['STORAGE_S3_BUCKET']}/"))
    set_attributes(client, name, {'sign_url': 's3', 'skip_upload_stat': True,
                                  's3_url_style': 'path'})
    for account in SCOPES:
        client.set_local_account_limit(account, name, LIMIT_BYTES)
    add_s3_credentials(renv, [client.get_rse(name)['id']])
    print(f'rse {name}: https://127.0.0.1:{port}/{senv["STORAGE_S3_BUCKET"]}/')
    return 0


def main(rucio_env_path, storage_env_path, extra_s3=None):
    renv, senv = load_env(rucio_env_path), load_env(storage_env_path)
    client = Client()
    if extra_s3:
        return add_extra_s3(client, renv, senv, extra_s3)
    s3_port, s3_prefix = senv['STORAGE_S3_PORT'], f"/{senv['STORAGE_S3_BUCKET']}/"
    rses = {
        'S3-SITE': (protocol(s3_port, s3_prefix),
                    {'sign_url': 's3', 'skip_upload_stat': True, 's3_url_style': 'path'}),
        'S3-IDENT': (protocol(s3_port, s3_prefix + 'ident/'),
                     {'sign_url': 's3', 'skip_upload_stat': True, 's3_url_style': 'path',
                      'lfn2pfn_algorithm': 'identity'}),
        'S3-NONDET': (protocol(s3_port, s3_prefix + 'nondet/'),
                      {'sign_url': 's3', 'skip_upload_stat': True, 's3_url_style': 'path'}),
        # Rucio lets USER accounts add replicas only on RSEs whose names end
        # in SCRATCHDISK, USERDISK, MOCK or LOCALGROUPDISK (perm_add_replicas).
        'S3-SCRATCHDISK': (protocol(s3_port, s3_prefix + 'scratch/'),
                           {'sign_url': 's3', 'skip_upload_stat': True, 's3_url_style': 'path'}),
        'GCS-SITE': (protocol(senv['STORAGE_GCS_PORT'], f"/{senv['STORAGE_GCS_BUCKET']}/"),
                     {'sign_url': 'gcs', 'skip_upload_stat': True}),
    }
    if senv.get('STORAGE_SWIFT_URL'):
        prefix = f"/v1/{senv['STORAGE_SWIFT_ACCOUNT']}/{senv['STORAGE_SWIFT_CONTAINER']}/"
        rses['SWIFT-SITE'] = (protocol(senv['STORAGE_SWIFT_PORT'], prefix),
                              {'sign_url': 'swift', 'skip_upload_stat': True})
    new_ids = []
    for name, (proto, attrs) in rses.items():
        ensure_rse(client, name, deterministic=(name != 'S3-NONDET'))
        set_protocol(client, name, proto)
        set_attributes(client, name, attrs)
        if name in ('S3-IDENT', 'S3-NONDET', 'S3-SCRATCHDISK'):
            new_ids.append(client.get_rse(name)['id'])
        for account in SCOPES:
            client.set_local_account_limit(account, name, LIMIT_BYTES)
        print(f"rse {name}: https://127.0.0.1:{proto['port']}{proto['prefix']} "
              + ' '.join(f'{k}={v}' for k, v in sorted(attrs.items())))
    add_s3_credentials(renv, new_ids)
    for account, scopes in SCOPES.items():
        for scope in scopes:
            try:
                client.add_scope(account, scope)
            except Duplicate:
                pass
    print('scopes: ' + ' '.join(f'{a}:{s}' for a, ss in SCOPES.items() for s in ss))
    return 0


if __name__ == '__main__':
    args = sys.argv[1:]
    extra = None
    if len(args) == 4 and args[0] == '--extra-s3':
        extra, args = args[1], args[2:]
    if len(args) != 2:
        sys.exit(__doc__)
    sys.exit(main(*args, extra_s3=extra))

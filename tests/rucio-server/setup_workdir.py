"""Prepare a Rucio test-server work directory (run with the venv's python).

Usage: setup_workdir.py <workdir>

Expects the PKI from pki.sh in <workdir>/pki. Writes the server config
(<workdir>/etc/rucio.cfg), the GCS service-account JSON, creates the SQLite
schema, the base VO and root with the [bootstrap] identities, the test
accounts and RSEs, the signing secrets (<workdir>/etc/rse-accounts.cfg)
and <workdir>/server.env (start.sh appends the URL and pid and writes the
client config once the server runs).
"""
import json
import os
import secrets
import shlex
import sqlite3
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization

RSES = ('GCS-SITE', 'S3-SITE', 'SWIFT-SITE')
# Accounts besides root: name -> (userpass password, may sign URLs)
ACCOUNTS = {'signer': ('signerpw', True), 'nosign': ('nosignpw', False)}
GCS_EMAIL = 'rucio-test@rucio-lite.iam.gserviceaccount.com'


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text, mode=0o644):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.chmod(path, mode)


def subject_dn(cert_path):
    """The subject as RFC 4514 text: the same function the server's TLS
    middleware applies to the presented certificate, so they always match."""
    cert = x509.load_pem_x509_certificate(read(cert_path).encode())
    return cert.subject.rfc4514_string()


def write_gcs_account(pki, path):
    key = serialization.load_pem_private_key(read(f'{pki}/gcs.key').encode(), None)
    pem = key.private_bytes(serialization.Encoding.PEM,
                            serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    account = {
        'type': 'service_account',
        'project_id': 'rucio-lite-test',
        'private_key_id': secrets.token_hex(20),
        'private_key': pem,
        'client_email': GCS_EMAIL,
        'client_id': '100000000000000000000',
        'token_uri': 'https://oauth2.googleapis.com/token',
    }
    write(path, json.dumps(account, indent=2) + '\n', 0o600)


def server_config(work, user_dn, ssh_pub):
    # No inline comments: configparser would keep them as part of the value.
    return f"""[common]
loglevel = INFO

[database]
default = sqlite:///{work}/rucio.db
# A fresh SQLite connection per DB session: nothing is shared between the
# server's threads (singletonthreadpool segfaults under parallel requests).
poolclass = nullpool

[policy]
permission = generic
schema = generic

[bootstrap]
userpass_identity = ddmlab
userpass_pwd = secret
userpass_email = test@example.org
x509_identity = {user_dn}
x509_email = test@example.org
ssh_identity = {ssh_pub}
ssh_email = test@example.org
gss_identity =
gss_email =

[credentials]
gcs = {work}/etc/gcs-service-account.json
"""



def create_database(db_path):
    # WAL lets readers run while a writer commits (the setting is stored
    # in the database file, so the server inherits it).
    with sqlite3.connect(db_path) as con:
        con.execute('PRAGMA journal_mode=WAL')
    from rucio.db.sqla.models import register_models
    from rucio.db.sqla.session import get_engine
    from rucio.db.sqla.util import create_base_vo, create_root_account
    register_models(get_engine())
    create_base_vo()
    create_root_account()


def add_accounts():
    # The gateway layer is what the REST views call: permission checks and
    # schema validation run as for "rucio-admin" requests issued by root.
    from rucio.gateway.account import add_account, add_account_attribute
    from rucio.gateway.identity import add_account_identity
    for name, (password, may_sign) in ACCOUNTS.items():
        email = f'{name}@example.org'
        add_account(name, 'USER', email, issuer='root')
        add_account_identity(name, 'userpass', name, email, issuer='root',
                             default=True, password=password)
        if may_sign:
            add_account_attribute('sign-url', 'True', name, issuer='root')


def add_rses():
    from rucio.gateway.rse import add_rse, add_rse_attribute, get_rse
    for name in RSES:
        add_rse(name, issuer='root')
    add_rse_attribute('S3-SITE', 's3_url_style', 'path', issuer='root')
    return {name: get_rse(name)['id'] for name in RSES}


def main(work):
    work = os.path.abspath(work)
    pki = f'{work}/pki'
    os.makedirs(f'{work}/etc', exist_ok=True)

    user_dn = subject_dn(f'{pki}/user.pem')
    ssh_pub = read(f'{pki}/ssh_key.pub').strip()
    write_gcs_account(pki, f'{work}/etc/gcs-service-account.json')
    write(f'{work}/etc/rucio.cfg', server_config(work, user_dn, ssh_pub))

    os.environ['RUCIO_CONFIG'] = f'{work}/etc/rucio.cfg'
    os.environ['RUCIO_HOME'] = work
    create_database(f'{work}/rucio.db')
    add_accounts()
    rse_ids = add_rses()

    s3 = {'access_key': 'AK' + secrets.token_hex(8).upper(),
          'secret_key': secrets.token_urlsafe(30),
          'signature_version': 's3v4', 'region': 'us-east-1'}
    swift = {'tempurl_key': secrets.token_hex(16)}
    write(f'{work}/etc/rse-accounts.cfg',
          json.dumps({rse_ids['S3-SITE']: s3, rse_ids['SWIFT-SITE']: swift}, indent=2) + '\n',
          0o600)

    env = {
        'RUCIO_TEST_WORKDIR': work,
        'RUCIO_TEST_SERVER_CONFIG': f'{work}/etc/rucio.cfg',
        'RUCIO_TEST_CLIENT_CONFIG': f'{work}/client/rucio.cfg',
        'RUCIO_TEST_CA': f'{pki}/ca.pem',
        'RUCIO_TEST_USER_DN': user_dn,
        'RUCIO_TEST_USER_CERT': f'{pki}/user.pem',
        'RUCIO_TEST_USER_KEY': f'{pki}/user.key',
        'RUCIO_TEST_PROXY': f'{pki}/proxy.pem',
        'RUCIO_TEST_SSH_KEY': f'{pki}/ssh_key',
        'RUCIO_TEST_SSH_PUBKEY': f'{pki}/ssh_key.pub',
        'RUCIO_TEST_GCS_ACCOUNT': f'{work}/etc/gcs-service-account.json',
        'RUCIO_TEST_GCS_EMAIL': GCS_EMAIL,
        'RUCIO_TEST_GCS_PUBKEY': f'{pki}/gcs-public.pem',
        'RUCIO_TEST_S3_ACCESS_KEY': s3['access_key'],
        'RUCIO_TEST_S3_SECRET_KEY': s3['secret_key'],
        'RUCIO_TEST_S3_REGION': s3['region'],
        'RUCIO_TEST_SWIFT_TEMPURL_KEY': swift['tempurl_key'],
        'RUCIO_TEST_GCS_RSE_ID': rse_ids['GCS-SITE'],
        'RUCIO_TEST_S3_RSE_ID': rse_ids['S3-SITE'],
        'RUCIO_TEST_SWIFT_RSE_ID': rse_ids['SWIFT-SITE'],
        'RUCIO_TEST_REQUESTS_LOG': f'{work}/requests.log',
        'RUCIO_TEST_SERVER_LOG': f'{work}/server.log',
    }
    lines = [f'{key}={shlex.quote(value)}' for key, value in env.items()]
    write(f'{work}/server.env', '\n'.join(lines) + '\n', 0o600)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: setup_workdir.py <workdir>')
    main(sys.argv[1])

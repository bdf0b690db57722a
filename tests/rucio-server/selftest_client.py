"""Exercise the running test server with the genuine Python Rucio client.

Usage: selftest_client.py <workdir> <signed-urls.tsv>   (venv python)

Needs RUCIO_CONFIG=<workdir>/client/rucio.cfg and a private TMPDIR (token
cache) in the environment. Writes one line per signed URL to the TSV file:
service, op, lifetime, input URL, signed URL - for verify_signed_url.py.
Prints one line per check with its duration; exits 1 on the first failure.
"""
import getpass
import http.client
import os
import shlex
import socket
import ssl
import sys
import threading
import time
from contextlib import contextmanager

from rucio.client import Client
from rucio.client.baseclient import BaseClient
from rucio.common.exception import AccessDenied, RSENotFound

INPUT_URLS = {
    'gcs': ('GCS-SITE', 'https://storage.googleapis.com/rucio-lite-bucket/dir/file.dat'),
    's3': ('S3-SITE', 'https://s3.example.org:9000/rucio-lite-bucket/dir/file.dat'),
    'swift': ('SWIFT-SITE', 'https://swift.example.org:8080/v1/AUTH_test/container/dir/file.dat'),
}
LIFETIMES = {'read': 600, 'write': 3600, 'delete': 120}


class CheckFailed(Exception):
    pass


def expect(condition, reason):
    if not condition:
        raise CheckFailed(reason)


@contextmanager
def step(name):
    start = time.monotonic()
    yield
    print(f'  ok   {name} ({time.monotonic() - start:.2f} s)', flush=True)


class Server:
    def __init__(self, work):
        self.work = work
        self.env = {}
        with open(f'{work}/server.env') as f:
            for line in f:
                key, _, value = line.strip().partition('=')
                self.env[key] = ''.join(shlex.split(value))
        self.url = self.env['RUCIO_TEST_URL']
        self.requests_log = self.env['RUCIO_TEST_REQUESTS_LOG']

    def count(self, method_path_prefix):
        with open(self.requests_log) as f:
            return sum(1 for line in f if line.startswith(method_path_prefix))


def token_file(account):
    return f'{BaseClient.TOKEN_PATH_PREFIX}{getpass.getuser()}/auth_token_for_account_{account}'


def fresh_client(account='root', **kwargs):
    """A client that must authenticate (the token cache is per account)."""
    try:
        os.remove(token_file(account))
    except FileNotFoundError:
        pass
    return Client(account=account, **kwargs)


def check_auth(server, name, auth_path, **kwargs):
    with step(f'{name} auth + whoami'):
        before = server.count(f'GET {auth_path} 200')
        client = fresh_client(**kwargs)
        expect(server.count(f'GET {auth_path} 200') == before + 1,
               f'no successful GET {auth_path} in requests.log')
        expect(client.whoami()['account'] == 'root', f'{name}: whoami is not root')
        mode = os.stat(token_file('root')).st_mode & 0o777
        expect(mode == 0o600, f'token file mode {mode:o}')


def check_keep_alive(server, ca):
    host, port = server.url.split('//')[1].split(':')
    context = ssl.create_default_context(cafile=ca)
    with step('HTTP/1.1 keep-alive: 3 requests, one connection, unread body skipped'):
        conn = http.client.HTTPSConnection(host, int(port), context=context)
        socks = []
        # POST /ping is answered 405 without reading the body; the server
        # must skip it to find the next request.
        for method, body, status in (('GET', None, 200), ('POST', b'x' * 5000, 405),
                                     ('GET', None, 200)):
            conn.request(method, '/ping', body=body)
            response = conn.getresponse()
            response.read()
            expect(response.status == status and response.version == 11,
                   f'{method} /ping: HTTP/{response.version / 10} {response.status}')
            expect(not response.will_close, f'server closes the connection after {method}')
            socks.append(conn.sock)
        expect(socks[0] is socks[1] is socks[2], 'a request used a new connection')
        conn.close()
    with step('HTTP/1.1 pipelining: two requests in one write'):
        raw = socket.create_connection((host, int(port)))
        with context.wrap_socket(raw, server_hostname=host) as tls:
            tls.settimeout(10)
            tls.sendall(b'GET /ping HTTP/1.1\r\nHost: x\r\n\r\n' * 2)
            data = b''
            while data.count(b'"version"') < 2:
                chunk = tls.recv(65536)
                expect(chunk, f'connection closed after {data.count(b"HTTP/1.1 200")} answers')
                data += chunk


def sign_all(client, tsv):
    with step('get_signed_url: gcs/s3/swift x read/write/delete as root'), open(tsv, 'w') as out:
        for service, (rse, url) in INPUT_URLS.items():
            for op, lifetime in LIFETIMES.items():
                signed = client.get_signed_url(rse, service, op, url, lifetime)
                out.write(f'{service}\t{op}\t{lifetime}\t{url}\t{signed}\n')


def check_permissions(client):
    with step('sign-url attribute: signer may sign, nosign gets AccessDenied'):
        signer = fresh_client('signer', creds={'username': 'signer', 'password': 'signerpw'})
        rse, url = INPUT_URLS['gcs']
        expect(signer.get_signed_url(rse, 'gcs', 'read', url, 60).startswith('https://'),
               'signer got no URL')
        nosign = fresh_client('nosign', creds={'username': 'nosign', 'password': 'nosignpw'})
        try:
            nosign.get_signed_url(rse, 'gcs', 'read', url, 60)
            raise CheckFailed('nosign could sign')
        except AccessDenied:
            pass
    with step('unknown RSE gives RSENotFound'):
        try:
            client.get_signed_url('NO-SUCH-RSE', 'gcs', 'read', INPUT_URLS['gcs'][1], 60)
            raise CheckFailed('unknown RSE accepted')
        except RSENotFound:
            pass


def check_concurrency(server, ca, threads=8, rounds=5):
    """Parallel logins write token rows: SQLite must not report locks."""
    import requests
    errors = []

    def worker():
        try:
            login_and_whoami(requests.Session())
        except Exception as err:  # reported by the main thread
            errors.append(repr(err))

    def login_and_whoami(session):
        for _ in range(rounds):
            # verify= per request: a session attribute would lose against
            # REQUESTS_CA_BUNDLE from the environment.
            r = session.get(f'{server.url}/auth/userpass', verify=ca,
                            headers={'X-Rucio-Account': 'root', 'X-Rucio-Username': 'ddmlab',
                                     'X-Rucio-Password': 'secret'})
            expect(r.status_code == 200, f'auth {r.status_code} {r.text[:200]}')
            r = session.get(f'{server.url}/accounts/whoami', verify=ca,
                            headers={'X-Rucio-Auth-Token': r.headers['X-Rucio-Auth-Token']})
            expect(r.status_code == 200, f'whoami {r.status_code} {r.text[:200]}')

    with step(f'{threads} threads x {rounds} logins + whoami in parallel'):
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join(120)
        expect(not errors, f'parallel requests failed: {errors[:3]}')


def main(work, tsv):
    server = Server(work)
    ca = server.env['RUCIO_TEST_CA']
    with step('userpass auth + ping'):
        client = fresh_client()
        version = client.ping()['version']
        expect(version.startswith('41.'), f'unexpected server version {version}')
    with step('whoami'):
        me = client.whoami()
        expect(me['account'] == 'root' and me['account_type'] == 'SERVICE', f'whoami: {me}')
    check_keep_alive(server, ca)
    sign_all(client, tsv)
    check_permissions(client)
    check_auth(server, 'x509', '/auth/x509', auth_type='x509')
    check_auth(server, 'x509_proxy', '/auth/x509_proxy', auth_type='x509_proxy')
    check_auth(server, 'ssh', '/auth/ssh', auth_type='ssh')
    check_concurrency(server, ca)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: selftest_client.py <workdir> <signed-urls.tsv>')
    try:
        main(sys.argv[1], sys.argv[2])
    except CheckFailed as err:
        print(f'  FAIL {err}', file=sys.stderr)
        sys.exit(1)

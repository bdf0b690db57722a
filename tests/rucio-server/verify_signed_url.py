"""Check a signed URL from /credentials/signurl independently of Rucio.

Usage (venv python):
  verify_signed_url.py --service gcs|s3|swift --op read|write|delete
      --lifetime N --url SIGNED --input-url ORIGINAL
      (--env <workdir>/server.env | --gcs-pubkey F --gcs-email E
       | --s3-access-key A --s3-secret-key S [--s3-region R] | --swift-key K)

GCS:   RSA-SHA256 (PKCS#1 v1.5) signature of "METHOD\\n\\n\\nExpires\\npath"
       verified with the service account's public key; GoogleAccessId;
       Expires = now + lifetime (+-5 s).
S3:    the whole URL must equal botocore's SigV4 presigned URL for the same
       request, credentials and X-Amz-Date; X-Amz-Expires = lifetime.
Swift: HMAC-SHA1 of "METHOD\\nexpires\\npath" with the TempURL key;
       expires = now + lifetime (+-5 s).
Prints "OK <service> <op>" and exits 0, or prints the reason and exits 1.
"""
import argparse
import base64
import datetime
import hmac
import shlex
import sys
import time
from hashlib import sha1
from unittest import mock
from urllib.parse import unquote, urlsplit

METHODS = {'read': 'GET', 'write': 'PUT', 'delete': 'DELETE'}
SLACK = 5


class Mismatch(Exception):
    pass


def expect(condition, reason):
    if not condition:
        raise Mismatch(reason)


def query_pairs(url):
    """The query as an ordered list of (name, decoded value)."""
    query = urlsplit(url).query
    expect(query, 'signed URL has no query')
    pairs = []
    for item in query.split('&'):
        name, sep, value = item.partition('=')
        expect(sep, f'query item without "=": {item!r}')
        pairs.append((name, unquote(value)))
    return pairs


def expect_names(pairs, names):
    got = [name for name, _ in pairs]
    expect(got == list(names), f'query parameters {got}, expected {list(names)}')


def expect_expiry(expires, lifetime):
    expect(expires.isdigit(), f'expiry {expires!r} is not a number')
    delta = int(expires) - (time.time() + lifetime)
    expect(abs(delta) <= SLACK, f'expiry {expires} is {delta:+.0f} s from now+lifetime')


def expect_target(signed, want_netloc, want_path):
    parts = urlsplit(signed)
    expect(parts.scheme == 'https', f'scheme {parts.scheme!r}, expected https')
    expect(parts.netloc == want_netloc, f'host {parts.netloc!r}, expected {want_netloc!r}')
    expect(parts.path == want_path, f'path {parts.path!r}, expected {want_path!r}')
    expect(not parts.fragment, 'signed URL has a fragment')


def verify_gcs(args, method):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    original = urlsplit(args.input_url)
    expect_target(args.url, original.netloc, original.path)
    pairs = query_pairs(args.url)
    expect_names(pairs, ('GoogleAccessId', 'Expires', 'Signature'))
    values = dict(pairs)
    expect(values['GoogleAccessId'] == args.gcs_email,
           f"GoogleAccessId {values['GoogleAccessId']!r}, expected {args.gcs_email!r}")
    expect_expiry(values['Expires'], args.lifetime)
    with open(args.gcs_pubkey, 'rb') as f:
        public_key = serialization.load_pem_public_key(f.read())
    message = f"{method}\n\n\n{values['Expires']}\n{original.path}".encode()
    try:
        signature = base64.b64decode(values['Signature'], validate=True)
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (ValueError, InvalidSignature):
        raise Mismatch('GCS signature does not verify with the service account key')


def verify_s3(args, method):
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode

    original = urlsplit(args.input_url)
    segments = original.path.split('/')
    expect(len(segments) >= 3, f'input {args.input_url!r} is not a path-style S3 URL')
    bucket, key = segments[1], '/'.join(segments[2:])
    port = original.port or 443
    values = dict(query_pairs(args.url))
    expect(values.get('X-Amz-Expires') == str(args.lifetime),
           f"X-Amz-Expires {values.get('X-Amz-Expires')!r}, expected {args.lifetime}")
    stamp = values.get('X-Amz-Date', '')
    try:
        when = datetime.datetime.strptime(stamp, '%Y%m%dT%H%M%SZ')
    except ValueError:
        raise Mismatch(f'bad X-Amz-Date {stamp!r}')
    age = time.time() - when.replace(tzinfo=datetime.UTC).timestamp()
    expect(-SLACK <= age <= 60, f'X-Amz-Date {stamp} is {age:.0f} s old')

    request = AWSRequest(method=method,
                         url=f'https://{original.hostname}:{port}/{bucket}/'
                             f'{percent_encode(key, safe="/~")}')
    signer = botocore.auth.S3SigV4QueryAuth(
        Credentials(args.s3_access_key, args.s3_secret_key), 's3', args.s3_region,
        expires=args.lifetime)
    with mock.patch.object(botocore.auth, 'get_current_datetime', return_value=when):
        signer.add_auth(request)
    expect(args.url == request.url,
           f'S3 URL differs from the botocore SigV4 signature:\n  got  {args.url}\n'
           f'  want {request.url}')


def verify_swift(args, method):
    original = urlsplit(args.input_url)
    expect_target(args.url, original.hostname, original.path)
    pairs = query_pairs(args.url)
    expect_names(pairs, ('temp_url_sig', 'temp_url_expires'))
    values = dict(pairs)
    expect_expiry(values['temp_url_expires'], args.lifetime)
    body = f"{method}\n{values['temp_url_expires']}\n{original.path}"
    want = hmac.new(args.swift_key.encode(), body.encode(), sha1).hexdigest()
    expect(hmac.compare_digest(values['temp_url_sig'], want),
           'Swift temp_url_sig does not match the HMAC-SHA1 with the TempURL key')


def load_env(path):
    """KEY=VALUE lines as written by start.sh (shell-quoted values)."""
    env = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.strip().partition('=')
            if sep:
                env[key] = ''.join(shlex.split(value)) if value else ''
    return env


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--service', required=True, choices=('gcs', 's3', 'swift'))
    p.add_argument('--op', required=True, choices=tuple(METHODS))
    p.add_argument('--lifetime', required=True, type=int)
    p.add_argument('--url', required=True, help='the signed URL')
    p.add_argument('--input-url', required=True, help='the URL given to signurl')
    p.add_argument('--env', help='server.env of the test server (supplies the secrets)')
    p.add_argument('--gcs-pubkey')
    p.add_argument('--gcs-email')
    p.add_argument('--s3-access-key')
    p.add_argument('--s3-secret-key')
    p.add_argument('--s3-region')
    p.add_argument('--swift-key')
    args = p.parse_args()
    env = load_env(args.env) if args.env else {}
    defaults = {'gcs_pubkey': 'RUCIO_TEST_GCS_PUBKEY', 'gcs_email': 'RUCIO_TEST_GCS_EMAIL',
                's3_access_key': 'RUCIO_TEST_S3_ACCESS_KEY',
                's3_secret_key': 'RUCIO_TEST_S3_SECRET_KEY',
                's3_region': 'RUCIO_TEST_S3_REGION', 'swift_key': 'RUCIO_TEST_SWIFT_TEMPURL_KEY'}
    for attr, name in defaults.items():
        if getattr(args, attr) is None:
            setattr(args, attr, env.get(name))
    if args.s3_region is None:
        args.s3_region = 'us-east-1'
    needed = {'gcs': ('gcs_pubkey', 'gcs_email'), 's3': ('s3_access_key', 's3_secret_key'),
              'swift': ('swift_key',)}[args.service]
    missing = ['--' + attr.replace('_', '-') for attr in needed if not getattr(args, attr)]
    if missing:
        p.error(f'{args.service} needs {", ".join(missing)} (or --env)')
    return args


def main():
    args = parse_args()
    verify = {'gcs': verify_gcs, 's3': verify_s3, 'swift': verify_swift}[args.service]
    try:
        verify(args, METHODS[args.op])
    except Mismatch as err:
        print(f'FAIL {args.service} {args.op}: {err}', file=sys.stderr)
        return 1
    print(f'OK {args.service} {args.op}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Signature checks against the running test storage servers.

Usage: selftest_client.py <workdir>/storage.env

Prints one "PASS name" / "FAIL name: why" line per check and exits 1 if any
check failed (selftest.sh counts the lines). S3 URLs are pre-signed with
botocore exactly as Rucio's server signs them (rucio.core.credential:
endpoint https://host:port, path style, s3v4); without botocore a small
stdlib SigV4 presigner is used. Swift temp URLs are HMAC-SHA1 over
"METHOD\\nexpires\\npath" as Rucio signs them.
"""
import datetime
import hashlib
import hmac
import http.client
import os
import re
import shlex
import ssl
import sys
import time
import urllib.parse

RESULTS = []


def check(name, ok, why=''):
    RESULTS.append(ok)
    print(f'PASS {name}' if ok else f'FAIL {name}: {why}', flush=True)


def load_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip('\n').partition('=')
            parts = shlex.split(value)
            env[key] = parts[0] if parts else ''
    return env


class Client:
    """One HTTPS request per call, verified against the test CA; only the
    headers given (plus Host, and Content-Length for a body) are sent."""

    def __init__(self, cafile):
        self.ctx = ssl.create_default_context(cafile=cafile)

    def request(self, method, url, body=None, headers=None, host_header=None):
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPSConnection(u.hostname, u.port, context=self.ctx, timeout=30)
        target = u.path + ('?' + u.query if u.query else '')
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            conn.putheader('Host', host_header or u.netloc)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader('Content-Length', str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            return resp.status, resp.msg, resp.read()  # msg: case-insensitive headers
        finally:
            conn.close()


def s3_error_code(body):
    m = re.search(rb'<Error>.*?<Code>([^<]*)</Code>', body, re.S)
    return m.group(1).decode() if m else None


def tamper(url, param):
    """Change one character of the value of query parameter `param`."""
    i = url.index(param + '=') + len(param) + 1
    return url[:i] + ('1' if url[i] == '0' else '0') + url[i + 1:]


# --- S3 pre-signing ---------------------------------------------------------

def presign_stdlib(method, endpoint, bucket, key, access, secret, region, expires, now=None):
    """SigV4 query-string pre-signing (UNSIGNED-PAYLOAD, signed header: host)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime('%Y%m%dT%H%M%SZ'), now.strftime('%Y%m%d')
    u = urllib.parse.urlsplit(endpoint)
    path = '/' + urllib.parse.quote(bucket, safe='') + '/' + urllib.parse.quote(key, safe='/~')
    scope = f'{day}/{region}/s3/aws4_request'
    query = {'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': f'{access}/{scope}',
             'X-Amz-Date': amz_date, 'X-Amz-Expires': str(expires),
             'X-Amz-SignedHeaders': 'host'}
    canon_query = '&'.join(f'{urllib.parse.quote(k, safe="-_.~")}={urllib.parse.quote(v, safe="-_.~")}'
                           for k, v in sorted(query.items()))
    canonical = f'{method}\n{path}\n{canon_query}\nhost:{u.netloc}\n\nhost\nUNSIGNED-PAYLOAD'
    to_sign = ('AWS4-HMAC-SHA256\n' + amz_date + '\n' + scope + '\n'
               + hashlib.sha256(canonical.encode()).hexdigest())
    k = ('AWS4' + secret).encode()
    for part in (day, region, 's3', 'aws4_request'):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    return f'{endpoint}{path}?{canon_query}&X-Amz-Signature={sig}'


def make_presigner():
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        print('note: botocore not importable, using the stdlib SigV4 presigner', flush=True)
        return presign_stdlib, 'stdlib'
    ops = {'GET': 'get_object', 'PUT': 'put_object', 'DELETE': 'delete_object'}

    def presign(method, endpoint, bucket, key, access, secret, region, expires):
        # As rucio.core.credential.get_signed_url does for s3_url_style=path.
        s3 = boto3.client(service_name='s3', endpoint_url=endpoint,
                          aws_access_key_id=access, aws_secret_access_key=secret,
                          config=Config(signature_version='s3v4', region_name=region,
                                        s3={'addressing_style': 'path'}))
        return s3.generate_presigned_url(ops[method], Params={'Bucket': bucket, 'Key': key},
                                         ExpiresIn=expires)
    return presign, 'botocore'


def s3_checks(env, client):
    presign, how = make_presigner()
    endpoint, bucket = env['STORAGE_S3_URL'], env['STORAGE_S3_BUCKET']
    creds = (env['STORAGE_S3_ACCESS_KEY'], env['STORAGE_S3_SECRET_KEY'], env['STORAGE_S3_REGION'])
    key = 'dir/sub dir/file+1.dat'  # characters that SigV4 must encode

    def url(method, expires=60, k=key, secret=None, ep=endpoint):
        c = (creds[0], secret or creds[1], creds[2])
        return presign(method, ep, bucket, k, *c, expires)

    body = os.urandom(100_000)
    st, _, b = client.request('PUT', url('PUT'), body)
    check(f's3 PUT with a correct {how} URL -> 200', st == 200, f'status {st} {b[:200]!r}')
    st, _, b = client.request('GET', url('GET'))
    check('s3 GET with a correct URL -> 200, same bytes', st == 200 and b == body,
          f'status {st}, {len(b)} bytes')
    st, h, b = client.request('GET', url('GET'), headers={'Range': 'bytes=10-19'})
    check('s3 ranged GET -> 206 with Content-Range',
          st == 206 and b == body[10:20] and h.get('Content-Range') == f'bytes 10-19/{len(body)}',
          f'status {st}, Content-Range {h.get("Content-Range")!r}, {len(b)} bytes')

    for method in ('GET', 'PUT', 'DELETE'):
        bad = tamper(url(method), 'X-Amz-Signature')
        st, _, b = client.request(method, bad, b'x' if method == 'PUT' else None)
        code = s3_error_code(b)
        check(f's3 {method} with one signature character changed -> 403 SignatureDoesNotMatch',
              st == 403 and code == 'SignatureDoesNotMatch', f'status {st}, code {code}')
    st, _, b = client.request('GET', url('GET'))
    check('s3 object unchanged after the refused PUT/DELETE', st == 200 and b == body,
          f'status {st}, {len(b)} bytes')

    st, _, b = client.request('GET', url('GET', secret=creds[1] + 'x'))
    check('s3 GET signed with another secret -> 403 SignatureDoesNotMatch',
          st == 403 and s3_error_code(b) == 'SignatureDoesNotMatch', f'status {st} {b[:200]!r}')
    st, _, b = client.request('GET', tamper(url('GET'), 'X-Amz-Expires'))
    check('s3 GET with X-Amz-Expires changed -> 403', st == 403, f'status {st} {b[:200]!r}')
    good = url('GET')
    other = good.replace('file%2B1.dat?', 'file%2B2.dat?', 1)
    st, _, b = client.request('GET', other)
    check('s3 GET of another key with the same signature -> 403',
          other != good and st == 403 and s3_error_code(b) == 'SignatureDoesNotMatch',
          f'status {st} {b[:200]!r} {other}')
    st, _, b = client.request('GET', endpoint + '/' + bucket + '/' + urllib.parse.quote(key))
    check('s3 GET without signature -> 403 AccessDenied',
          st == 403 and s3_error_code(b) == 'AccessDenied', f'status {st} {b[:200]!r}')
    # SigV4 signs the Host header (with port): nginx must pass it unchanged.
    port = urllib.parse.urlsplit(endpoint).port
    st, _, b = client.request('GET', url('GET'), host_header=f'localhost:{port}')
    check('s3 GET with another Host header than signed -> 403',
          st == 403 and s3_error_code(b) == 'SignatureDoesNotMatch', f'status {st} {b[:200]!r}')
    st, _, b = client.request('GET', url('GET', ep=f'https://localhost:{port}'))
    check('s3 GET signed for https://localhost:port -> 200', st == 200 and b == body,
          f'status {st} {b[:200]!r}')

    expired = {m: url(m, expires=1) for m in ('GET', 'PUT', 'DELETE')}
    time.sleep(2.5)
    for method, u in expired.items():
        st, _, b = client.request(method, u, b'x' if method == 'PUT' else None)
        code = s3_error_code(b)
        check(f's3 {method} with an expired URL (1 s) -> 403 AccessDenied',
              st == 403 and code == 'AccessDenied', f'status {st}, code {code}')

    st, _, b = client.request('DELETE', url('DELETE'))
    check('s3 DELETE with a correct URL -> 204', st == 204, f'status {st} {b[:200]!r}')
    st, _, b = client.request('GET', url('GET'))
    check('s3 GET after DELETE -> 404 NoSuchKey',
          st == 404 and s3_error_code(b) == 'NoSuchKey', f'status {st} {b[:200]!r}')
    st, _, _ = client.request('PUT', url('PUT', k='empty'), b'')
    st2, _, b = client.request('GET', url('GET', k='empty'))
    check('s3 0-byte object PUT + GET', st == 200 and st2 == 200 and b == b'',
          f'PUT {st}, GET {st2}, {len(b)} bytes')
    if how == 'botocore':
        theirs = url('GET')
        stamp = urllib.parse.parse_qs(urllib.parse.urlsplit(theirs).query)['X-Amz-Date'][0]
        now = datetime.datetime.strptime(stamp, '%Y%m%dT%H%M%SZ')
        ours = presign_stdlib('GET', endpoint, bucket, key, *creds, 60, now=now)
        check('stdlib SigV4 presigner == botocore (same time)', ours == theirs,
              f'\n  stdlib   {ours}\n  botocore {theirs}')


# --- Swift temp URLs ----------------------------------------------------------

def swift_checks(env, client):
    base = env['STORAGE_SWIFT_URL']
    key = env['STORAGE_SWIFT_TEMPURL_KEY']
    path = f"/v1/{env['STORAGE_SWIFT_ACCOUNT']}/{env['STORAGE_SWIFT_CONTAINER']}/dir/file.dat"

    def url(method, lifetime=60, p=path, k=key):
        expires = int(time.time() + lifetime)
        sig = hmac.new(k.encode(), f'{method}\n{expires}\n{p}'.encode(), hashlib.sha1).hexdigest()
        return f'{base}{p}?temp_url_sig={sig}&temp_url_expires={expires}'

    body = os.urandom(100_000)
    st, _, b = client.request('PUT', url('PUT'), body)
    check('swift PUT with a correct temp URL -> 201', st == 201, f'status {st} {b[:200]!r}')
    st, _, b = client.request('GET', url('GET'))
    check('swift GET with a correct temp URL -> 200, same bytes', st == 200 and b == body,
          f'status {st}, {len(b)} bytes')
    st, h, b = client.request('GET', url('GET'), headers={'Range': 'bytes=10-19'})
    check('swift ranged GET -> 206 with Content-Range',
          st == 206 and b == body[10:20] and h.get('Content-Range') == f'bytes 10-19/{len(body)}',
          f'status {st}, Content-Range {h.get("Content-Range")!r}')
    for method in ('GET', 'PUT', 'DELETE'):
        st, _, b = client.request(method, tamper(url(method), 'temp_url_sig'),
                                  b'x' if method == 'PUT' else None)
        check(f'swift {method} with one signature character changed -> 401', st == 401,
              f'status {st} {b[:200]!r}')
    st, _, b = client.request('GET', url('GET', k=key + 'x'))
    check('swift GET signed with another key -> 401', st == 401, f'status {st}')
    st, _, b = client.request('GET', url('PUT'))
    check('swift GET with a URL signed for PUT -> 401', st == 401, f'status {st}')
    st, _, b = client.request('GET', base + path)
    check('swift GET without temp URL -> 401', st == 401, f'status {st}')
    expired = {m: url(m, lifetime=1) for m in ('GET', 'PUT', 'DELETE')}
    time.sleep(2.5)
    for method, u in expired.items():
        st, _, b = client.request(method, u, b'x' if method == 'PUT' else None)
        check(f'swift {method} with an expired temp URL (1 s) -> 401', st == 401, f'status {st}')
    st, _, b = client.request('GET', url('GET'))
    check('swift object unchanged after the refused requests', st == 200 and b == body,
          f'status {st}, {len(b)} bytes')
    st, _, b = client.request('DELETE', url('DELETE'))
    check('swift DELETE with a correct temp URL -> 204', st == 204, f'status {st}')
    st, _, b = client.request('GET', url('GET'))
    check('swift GET after DELETE -> 404', st == 404, f'status {st}')


# --- GCS stand-in ----------------------------------------------------------------

def gcs_checks(env, client):
    # Shaped like Rucio's GCS URLs; the query is ignored (no V2 check here).
    q = '?GoogleAccessId=test%40example.org&Expires=9999999999&Signature=AAAA%2B%2F%3D'
    url = f"{env['STORAGE_GCS_URL']}/{env['STORAGE_GCS_BUCKET']}/dir/sub/file.dat{q}"
    body = os.urandom(100_000)
    st, _, b = client.request('PUT', url, body)
    check('gcs PUT (new path, parents created) -> 201', st == 201, f'status {st} {b[:200]!r}')
    st, _, b = client.request('PUT', url, body)
    check('gcs PUT over an existing object -> 204', st == 204, f'status {st}')
    st, _, b = client.request('GET', url)
    check('gcs GET -> 200, same bytes', st == 200 and b == body, f'status {st}, {len(b)} bytes')
    st, h, b = client.request('GET', url, headers={'Range': 'bytes=10-19'})
    check('gcs ranged GET -> 206 with Content-Range',
          st == 206 and b == body[10:20] and h.get('Content-Range') == f'bytes 10-19/{len(body)}',
          f'status {st}, Content-Range {h.get("Content-Range")!r}')
    st, _, _ = client.request('DELETE', url)
    check('gcs DELETE -> 204', st == 204, f'status {st}')
    st, _, _ = client.request('GET', url)
    check('gcs GET after DELETE -> 404', st == 404, f'status {st}')


def main(env_path):
    env = load_env(env_path)
    client = Client(env['STORAGE_CA'])
    s3_checks(env, client)
    if env.get('STORAGE_SWIFT_URL'):
        swift_checks(env, client)
    gcs_checks(env, client)
    return 0 if all(RESULTS) else 1


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))

"""URLs signed by the real Rucio test server verify at the test storage.

Usage (the venv's python, RUCIO_CONFIG = the Rucio test client config):
  selftest_rucio.py <storage workdir>/storage.env

The storage must have been started with STORAGE_RUCIO_ENV = the server.env
of the Rucio server that RUCIO_CONFIG talks to. PASS/FAIL lines as in
selftest_client.py.
"""
import sys

from rucio.client import Client

from selftest_client import Client as Https, RESULTS, check, load_env, s3_error_code, tamper


def main(storage_env):
    env = load_env(storage_env)
    rucio, https = Client(), Https(env['STORAGE_CA'])

    def sign(rse, service, op, url):
        return rucio.get_signed_url(rse, service, op, url, 60)

    s3 = f"{env['STORAGE_S3_URL']}/{env['STORAGE_S3_BUCKET']}/rucio/test file.dat"
    body = b'signed by rucio\n' * 1000
    st, _, b = https.request('PUT', sign('S3-SITE', 's3', 'write', s3), body)
    check('s3 PUT through a Rucio-signed URL -> 200', st == 200, f'status {st} {b[:200]!r}')
    read = sign('S3-SITE', 's3', 'read', s3)
    st, _, b = https.request('GET', read)
    check('s3 GET through a Rucio-signed URL -> same bytes', st == 200 and b == body,
          f'status {st}, {len(b)} bytes')
    st, _, b = https.request('GET', tamper(read, 'X-Amz-Signature'))
    check('s3 GET through a tampered Rucio-signed URL -> 403 SignatureDoesNotMatch',
          st == 403 and s3_error_code(b) == 'SignatureDoesNotMatch', f'status {st} {b[:200]!r}')
    st, _, b = https.request('DELETE', sign('S3-SITE', 's3', 'delete', s3))
    check('s3 DELETE through a Rucio-signed URL -> 204', st == 204, f'status {st} {b[:200]!r}')

    if env.get('STORAGE_SWIFT_URL'):
        base = env['STORAGE_SWIFT_URL']
        swift = f"{base}/v1/{env['STORAGE_SWIFT_ACCOUNT']}/{env['STORAGE_SWIFT_CONTAINER']}/rucio/t.dat"
        write = sign('SWIFT-SITE', 'swift', 'write', swift)
        # Rucio 41.5.1 drops the port from Swift URLs (credential.py keeps only
        # the host name); the signature covers only the path, so put it back.
        check('rucio returns the Swift URL without its port', write.startswith('https://127.0.0.1/v1/'),
              write)
        def at_port(url):
            return url.replace('https://127.0.0.1/', base + '/', 1)
        st, _, b = https.request('PUT', at_port(write), body)
        check('swift PUT through a Rucio-signed temp URL -> 201', st == 201, f'status {st}')
        read = at_port(sign('SWIFT-SITE', 'swift', 'read', swift))
        st, _, b = https.request('GET', read)
        check('swift GET through a Rucio-signed temp URL -> same bytes', st == 200 and b == body,
              f'status {st}, {len(b)} bytes')
        st, _, b = https.request('GET', tamper(read, 'temp_url_sig'))
        check('swift GET through a tampered Rucio-signed temp URL -> 401', st == 401, f'status {st}')
        st, _, b = https.request('DELETE', at_port(sign('SWIFT-SITE', 'swift', 'delete', swift)))
        check('swift DELETE through a Rucio-signed temp URL -> 204', st == 204, f'status {st}')

    gcs = f"{env['STORAGE_GCS_URL']}/{env['STORAGE_GCS_BUCKET']}/rucio/t.dat"
    write = sign('GCS-SITE', 'gcs', 'write', gcs)
    st, _, b = https.request('PUT', write, body)
    st2, _, b = https.request('GET', sign('GCS-SITE', 'gcs', 'read', gcs))
    check('gcs PUT + GET through Rucio-signed URLs (not verified)',
          st == 201 and st2 == 200 and b == body, f'PUT {st}, GET {st2}')
    return 0 if all(RESULTS) else 1


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))

#!/usr/bin/env python3
"""Print an S3 SigV4 pre-signed URL for the test storage, without Rucio.

Usage: s3presign.py STORAGE_ENV METHOD ENDPOINT KEY [EXPIRES]
  STORAGE_ENV  <workdir>/storage.env of tests/storage/start.sh (keys, bucket)
  METHOD       GET, PUT or DELETE
  ENDPOINT     https://127.0.0.1:<port>: the port the client will connect
               to (e.g. a faultproxy.py in front of the storage), because
               SigV4 signs the Host header with its port
  EXPIRES      seconds (default 3600)

For the tests and benchmarks that run without a Rucio server; with one,
`rucio-lite signurl --svc s3 ...` signs the same way. Uses the stdlib
presigner of tests/storage/selftest_client.py (the one its self-test
compares with botocore's).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'storage'))
from selftest_client import load_env, presign_stdlib  # noqa: E402


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__.strip().split('\n\n')[1], file=sys.stderr)
        return 2
    env = load_env(argv[0])
    method, endpoint, key = argv[1], argv[2].rstrip('/'), argv[3]
    expires = int(argv[4]) if len(argv) == 5 else 3600
    print(presign_stdlib(method, endpoint, env['STORAGE_S3_BUCKET'], key,
                         env['STORAGE_S3_ACCESS_KEY'], env['STORAGE_S3_SECRET_KEY'],
                         env['STORAGE_S3_REGION'], expires))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

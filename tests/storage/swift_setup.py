"""Create the test container and set the account's Temp-URL-Key, through
Swift's in-process InternalClient (the real proxy refuses anything without
a temp URL). Run with Debian's python3 (python3-swift).

Usage: swift_setup.py <internal-client.conf> <account> <container> <key>
"""
import sys
import time

from swift.common.internal_client import InternalClient


def as_owner(app):
    def wrapped(environ, start_response):
        environ['swift_owner'] = True
        return app(environ, start_response)
    return wrapped


def main(conf, account, container, key):
    client = InternalClient(conf, 'rucio-lite storage set-up', 3)
    # The proxy only lets an account's owner set or see Temp-URL-Key.
    client.app = as_owner(client.app)
    deadline = time.monotonic() + 30
    while True:  # the back-end servers may still be binding
        try:
            client.create_container(account, container)
            client.set_account_metadata(account, {'Temp-URL-Key': key},
                                        metadata_prefix='x-account-meta-')
            meta = client.get_account_metadata(account,
                                               metadata_prefix='x-account-meta-')
            break
        except Exception as exc:  # noqa: BLE001 - retried, then reported
            if time.monotonic() > deadline:
                raise
            print(f'retrying after: {exc}', flush=True)
            time.sleep(0.2)
    if meta.get('temp-url-key') != key:
        sys.exit(f'Temp-URL-Key not stored (got {sorted(meta)})')
    print(f'container {account}/{container} ready, Temp-URL-Key set')


if __name__ == '__main__':
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])

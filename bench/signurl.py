"""COUNT signed URLs with the Python client, on one client (bench venv).

Usage: signurl.py COUNT RSE SERVICE OPERATION LIFETIME URL

Settings come from RUCIO_CONFIG and the token cache, as for any user of
the client. Prints the last signed URL and "calls=<n>".
"""
import sys

from rucio.client.credentialclient import CredentialClient


def main():
    count, rse, service, operation, lifetime, url = sys.argv[1:7]
    client = CredentialClient()
    signed = ''
    for _ in range(int(count)):
        signed = client.get_signed_url(rse, service, operation, url, int(lifetime))
    print(signed)
    print(f'calls={count}')


if __name__ == '__main__':
    main()

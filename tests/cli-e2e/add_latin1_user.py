"""Add a userpass identity whose password holds Latin-1 characters to a
running test server's database (run with the venv's python, with
RUCIO_CONFIG and RUCIO_HOME of the server's work dir, as
setup_workdir.py does).

Usage: add_latin1_user.py ACCOUNT USERNAME PASSWORD

The account is created (type USER) and given the identity through Rucio's
gateway layer as root, exactly as the harness creates its accounts. The
password arrives as UTF-8 text on the command line; Rucio hashes the
Python string, so it is the text that the server will compare with the
ISO-8859-1-decoded X-Rucio-Password header.
"""
import sys


def main(account, username, password):
    from rucio.gateway.account import add_account
    from rucio.gateway.identity import add_account_identity
    email = f'{account}@example.org'
    add_account(account, 'USER', email, issuer='root')
    add_account_identity(username, 'userpass', account, email,
                         issuer='root', default=True, password=password)


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])

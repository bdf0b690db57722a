#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets into tests/fuzz/corpus/.

Seeds are small and varied: the captured server responses of
tests/unit/fixtures/rucio, chunked and framing samples, JSON bodies,
rucio.cfg files, URLs, token files, ssh keys (made here with ssh-keygen
and openssl, 1024-bit so that signing stays fast), HTTP dates and
TBSCertificates with IP SANs (made here with openssl). Run it again to
regenerate; every target's leading control byte is part of the seed.
Python 3.11 stdlib; ssh-keygen and openssl from Debian.
"""
import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / "unit" / "fixtures" / "rucio"
CORPUS = HERE / "corpus"
SEP = b"\xff"


def put(target, data):
    """One seed file, named by its content."""
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def fixtures():
    return sorted(FIXTURES.glob("*.http"))


def body_of(raw):
    return raw.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in raw else b""


CHUNKED = [
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"A;name=value\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
    b"1 \r\nx\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
    b"Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"fffffffffffffffff\r\n",
]
FRAMING = [
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
    b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n",
    b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
    b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde",
    b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nConnection: close\r\nX-Folded: a\r\n b\r\n\r\n",
    b"HTTP/1.1 200 OK\nContent-Length: 1\n\nx",
    b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
    b"Retry-After: 120\r\n\r\n",
]


def response_seeds():
    for f in fixtures():
        raw = f.read_bytes()
        put("response", b"\x00" + raw)
        put("error", raw)
    for raw in CHUNKED + FRAMING:
        put("response", b"\x00" + raw)
        put("response", b"\x03" + raw)  # HEAD, and a sink with a limit
        put("error", raw.replace(b"200 OK", b"500 Internal Server Error"))
    put("error", b"HTTP/1.1 401 Unauthorized\r\nExceptionClass: "
        b"CannotAuthenticate\r\nExceptionMessage: no\r\nContent-Length: 0"
        b"\r\n\r\n")
    put("error", b"HTTP/1.1 404 Not Found\r\nContent-Length: 63\r\n\r\n"
        b'{"ExceptionClass": "RSENotFound", "ExceptionMessage": "\\u001b"}')


JSON = [
    b'{"ExceptionClass": "AccessDenied", "ExceptionMessage": "no"}',
    b'["a", 1, -0, 1.5e3, true, false, null, {}, []]',
    b'{"a": "\\ud83d\\ude00 \\u00e9 \\n\\t\\"\\\\\\/", "a": 2}',
    b'{"n": 9223372036854775807, "m": -9223372036854775808, '
    b'"o": 9223372036854775808}',
    b'{"nested": {"deeper": [[["x"]]]}, "k\\u0000": 0}',
    '{"ü": "日本語", "emoji": "🙂"}'.encode(),
    b' "just a string" ',
]


def json_seeds():
    for f in fixtures():
        body = body_of(f.read_bytes())
        if body.strip().startswith((b"{", b"[", b'"')):
            put("json", b"\x00" + body)
    for j in JSON:
        put("json", b"\x00" + j)
    put("json", b"\x85" + JSON[1])  # a small token budget


CFG = [
    b"[client]\nrucio_host = https://rucio.example.org\n"
    b"auth_host = https://rucio-auth.example.org\naccount = root\n"
    b"auth_type = userpass\nusername = ddmlab\npassword = secret\n"
    b"ca_cert = /etc/grid-security/certificates\n"
    b"request_retries = 3\n",
    b"[DEFAULT]\nbase = https://host\n[client]\n"
    b"rucio_host = %(base)s:443\nauth_host: %(base)s\n"
    b"client_cert = ~/cert.pem\nclient_key = $HOME/key.pem\n"
    b"auth_type = x509\n",
    b"# comment\n; other\n[client]\nrucio_host = http://a\n"
    b"auth_host = http://b\nmulti = first\n  second\n\n  third\n"
    b"auth_type = ssh\nssh_private_key = /fuzz/key\n"
    b"[other]\nx = 100%%\n",
    b"[client]\r\nrucio_host=http://[::1]:8080\r\nauth_host=http://127.0.0.1\r\n"
    b"auth_type = oidc\r\nauth_token_file_path = /tmp/tok\r\n",
    b"[client]\nrucio_host = http://a\nauth_host = http://a\n"
    b"a = %(b)s\nb = %(c)s\nc = %(a)s\n",
    b"[client]\nrucio_host = http://a\nauth_host = http://a\n"
    b"vo = atl\naccount = alice\nauth_type = x509_proxy\n"
    b"client_x509_proxy = /fuzz/cert\n",
    b"[client]\n[client]\n",
    # an indented "[...]" line: a continuation after an option, a section
    # header right after a header
    b"[client]\nrucio_host = http://a\n\n    [indented] = x\nkey = v\n",
    b"[DEFAULT]\n\n    [indented] = x\nkey: v\n\x0c[ff]\nk = w\n",
    "[client]\nrucio_host = http://\u00e9\nauth_host\u00a0= x\n".encode(),
]
ENV_CFG = [
    b"# env RUCIO_ACCOUNT=root RUCIO_AUTH_TYPE=x509 X509_USER_CERT=/fuzz/cert "
    b"X509_USER_KEY=/fuzz/key\n",
    b"# env RUCIO_CONFIG=/fuzz/rucio.cfg RUCIO_VO=cms LOGNAME=alice\n",
    b"# env RUCIO_HOME=/opt/rucio RUCIO_AUTH_TYPE=ssh\n",
    b"# env RUCIO_AUTH_TYPE=userpass RUCIO_ACCOUNT=a\n",
    b"# env X509_USER_PROXY=/fuzz/cert RUCIO_AUTH_TYPE=x509_proxy\n",
]


def cfg_seeds():
    for c in CFG:
        put("ini", c)
        put("settings", c)
    for i, e in enumerate(ENV_CFG):
        put("settings", e + CFG[i % 3])


URLS = [
    b"https://rucio.example.org", b"https://rucio.example.org:443/",
    b"http://127.0.0.1:8080/accounts/whoami?x=1#frag",
    b"HTTPS://[2001:db8::1]:8443/credentials/signurl?rse=SITE&lifetime=3600",
    b"http://host/path/with%20escape?q=a+b&c=%2F",
    b"https://user@host/", b"http://[fe80::1%25eth0]/", b"http://host:0/",
    b"http://host:65536/", b"ftp://host/",
]


def url_seeds():
    for u in URLS:
        put("url", u)
    put("url", b"key\xffvalue with spaces\xffk\xc3\xa9y\xff/a/b?&=")


def token_seeds():
    tok = b"root-/CN=Robot-unknown-a1b2c3d4e5f60718293a4b5c6d7e8f90"
    for flag in (0x00, 0x08, 0x10, 0x18, 0x01, 0x07, 0xe0):
        put("token", bytes([flag]) + tok)
    put("token", b"\x00" + tok + b"\nsecond line\n")
    put("token", b"\x08  \t" + tok + b" \r\n")
    put("token", b"\x10eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n")
    put("token", b"\x18\n")
    put("token", b"\x00/tmp/alice/.rucio_alice@atl/auth_token_for_account_x")


DATES = [
    b"Sun, 29 Nov 2026 09:19:38 UTC", b"Thu, 01 Jan 1970 00:00:00 GMT",
    b"Tue, 29 Feb 2028 23:59:60 GMT", b"Mon, 31 Dec 9999 23:59:59 UTC",
    b"Sat, 29 Feb 2025 00:00:00 GMT", b"120", b"0", b"99999999999999999999",
    b"", b"Wed, 21 Oct 2015 07:28:00 GMT ",
]


def date_seeds():
    for d in DATES:
        put("date", d)


REQUESTS = [
    (0x18, [b"GET", b"rucio.example.org", b"/accounts/whoami", b"",
            b"X-Rucio-Auth-Token", b"abc", b"User-Agent", b"rucio-lite/0.1.0"]),
    (0x03, [b"POST", b"[::1]:8443", b"/auth/userpass", b"a=b",
            b"X-Rucio-Password", b"p\tw"]),
    (0x05, [b"PUT", b"host", b"/p", b"q", b"Host", b"evil"]),
    (0x04, [b"GET", b"ho\r\nst", b"/", b"", b"X", b"a\x01b"]),
]


def request_seeds():
    for flags, fields in REQUESTS:
        put("request", bytes([flags]) + SEP.join(fields))


def der_tlv_end(der, pos):
    """End offset of the TLV at pos (definite lengths)."""
    n = der[pos + 1]
    if n < 0x80:
        return pos + 2 + n
    k = n & 0x7F
    return pos + 2 + k + int.from_bytes(der[pos + 2:pos + 2 + k], "big")


def tbs_of(cert_der):
    # Certificate ::= SEQUENCE { tbsCertificate, ... }: skip the outer header
    n = cert_der[1]
    start = 2 + (n & 0x7F if n >= 0x80 else 0)
    return cert_der[start:der_tlv_end(cert_der, start)]


def tls_ip_seeds(tmp):
    for san, host in [("IP:127.0.0.1,IP:::1,DNS:localhost", b"127.0.0.1"),
                      ("IP:2001:db8::5,DNS:x.example", b"2001:db8::5"),
                      ("DNS:127.0.0.1", b"127.0.0.1")]:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", f"{tmp}/k.pem", "-out", f"{tmp}/c.der",
                        "-outform", "DER", "-subj", "/CN=fuzz", "-days", "1",
                        "-addext", f"subjectAltName={san}"],
                       check=True, capture_output=True)
        put("tls_ip", host + SEP + tbs_of(pathlib.Path(f"{tmp}/c.der").read_bytes()))
    for host in [b"::ffff:1.2.3.4", b"1:2:3:4:5:6:7::", b"01.2.3.4",
                 b"fe80::1%eth0", b"rucio.example.org"]:
        put("tls_ip", host)


def pem_body(text):
    """The binary inside the first PEM armor of text."""
    import base64
    m = re.search(rb"-----BEGIN [A-Z ]+-----\n(.*?)-----END", text, re.S)
    return base64.b64decode(b"".join(m.group(1).split()))


def ssh_seeds(tmp):
    keys = []
    for name, cmd in [
        ("pem", ["ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-m", "PEM",
                 "-N", "", "-f"]),
        ("openssh", ["ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "",
                     "-f"]),
        ("ed25519", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f"]),
        ("encrypted", ["ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N",
                       "secret", "-f"]),
    ]:
        subprocess.run(cmd + [f"{tmp}/{name}"], check=True)
        keys.append((name, pathlib.Path(f"{tmp}/{name}").read_bytes()))
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:1024", "-out", f"{tmp}/p8.pem"],
                   check=True, capture_output=True)
    keys.append(("pkcs8", pathlib.Path(f"{tmp}/p8.pem").read_bytes()))
    mode = {"pem": 1, "pkcs8": 2, "openssh": 3, "ed25519": 3, "encrypted": 3}
    for name, text in keys:
        put("ssh_key", b"\x00" + text)
        put("ssh_key", b"\x04" + b"preamble\n" + text + b"trailer\n")
        put("ssh_key", bytes([mode[name] | 4]) + pem_body(text))


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    response_seeds()
    json_seeds()
    cfg_seeds()
    url_seeds()
    token_seeds()
    date_seeds()
    request_seeds()
    with tempfile.TemporaryDirectory() as tmp:
        tls_ip_seeds(tmp)
        ssh_seeds(tmp)
    total = sum(f.stat().st_size for f in CORPUS.rglob("*") if f.is_file())
    print(f"corpus: {sum(1 for _ in CORPUS.rglob('*'))} entries, {total} bytes")


if __name__ == "__main__":
    os.umask(0o022)
    main()

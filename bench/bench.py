#!/usr/bin/python3
"""Measure rucio-lite side by side with curl and the Python client.

Usage: bench.py BUILD_DIR full|quick

Run by bench/run.sh (`make bench`, `make bench-quick`) once everything is
built and installed. Starts nginx with canned Rucio answers (RSA-2048 and
ECDSA P-256 chains) and the real Rucio server of the end-to-end suite,
measures, stops them, and writes BUILD_DIR/bench-results.json; then
bench/report.py turns that into the page and its chart.

Every contender gets the same inputs: the same rucio.cfg (RUCIO_CONFIG),
the same token cache (TMPDIR, LOGNAME), the same CA, the same URL. Runs are
interleaved (run i starts with contender i mod n) so that a change of load
on the machine hits all of them alike. Wall and CPU times and peak RSS come
from bench/runstat (wait4); instructions from valgrind's callgrind, one
run each, which a loaded machine does not disturb.
"""
import ctypes
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# How much to measure. Warm figures are (cost of N calls - cost of 1 call)
# / (N - 1): process start, configuration and the handshake cancel out.
PLANS = {
    'full': dict(runs=30, warm_n=2000, warm_reps=3, cg_warm_n=2000, cg_warm_n_python=300,
                 real_runs=30, real_warm_n=500, real_warm_reps=1, grid_cas=300,
                 callgrind_python_everywhere=True),
    'quick': dict(runs=3, warm_n=200, warm_reps=1, cg_warm_n=200, cg_warm_n_python=20,
                  real_runs=3, real_warm_n=20, real_warm_reps=1, grid_cas=300,
                  callgrind_python_everywhere=False),
}

RSE, SERVICE, OPERATION, LIFETIME = 'S3-SITE', 's3', 'read', '600'
INPUT_URL = 'https://s3.example.org:9000/rucio-lite-bucket/dir/file.dat'
USERNAME, PASSWORD, ACCOUNT = 'ddmlab', 'secret', 'root'
LOGNAME = 'bench'
CONTENDERS = ('rucio-lite', 'curl', 'python', 'floor')
# Measured in the RSA scenario only, for its size and peak RSS.
STATIC = 'rucio-lite-static'


def log(msg):
    print(f'bench: {msg}', flush=True)


def die(msg):
    print(f'bench: error: {msg}', file=sys.stderr, flush=True)
    sys.exit(1)


# ---- canned answers --------------------------------------------------------

def canned_token():
    """A 3,000-character token, as long as the real server's longest."""
    parts, seed = [], b'rucio-lite bench'
    while sum(map(len, parts)) < 2980:
        seed = hashlib.sha256(seed).digest()
        parts.append(seed.hex())
    return ('root-ddmlab-unknown-' + ''.join(parts))[:3000]


def short_token():
    """A token of the real server's userpass shape (52 characters)."""
    return 'root-ddmlab-unknown-' + hashlib.md5(b'rucio-lite bench').hexdigest()


def canned_signed_url():
    """An S3 pre-signed URL of about 300 bytes, as the server signs it."""
    sig = hashlib.sha256(b'signature').hexdigest()
    return (f'{INPUT_URL}?X-Amz-Algorithm=AWS4-HMAC-SHA256'
            '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261202%2Fus-east-1%2Fs3%2Faws4_request'
            '&X-Amz-Date=20261202T095000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host'
            f'&X-Amz-Signature={sig}')


def signurl_path():
    """The request path and query, in the Python client's order."""
    query = urllib.parse.urlencode({'lifetime': LIFETIME, 'rse': RSE, 'svc': SERVICE,
                                    'op': OPERATION, 'url': INPUT_URL})
    return f'/credentials/signurl?{query}'


# ---- processes -------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def die_with_parent():
    """In a child before exec: get SIGTERM when the bench goes, however."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, what):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            die(f'{what} exited at start (status {proc.returncode})')
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    die(f'{what} does not listen on port {port} after 20 s')


def fill(template, fields):
    with open(os.path.join(HERE, template)) as f:
        text = f.read()
    for key, value in fields.items():
        text = text.replace(f'@{key}@', str(value))
    return text


class Nginx:
    """nginx in the foreground, one process, dying with the bench."""

    def __init__(self, work, pki, token, signed_url):
        self.work, self.proc = work, None
        self.rsa_port, self.ec_port = free_port(), free_port()
        os.makedirs(os.path.join(work, 'nginx-tmp'), exist_ok=True)
        fields = dict(WORK=work, PKI=pki, RSA_PORT=self.rsa_port, EC_PORT=self.ec_port,
                      TOKEN=token, SHORT_TOKEN=short_token(), SIGNED_URL=signed_url, PASSWORD=PASSWORD,
                      EXPIRES='Wed, 02 Dec 2026 10:50:00 UTC')
        with open(os.path.join(work, 'rucio-routes.conf'), 'w') as f:
            f.write(fill('rucio-routes.conf.in', fields))
        self.conf = os.path.join(work, 'nginx.conf')
        with open(self.conf, 'w') as f:
            f.write(fill('nginx.conf.in', fields))

    def start(self):
        nginx = shutil.which('nginx') or '/usr/sbin/nginx'
        self.proc = subprocess.Popen([nginx, '-p', self.work, '-c', self.conf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=open(os.path.join(self.work, 'nginx.out'), 'w'),
                                     stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        wait_for_port(self.rsa_port, self.proc, 'nginx')
        wait_for_port(self.ec_port, self.proc, 'nginx')

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class RucioServer:
    """The real Rucio server of the end-to-end suite (tests/rucio-server)."""

    def __init__(self, work):
        self.work, self.env = work, {}

    def start(self):
        env = dict(os.environ, RUCIO_TEST_WATCH_PID=str(os.getpid()))
        logf = os.path.join(os.path.dirname(self.work), 'rucio-server-start.log')
        with open(logf, 'w') as f:
            r = subprocess.run([os.path.join(REPO, 'tests/rucio-server/start.sh'), self.work],
                               env=env, stdout=f, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            die(f'the Rucio server did not start; see {logf}')
        with open(os.path.join(self.work, 'server.env')) as f:
            for line in f:
                key, _, value = line.strip().partition('=')
                if key:
                    self.env[key] = value.strip("'\"")

    def cpu_seconds(self):
        """The server process's CPU time so far (all its threads)."""
        with open(f"/proc/{self.env['RUCIO_TEST_SERVER_PID']}/stat") as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')

    def stop(self):
        subprocess.run([os.path.join(REPO, 'tests/rucio-server/stop.sh'), self.work],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---- one target: a server, its config, its token cache ----------------------

class Target:
    """What every contender is given: URL, CA, rucio.cfg, token cache."""

    def __init__(self, name, work, host, ca, token, expect, floor_ok=True):
        self.name, self.host, self.ca, self.token = name, host, ca, token
        self.expect = expect              # the signed URL, or its prefix
        self.floor_ok = floor_ok and os.path.isfile(ca)
        self.dir = os.path.join(work, 'targets', name)
        self.tmp = os.path.join(self.dir, 'tmp')
        self.cache_dir = os.path.join(self.tmp, LOGNAME, f'.rucio_{LOGNAME}')
        self.cache = os.path.join(self.cache_dir, f'auth_token_for_account_{ACCOUNT}')
        self.cfg = os.path.join(self.dir, 'rucio.cfg')
        os.makedirs(self.cache_dir, exist_ok=True)
        # rucio-lite uses the cache only when it is private (docs/user-guide.md).
        os.chmod(os.path.join(self.tmp, LOGNAME), 0o700)
        os.chmod(self.cache_dir, 0o700)
        with open(self.cfg, 'w') as f:
            f.write(f'[client]\nrucio_host = {host}\nauth_host = {host}\n'
                    f'auth_type = userpass\nusername = {USERNAME}\npassword = {PASSWORD}\n'
                    f'account = {ACCOUNT}\nca_cert = {ca}\n')

    def env(self):
        return {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': self.dir,
                'LANG': 'C.UTF-8', 'TMPDIR': self.tmp, 'LOGNAME': LOGNAME, 'USER': LOGNAME,
                'RUCIO_CONFIG': self.cfg}

    def cache_token(self):
        fd = os.open(self.cache, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(self.token)

    def drop_token(self):
        try:
            os.unlink(self.cache)
        except FileNotFoundError:
            pass

    def curl_ca(self):
        return ['--capath', self.ca] if os.path.isdir(self.ca) else ['--cacert', self.ca]

    def port(self):
        return urllib.parse.urlsplit(self.host).port


class Tools:
    def __init__(self, build):
        self.build = build
        self.cli = os.path.join(build, 'rucio-lite')
        self.static = os.path.join(build, 'bench', 'rucio-lite-static')
        self.warm = os.path.join(build, 'bench', 'warm')
        self.floor = os.path.join(build, 'bench', 'floor')
        self.runstat = os.path.join(build, 'bench', 'runstat')
        self.python = os.path.join(build, 'venv', 'bin', 'python')
        self.script = os.path.join(HERE, 'signurl.py')
        self.curl = shutil.which('curl') or '/usr/bin/curl'


def sign_args():
    return [RSE, SERVICE, OPERATION, LIFETIME, INPUT_URL]


def cold_steps(tools, target, contender, auth):
    """The commands of one cold call, as a list of argv (run in order)."""
    url = target.host + signurl_path()
    if contender in ('rucio-lite', STATIC):
        cli = tools.static if contender == STATIC else tools.cli
        return [[cli, 'signurl', '--rse', RSE, '--svc', SERVICE, '--op', OPERATION,
                 '--lifetime', LIFETIME, INPUT_URL]]
    if contender == 'python':
        return [[tools.python, tools.script, '1'] + sign_args()]
    if contender == 'floor':
        return [[tools.floor, target.ca, str(target.port()), signurl_path(), target.token]]
    steps = []
    if auth:  # a second process, given the token the first one got
        steps.append([tools.curl, '-sS', '--fail', '-o', '/dev/null', '-D', '-'] + target.curl_ca()
                     + ['-H', f'X-Rucio-Account: {ACCOUNT}', '-H', f'X-Rucio-Username: {USERNAME}',
                        '-H', f'X-Rucio-Password: {PASSWORD}', target.host + '/auth/userpass'])
    steps.append([tools.curl, '-sS', '--fail'] + target.curl_ca()
                 + ['-H', f'X-Rucio-Auth-Token: {target.token}', url])
    return steps


def warm_steps(tools, target, contender, n, work):
    if contender == 'rucio-lite':
        return [[tools.warm, str(n)] + sign_args()]
    if contender == 'python':
        return [[tools.python, tools.script, str(n)] + sign_args()]
    # curl: N URLs from a config file, on one connection.
    path = os.path.join(work, f'curl-{target.name}-{n}.cfg')
    with open(path, 'w') as f:
        f.write('silent\nshow-error\nfail\n')
        f.write(f'header = "X-Rucio-Auth-Token: {target.token}"\n')
        opt, ca = target.curl_ca()
        f.write(f'{opt[2:]} = "{ca}"\n')
        for _ in range(n):
            f.write(f'url = "{target.host + signurl_path()}"\n')
    return [[tools.curl, '-K', path]]


# ---- measuring ---------------------------------------------------------------

class Runner:
    def __init__(self, tools, work):
        self.tools, self.work = tools, work
        self.out = os.path.join(work, 'last.out')
        self.err = os.path.join(work, 'last.err')

    def run(self, steps, env):
        """Run the steps under runstat; their summed cost, or exit."""
        total = dict(wall_ns=0, user_us=0, sys_us=0, maxrss_kib=0)
        result = os.path.join(self.work, 'runstat.txt')
        with open(self.out, 'w') as out, open(self.err, 'w') as err:
            for argv in steps:
                r = subprocess.run([self.tools.runstat, result] + argv, env=env,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=err)
                if r.returncode != 0:
                    die(f'runstat failed for {argv[0]}')
                with open(result) as f:
                    fields = dict(kv.split('=') for kv in f.read().split())
                if fields['status'] != '0':
                    self.fail(argv, f"exit status {fields['status']}")
                for key in ('wall_ns', 'user_us', 'sys_us'):
                    total[key] += int(fields[key])
                total['maxrss_kib'] = max(total['maxrss_kib'], int(fields['maxrss_kib']))
        return total

    def fail(self, argv, why):
        with open(self.err) as f:
            err = f.read()[-800:]
        with open(self.out) as f:
            out = f.read()[-400:]
        short = ' '.join(a if len(a) < 80 else a[:40] + '...' for a in argv)
        die(f'{short}: {why}\nstdout: {out}\nstderr: {err}')

    def output(self):
        with open(self.out) as f:
            return f.read()

    def callgrind(self, steps, env, inside=()):
        """Instructions executed by the steps (callgrind, summed); with
        inside, only those executed within these functions."""
        total = 0
        cg_out = os.path.join(self.work, 'callgrind.out')
        only = [f'--toggle-collect={f}' for f in inside]
        for argv in steps:
            with open(self.out, 'w') as out, open(self.err, 'w') as err:
                r = subprocess.run(['valgrind', '--tool=callgrind', f'--callgrind-out-file={cg_out}']
                                   + only + argv, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=err)
            if r.returncode != 0:
                self.fail(argv, f'exit status {r.returncode} under callgrind')
            with open(cg_out) as f:
                m = re.search(r'^(?:summary|totals): (\d+)', f.read(), re.M)
            if not m:
                die('no instruction count in the callgrind output')
            total += int(m.group(1))
        return total

    def dhat(self, steps, env):
        """Peak live heap bytes (valgrind DHAT, t-gmax) of one command."""
        with open(self.out, 'w') as out, open(self.err, 'w') as err:
            r = subprocess.run(['valgrind', '--tool=dhat', '--dhat-out-file=/dev/null']
                               + steps[-1], env=env, stdin=subprocess.DEVNULL,
                               stdout=out, stderr=err)
        if r.returncode != 0:
            self.fail(steps[-1], f'exit status {r.returncode} under DHAT')
        with open(self.err) as f:
            m = re.search(r'At t-gmax:\s+([\d,]+) bytes in ([\d,]+) blocks', f.read())
        if not m:
            die('no t-gmax line in the DHAT output')
        return int(m.group(1).replace(',', '')), int(m.group(2).replace(',', ''))


def summary(values):
    return [statistics.median(values), min(values), max(values)]


def check_cold(runner, target, steps):
    out = runner.output()
    if target.expect not in out:
        runner.fail(steps[-1], f'the signed URL is not in the output ({out[:120]!r})')


def check_warm(runner, target, contender, steps, n):
    out = runner.output()
    got = out.count(target.expect) if contender == 'curl' else \
        (1 if target.expect in out and f'calls={n}' in out else 0)
    want = n if contender == 'curl' else 1
    if got != want:
        runner.fail(steps[-1], f'{got} signed URLs in the output, expected {want}')


def prepare_cache(target, auth):
    """An empty token cache for the login scenario, the token otherwise."""
    if auth:
        target.drop_token()
    else:
        target.cache_token()


def measure_cold(runner, tools, target, contenders, runs, auth, callgrind_for):
    """Interleaved cold runs; then one callgrind run per contender."""
    samples = {c: [] for c in contenders}
    env = target.env()
    for i in range(runs):
        order = contenders[i % len(contenders):] + contenders[:i % len(contenders)]
        for c in order:
            steps = cold_steps(tools, target, c, auth)
            prepare_cache(target, auth)
            samples[c].append(runner.run(steps, env))
            check_cold(runner, target, steps)
    result = {}
    for c in contenders:
        s = samples[c]
        result[c] = dict(wall_ms=summary([x['wall_ns'] / 1e6 for x in s]),
                         cpu_ms=summary([(x['user_us'] + x['sys_us']) / 1e3 for x in s]),
                         rss_kib=statistics.median([x['maxrss_kib'] for x in s]),
                         runs=len(s))
        if c in callgrind_for:
            steps = cold_steps(tools, target, c, auth)
            prepare_cache(target, auth)
            result[c]['instructions'] = runner.callgrind(steps, env)
            check_cold(runner, target, steps)
    target.cache_token()
    return result


TLS_IO = ('mbedtls_ssl_write', 'mbedtls_ssl_read')


def measure_warm(runner, tools, target, contenders, n, reps, cg_n, server=None):
    """Per-call figures of N calls on one client, less the cost of one."""
    env = target.env()
    target.cache_token()
    costs = {c: {1: [], n: []} for c in contenders}
    server_cpu = {c: [] for c in contenders}
    for i in range(reps):
        for c in contenders[i % len(contenders):] + contenders[:i % len(contenders)]:
            for k in (1, n):
                steps = warm_steps(tools, target, c, k, runner.work)
                before = server.cpu_seconds() if server else 0
                costs[c][k].append(runner.run(steps, env))
                if server and k == n:
                    server_cpu[c].append((server.cpu_seconds() - before) / n)
                check_warm(runner, target, c, steps, k)
    result = {}
    for c in contenders:
        wall = {k: statistics.median([x['wall_ns'] for x in v]) for k, v in costs[c].items()}
        cpu = {k: statistics.median([x['user_us'] + x['sys_us'] for x in v])
               for k, v in costs[c].items()}
        per_wall_ns = (wall[n] - wall[1]) / (n - 1)
        sys = {k: statistics.median([x['sys_us'] for x in v]) for k, v in costs[c].items()}
        result[c] = dict(calls=n, reps=reps, wall_us_per_call=per_wall_ns / 1e3,
                         calls_per_s=1e9 / per_wall_ns if per_wall_ns > 0 else 0,
                         cpu_us_per_call=(cpu[n] - cpu[1]) / (n - 1),
                         sys_us_per_call=(sys[n] - sys[1]) / (n - 1),
                         rss_kib=statistics.median([x['maxrss_kib'] for x in costs[c][n]]))
        if server:
            result[c]['server_cpu_us_per_call'] = statistics.median(server_cpu[c]) * 1e6
        k = cg_n.get(c)
        if k:
            big = runner.callgrind(warm_steps(tools, target, c, k, runner.work), env)
            check_warm(runner, target, c, warm_steps(tools, target, c, k, runner.work), k)
            one = runner.callgrind(warm_steps(tools, target, c, 1, runner.work), env)
            result[c]['instructions_per_call'] = (big - one) / (k - 1)
            result[c]['callgrind_calls'] = k
            if c == 'rucio-lite':
                # mbedTLS's record layer: what a call costs inside
                # mbedtls_ssl_write and mbedtls_ssl_read.
                big = runner.callgrind(warm_steps(tools, target, c, k, runner.work), env, TLS_IO)
                one = runner.callgrind(warm_steps(tools, target, c, 1, runner.work), env, TLS_IO)
                result[c]['tls_instructions_per_call'] = (big - one) / (k - 1)
    return result


# ---- what the page says about the machine -------------------------------------

def first_line(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return 'unknown'


def machine_facts(tools):
    cpu = 'unknown'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        mem_kib = int(f.readline().split()[1])
    with open('/etc/debian_version') as f:
        debian = f.read().strip()
    return dict(
        date=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
        cpu=cpu, cores=os.cpu_count(), memory_gib=round(mem_kib / 2**20, 1),
        os=f'Debian {debian}, Linux {platform.release()}',
        commit=first_line(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD']),
        rucio_lite=first_line([tools.cli, '--version']),
        mbedtls=re.sub(r'.*\(mbedTLS ([^)]*)\).*', r'\1', first_line([tools.cli, '--version'])),
        curl=first_line([tools.curl, '--version']),
        openssl=first_line(['openssl', 'version']),
        python=first_line([tools.python, '--version']),
        rucio_clients=first_line([tools.python, '-c',
                                  'import importlib.metadata as m; print(m.version("rucio-clients"))']),
        requests=first_line([tools.python, '-c',
                             'import importlib.metadata as m; print(m.version("requests"))']),
        nginx=first_line(['nginx', '-v']),
        valgrind=first_line(['valgrind', '--version']),
        gcc=first_line(['gcc', '--version']),
    )


def tls_versions(work):
    """Protocol and cipher each client negotiated, from nginx's log."""
    seen = {}
    path = os.path.join(work, 'nginx-access.log')
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split(' ', 5)
                if len(parts) == 6:
                    agent = parts[5].strip().strip('"').split('/')[0]
                    agent = 'floor' if agent in ('', '-') else agent
                    key = f'{agent}: {parts[0]} {parts[1]}'
                    seen[key] = seen.get(key, 0) + 1
    return seen


# ---- sizes --------------------------------------------------------------------

def file_size(path):
    return os.path.getsize(os.path.realpath(path))


def shared_libs(binary):
    r = subprocess.run(['ldd', binary], capture_output=True, text=True)
    return sorted({m.group(1) for m in re.finditer(r'=> (/\S+)', r.stdout)})


def tree_size(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            p = os.path.join(root, name)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def sizes(tools, work):
    stripped = os.path.join(work, 'rucio-lite.stripped')
    shutil.copy(tools.cli, stripped)
    subprocess.run(['strip', stripped], check=True)
    text = subprocess.run(['size', '-t', os.path.join(tools.build, 'librucio.a')],
                          capture_output=True, text=True).stdout.strip().splitlines()[-1].split()
    curl_libs = shared_libs(tools.curl)
    py_lib = f'/usr/lib/python{sys.version_info.major}.{sys.version_info.minor}'
    return dict(
        static_binary=file_size(os.path.join(tools.build, 'bench', 'rucio-lite-static')),
        dynamic_binary=file_size(stripped),
        dynamic_binary_closure=file_size(stripped) + sum(map(file_size, shared_libs(tools.cli))),
        library_archive=file_size(os.path.join(tools.build, 'librucio.a')),
        library_code=dict(text=int(text[0]), data=int(text[1]), bss=int(text[2])),
        curl_closure=file_size(tools.curl) + sum(map(file_size, curl_libs)),
        curl_libs=len(curl_libs),
        python_closure=tree_size(os.path.join(tools.build, 'venv', 'lib'))
        + file_size(os.path.realpath(tools.python))
        + (tree_size(py_lib) if os.path.isdir(py_lib) else 0),
    )


# ---- the whole run -------------------------------------------------------------

def nginx_part(plan, tools, work, results):
    pki = os.path.join(work, 'pki')
    log('making the PKI (RSA and ECDSA chains, CA bundle, grid CA directory)')
    subprocess.run([os.path.join(HERE, 'pki.sh'), pki, str(plan['grid_cas'])], check=True,
                   stdout=subprocess.DEVNULL)
    token, signed = canned_token(), canned_signed_url()
    results['signed_url_bytes'], results['token_chars'] = len(signed), len(token)
    nginx = Nginx(work, pki, token, signed)
    nginx.start()
    try:
        rsa = f'https://127.0.0.1:{nginx.rsa_port}'
        ec = f'https://127.0.0.1:{nginx.ec_port}'
        scenarios = [
            ('rsa', Target('rsa', work, rsa, f'{pki}/rsa-ca.pem', token, signed), False),
            ('ecdsa', Target('ecdsa', work, ec, f'{pki}/ec-ca.pem', token, signed), False),
            ('bundle', Target('bundle', work, rsa, f'{pki}/bundle.pem', token, signed), False),
            ('grid', Target('grid', work, rsa, f'{pki}/grid', token, signed), False),
            ('auth', Target('auth', work, rsa, f'{pki}/rsa-ca.pem', token, signed,
                            floor_ok=False), True),
        ]
        runner = Runner(tools, work)
        results['cold'] = {}
        for name, target, auth in scenarios:
            contenders = [c for c in CONTENDERS if c != 'floor' or target.floor_ok]
            contenders += [STATIC] if name == 'rsa' else []
            cg = set(contenders) if plan['callgrind_python_everywhere'] or name == 'rsa' \
                else set(contenders) - {'python'}
            log(f'cold {name}: {plan["runs"]} interleaved runs of {", ".join(contenders)}')
            results['cold'][name] = measure_cold(runner, tools, target, contenders,
                                                 plan['runs'], auth, cg)
        rsa_target = scenarios[0][1]
        log(f'warm: {plan["warm_n"]} calls on one client, {plan["warm_reps"]} times each')
        results['warm'] = measure_warm(
            runner, tools, rsa_target, ['rucio-lite', 'curl', 'python'], plan['warm_n'],
            plan['warm_reps'], {'rucio-lite': plan['cg_warm_n'], 'curl': plan['cg_warm_n'],
                                'python': plan['cg_warm_n_python']})
        short = Target('rsa-short', work, rsa, f'{pki}/rsa-ca.pem', short_token(), signed)
        log(f'warm, short token: {plan["warm_n"]} calls on one client')
        results['warm_short'] = measure_warm(
            runner, tools, short, ['rucio-lite', 'curl', 'python'], plan['warm_n'],
            plan['warm_reps'], {'rucio-lite': plan['cg_warm_n'], 'curl': plan['cg_warm_n'],
                                'python': plan['cg_warm_n_python']})
        log('heap peaks (DHAT)')
        results['heap'] = {}
        env = rsa_target.env()
        for c in ('rucio-lite', 'floor', 'curl'):
            rsa_target.cache_token()
            peak, blocks = runner.dhat(cold_steps(tools, rsa_target, c, False), env)
            results['heap'][c] = dict(bytes=peak, blocks=blocks)
    finally:
        nginx.stop()
    results['tls'] = tls_versions(work)
    check_logins(work, results['cold']['auth'])


def check_logins(work, auth):
    """Each contender logged in only in the login scenario (its runs and
    its callgrind run): everywhere else the cached token was used."""
    logins = {}
    with open(os.path.join(work, 'nginx-access.log')) as f:
        for line in f:
            parts = line.split(' ', 5)
            if len(parts) == 6 and parts[3] == '/auth/userpass':
                agent = parts[5].strip().strip('"').split('/')[0]
                logins[agent] = logins.get(agent, 0) + 1
    for agent, contender in (('rucio-lite', 'rucio-lite'), ('curl', 'curl'),
                             ('rucio-clients', 'python')):
        want = auth[contender]['runs'] + ('instructions' in auth[contender])
        if logins.get(agent, 0) != want:
            die(f'{agent} logged in {logins.get(agent, 0)} times, expected {want}: '
                'a run did not use the token cache, or the login scenario did not log in')


def rucio_part(plan, tools, work, results):
    log('starting the real Rucio server (tests/rucio-server/start.sh)')
    server = RucioServer(os.path.join(work, 'rucio-server'))
    server.start()
    try:
        env = server.env
        host = env['RUCIO_TEST_URL']
        target = Target('rucio', work, host, os.path.join(server.work, 'pki', 'ca.pem'),
                        '', f'{INPUT_URL}?', floor_ok=False)
        runner = Runner(tools, work)
        runner.run([[tools.cli, 'token']], target.env())
        with open(target.cache) as f:
            target.token = f.read().strip()
        contenders = ['rucio-lite', 'curl', 'python']
        log(f'real server, cold: {plan["real_runs"]} interleaved runs')
        cold = measure_cold(runner, tools, target, contenders, plan['real_runs'], False,
                            set(contenders))
        log(f'real server, warm: {plan["real_warm_n"]} calls on one client')
        warm = measure_warm(runner, tools, target, contenders, plan['real_warm_n'],
                            plan['real_warm_reps'], {}, server=server)
        results['real'] = dict(cold=cold, warm=warm)
    finally:
        server.stop()


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in PLANS:
        die('usage: bench.py BUILD_DIR full|quick')
    build = os.path.abspath(sys.argv[1])
    plan = PLANS[sys.argv[2]]
    tools = Tools(build)
    for path in (tools.cli, tools.static, tools.warm, tools.floor, tools.runstat, tools.python):
        if not os.access(path, os.X_OK):
            die(f'{path} is missing (bench/run.sh builds and installs it)')
    work = os.path.join(build, 'work')
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t0 = time.monotonic()
    results = dict(mode=sys.argv[2], plan=plan, machine=machine_facts(tools),
                   load_start=os.getloadavg())
    nginx_part(plan, tools, work, results)
    rucio_part(plan, tools, work, results)
    results['sizes'] = sizes(tools, work)
    results['load_end'] = os.getloadavg()
    results['seconds'] = round(time.monotonic() - t0)
    out = os.path.join(build, 'bench-results.json')
    with open(out, 'w') as f:
        json.dump(results, f, indent=1)
    log(f'measured in {results["seconds"]} s; results in {out}')


if __name__ == '__main__':
    main()

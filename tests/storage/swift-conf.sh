#!/bin/bash
# Configure a one-node OpenStack Swift under <dir>: etc/ (swift.conf, rings,
# server configs, internal-client.conf) and srv/sdb1 (a plain directory;
# mount_check = false). Nothing outside <dir> is read or written: every
# config sets swift_dir, so /etc/swift is not used.
# Usage: swift-conf.sh <dir> <proxy port> <account port> <container port> <object port>
set -euo pipefail

dir=$1 proxy=$2 account=$3 container=$4 object=$5
etc=$dir/etc
mkdir -p "$etc" "$dir/srv/sdb1" "$dir/run"
user=$(id -un)

cat > "$etc/swift.conf" <<CONF
[swift-hash]
swift_hash_path_suffix = $(openssl rand -hex 8)
swift_hash_path_prefix = $(openssl rand -hex 8)

[storage-policy:0]
name = Policy-0
default = yes
CONF

# [DEFAULT] shared by all servers: one process each (workers = 0), no
# privilege change beyond the current user, devices are plain directories.
common() {
    cat <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
user = $user
swift_dir = $etc
devices = $dir/srv
mount_check = false
log_name = $2
log_level = INFO
CONF
}

backend_conf() {  # backend_conf <type> <port>
    common "$2" "$1-server"
    cat <<CONF

[pipeline:main]
pipeline = $1-server

[app:$1-server]
use = egg:swift#$1

[$1-replicator]
[$1-updater]
[$1-auditor]
CONF
}
backend_conf account "$account" > "$etc/account-server.conf"
backend_conf container "$container" > "$etc/container-server.conf"
backend_conf object "$object" > "$etc/object-server.conf"

# The proxy: tempurl checks temp_url_sig (HMAC with the account's
# Temp-URL-Key; sha1 is what Rucio signs with), tempauth refuses every
# request that has neither a valid temp URL nor a token (no memcached runs,
# so no token can be issued: only temp URLs get through).
{
    common "$proxy" proxy-server
    cat <<CONF

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging listing_formats tempurl tempauth copy dlo versioned_writes proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:tempurl]
use = egg:swift#tempurl
allowed_digests = sha1 sha256 sha512

[filter:tempauth]
use = egg:swift#tempauth
reseller_prefix = AUTH

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:copy]
use = egg:swift#copy

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
CONF
} > "$etc/proxy-server.conf"

# In-process proxy without auth for the set-up (swift_setup.py).
cat > "$etc/internal-client.conf" <<CONF
[DEFAULT]
swift_dir = $etc
log_name = internal-client

[pipeline:main]
pipeline = catch_errors proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:proxy-logging]
use = egg:swift#proxy_logging
CONF

# Rings: one device, one replica, 2^6 partitions; built in one Python
# process (swift-ring-builder would take 9 interpreter starts).
/usr/bin/python3 - "$etc" "$account" "$container" "$object" <<'PY'
import sys
from swift.common.ring import RingBuilder

etc, ports = sys.argv[1], dict(zip(('account', 'container', 'object'), sys.argv[2:]))
for name, port in ports.items():
    builder = RingBuilder(6, 1, 1)
    builder.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
                     'device': 'sdb1', 'weight': 100})
    builder.rebalance()
    builder.save(f'{etc}/{name}.builder')
    builder.get_ring().save(f'{etc}/{name}.ring.gz')
    print(f'{name} ring: 127.0.0.1:{port}/sdb1')
PY

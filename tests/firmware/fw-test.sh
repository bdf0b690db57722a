#!/bin/sh
# The firmware suite (make fw-test): the modem port on the host, the image's
# build-time guarantees, then the image in QEMU (mps2-an386) reaching a local
# TLS server (openssl s_server, the test PKI whose CA is in the image's flash)
# through the modem UART and tests/firmware/relay.py.
#
#   tests/firmware/fw-test.sh <firmware build dir>
#
# Prints PASS/FAIL lines and "firmware: N passed, N failed"; exits non-zero
# on any failure. QEMU and the servers are bounded by timeouts and stopped
# on exit.
set -eu

fw=${1:?usage: fw-test.sh <firmware build dir>}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$fw/test
img=$fw/tls_proof.elf
cross=${FW_CROSS:-arm-none-eabi-}
qemu_timeout=${FW_QEMU_TIMEOUT:-180}
mkdir -p "$work"
rm -f "$work"/*.port "$work"/console.txt "$work"/console-zero.txt "$work"/relay.log "$work"/s_server.log

passed=0
failed=0
pids=""

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# shellcheck disable=SC2317 # called by the trap
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

finish() {
    echo "firmware: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Wait until something listens on 127.0.0.1:$1 (at most 10 s).
wait_listen() {
    python3 - "$1" <<'EOF'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}

wait_file() {
    i=0
    while [ ! -s "$1" ]; do
        i=$((i + 1))
        [ "$i" -le 50 ] || return 1
        sleep 0.2
    done
}

# ---- 1. the modem port on the host ------------------------------------------
"$here/modem-test.sh" "$fw/modem_host" "$work/modem" >"$work/modem-test.out" 2>&1 || true
while read -r word rest; do
    case $word in
    PASS) pass "modem_host_${rest}" ;;
    FAIL) fail "modem_host_${rest%%:*}" "${rest#*: }" ;;
    esac
done <"$work/modem-test.out"
grep -q '^modem-host: [0-9]* passed, 0 failed$' "$work/modem-test.out" ||
    fail modem_host_suite "did not finish cleanly (see $work/modem-test.out)"

# ---- 2. what the image must be before it runs -------------------------------
if grep -q '^REFUSED$' "$fw/overflow-link.txt" && grep -q "region .RAM' overflowed" "$fw/overflow-link.txt"; then
    pass link_refuses_more_than_64k_ram
else
    fail link_refuses_more_than_64k_ram "a 64 KiB stack plus the rest linked (see $fw/overflow-link.txt)"
fi

# The port follows the library's rules: no heap, no global mutable state.
modem_o=$fw/obj/port/modem/modem.o
if "${cross}nm" -u "$modem_o" | grep -qE ' (malloc|calloc|realloc|free)$'; then
    fail modem_port_no_heap "port/modem references the heap"
elif "${cross}size" -A "$modem_o" | awk '$1 ~ /^\.(data|bss)/ && $2 > 0 { bad = 1 } END { exit !bad }'; then
    fail modem_port_no_global_state "port/modem has .data or .bss"
else
    pass modem_port_no_heap_no_global_state
fi

syms=$("${cross}nm" "$img")
if echo "$syms" | grep -qE ' (__malloc_free_list|__malloc_sbrk_start|_sbrk_r|__sinit|malloc)$'; then
    fail image_has_no_heap "newlib's allocator or stdio buffers are linked"
else
    pass image_has_no_heap
fi

ram=$(echo "$syms" | sed -n 's/^\([0-9a-f]*\) . __ram_used$/\1/p')
ram=$((0x${ram:-ffffffff}))
echo "    ram: $ram bytes by the linker map"
if [ "$ram" -le 65536 ]; then
    pass image_ram_within_64k
else
    fail image_ram_within_64k "$ram bytes"
fi

seed_of() {
    python3 - "$1" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
i = d.find(b"rucio-nvseed-v1\0")
print(d[i + 16:i + 48].hex() if i >= 0 else "none")
EOF
}
cp "$img" "$work/a.elf"
cp "$img" "$work/b.elf"
"$top/firmware/provision-seed.py" "$work/a.elf"
"$top/firmware/provision-seed.py" "$work/b.elf"
sa=$(seed_of "$work/a.elf")
sb=$(seed_of "$work/b.elf")
if [ "$sa" != none ] && [ "$sa" != "$sb" ] && [ "$sa" != "$(printf '0%.0s' $(seq 64))" ]; then
    pass nv_seed_differs_per_image
else
    fail nv_seed_differs_per_image "seeds $sa / $sb"
fi
rm -f "$work/b.elf"

# ---- 3. the image in QEMU -----------------------------------------------------
tls_port=$(free_port)
openssl s_server -accept "127.0.0.1:$tls_port" -cert "$fw/pki/server.pem" \
    -key "$fw/pki/server.key" -www -quiet >"$work/s_server.log" 2>&1 &
pids="$pids $!"
python3 "$here/relay.py" --port-file "$work/relay.port" --log "$work/relay.log" &
pids="$pids $!"
if ! wait_listen "$tls_port" || ! wait_file "$work/relay.port"; then
    fail servers_start "openssl s_server or the relay did not start"
    finish
fi

rc=0
timeout "$qemu_timeout" qemu-system-arm -M mps2-an386 -display none -monitor none \
    -kernel "$work/a.elf" \
    -serial "file:$work/console.txt" \
    -serial "tcp:127.0.0.1:$(cat "$work/relay.port")" \
    -semihosting-config "enable=on,target=native,arg=fw,arg=host=localhost,arg=port=$tls_port" \
    >"$work/qemu.log" 2>&1 || rc=$?
sed 's/^/    console: /' "$work/console.txt"

for name in nv_seed_provisioned modem_hello drbg_seeded_from_nv_seed ca_from_flash \
    tls_handshake_verified https_get tls_rejects_wrong_name relay_refuses_non_loopback; do
    line=$(grep "^CHECK $name " "$work/console.txt" | head -n 1 || true)
    case $line in
    "CHECK $name ok") pass "qemu_$name" ;;
    "") fail "qemu_$name" "not reported (QEMU exit $rc)" ;;
    *) fail "qemu_$name" "${line#CHECK "$name" FAIL }" ;;
    esac
done
if grep -q '^ram: mbedTLS pool high-water [0-9]* bytes' "$work/console.txt" &&
    grep -q '^ram: stack high-water [0-9]* bytes' "$work/console.txt"; then
    pass qemu_reports_ram_high_water
else
    fail qemu_reports_ram_high_water "no ram: lines on the console"
fi
if [ "$rc" -eq 0 ]; then
    pass qemu_exit_status
else
    fail qemu_exit_status "QEMU exited $rc (124: timeout; see $work/qemu.log)"
fi

# An image whose seed was never provisioned must refuse to start TLS.
python3 - "$work/a.elf" "$work/zero.elf" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"rucio-nvseed-v1\0") + 16
d[i:i + 32] = bytes(32)
open(sys.argv[2], "wb").write(d)
EOF
rc=0
timeout 60 qemu-system-arm -M mps2-an386 -display none -monitor none \
    -kernel "$work/zero.elf" -serial "file:$work/console-zero.txt" -serial null \
    -semihosting-config "enable=on,target=native,arg=fw,arg=host=localhost,arg=port=$tls_port" \
    >"$work/qemu-zero.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && grep -q '^CHECK nv_seed_provisioned FAIL' "$work/console-zero.txt" &&
    ! grep -q '^CHECK tls_handshake_verified' "$work/console-zero.txt"; then
    pass unprovisioned_image_refuses_tls
else
    fail unprovisioned_image_refuses_tls "QEMU exit $rc; see $work/console-zero.txt"
fi
finish

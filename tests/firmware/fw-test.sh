#!/bin/sh
# The firmware suite (make fw-test): the modem port on the host, the image's
# build-time guarantees, then the image in QEMU (mps2-an386) reaching a local
# TLS server (openssl s_server, the test PKI whose CA is in the image's flash)
# through the modem UART and tests/firmware/relay.py. With its 4 KiB records
# the image fetches a 10 KiB body through the library's TLS layer from a
# second s_server (-WWW), which honours the maximum fragment length, and
# must name the cause when tests/firmware/oversized_server.py sends a
# record larger than its buffer (docs/porting.md, "Small TLS records").
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
rm -f "$work"/*.port "$work"/console.txt "$work"/console-zero.txt "$work"/relay.log "$work"/s_server.log \
    "$work"/www.log "$work"/oversized-*.log

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

# A 10 KiB body that s_server -WWW writes in one piece: one record unless a
# smaller maximum fragment length was agreed.
mkdir -p "$work/www"
python3 -c 'import sys; sys.stdout.write(("rucio-lite: one body, more than one 4 KiB record.\n" * 256)[:10240])' \
    >"$work/www/big.txt"
www_port=$(free_port)
pki=$(cd "$fw/pki" && pwd) # -WWW serves the folder it runs in
(cd "$work/www" && exec openssl s_server -accept "127.0.0.1:$www_port" -cert "$pki/server.pem" \
    -key "$pki/server.key" -WWW -quiet) >"$work/www.log" 2>&1 &
pids="$pids $!"
for when in late early; do
    python3 "$here/oversized_server.py" --cert "$fw/pki/server.pem" --key "$fw/pki/server.key" \
        --when "$when" --port-file "$work/oversized-$when.port" >"$work/oversized-$when.log" 2>&1 &
    pids="$pids $!"
done
if ! wait_listen "$tls_port" || ! wait_listen "$www_port" || ! wait_file "$work/relay.port" ||
    ! wait_file "$work/oversized-late.port" || ! wait_file "$work/oversized-early.port"; then
    fail servers_start "openssl s_server, the oversized-record servers or the relay did not start"
    finish
fi

# The large-body check below means something only if, without the fragment
# length the image asks for, the body would come as a record over 4 KiB.
largest=$(printf 'GET /big.txt HTTP/1.0\r\n\r\n' |
    timeout 20 openssl s_client -connect "127.0.0.1:$www_port" -tls1_2 -trace -ign_eof 2>/dev/null |
    awk '/Content Type = ApplicationData/ { app = 1; next }
         app && /Length = / { if ($3 > max) max = $3; app = 0 }
         END { print max + 0 }')
if [ "$largest" -gt 4120 ]; then
    pass www_server_sends_large_records_without_mfl
else
    fail www_server_sends_large_records_without_mfl "largest record $largest bytes"
fi

rc=0
timeout "$qemu_timeout" qemu-system-arm -M mps2-an386 -display none -monitor none \
    -kernel "$work/a.elf" \
    -serial "file:$work/console.txt" \
    -serial "tcp:127.0.0.1:$(cat "$work/relay.port")" \
    -semihosting-config "enable=on,target=native,arg=fw,arg=host=localhost,arg=port=$tls_port,arg=www=$www_port,arg=late=$(cat "$work/oversized-late.port"),arg=early=$(cat "$work/oversized-early.port")" \
    >"$work/qemu.log" 2>&1 || rc=$?
sed 's/^/    console: /' "$work/console.txt"

small_records="lib_tls_oversized_record_named lib_tls_oversized_handshake_record_named"
if grep -q '^tls: library: 16 KiB records' "$work/console.txt"; then
    echo "    (16 KiB records: no oversized-record checks)"
    small_records=""
fi
for name in nv_seed_provisioned modem_hello drbg_seeded_from_nv_seed ca_from_flash \
    tls_handshake_verified https_get tls_rejects_wrong_name lib_tls_config lib_tls_conn \
    lib_tls_mfl_large_body $small_records relay_refuses_non_loopback; do
    line=$(grep "^CHECK $name " "$work/console.txt" | head -n 1 || true)
    case $line in
    "CHECK $name ok") pass "qemu_$name" ;;
    "") fail "qemu_$name" "not reported (QEMU exit $rc)" ;;
    *) fail "qemu_$name" "${line#CHECK "$name" FAIL }" ;;
    esac
done
# The text a user sees, in the handshake and after it.
if [ -n "$small_records" ]; then
    named=$(grep -c '^tls: library: error: server ignored max fragment length: TLS record of 16408 bytes > [0-9]*-byte receive buffer$' \
        "$work/console.txt" || true)
    if [ "$named" -eq 2 ]; then
        pass qemu_oversized_record_error_text
    else
        fail qemu_oversized_record_error_text "$named of 2 error lines name the oversized record"
    fi
fi
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

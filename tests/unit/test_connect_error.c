/*
 * The POSIX port's connect failure causes (port.h connect_error): each
 * errno its connect can leave, set by hand here, gives its own text, and
 * the status decides between resolver and socket causes. The real
 * failures (refused, unreachable, timed out, unresolved) are exercised
 * end to end by tests/cli/run.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "posix/posix_internal.h"
#include "rucio/port_posix.h"

static const char *cause(rucio_status st, int err)
{
    errno = err;
    return rl_posix_connect_error(NULL, st);
}

static void test_socket_causes(void **state)
{
    (void)state;
    assert_string_equal(cause(RUCIO_E_CONNECT, ECONNREFUSED),
                        "connection refused");
    assert_string_equal(cause(RUCIO_E_CONNECT, ENETUNREACH),
                        "network unreachable");
    assert_string_equal(cause(RUCIO_E_CONNECT, EHOSTUNREACH),
                        "host unreachable");
    assert_string_equal(cause(RUCIO_E_CONNECT, ECONNRESET),
                        "connection reset");
    assert_string_equal(cause(RUCIO_E_CONNECT, EADDRNOTAVAIL),
                        "no local address available");
    assert_string_equal(cause(RUCIO_E_CONNECT, EMFILE),
                        "too many open files");
    assert_string_equal(cause(RUCIO_E_CONNECT, 0), "connection failed");
}

static void test_timeouts(void **state)
{
    (void)state;
    assert_string_equal(cause(RUCIO_E_TIMEOUT, 0), "timed out");
    assert_string_equal(cause(RUCIO_E_TIMEOUT, ECONNREFUSED), "timed out");
    assert_string_equal(cause(RUCIO_E_CONNECT, ETIMEDOUT), "timed out");
}

static void test_resolver_causes(void **state)
{
    (void)state;
    assert_string_equal(cause(RUCIO_E_DNS, ENOENT), "name not resolved");
    assert_non_null(strstr(cause(RUCIO_E_DNS, EAGAIN),
                           "name not resolved (temporary failure"));
    assert_non_null(strstr(cause(RUCIO_E_DNS, EIO), "name not resolved ("));
}

/* A real resolver failure and a real refusal, through connect itself. */
static void test_through_connect(void **state)
{
    rucio_port p;
    rucio_socket s;
    rucio_status st;

    (void)state;
    memset(&p, 0, sizeof p);
    rucio_port_posix_init(&p);
    assert_non_null(p.connect_error);
    st = p.connect(p.ctx, "rucio-lite-test.invalid", 80,
                   rucio_port_deadline(&p, 5000), &s);
    assert_int_equal(st, RUCIO_E_DNS);
    assert_non_null(strstr(p.connect_error(p.ctx, st), "name not resolved"));
    st = p.connect(p.ctx, "127.0.0.1", 9, rucio_port_deadline(&p, 5000), &s);
    assert_int_equal(st, RUCIO_E_CONNECT);
    assert_string_equal(p.connect_error(p.ctx, st), "connection refused");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_socket_causes),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_resolver_causes),
        cmocka_unit_test(test_through_connect),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for rucio_url_parse: every field of accepted URLs, and the
 * status of refused ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rucio/http.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* A URL given with its length, so that it may hold NUL bytes. */
#define V(lit) lit, sizeof(lit) - 1

typedef struct good_url {
    const char *url;
    int https;
    const char *host;
    int ipv6;
    uint16_t port;
    int port_given;
    const char *path;
    int has_query;
    const char *query;
} good_url;

static const good_url good_urls[] = {
    {"https://rucio.example.org", 1, "rucio.example.org", 0, 443, 0, "", 0, ""},
    {"http://rucio.example.org/", 0, "rucio.example.org", 0, 80, 0, "/", 0, ""},
    /* Scheme case-insensitive; host case and path kept as written. */
    {"HTTPS://Rucio.Example.ORG:8443/auth/x509?x=1", 1, "Rucio.Example.ORG", 0,
     8443, 1, "/auth/x509", 1, "x=1"},
    {"hTtP://h:80/a", 0, "h", 0, 80, 1, "/a", 0, ""},
    {"https://h:443", 1, "h", 0, 443, 1, "", 0, ""},
    {"http://127.0.0.1:65535/p", 0, "127.0.0.1", 0, 65535, 1, "/p", 0, ""},
    {"http://10.0.0.1:1", 0, "10.0.0.1", 0, 1, 1, "", 0, ""},
    {"https://[::1]/", 1, "::1", 1, 443, 0, "/", 0, ""},
    {"https://[2001:db8::a:1]:8443?q", 1, "2001:db8::a:1", 1, 8443, 1, "", 1,
     "q"},
    {"http://[::ffff:192.0.2.1]:1/", 0, "::ffff:192.0.2.1", 1, 1, 1, "/", 0, ""},
    {"http://[2001:DB8:0:0:0:0:0:1]", 0, "2001:DB8:0:0:0:0:0:1", 1, 80, 0, "", 0,
     ""},
    /* A bare '?' is kept: has_query with an empty query. */
    {"https://h?", 1, "h", 0, 443, 0, "", 1, ""},
    {"http://h/?", 0, "h", 0, 80, 0, "/", 1, ""},
    /* Fragments are dropped, including a '?' inside them. */
    {"https://h/p#frag", 1, "h", 0, 443, 0, "/p", 0, ""},
    {"https://h#frag", 1, "h", 0, 443, 0, "", 0, ""},
    {"https://h/p?a=1&b=%2F#frag?x", 1, "h", 0, 443, 0, "/p", 1, "a=1&b=%2F"},
    {"https://h/p?q#", 1, "h", 0, 443, 0, "/p", 1, "q"},
    {"https://h/p?a?b", 1, "h", 0, 443, 0, "/p", 1, "a?b"},
    /* Leading zeros in the port, a trailing dot, '_' and '-' in the host,
     * and no slash normalisation. */
    {"http://my_host-1.example.:00080//double//slash", 0, "my_host-1.example.",
     0, 80, 1, "//double//slash", 0, ""},
    /* '@' and ':' after the authority belong to the path. */
    {"https://h/a@b:c", 1, "h", 0, 443, 0, "/a@b:c", 0, ""},
    {"https://h?x@y:1", 1, "h", 0, 443, 0, "", 1, "x@y:1"},
    /* A signed URL: escapes, '+' and '=' survive byte for byte. */
    {"https://s3.example.org/bucket/key%20x%2Fy?X-Amz-Algorithm=AWS4-HMAC-SHA256"
     "&X-Amz-Credential=AKIA%2F20240101%2Fus-east-1%2Fs3%2Faws4_request"
     "&X-Amz-Signature=0a1B&x=a+b%2b",
     1, "s3.example.org", 0, 443, 0, "/bucket/key%20x%2Fy", 1,
     "X-Amz-Algorithm=AWS4-HMAC-SHA256"
     "&X-Amz-Credential=AKIA%2F20240101%2Fus-east-1%2Fs3%2Faws4_request"
     "&X-Amz-Signature=0a1B&x=a+b%2b"},
};

/* Text [p, p + n) equals want and lies inside [base, base + len). */
static void assert_slice(const char *base, size_t len, const char *p, size_t n,
                         const char *want)
{
    assert_int_equal(n, strlen(want));
    assert_true(p >= base && p + n <= base + len);
    assert_memory_equal(p, want, n);
}

static void check_good(const good_url *g)
{
    size_t len = strlen(g->url);
    rucio_url u;
    rucio_status st = rucio_url_parse(g->url, len, &u);

    if (st != RUCIO_OK)
        print_error("refused: %s\n", g->url);
    assert_int_equal(st, RUCIO_OK);
    assert_int_equal(u.https, g->https);
    assert_slice(g->url, len, u.host, u.host_len, g->host);
    assert_int_equal(u.host_is_ipv6, g->ipv6);
    assert_int_equal(u.port, g->port);
    assert_int_equal(u.port_given, g->port_given);
    assert_slice(g->url, len, u.path, u.path_len, g->path);
    assert_int_equal(u.has_query, g->has_query);
    assert_slice(g->url, len, u.query, u.query_len, g->query);
}

static void test_good_urls(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(good_urls); i++)
        check_good(&good_urls[i]);
}

typedef struct bad_url {
    const char *url;
    size_t len;
    rucio_status want;
} bad_url;

#define BAD(lit) {V(lit), RUCIO_E_BAD_URL}

static const bad_url bad_urls[] = {
    /* Scheme. */
    BAD(""),
    BAD("rucio.example.org/x"),
    BAD("//h/x"),
    BAD("ftp://h/"),
    BAD("httpx://h/"),
    BAD("https:/h/"),
    BAD("https:h"),
    BAD("http//h"),
    BAD("https:"),
    BAD("file:///etc/passwd"),
    /* Host. */
    BAD("https://"),
    BAD("https:///path"),
    BAD("https://?q"),
    BAD("https://#f"),
    BAD("https://:443/"),
    BAD("https://h x/"),
    BAD("https://h!/"),
    BAD("https://h%41/"),
    BAD("https://h\\/"),
    BAD("https://h;x/"),
    BAD("https://h,/"),
    BAD("https://h]/"),
    BAD("https://h[::1]/"),
    BAD("https://h\303\274/"),
    BAD("https://h\000/"),
    /* User info. */
    BAD("https://user@h/"),
    BAD("https://user:pw@h/"),
    BAD("https://h@/"),
    BAD("https://@h/"),
    BAD("https://[::1]@h/"),
    /* IPv6 literals. */
    BAD("https://[::1/"),
    BAD("https://[::1"),
    BAD("https://[]/"),
    BAD("https://[/"),
    BAD("https://[fe80::1%25eth0]/"),
    BAD("https://[fe80::1%eth0]/"),
    BAD("https://[fe80::1%251]/"),
    BAD("https://[fe80::1%1]/"),
    BAD("https://[::g]/"),
    BAD("https://[1234]/"),
    BAD("https://[1:2]/"),
    BAD("https://[::1]x/"),
    BAD("https://[::1]]/"),
    BAD("https://[::1]:/"),
    BAD("https://[[::1]]/"),
    /* Ports. */
    BAD("https://h:/"),
    BAD("https://h:"),
    BAD("https://h:?q"),
    BAD("https://h:0/"),
    BAD("https://h:00/"),
    BAD("https://h:65536/"),
    BAD("https://h:99999999999999999999/"),
    BAD("https://h:8a/"),
    BAD("https://h:+80/"),
    BAD("https://h:-1/"),
    BAD("https://h:80:81/"),
    BAD("https://h:0x50/"),
    /* Spaces, control bytes, DEL, non-ASCII and NUL anywhere. */
    BAD(" https://h/"),
    BAD("https://h/ "),
    BAD("https://h/a b"),
    BAD("https://h/?a b"),
    BAD("https://h/#a b"),
    BAD("https://h/\t"),
    BAD("https://h/a\r\nX-Injected: 1"),
    BAD("https://h/?a\nb"),
    BAD("https://h/\177"),
    BAD("https://h/\200"),
    BAD("https://h/caf\303\251"),
    BAD("https://h/?q=\377"),
    BAD("https://h/a\000b"),
    BAD("https://h/?\000"),
    BAD("https://h/#\000"),
    BAD("https://h\033/"),
};

static void test_bad_urls(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(bad_urls); i++) {
        rucio_url u;
        rucio_status st = rucio_url_parse(bad_urls[i].url, bad_urls[i].len, &u);

        if (st != bad_urls[i].want)
            print_error("bad_urls[%zu] gave %d\n", i, (int)st);
        assert_int_equal(st, bad_urls[i].want);
    }
}

static void test_null_arguments(void **state)
{
    rucio_url u;

    (void)state;
    assert_int_equal(rucio_url_parse(NULL, 0, &u), RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_url_parse("https://h/", 10, NULL),
                     RUCIO_E_INVALID_ARG);
}

/* A refused URL leaves the caller's struct as it was. */
static void test_failure_leaves_output_alone(void **state)
{
    rucio_url u;
    rucio_url before;

    (void)state;
    memset(&u, 0xA5, sizeof u);
    before = u;
    assert_int_equal(rucio_url_parse(V("https://user@h/p?q"), &u),
                     RUCIO_E_BAD_URL);
    assert_memory_equal(&u, &before, sizeof u);
}

static void test_host_length_limit(void **state)
{
    char url[8 + RUCIO_HTTP_HOST_MAX + 2];
    rucio_url u;

    (void)state;
    memcpy(url, "https://", 8);
    memset(url + 8, 'a', RUCIO_HTTP_HOST_MAX + 1);
    url[8 + RUCIO_HTTP_HOST_MAX + 1] = '/';

    /* RUCIO_HTTP_HOST_MAX + 1 letters: refused. */
    assert_int_equal(rucio_url_parse(url, sizeof url, &u), RUCIO_E_BAD_URL);

    /* Exactly the limit: accepted. */
    url[8 + RUCIO_HTTP_HOST_MAX] = '/';
    assert_int_equal(rucio_url_parse(url, sizeof url - 1, &u), RUCIO_OK);
    assert_int_equal(u.host_len, RUCIO_HTTP_HOST_MAX);
    assert_int_equal(u.path_len, 1);
}

/* Only url[0..len) is read: the text need not be NUL-terminated, and
 * what follows the length is not part of the URL. The copy is on the
 * heap with no spare byte so that valgrind sees any read past the end. */
static void test_reads_only_given_length(void **state)
{
    static const char text[] = "https://h:8443/p?q=1";
    char *exact = malloc(sizeof text - 1);
    rucio_url u;

    (void)state;
    assert_non_null(exact);
    memcpy(exact, text, sizeof text - 1);
    assert_int_equal(rucio_url_parse(exact, sizeof text - 1, &u), RUCIO_OK);
    assert_int_equal(u.port, 8443);
    assert_int_equal(u.query_len, 3);
    assert_memory_equal(u.query, "q=1", 3);
    free(exact);

    /* Cut inside the port: the rest is not seen. */
    assert_int_equal(rucio_url_parse(text, 12, &u), RUCIO_OK);
    assert_int_equal(u.port, 84);
    assert_int_equal(u.path_len, 0);
    assert_int_equal(u.has_query, 0);
    /* Cut right after ':': an empty port. */
    assert_int_equal(rucio_url_parse(text, 10, &u), RUCIO_E_BAD_URL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_urls),
        cmocka_unit_test(test_bad_urls),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_failure_leaves_output_alone),
        cmocka_unit_test(test_host_length_limit),
        cmocka_unit_test(test_reads_only_given_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

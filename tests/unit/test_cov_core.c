/*
 * Unit tests for the small shared pieces that the other tests reach only
 * on their good paths: status texts, the string builder's edges, the
 * saturating deadline, the server date parser, Python's whitespace and
 * strict UTF-8 decoding. Expected dates were computed with Python's
 * calendar.timegm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "json/utf8.h"
#include "client/date.h"
#include "rucio/port.h"
#include "client/pyspace.h"
#include "rucio/status.h"
#include "rucio/strbuf.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- status texts ---------------------------------------------------------- */

static void test_strerror_known_and_unknown(void **state)
{
    (void)state;
    assert_string_equal(rucio_strerror(RUCIO_OK), "success");
    assert_string_equal(rucio_strerror(RUCIO_E_BAD_URL),
                        "invalid URL");
    /* Every status has a text of its own. */
    for (int s = 0; s < (int)RUCIO_STATUS_COUNT_; s++)
        assert_string_not_equal(rucio_strerror((rucio_status)s),
                                "unknown status");
    assert_string_equal(rucio_strerror(RUCIO_STATUS_COUNT_), "unknown status");
    assert_string_equal(rucio_strerror((rucio_status)-1), "unknown status");
}

/* ---- string builder --------------------------------------------------------- */

static void test_strbuf_without_room(void **state)
{
    rucio_strbuf b;
    char one[1] = {'x'};

    (void)state;
    rucio_strbuf_init(&b, NULL, 8);
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    rucio_strbuf_puts(&b, "a"); /* ignored, no crash on NULL */
    assert_int_equal(b.len, 0);

    rucio_strbuf_init(&b, one, 0);
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    assert_int_equal(one[0], 'x'); /* no room even for the NUL */

    rucio_strbuf_init(&b, one, 1);
    assert_int_equal(b.status, RUCIO_OK);
    assert_int_equal(one[0], '\0');
    rucio_strbuf_putc(&b, 'a');
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    assert_string_equal(one, "");
}

static void test_strbuf_signed_numbers(void **state)
{
    char buf[64];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, buf, sizeof buf);
    rucio_strbuf_put_i64(&b, -42);
    rucio_strbuf_putc(&b, ' ');
    rucio_strbuf_put_i64(&b, INT64_MIN);
    rucio_strbuf_putc(&b, ' ');
    rucio_strbuf_put_i64(&b, INT64_MAX);
    rucio_strbuf_putc(&b, ' ');
    rucio_strbuf_put_i64(&b, 0);
    assert_int_equal(b.status, RUCIO_OK);
    assert_string_equal(buf, "-42 -9223372036854775808 9223372036854775807 0");

    /* The sign fits, the digits do not: sticky failure, sign kept. */
    rucio_strbuf_init(&b, buf, 3);
    rucio_strbuf_put_i64(&b, -123);
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    assert_string_equal(buf, "-");
}

static void test_strbuf_copy(void **state)
{
    char small[4];

    (void)state;
    assert_int_equal(rucio_strbuf_copy(small, sizeof small, "abc"), RUCIO_OK);
    assert_string_equal(small, "abc");
    assert_int_equal(rucio_strbuf_copy(small, sizeof small, "abcd"),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(small, "");
}

/* ---- deadline ------------------------------------------------------------------ */

static uint64_t fixed_now;

static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return fixed_now;
}

static void test_deadline_saturates(void **state)
{
    rucio_port p;

    (void)state;
    memset(&p, 0, sizeof p);
    p.now_ms = fake_now;
    fixed_now = 1000;
    assert_int_equal(rucio_port_deadline(&p, 0), 1000);
    assert_int_equal(rucio_port_deadline(&p, UINT32_MAX),
                     1000 + (uint64_t)UINT32_MAX);
    fixed_now = UINT64_MAX - 10;
    assert_true(rucio_port_deadline(&p, 10) == UINT64_MAX);
    assert_true(rucio_port_deadline(&p, 11) == UINT64_MAX);
    assert_true(rucio_port_deadline(&p, 5) == UINT64_MAX - 5);
}

/* ---- HTTP and Rucio dates ---------------------------------------------------- */

typedef struct good_date {
    const char *text;
    int64_t epoch;
} good_date;

static const good_date good_dates[] = {
    {"Thu, 01 Jan 1970 00:00:00 UTC", 0},
    {"Wed, 31 Dec 1969 23:59:59 GMT", -1},
    {"Tue, 29 Feb 2000 12:00:00 UTC", 951825600},  /* 400-year leap */
    {"Thu, 29 Feb 2024 00:00:00 GMT", 1709164800}, /* 4-year leap */
    {"Mon, 01 Mar 2100 00:00:00 UTC", 4107542400},
    {"Sun, 29 Nov 2026 09:19:38 UTC", 1795943978},
    {"Tue, 29 Feb 1600 00:00:00 UTC", -11670998400},
    {"Mon, 01 Jan 0001 00:00:00 UTC", -62135596800},
    /* Year 0 (proleptic, a leap year): the era arithmetic below zero. */
    {"Sat, 01 Jan 0000 00:00:00 UTC", -62167219200},
    {"Fri, 31 Dec 9999 23:59:60 UTC", 253402300800}, /* leap second */
    /* The weekday is not checked, as the server always writes it right. */
    {"Xyz, 01 Jan 1970 00:00:01 UTC", 1},
};

static void test_dates_accepted(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(good_dates); i++) {
        int64_t epoch = 12345;

        if (rl_parse_http_date(good_dates[i].text, &epoch) != RUCIO_OK)
            fail_msg("refused: %s", good_dates[i].text);
        if (epoch != good_dates[i].epoch)
            fail_msg("%s: %lld, expected %lld", good_dates[i].text,
                     (long long)epoch, (long long)good_dates[i].epoch);
    }
}

static const char *const bad_dates[] = {
    "",
    "Thu, 01 Jan 1970 00:00:00 UTC ", /* one too long */
    "Thu, 01 Jan 1970 00:00:00 UT",
    /* each fixed separator in turn */
    "Thu; 01 Jan 1970 00:00:00 UTC",
    "Thu,_01 Jan 1970 00:00:00 UTC",
    "Thu, 01_Jan 1970 00:00:00 UTC",
    "Thu, 01 Jan_1970 00:00:00 UTC",
    "Thu, 01 Jan 1970_00:00:00 UTC",
    "Thu, 01 Jan 1970 00.00:00 UTC",
    "Thu, 01 Jan 1970 00:00.00 UTC",
    "Thu, 01 Jan 1970 00:00:00_UTC",
    /* zone */
    "Thu, 01 Jan 1970 00:00:00 CET",
    "Thu, 01 Jan 1970 00:00:00 utc",
    /* month */
    "Thu, 01 jan 1970 00:00:00 UTC",
    "Thu, 01 Foo 1970 00:00:00 UTC",
    /* digits of each field, below '0' and above '9' */
    "Thu, 0/ Jan 1970 00:00:00 UTC",
    "Thu, 0: Jan 1970 00:00:00 UTC",
    "Thu, 01 Jan 19x0 00:00:00 UTC",
    "Thu, 01 Jan 1970 0a:00:00 UTC",
    "Thu, 01 Jan 1970 00:-0:00 UTC",
    "Thu, 01 Jan 1970 00:00:+0 UTC",
    /* ranges */
    "Thu, 00 Jan 1970 00:00:00 UTC",
    "Thu, 32 Jan 1970 00:00:00 UTC",
    "Thu, 31 Apr 1970 00:00:00 UTC",
    "Thu, 29 Feb 1900 00:00:00 UTC", /* century, not leap */
    "Thu, 29 Feb 2023 00:00:00 UTC",
    "Thu, 30 Feb 2000 00:00:00 UTC",
    "Thu, 01 Jan 1970 24:00:00 UTC",
    "Thu, 01 Jan 1970 00:60:00 UTC",
    "Thu, 01 Jan 1970 00:00:61 UTC",
};

static void test_dates_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(bad_dates); i++) {
        int64_t epoch = 777;

        if (rl_parse_http_date(bad_dates[i], &epoch) !=
            RUCIO_E_INVALID_ARG)
            fail_msg("accepted: \"%s\"", bad_dates[i]);
        if (epoch != 777)
            fail_msg("\"%s\": output written on failure", bad_dates[i]);
    }
}

/* ---- Python whitespace -------------------------------------------------------- */

static void test_pyspace_edges(void **state)
{
    size_t start, end;
    const char *nbsp = "\xC2\xA0";
    const char *ideo = "x\xE3\x80\x80";

    (void)state;
    assert_int_equal(rl_py_space_len(" ", 0), 0);
    assert_int_equal(rl_py_space_len("\x1F", 1), 1);
    assert_int_equal(rl_py_space_len("\x1B", 1), 0);
    assert_int_equal(rl_py_space_len("\x08", 1), 0);
    assert_int_equal(rl_py_space_len("!", 1), 0);
    /* A multi-byte space cut by n is not one. */
    assert_int_equal(rl_py_space_len(nbsp, 1), 0);
    assert_int_equal(rl_py_space_len(nbsp, 2), 2);
    assert_int_equal(rl_py_space_len_before(ideo, 4), 3);
    assert_int_equal(rl_py_space_len_before(ideo, 0), 0);
    assert_int_equal(rl_py_space_len_before("ab", 2), 0);

    /* All whitespace strips to nothing, from either side. */
    start = 0;
    end = 5;
    rl_py_strip(" \xC2\x85\t ", &start, &end);
    assert_int_equal(start, end);
}

/* ---- UTF-8 ------------------------------------------------------------------------ */

static void test_utf8_edges(void **state)
{
    uint32_t cp = 0xFFFFFFFFu;
    char out[RUCIO_UTF8_MAX];

    (void)state;
    assert_int_equal(rl_utf8_decode("a", 0, &cp), 0);
    assert_int_equal(cp, 0xFFFFFFFFu);
    /* truncated by n, and a lead byte that starts nothing */
    assert_int_equal(rl_utf8_decode("\xE2\x82\xAC", 2, &cp), 0);
    assert_int_equal(rl_utf8_decode("\xF8\x88\x80\x80", 4, &cp), 0);
    assert_int_equal(rl_utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
    assert_int_equal(cp, 0x20ACu);
    /* above U+10FFFF, surrogate, overlong */
    assert_int_equal(rl_utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0);
    assert_int_equal(rl_utf8_decode("\xED\xA0\x80", 3, &cp), 0);
    assert_int_equal(rl_utf8_decode("\xC0\xAF", 2, &cp), 0);
    assert_int_equal(rl_utf8_encode(0x10FFFFu, out), 4);
    assert_memory_equal(out, "\xF4\x8F\xBF\xBF", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_known_and_unknown),
        cmocka_unit_test(test_strbuf_without_room),
        cmocka_unit_test(test_strbuf_signed_numbers),
        cmocka_unit_test(test_strbuf_copy),
        cmocka_unit_test(test_deadline_saturates),
        cmocka_unit_test(test_dates_accepted),
        cmocka_unit_test(test_dates_refused),
        cmocka_unit_test(test_pyspace_edges),
        cmocka_unit_test(test_utf8_edges),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

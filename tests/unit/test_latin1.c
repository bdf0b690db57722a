/*
 * UTF-8 to ISO-8859-1 for header values (core/latin1.h): the bytes the
 * Python client sends for the same text (checked against Python's own
 * "latin-1" codec where it matters), and every refusal: characters above
 * U+00FF, malformed UTF-8, a buffer too small, with the output wiped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/latin1.h"

static void converts(const char *utf8, const char *want)
{
    char out[64];
    size_t at = 99;

    assert_int_equal(rl_latin1_from_utf8(utf8, out, sizeof out, &at),
                     RUCIO_LATIN1_OK);
    assert_string_equal(out, want);
    assert_int_equal(at, 0);
}

static void refuses(const char *utf8, rucio_latin1_result want,
                    size_t want_offset)
{
    char out[64];
    size_t at = 99, i;

    memset(out, 'x', sizeof out);
    assert_int_equal(rl_latin1_from_utf8(utf8, out, sizeof out, &at), want);
    assert_int_equal(at, want_offset);
    for (i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0);
}

static void test_ascii_unchanged(void **state)
{
    (void)state;
    converts("", "");
    converts("secret", "secret");
    converts("tab\there ~!", "tab\there ~!");
}

/* Python: "pässwörd£".encode("latin-1") == b"p\xe4ssw\xf6rd\xa3". */
static void test_latin1_letters(void **state)
{
    (void)state;
    converts("p\xc3\xa4ssw\xc3\xb6rd\xc2\xa3", "p\xe4ssw\xf6rd\xa3");
    converts("\xc3\xa9\xc3\xbc\xc3\x9f\xc3\xb1", "\xe9\xfc\xdf\xf1"); /* éüßñ */
}

/* The ends of the range: U+0080 (c2 80) and U+00FF (c3 bf). */
static void test_range_ends(void **state)
{
    (void)state;
    converts("\xc2\x80", "\x80");
    converts("\xc2\xa0", "\xa0");
    converts("\xc3\xbf", "\xff");
}

static void test_outside_latin1(void **state)
{
    (void)state;
    refuses("\xc4\x80", RUCIO_LATIN1_OUTSIDE, 0);             /* U+0100 */
    refuses("price \xe2\x82\xac", RUCIO_LATIN1_OUTSIDE, 6);   /* euro */
    refuses("ab\xf0\x9f\x98\x80", RUCIO_LATIN1_OUTSIDE, 2);   /* emoji */
    refuses("\xc3\xa9\xdf\xbf", RUCIO_LATIN1_OUTSIDE, 2);     /* U+07FF */
}

static void test_not_utf8(void **state)
{
    (void)state;
    refuses("p\xe4ss", RUCIO_LATIN1_NOT_UTF8, 1);       /* Latin-1 already */
    refuses("\x80", RUCIO_LATIN1_NOT_UTF8, 0);          /* stray continuation */
    refuses("\xc3", RUCIO_LATIN1_NOT_UTF8, 0);          /* cut at the end */
    refuses("\xc3" "a", RUCIO_LATIN1_NOT_UTF8, 0);      /* cut mid-text */
    refuses("\xc0\xa9", RUCIO_LATIN1_NOT_UTF8, 0);      /* overlong */
    refuses("\xc1\xbf", RUCIO_LATIN1_NOT_UTF8, 0);      /* overlong */
    refuses("\xe2\x82", RUCIO_LATIN1_NOT_UTF8, 0);      /* cut three-byte */
    refuses("\xf5\x80\x80\x80", RUCIO_LATIN1_NOT_UTF8, 0); /* above U+10FFFF */
    refuses("\xff", RUCIO_LATIN1_NOT_UTF8, 0);
}

static void test_no_space(void **state)
{
    char out[4];
    size_t at = 99;

    (void)state;
    /* Three Latin-1 bytes and the NUL fit in four, from six UTF-8 bytes. */
    assert_int_equal(rl_latin1_from_utf8("\xc3\xa9\xc3\xa9\xc3\xa9", out,
                                         sizeof out, &at),
                     RUCIO_LATIN1_OK);
    assert_string_equal(out, "\xe9\xe9\xe9");
    memset(out, 'x', sizeof out);
    assert_int_equal(rl_latin1_from_utf8("abcd", out, sizeof out, &at),
                     RUCIO_LATIN1_NO_SPACE);
    assert_int_equal(at, 3);
    assert_memory_equal(out, "\0\0\0\0", 4);
    assert_int_equal(rl_latin1_from_utf8("", out, 0, NULL),
                     RUCIO_LATIN1_NO_SPACE);
    assert_int_equal(rl_latin1_from_utf8(NULL, out, sizeof out, NULL),
                     RUCIO_LATIN1_NO_SPACE);
}

/* The result never grows: a buffer as large as the input always holds it. */
static void test_same_size_suffices(void **state)
{
    const char *in = "\xc3\xa4" "b\xc2\xa3" "c";
    char out[7];

    (void)state;
    assert_int_equal(strlen(in) + 1, sizeof out);
    assert_int_equal(rl_latin1_from_utf8(in, out, sizeof out, NULL),
                     RUCIO_LATIN1_OK);
    assert_string_equal(out, "\xe4" "b\xa3" "c");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_unchanged),
        cmocka_unit_test(test_latin1_letters),
        cmocka_unit_test(test_range_ends),
        cmocka_unit_test(test_outside_latin1),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_no_space),
        cmocka_unit_test(test_same_size_suffices),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

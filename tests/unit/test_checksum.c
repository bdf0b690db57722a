/*
 * Unit tests for Adler-32 and MD5: the RFC 1321 test suite, Adler-32
 * values from zlib, 1 MiB inputs (values from Python's zlib and hashlib),
 * and the same result whatever the split of the input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/checksum.h"

#define MIB (1u << 20)

static uint8_t big[MIB];

static void md5_of(const void *data, size_t len, char out[33])
{
    rucio_md5 c;
    uint8_t digest[16];

    rl_md5_init(&c);
    rl_md5_update(&c, data, len);
    rl_md5_final(&c, digest);
    rl_md5_hex(digest, out);
}

static void adler_of(const void *data, size_t len, char out[9])
{
    rucio_adler32 c;

    rl_adler32_init(&c);
    rl_adler32_update(&c, data, len);
    rl_adler32_hex(rl_adler32_value(&c), out);
}

/* RFC 1321 appendix A.5. */
static void test_md5_rfc1321_suite(void **state)
{
    static const char *const cases[][2] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"1234567890123456789012345678901234567890123456789012345678901234"
         "5678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    char hex[33];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        md5_of(cases[i][0], strlen(cases[i][0]), hex);
        assert_string_equal(hex, cases[i][1]);
    }
}

static void test_adler32_known_values(void **state)
{
    char hex[9];

    (void)state;
    adler_of("", 0, hex);
    assert_string_equal(hex, "00000001");
    adler_of("Wikipedia", 9, hex);
    assert_string_equal(hex, "11e60398");
}

/* Values from Python: zlib.adler32 and hashlib.md5 of the same bytes.
 * 0xff bytes make the sums grow fastest, which checks the deferred
 * reduction. */
static void test_one_mib(void **state)
{
    char md5[33], adler[9];

    (void)state;
    for (size_t i = 0; i < MIB; i++)
        big[i] = (uint8_t)(i * 7 + 3);
    md5_of(big, MIB, md5);
    adler_of(big, MIB, adler);
    assert_string_equal(md5, "d8a469bb35fb5fad7156842ba2242434");
    assert_string_equal(adler, "b0fb7789");
    memset(big, 0xff, MIB);
    md5_of(big, MIB, md5);
    adler_of(big, MIB, adler);
    assert_string_equal(md5, "2fdd6851b32ae931637d4845c037b550");
    assert_string_equal(adler, "8e88ef11");
}

/* Fed in pieces of every size from 1 to 130 bytes (across block and
 * padding boundaries), the result is the one-piece result. */
static void test_any_split_same_result(void **state)
{
    char whole_md5[33], whole_adler[9];

    (void)state;
    for (size_t i = 0; i < 1000; i++)
        big[i] = (uint8_t)(i * 31 + 7);
    for (size_t len = 0; len <= 200; len += 1) {
        md5_of(big, len, whole_md5);
        adler_of(big, len, whole_adler);
        for (size_t piece = 1; piece <= 130; piece++) {
            rucio_md5 m;
            rucio_adler32 a;
            uint8_t digest[16];
            char hex[33], ahex[9];

            rl_md5_init(&m);
            rl_adler32_init(&a);
            for (size_t off = 0; off < len; off += piece) {
                size_t n = len - off < piece ? len - off : piece;

                rl_md5_update(&m, big + off, n);
                rl_adler32_update(&a, big + off, n);
            }
            rl_md5_final(&m, digest);
            rl_md5_hex(digest, hex);
            rl_adler32_hex(rl_adler32_value(&a), ahex);
            assert_string_equal(hex, whole_md5);
            assert_string_equal(ahex, whole_adler);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5_rfc1321_suite),
        cmocka_unit_test(test_adler32_known_values),
        cmocka_unit_test(test_one_mib),
        cmocka_unit_test(test_any_split_same_result),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

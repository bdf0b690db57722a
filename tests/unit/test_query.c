/*
 * Unit tests for rucio_url_quote_plus, rucio_url_quote and
 * rucio_url_encode_query: byte-exact agreement with Python's urllib.parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rucio/http.h"

/* An input given with its length, so that it may hold NUL bytes. */
#define V(lit) lit, sizeof(lit) - 1

typedef struct quote_vector {
    const char *in;
    size_t in_len;
    const char *plus;   /* quote_plus(in, safe='') */
    const char *quote;  /* quote(in, safe='/') */
} quote_vector;

/* Expected strings came from CPython 3.11 (3.11.7):
 * urllib.parse.quote_plus(b, safe='') and urllib.parse.quote(b, safe='/')
 * applied to the bytes of each input. */
static const quote_vector quote_vectors[] = {
    {V(""),
     "",
     ""},
    {V("abcXYZ019"),
     "abcXYZ019",
     "abcXYZ019"},
    {V(" "),
     "+",
     "%20"},
    {V("a b  c "),
     "a+b++c+",
     "a%20b%20%20c%20"},
    {V("~_.-"),
     "~_.-",
     "~_.-"},
    {V("/"),
     "%2F",
     "/"},
    {V("a/b/c d"),
     "a%2Fb%2Fc+d",
     "a/b/c%20d"},
    {V("!*'();:@&=+$,/?#[]%"),
     "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D%25",
     "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C/%3F%23%5B%5D%25"},
    {V("https://s3.example.org/buck et/key~_.-!*'();:@&=+$,/?#[]%"),
     "https%3A%2F%2Fs3.example.org%2Fbuck+et%2Fkey~_.-%21%2A%27%28%29%3B%3A"
     "%40%26%3D%2B%24%2C%2F%3F%23%5B%5D%25",
     "https%3A//s3.example.org/buck%20et/key~_.-%21%2A%27%28%29%3B%3A%40%26"
     "%3D%2B%24%2C/%3F%23%5B%5D%25"},
    {V("\011\015\012\000x\177"),
     "%09%0D%0A%00x%7F",
     "%09%0D%0A%00x%7F"},
    /* "Grüße, 東京 😀" in UTF-8 */
    {V("Gr\303\274\303\237e, \346\235\261\344\272\254 \360\237\230\200"),
     "Gr%C3%BC%C3%9Fe%2C+%E6%9D%B1%E4%BA%AC+%F0%9F%98%80",
     "Gr%C3%BC%C3%9Fe%2C%20%E6%9D%B1%E4%BA%AC%20%F0%9F%98%80"},
    /* Already-escaped text is escaped again, never passed through. */
    {V("%20+%2F"),
     "%2520%2B%252F",
     "%2520%2B%252F"},
    {V("\"<>\\^`{|}"),
     "%22%3C%3E%5C%5E%60%7B%7C%7D",
     "%22%3C%3E%5C%5E%60%7B%7C%7D"},
    /* bytes(range(256)) */
    {V("\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017"
       "\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037 !"
       "\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`ab"
       "cdefghijklmnopqrstuvwxyz{|}~\177\200\201\202\203\204\205\206\207"
       "\210\211\212\213\214\215\216\217\220\221\222\223\224\225\226\227"
       "\230\231\232\233\234\235\236\237\240\241\242\243\244\245\246\247"
       "\250\251\252\253\254\255\256\257\260\261\262\263\264\265\266\267"
       "\270\271\272\273\274\275\276\277\300\301\302\303\304\305\306\307"
       "\310\311\312\313\314\315\316\317\320\321\322\323\324\325\326\327"
       "\330\331\332\333\334\335\336\337\340\341\342\343\344\345\346\347"
       "\350\351\352\353\354\355\356\357\360\361\362\363\364\365\366\367"
       "\370\371\372\373\374\375\376\377"),
     "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16"
     "%17%18%19%1A%1B%1C%1D%1E%1F+%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F"
     "0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E"
     "_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~%7F%80%81%82%83%84%85%86%87%8"
     "8%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9"
     "F%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B"
     "6%B7%B8%B9%BA%BB%BC%BD%BE%BF%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%C"
     "D%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF%E0%E1%E2%E3%E"
     "4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%F"
     "B%FC%FD%FE%FF",
     "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16"
     "%17%18%19%1A%1B%1C%1D%1E%1F%20%21%22%23%24%25%26%27%28%29%2A%2B%2C-./"
     "0123456789%3A%3B%3C%3D%3E%3F%40ABCDEFGHIJKLMNOPQRSTUVWXYZ%5B%5C%5D%5E"
     "_%60abcdefghijklmnopqrstuvwxyz%7B%7C%7D~%7F%80%81%82%83%84%85%86%87%8"
     "8%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9"
     "F%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B"
     "6%B7%B8%B9%BA%BB%BC%BD%BE%BF%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%C"
     "D%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF%E0%E1%E2%E3%E"
     "4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%F"
     "B%FC%FD%FE%FF"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef void (*quote_fn)(rucio_strbuf *out, const char *s, size_t len);

static void check_quote(quote_fn fn, const quote_vector *v, const char *want,
                        size_t index)
{
    char data[1024];
    rucio_strbuf b;

    rucio_strbuf_init(&b, data, sizeof data);
    fn(&b, v->in, v->in_len);
    if (b.status != RUCIO_OK || strcmp(b.data, want) != 0)
        print_error("vector %zu\n", index);
    assert_int_equal(b.status, RUCIO_OK);
    assert_string_equal(b.data, want);
    assert_int_equal(b.len, strlen(want));
}

static void test_quote_plus_matches_python(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(quote_vectors); i++)
        check_quote(rucio_url_quote_plus, &quote_vectors[i],
                    quote_vectors[i].plus, i);
}

static void test_quote_matches_python(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(quote_vectors); i++)
        check_quote(rucio_url_quote, &quote_vectors[i],
                    quote_vectors[i].quote, i);
}

/* Only the given length is read: bytes after it are not encoded. */
static void test_quote_uses_length_not_nul(void **state)
{
    char data[32];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, data, sizeof data);
    rucio_url_quote_plus(&b, "a b/c", 3);
    assert_int_equal(b.status, RUCIO_OK);
    assert_string_equal(b.data, "a+b");
}

/* Encoding appends to what the builder already holds. */
static void test_quote_appends(void **state)
{
    char data[32];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, data, sizeof data);
    rucio_strbuf_puts(&b, "/p?");
    rucio_url_quote(&b, "x y", 3);
    assert_int_equal(b.status, RUCIO_OK);
    assert_string_equal(b.data, "/p?x%20y");
}

/* An escape is appended whole: a full buffer never ends in "%2". */
static void test_quote_overflow_keeps_whole_escapes(void **state)
{
    char data[5];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, data, sizeof data);
    rucio_url_quote_plus(&b, "ab/c", 4);
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    assert_string_equal(b.data, "ab");
    /* Sticky: later appends that would fit are ignored. */
    rucio_url_quote_plus(&b, "x", 1);
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    assert_string_equal(b.data, "ab");
}

static void test_quote_null_text(void **state)
{
    char data[16];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, data, sizeof data);
    rucio_url_quote(&b, NULL, 0);
    assert_int_equal(b.status, RUCIO_OK);
    assert_string_equal(b.data, "");
    rucio_url_quote(&b, NULL, 3);
    assert_int_equal(b.status, RUCIO_E_INVALID_ARG);
}

typedef struct encode_vector {
    const rucio_query_param *params;
    size_t count;
    const char *want;
} encode_vector;

static const rucio_query_param protocol_example[] = {
    {"lifetime", "3600"},
    {"rse", "MOCK"},
    {"svc", "s3"},
    {"op", "read"},
    {"url", "https://s3.example.org/buck et/key~_.-!*'();:@&=+$,/?#[]%"},
};
static const rucio_query_param empty_pair[] = {{"", ""}};
static const rucio_query_param empty_value[] = {{"k", ""}};
static const rucio_query_param repeated_key[] = {{"a", "1"}, {"a", "2"}};
/* [('a b', 'c&d=e'), ('ü', '東京 😀')] */
static const rucio_query_param utf8_pairs[] = {
    {"a b", "c&d=e"},
    {"\303\274", "\346\235\261\344\272\254 \360\237\230\200"},
};
static const rucio_query_param did_pairs[] = {
    {"name", "user.jdoe:file 1.root"},
    {"did", "scope:/a/b?c#d"},
};
static const rucio_query_param plus_pairs[] = {
    {"x+y", "100% sure"},
    {"~_.-", "~_.-"},
};

/* Expected strings came from CPython 3.11 (3.11.7):
 * urllib.parse.urlencode(list_of_pairs). */
static const encode_vector encode_vectors[] = {
    {protocol_example, COUNT(protocol_example),
     "lifetime=3600&rse=MOCK&svc=s3&op=read&url=https%3A%2F%2Fs3.example.org"
     "%2Fbuck+et%2Fkey~_.-%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5"
     "B%5D%25"},
    {NULL, 0, ""},
    {empty_pair, COUNT(empty_pair), "="},
    {empty_value, COUNT(empty_value), "k="},
    {repeated_key, COUNT(repeated_key), "a=1&a=2"},
    {utf8_pairs, COUNT(utf8_pairs),
     "a+b=c%26d%3De&%C3%BC=%E6%9D%B1%E4%BA%AC+%F0%9F%98%80"},
    {did_pairs, COUNT(did_pairs),
     "name=user.jdoe%3Afile+1.root&did=scope%3A%2Fa%2Fb%3Fc%23d"},
    {plus_pairs, COUNT(plus_pairs), "x%2By=100%25+sure&~_.-=~_.-"},
};

static void test_encode_query_matches_python(void **state)
{
    char data[512];
    rucio_strbuf b;

    (void)state;
    for (size_t i = 0; i < COUNT(encode_vectors); i++) {
        const encode_vector *v = &encode_vectors[i];

        rucio_strbuf_init(&b, data, sizeof data);
        rucio_url_encode_query(&b, v->params, v->count);
        if (b.status != RUCIO_OK || strcmp(b.data, v->want) != 0)
            print_error("vector %zu\n", i);
        assert_int_equal(b.status, RUCIO_OK);
        assert_string_equal(b.data, v->want);
    }
}

/* The example of the protocol notes (section 2.1), copied from there
 * rather than from the Python run above: both sources must agree. */
static void test_encode_query_protocol_notes_example(void **state)
{
    char data[256];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, data, sizeof data);
    rucio_url_encode_query(&b, protocol_example, COUNT(protocol_example));
    assert_int_equal(b.status, RUCIO_OK);
    assert_string_equal(b.data,
        "lifetime=3600&rse=MOCK&svc=s3&op=read&url=https%3A%2F%2Fs3.example."
        "org%2Fbuck+et%2Fkey~_.-%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F"
        "%23%5B%5D%25");
}

static void test_encode_query_null_parts(void **state)
{
    static const rucio_query_param null_value[] = {{"a", "1"}, {"b", NULL}};
    static const rucio_query_param null_key[] = {{NULL, "1"}};
    char data[64];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, data, sizeof data);
    rucio_url_encode_query(&b, null_value, COUNT(null_value));
    assert_int_equal(b.status, RUCIO_E_INVALID_ARG);

    rucio_strbuf_init(&b, data, sizeof data);
    rucio_url_encode_query(&b, null_key, COUNT(null_key));
    assert_int_equal(b.status, RUCIO_E_INVALID_ARG);

    rucio_strbuf_init(&b, data, sizeof data);
    rucio_url_encode_query(&b, NULL, 2);
    assert_int_equal(b.status, RUCIO_E_INVALID_ARG);
}

/* A query that does not fit is reported, never sent cut short. */
static void test_encode_query_overflow(void **state)
{
    char data[20];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, data, sizeof data);
    rucio_url_encode_query(&b, protocol_example, COUNT(protocol_example));
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    assert_string_equal(b.data, "lifetime=3600&rse=");
}

/* ---- Coverage: a NULL text after an overflow keeps the first error --------- */

static void test_cov_null_after_overflow_keeps_no_space(void **state)
{
    char small[4];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, small, sizeof small);
    rucio_url_quote(&b, "abcdef", 6);
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    rucio_url_quote(&b, NULL, 3);
    assert_int_equal(b.status, RUCIO_E_NO_SPACE);
    /* and on a builder that was fine, NULL is the caller's error */
    rucio_strbuf_init(&b, small, sizeof small);
    rucio_url_quote_plus(&b, NULL, 1);
    assert_int_equal(b.status, RUCIO_E_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_plus_matches_python),
        cmocka_unit_test(test_quote_matches_python),
        cmocka_unit_test(test_quote_uses_length_not_nul),
        cmocka_unit_test(test_quote_appends),
        cmocka_unit_test(test_quote_overflow_keeps_whole_escapes),
        cmocka_unit_test(test_quote_null_text),
        cmocka_unit_test(test_encode_query_matches_python),
        cmocka_unit_test(test_encode_query_protocol_notes_example),
        cmocka_unit_test(test_encode_query_null_parts),
        cmocka_unit_test(test_encode_query_overflow),
        cmocka_unit_test(test_cov_null_after_overflow_keeps_no_space),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

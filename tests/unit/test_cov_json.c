/*
 * Unit tests for the JSON layer's edges: \u escapes around the surrogate
 * ranges, documents that jsmn accepts and the validating walk must refuse
 * (trailing commas, bad member names), and the lookups' argument checks.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "json/json.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_TOKENS 16

typedef struct doc_case {
    const char *text;
    rucio_status want;
} doc_case;

static const doc_case cases[] = {
    /* \u escapes: around both surrogate ranges */
    {"\"\\uD7FF\"", RUCIO_OK},
    {"\"\\uE000\"", RUCIO_OK},            /* above the low surrogates */
    {"\"\\uDBFF\\uDFFF\"", RUCIO_OK},      /* highest pair */
    {"\"\\uDC00\"", RUCIO_E_JSON},         /* low surrogate alone */
    {"\"\\uD800\"", RUCIO_E_JSON},         /* high one at the end */
    {"\"\\uD800xxxxxx\"", RUCIO_E_JSON},   /* not followed by a backslash */
    {"\"\\uD800\\nxxxx\"", RUCIO_E_JSON},  /* followed by another escape */
    {"\"\\uD800\\u0041\"", RUCIO_E_JSON},  /* below the low range */
    {"\"\\uD800\\uE000\"", RUCIO_E_JSON},  /* above the low range */
    {"\"\\uD800\\uD800\"", RUCIO_E_JSON},  /* two high ones */
    /* What jsmn lets through and the grammar does not */
    {"[1,]", RUCIO_E_JSON},
    {"{\"a\":1,}", RUCIO_E_JSON},
    {"[\"a\" \"b\"]", RUCIO_E_JSON},
    {"{\"a\" 1}", RUCIO_E_JSON},
    {"{\"a\":1 \"b\":2}", RUCIO_E_JSON},
    {"{\"a\x01\":1}", RUCIO_E_JSON},       /* control character in a name */
    {"{\"\xC3\":1}", RUCIO_E_JSON},        /* cut UTF-8 in a name */
    {"{\"a\":\"b\":\"c\"}", RUCIO_E_JSON},
    {"[[1],[2]", RUCIO_E_JSON},
    {"{\"a\":{\"b\":[true,false,null]}}", RUCIO_OK},
    {" [ ] ", RUCIO_OK},
    {"{ }", RUCIO_OK},
};

static void test_documents(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++) {
        rucio_json_token tok[MAX_TOKENS];
        rucio_json doc;
        rucio_status st = rl_json_parse(&doc, cases[i].text,
                                        strlen(cases[i].text), tok,
                                        MAX_TOKENS);

        if (st != cases[i].want)
            fail_msg("%s: status %d, expected %d", cases[i].text, (int)st,
                     (int)cases[i].want);
        if (st != RUCIO_OK && doc.count != 0)
            fail_msg("%s: tokens kept after a failure", cases[i].text);
    }
}

static void test_surrogate_pair_value(void **state)
{
    const char *text = "{\"k\":\"\\uD83D\\uDE00\\u00e9\"}";
    rucio_json_token tok[MAX_TOKENS];
    rucio_json doc;
    char out[16];
    size_t len = 0;

    (void)state;
    assert_int_equal(rl_json_parse(&doc, text, strlen(text), tok,
                                   MAX_TOKENS), RUCIO_OK);
    assert_int_equal(rl_json_get_string(&doc, rl_json_object_get(&doc, 0,
                                                                        "k"),
                                           out, sizeof out, &len),
                     RUCIO_OK);
    assert_int_equal(len, 6);
    assert_memory_equal(out, "\xF0\x9F\x98\x80\xC3\xA9", 7);
}

static void test_parse_arguments(void **state)
{
    rucio_json_token tok[4];
    rucio_json doc;

    (void)state;
    assert_int_equal(rl_json_parse(NULL, "[]", 2, tok, 4),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_json_parse(&doc, NULL, 2, tok, 4),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_json_parse(&doc, "[]", 2, NULL, 4),
                     RUCIO_E_INVALID_ARG);
    /* Longer than jsmn's int offsets: refused before a byte is read. */
    assert_int_equal(rl_json_parse(&doc, "[]", (size_t)INT_MAX + 1u, tok, 4),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(doc.count, 0);
    /* A token count above INT_MAX is clamped, not wrapped negative. */
    assert_int_equal(rl_json_parse(&doc, "[7]", 3, tok, UINT_MAX),
                     RUCIO_OK);
    assert_int_equal(doc.count, 2);
    /* Too few tokens, for a container and for a bare scalar. */
    assert_int_equal(rl_json_parse(&doc, "[1,2]", 5, tok, 2),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(rl_json_parse(&doc, "12", 2, tok, 0),
                     RUCIO_E_NO_SPACE);
}

static void test_lookup_arguments(void **state)
{
    const char *text = "{\"n\":5,\"a\":[1]}";
    rucio_json_token tok[MAX_TOKENS];
    rucio_json doc;
    int64_t v = 99;

    (void)state;
    assert_int_equal(rl_json_parse(&doc, text, strlen(text), tok,
                                   MAX_TOKENS), RUCIO_OK);
    assert_int_equal(rl_json_type_of(NULL, 0), RUCIO_JSON_NONE);
    assert_int_equal(rl_json_type_of(&doc, doc.count), RUCIO_JSON_NONE);
    assert_int_equal(rl_json_type_of(&doc, -1), RUCIO_JSON_NONE);
    assert_int_equal(rl_json_object_get(&doc, 0, NULL), -1);
    assert_int_equal(rl_json_object_get(&doc, 0, "nx"), -1);
    assert_int_equal(rl_json_object_get(&doc, 0, ""), -1);
    assert_int_equal(rl_json_get_int64(&doc, rl_json_object_get(&doc, 0,
                                                                       "n"),
                                          NULL),
                     RUCIO_E_JSON);
    assert_int_equal(rl_json_get_int64(&doc, rl_json_object_get(&doc, 0,
                                                                       "n"),
                                          &v),
                     RUCIO_OK);
    assert_int_equal(v, 5);
    assert_int_equal(rl_json_array_get(&doc, 0, 0), -1); /* not an array */
    assert_int_equal(rl_json_array_get(&doc, rl_json_object_get(&doc, 0,
                                                                       "a"),
                                          1),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_surrogate_pair_value),
        cmocka_unit_test(test_parse_arguments),
        cmocka_unit_test(test_lookup_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

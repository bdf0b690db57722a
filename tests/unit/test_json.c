/*
 * Unit tests for the strict JSON layer (src/json/json.c): the bodies the
 * Rucio server really sends, documents that jsmn alone accepts but that
 * are not JSON, token and buffer limits, unescaping and number access.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json/json.h"

/* A text given with its length, so that it may hold NUL bytes. */
#define V(lit) lit, sizeof(lit) - 1

#define MAX_TOKENS 64

typedef struct parsed {
    rucio_json doc;
    rucio_json_token tokens[MAX_TOKENS];
    char buf[256];
    size_t len;
} parsed;

static void parse_ok(parsed *p, const char *text, size_t len)
{
    assert_int_equal(rl_json_parse(&p->doc, text, len, p->tokens,
                                   MAX_TOKENS),
                     RUCIO_OK);
}

/* The string member `key` of the top-level object, unescaped into p->buf. */
static const char *member_string(parsed *p, const char *key)
{
    int tok = rl_json_object_get(&p->doc, 0, key);

    assert_int_equal(rl_json_get_string(&p->doc, tok, p->buf,
                                        sizeof p->buf, &p->len),
                     RUCIO_OK);
    return p->buf;
}

/* rl_json_get_int64 of member `key` of the top-level object. */
static rucio_status member_int(const parsed *p, const char *key, int64_t *v)
{
    return rl_json_get_int64(&p->doc,
                             rl_json_object_get(&p->doc, 0, key), v);
}

/* The type of element `index` of array token `array`. */
static rucio_json_type element_type(const parsed *p, int array, size_t index)
{
    return rl_json_type_of(&p->doc,
                           rl_json_array_get(&p->doc, array, index));
}

/* ---- real server bodies ---------------------------------------------- */

/* GET /ping: Flask jsonify, compact separators, trailing newline. */
static void test_ping_body(void **state)
{
    static const char body[] = "{\"version\":\"41.5.1\"}\n";
    parsed p;

    (void)state;
    parse_ok(&p, V(body));
    assert_int_equal(p.doc.count, 3);
    assert_int_equal(rl_json_type_of(&p.doc, 0), RUCIO_JSON_OBJECT);
    assert_string_equal(member_string(&p, "version"), "41.5.1");
    assert_int_equal(p.len, 6);
    assert_int_equal(rl_json_object_get(&p.doc, 0, "Version"), -1);
    assert_int_equal(rl_json_object_get(&p.doc, 0, "versio"), -1);
}

/* GET /accounts/<account>: json.dumps default separators ", " and ": ",
 * nulls and naive UTC datetimes (generated with Python's json.dumps). */
static void test_account_body(void **state)
{
    static const char body[] =
        "{\"account\": \"root\", \"account_type\": \"SERVICE\", \"status\": "
        "\"ACTIVE\", \"email\": null, \"suspended_at\": null, \"deleted_at\": "
        "null, \"created_at\": \"2026-11-29T09:19:38\", \"updated_at\": "
        "\"2026-11-29T09:19:38\"}";
    parsed p;
    int email;

    (void)state;
    parse_ok(&p, V(body));
    assert_int_equal(p.doc.count, 17);
    assert_string_equal(member_string(&p, "account"), "root");
    assert_string_equal(member_string(&p, "account_type"), "SERVICE");
    assert_string_equal(member_string(&p, "status"), "ACTIVE");
    assert_string_equal(member_string(&p, "created_at"),
                        "2026-11-29T09:19:38");
    assert_string_equal(member_string(&p, "updated_at"),
                        "2026-11-29T09:19:38");
    email = rl_json_object_get(&p.doc, 0, "email");
    assert_true(email > 0);
    assert_true(rl_json_is_null(&p.doc, email));
    assert_int_equal(rl_json_type_of(&p.doc, email), RUCIO_JSON_NULL);
    assert_int_equal(rl_json_get_string(&p.doc, email, p.buf,
                                        sizeof p.buf, NULL),
                     RUCIO_E_JSON);
    assert_true(rl_json_is_null(&p.doc,
                                rl_json_object_get(&p.doc, 0,
                                                   "deleted_at")));
    assert_false(rl_json_is_null(&p.doc,
                                 rl_json_object_get(&p.doc, 0,
                                                    "account")));
}

/* The body of every Rucio error response (generate_http_error_flask). */
static void test_error_body(void **state)
{
    static const char body[] =
        "{\"ExceptionClass\": \"AccessDenied\", \"ExceptionMessage\": "
        "\"Account nosign can not get signed URL for rse=MOCK-GCS, "
        "service=gcs, operation=read, "
        "url=https://storage.googleapis.com/bucket/file, lifetime=600\"}";
    parsed p;

    (void)state;
    parse_ok(&p, V(body));
    assert_string_equal(member_string(&p, "ExceptionClass"), "AccessDenied");
    assert_string_equal(member_string(&p, "ExceptionMessage"),
                        "Account nosign can not get signed URL for "
                        "rse=MOCK-GCS, service=gcs, operation=read, "
                        "url=https://storage.googleapis.com/bucket/file, "
                        "lifetime=600");
}

/* json.dumps({"ExceptionMessage": "Line one\nCafé 😀 done"}) escapes the
 * newline and, with ensure_ascii, the é and the emoji (a surrogate pair);
 * the expected bytes are Python's .encode() of the loaded string. */
static void test_escaped_message(void **state)
{
    static const char body[] =
        "{\"ExceptionClass\": \"RucioException\", \"ExceptionMessage\": "
        "\"Line one\\nCaf\\u00e9 \\ud83d\\ude00 done\"}";
    static const char expected[] =
        "Line one\nCaf\xc3\xa9 \xf0\x9f\x98\x80 done";
    parsed p;

    (void)state;
    parse_ok(&p, V(body));
    assert_string_equal(member_string(&p, "ExceptionMessage"), expected);
    assert_int_equal(p.len, sizeof expected - 1);
}

/* The 206 answer of an identity mapped to several accounts. */
static void test_account_list(void **state)
{
    static const char body[] = "[\"alice\", \"bob\", \"carol\"]";
    parsed p;
    int second;

    (void)state;
    parse_ok(&p, V(body));
    assert_int_equal(rl_json_type_of(&p.doc, 0), RUCIO_JSON_ARRAY);
    second = rl_json_array_get(&p.doc, 0, 1);
    assert_int_equal(rl_json_get_string(&p.doc, second, p.buf,
                                        sizeof p.buf, NULL),
                     RUCIO_OK);
    assert_string_equal(p.buf, "bob");
    assert_true(rl_json_array_get(&p.doc, 0, 2) > 0);
    assert_int_equal(rl_json_array_get(&p.doc, 0, 3), -1);
    assert_int_equal(rl_json_object_get(&p.doc, 0, "alice"), -1);
}

/* ---- structure and lookups ------------------------------------------- */

static void test_nested_lookup(void **state)
{
    static const char body[] =
        "{\"a\": {\"b\": [1, {\"c\": \"deep\"}, []], \"x\": {}}, "
        "\"c\": \"top\", \"e\": [[], [true, false]]}";
    parsed p;
    int a, b, elem, c, e, inner;

    (void)state;
    parse_ok(&p, V(body));
    /* A key nested deeper is not a member of the outer object. */
    assert_string_equal(member_string(&p, "c"), "top");
    a = rl_json_object_get(&p.doc, 0, "a");
    assert_int_equal(rl_json_object_get(&p.doc, 0, "b"), -1);
    b = rl_json_object_get(&p.doc, a, "b");
    assert_int_equal(rl_json_type_of(&p.doc, b), RUCIO_JSON_ARRAY);
    elem = rl_json_array_get(&p.doc, b, 1);
    c = rl_json_object_get(&p.doc, elem, "c");
    assert_int_equal(rl_json_get_string(&p.doc, c, p.buf, sizeof p.buf,
                                        NULL),
                     RUCIO_OK);
    assert_string_equal(p.buf, "deep");
    assert_int_equal(element_type(&p, b, 2), RUCIO_JSON_ARRAY);
    assert_int_equal(rl_json_array_get(&p.doc, b, 3), -1);
    assert_int_equal(rl_json_type_of(&p.doc,
                                     rl_json_object_get(&p.doc, a, "x")),
                     RUCIO_JSON_OBJECT);
    e = rl_json_object_get(&p.doc, 0, "e");
    inner = rl_json_array_get(&p.doc, e, 1);
    assert_int_equal(element_type(&p, inner, 0), RUCIO_JSON_TRUE);
    assert_int_equal(element_type(&p, inner, 1), RUCIO_JSON_FALSE);
    assert_int_equal(element_type(&p, inner, 2), RUCIO_JSON_NONE);
    assert_int_equal(element_type(&p, rl_json_array_get(&p.doc, e, 0), 0),
                     RUCIO_JSON_NONE);
}

/* Names are compared after unescaping; a repeated name yields the last
 * member, as json.loads('{"a":1,"a":2}') does in Python. */
static void test_key_matching(void **state)
{
    static const char body[] =
        "{\"a\\u0062\": 1, \"q\\\"t\": 2, \"caf\\u00e9\": 3, \"d\": 4, "
        "\"d\": 5, \"\": 6}";
    parsed p;
    int64_t v;
    char *short_key;

    (void)state;
    parse_ok(&p, V(body));
    assert_int_equal(member_int(&p, "ab", &v), RUCIO_OK);
    assert_int_equal(v, 1);
    assert_int_equal(member_int(&p, "q\"t", &v), RUCIO_OK);
    assert_int_equal(v, 2);
    assert_int_equal(member_int(&p, "caf\xc3\xa9", &v), RUCIO_OK);
    assert_int_equal(v, 3);
    assert_int_equal(member_int(&p, "d", &v), RUCIO_OK);
    assert_int_equal(v, 5);
    assert_int_equal(member_int(&p, "", &v), RUCIO_OK);
    assert_int_equal(v, 6);
    /* The escaped spelling is not the name. */
    assert_int_equal(rl_json_object_get(&p.doc, 0, "a\\u0062"), -1);
    assert_int_equal(rl_json_object_get(&p.doc, 0, "a"), -1);
    assert_int_equal(rl_json_object_get(&p.doc, 0, "abc"), -1);
    /* A key that ends where a two-byte character of the name begins must
     * not be read past its end (the sanitizers see the exact allocation). */
    short_key = malloc(4);
    assert_non_null(short_key);
    memcpy(short_key, "caf", 4);
    assert_int_equal(rl_json_object_get(&p.doc, 0, short_key), -1);
    free(short_key);
}

/* RFC 8259 allows any value at the top level; jsmn's strict mode cannot
 * end on a bare primitive, which json.c handles itself. */
static void test_top_level_scalars(void **state)
{
    parsed p;
    int64_t v;

    (void)state;
    parse_ok(&p, V("42"));
    assert_int_equal(rl_json_get_int64(&p.doc, 0, &v), RUCIO_OK);
    assert_int_equal(v, 42);
    parse_ok(&p, V(" \t-7\r\n"));
    assert_int_equal(rl_json_get_int64(&p.doc, 0, &v), RUCIO_OK);
    assert_int_equal(v, -7);
    parse_ok(&p, V("true"));
    assert_int_equal(rl_json_type_of(&p.doc, 0), RUCIO_JSON_TRUE);
    parse_ok(&p, V("null "));
    assert_true(rl_json_is_null(&p.doc, 0));
    parse_ok(&p, V("\"s\""));
    assert_int_equal(rl_json_type_of(&p.doc, 0), RUCIO_JSON_STRING);
    parse_ok(&p, V("0.5e-3"));
    assert_int_equal(rl_json_type_of(&p.doc, 0), RUCIO_JSON_NUMBER);
    assert_int_equal(p.doc.count, 1);
}

/* Valid JSON (each accepted by Python's json.loads) that must pass. */
static void test_valid_documents(void **state)
{
    static const struct {
        const char *text;
        size_t len;
    } docs[] = {
        {V("{}")},
        {V("[]")},
        {V("[[]]")},
        {V("{\"\":\"\"}")},
        {V(" \t\r\n[1]\n")},
        {V("[1e5, -0, 0.5e-3, 1E+2, 10, -1.25]")},
        {V("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]")},
        {V("[\"a\x7f\"]")},
        {V("[\"\\u0000\"]")},
        {V("[\"\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9\xf4\x8f\xbf\xbf\"]")},
        {V("{\"a\":[{\"b\":{\"c\":[null,true,false,\"x\"]}}]}")},
    };
    size_t i;
    parsed p;

    (void)state;
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        print_message("valid[%zu]\n", i);
        parse_ok(&p, docs[i].text, docs[i].len);
    }
}

/* ---- invalid documents ----------------------------------------------- */

typedef struct bad_doc {
    const char *text;
    size_t len;
} bad_doc;

/* Every entry is rejected by RFC 8259. Those marked "jsmn" were ACCEPTED
 * by jsmn 1.1.0 on its own with this project's options (JSMN_STRICT,
 * JSMN_PARENT_LINKS): a probe program returned a token count for them.
 * The others are refused by jsmn too and check that json.c keeps it so. */
static const bad_doc bad_docs[] = {
    {V("[1,]")},                       /* jsmn: trailing comma */
    {V("{\"a\":1,}")},                 /* jsmn */
    {V("[true,]")},                    /* jsmn */
    {V("[1,\n]")},                     /* jsmn */
    {V("[,1]")},                       /* jsmn: leading comma */
    {V("{,}")},                        /* jsmn */
    {V("[1,,2]")},                     /* jsmn: empty element */
    {V("[\"a\",,\"b\"]")},             /* jsmn */
    {V("{\"a\":1,,\"b\":2}")},         /* jsmn */
    {V("[1 2]")},                      /* jsmn: missing comma */
    {V("[true false]")},               /* jsmn */
    {V("{\"a\":1 \"b\":2}")},          /* jsmn */
    {V("\"a\" \"b\"")},                /* jsmn: two top-level values */
    {V("{\"a\":1}{}")},                /* jsmn */
    {V(" [1] , ")},                    /* jsmn */
    {V("{\"a\"}")},                    /* jsmn: name without value */
    {V("{\"a\":}")},                   /* jsmn */
    {V("{\"a\",\"b\"}")},              /* jsmn */
    {V("{\"a\":1,\"b\"}")},            /* jsmn */
    {V("{\"a\"::1}")},                 /* jsmn */
    {V("{\"a\":1:2}")},                /* jsmn */
    {V("[\"a\":1]")},                  /* jsmn: colon in an array */
    {V("[1:2]")},                      /* jsmn */
    {V("01 ")},                        /* jsmn: leading zero */
    {V("[01]")},                       /* jsmn */
    {V("[-01]")},                      /* jsmn */
    {V("[1.]")},                       /* jsmn: no fraction digits */
    {V("[1.e5]")},                     /* jsmn */
    {V("[-]")},                        /* jsmn */
    {V("[--1]")},                      /* jsmn */
    {V("[1-]")},                       /* jsmn */
    {V("[-a]")},                       /* jsmn */
    {V("[1e]")},                       /* jsmn: no exponent digits */
    {V("[1e+]")},                      /* jsmn */
    {V("[1E+-1]")},                    /* jsmn */
    {V("[1e5.5]")},                    /* jsmn */
    {V("[0x10]")},                     /* jsmn */
    {V("[tru]")},                      /* jsmn: literal misspelt */
    {V("[truex]")},                    /* jsmn */
    {V("[nul]")},                      /* jsmn */
    {V("[\"a\x01\"]")},                /* jsmn: raw control character */
    {V("[\"\t\"]")},                   /* jsmn: raw tab */
    {V("[\"\\ud800\"]")},              /* jsmn: lone high surrogate */
    {V("[\"\\udc00\"]")},              /* jsmn: lone low surrogate */
    {V("[\"\\ud800\\u0041\"]")},       /* jsmn: high surrogate, no low */
    {V("[\"\\ud800\\ud800\"]")},       /* jsmn: two high surrogates */
    {V("[\"\xc0\xaf\"]")},             /* jsmn: overlong '/' */
    {V("[\"\xe0\x80\xaf\"]")},         /* jsmn: overlong, 3 bytes */
    {V("[\"\xed\xa0\x80\"]")},         /* jsmn: UTF-8 encoded surrogate */
    {V("[\"\xff\"]")},                 /* jsmn: not UTF-8 at all */
    {V("[\"\x80\"]")},                 /* jsmn: stray continuation byte */
    {V("[\"\xe2\x82\"]")},             /* jsmn: truncated sequence */
    {V("[\"\xf4\x90\x80\x80\"]")},     /* jsmn: above U+10FFFF */
    {V(",")},                          /* jsmn: zero tokens, no value */
    {V(":")},                          /* jsmn */
    {V("")},                           /* jsmn: empty document */
    {V(" \n ")},                       /* jsmn */
    {V("{\"a\" 1}")},
    {V("\"\\x\"")},
    {V("[\"\\u12\"]")},
    {V("01")},
    {V("1.")},
    {V("tru")},
    {V("-")},
    {V("+1")},
    {V(".5")},
    {V("NaN")},
    {V("[1]]")},
    {V("[[]")},
    {V("{\"a\":[1}")},
    {V("[1]\0")},                      /* jsmn: NUL after the value */
    {V("[\"a\0b\"]")},                 /* NUL inside a string */
    {V("[\"abc")},
    {V("{\"a\":1")},
};

static void test_invalid_documents(void **state)
{
    size_t i;
    parsed p;

    (void)state;
    for (i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
        print_message("invalid[%zu]\n", i);
        assert_int_equal(rl_json_parse(&p.doc, bad_docs[i].text,
                                       bad_docs[i].len, p.tokens,
                                       MAX_TOKENS),
                         RUCIO_E_JSON);
        /* A failed parse leaves nothing to look up. */
        assert_int_equal(rl_json_type_of(&p.doc, 0), RUCIO_JSON_NONE);
    }
}

/* ---- limits ---------------------------------------------------------- */

static void test_token_overflow(void **state)
{
    /* object, "a", array, 1, 2, "b", null: 7 tokens */
    static const char body[] = "{\"a\": [1, 2], \"b\": null}";
    rucio_json_token tokens[7];
    rucio_json doc;

    (void)state;
    assert_int_equal(rl_json_parse(&doc, V(body), tokens, 6),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(rl_json_type_of(&doc, 0), RUCIO_JSON_NONE);
    assert_int_equal(rl_json_parse(&doc, V(body), tokens, 7), RUCIO_OK);
    assert_int_equal(doc.count, 7);
    /* A bare scalar needs one token too. */
    assert_int_equal(rl_json_parse(&doc, V("7"), tokens, 0),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(rl_json_parse(NULL, V("7"), tokens, 1),
                     RUCIO_E_INVALID_ARG);
}

/* The unescaped text plus its NUL must fit: one byte short fails. */
static void test_unescape_overflow(void **state)
{
    static const char body[] = "{\"v\": \"41.5.1\", \"w\": \"Caf\\u00e9\"}";
    parsed p;
    char out[8];
    size_t len = 0;
    int v, w;

    (void)state;
    parse_ok(&p, V(body));
    v = rl_json_object_get(&p.doc, 0, "v");
    memset(out, 'x', sizeof out);
    assert_int_equal(rl_json_get_string(&p.doc, v, out, 6, &len),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(len, 6);        /* the size needed, without the NUL */
    assert_string_equal(out, "");
    assert_int_equal(rl_json_get_string(&p.doc, v, out, 7, &len), RUCIO_OK);
    assert_string_equal(out, "41.5.1");
    /* "Café" is 5 bytes: the two-byte é must not be half written. */
    w = rl_json_object_get(&p.doc, 0, "w");
    memset(out, 'x', sizeof out);
    assert_int_equal(rl_json_get_string(&p.doc, w, out, 5, &len),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(len, 5);
    assert_string_equal(out, "");
    assert_int_equal(rl_json_get_string(&p.doc, w, out, 6, &len), RUCIO_OK);
    assert_string_equal(out, "Caf\xc3\xa9");
    /* Size query: no buffer at all. */
    assert_int_equal(rl_json_get_string(&p.doc, w, NULL, 0, &len),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(len, 5);
}

static void test_unescape_all_escapes(void **state)
{
    static const char body[] =
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\uD834\\uDD1E"
        "\\u0000z\"]";
    static const char expected[] =
        "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\0z";
    parsed p;

    (void)state;
    parse_ok(&p, V(body));
    assert_int_equal(rl_json_get_string(&p.doc, 1, p.buf, sizeof p.buf,
                                        &p.len),
                     RUCIO_OK);
    assert_int_equal(p.len, sizeof expected - 1);
    assert_memory_equal(p.buf, expected, sizeof expected);
}

static void test_wrong_types(void **state)
{
    static const char body[] = "{\"s\": \"12\", \"n\": 12, \"o\": {}}";
    parsed p;
    int64_t v = 99;

    (void)state;
    parse_ok(&p, V(body));
    assert_int_equal(member_int(&p, "s", &v), RUCIO_E_JSON);
    assert_int_equal(rl_json_get_string(&p.doc,
                                        rl_json_object_get(&p.doc, 0,
                                                           "n"),
                                           p.buf, sizeof p.buf, NULL),
                     RUCIO_E_JSON);
    assert_int_equal(rl_json_get_string(&p.doc, -1, p.buf, sizeof p.buf,
                                        NULL),
                     RUCIO_E_JSON);
    assert_int_equal(rl_json_get_int64(&p.doc, 99, &v), RUCIO_E_JSON);
    assert_int_equal(v, 99);
    assert_int_equal(rl_json_type_of(&p.doc, -1), RUCIO_JSON_NONE);
    assert_int_equal(rl_json_type_of(&p.doc, p.doc.count), RUCIO_JSON_NONE);
    assert_int_equal(rl_json_object_get(&p.doc, 2, "s"), -1);
    assert_int_equal(rl_json_array_get(&p.doc, 0, 0), -1);
    assert_int_equal(rl_json_object_get(&p.doc,
                                        rl_json_object_get(&p.doc, 0,
                                                           "o"),
                                           "s"),
                     -1);
}

static void test_int64_limits(void **state)
{
    static const char body[] =
        "{\"max\": 9223372036854775807, \"min\": -9223372036854775808, "
        "\"over\": 9223372036854775808, \"under\": -9223372036854775809, "
        "\"frac\": 1.5, \"exp\": 1e3, \"negzero\": -0, \"zero\": 0}";
    parsed p;
    int64_t v;

    (void)state;
    parse_ok(&p, V(body));
    assert_int_equal(member_int(&p, "max", &v), RUCIO_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(member_int(&p, "min", &v), RUCIO_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(member_int(&p, "over", &v), RUCIO_E_JSON);
    assert_int_equal(member_int(&p, "under", &v), RUCIO_E_JSON);
    assert_int_equal(member_int(&p, "frac", &v), RUCIO_E_JSON);
    assert_int_equal(member_int(&p, "exp", &v), RUCIO_E_JSON);
    assert_int_equal(member_int(&p, "negzero", &v), RUCIO_OK);
    assert_int_equal(v, 0);
    assert_int_equal(member_int(&p, "zero", &v), RUCIO_OK);
    assert_int_equal(v, 0);
}

/* Members by position, as download walks replicas/list's "pfns": the
 * name token, whose value is the next token, nested values skipped. */
static void test_object_key_at(void **state)
{
    static const char body[] =
        "{\"pfns\": {\"https://a/f?x=1\": {\"rse\": \"A\", \"n\": [1, {}]}, "
        "\"https://b/f\": {\"rse\": \"B\"}}, \"empty\": {}, \"list\": [1]}";
    parsed p;
    int pfns, k;

    (void)state;
    parse_ok(&p, V(body));
    pfns = rl_json_object_get(&p.doc, 0, "pfns");
    k = rl_json_object_key_at(&p.doc, pfns, 0);
    assert_int_equal(rl_json_get_string(&p.doc, k, p.buf, sizeof p.buf, NULL),
                     RUCIO_OK);
    assert_string_equal(p.buf, "https://a/f?x=1");
    assert_int_equal(rl_json_type_of(&p.doc, k + 1), RUCIO_JSON_OBJECT);
    k = rl_json_object_key_at(&p.doc, pfns, 1);
    assert_int_equal(rl_json_get_string(&p.doc, k, p.buf, sizeof p.buf, NULL),
                     RUCIO_OK);
    assert_string_equal(p.buf, "https://b/f");
    assert_int_equal(rl_json_get_string(&p.doc,
                                        rl_json_object_get(&p.doc, k + 1,
                                                           "rse"),
                                        p.buf, sizeof p.buf, NULL),
                     RUCIO_OK);
    assert_string_equal(p.buf, "B");
    assert_int_equal(rl_json_object_key_at(&p.doc, pfns, 2), -1);
    /* the top level: pfns, empty, list */
    assert_int_equal(rl_json_object_key_at(&p.doc, 0, 0), 1);
    k = rl_json_object_key_at(&p.doc, 0, 2);
    assert_int_equal(rl_json_get_string(&p.doc, k, p.buf, sizeof p.buf, NULL),
                     RUCIO_OK);
    assert_string_equal(p.buf, "list");
    assert_int_equal(rl_json_object_key_at(&p.doc,
                                           rl_json_object_get(&p.doc, 0,
                                                              "empty"),
                                           0),
                     -1);
    /* not an object, or no token at all */
    assert_int_equal(rl_json_object_key_at(&p.doc,
                                           rl_json_object_get(&p.doc, 0,
                                                              "list"),
                                           0),
                     -1);
    assert_int_equal(rl_json_object_key_at(&p.doc, -1, 0), -1);
    assert_int_equal(rl_json_object_key_at(&p.doc, p.doc.count, 0), -1);
}

static const char *put_string(char *out, size_t cap, const char *s)
{
    rucio_strbuf b;

    rucio_strbuf_init(&b, out, cap);
    rl_json_put_string(&b, s);
    assert_int_equal(b.status, RUCIO_OK);
    return out;
}

/* The JSON writer of request bodies: quotes and backslashes escaped,
 * control characters as \u00XX, everything else (UTF-8, DEL, '/') as it
 * is; what it writes parses back to the same text. */
static void test_put_string_escapes(void **state)
{
    static const char raw[] = "a\"b\\c/\x01\x1f\t\n\r\x7f \xc3\xa9";
    char out[128], doc[160];
    parsed p;

    (void)state;
    assert_string_equal(put_string(out, sizeof out, ""), "\"\"");
    assert_string_equal(put_string(out, sizeof out, "lite:f1"),
                        "\"lite:f1\"");
    assert_string_equal(put_string(out, sizeof out, raw),
                        "\"a\\\"b\\\\c/\\u0001\\u001f\\u0009\\u000a\\u000d"
                        "\x7f \xc3\xa9\"");
    snprintf(doc, sizeof doc, "{\"s\": %s}", out);
    parse_ok(&p, doc, strlen(doc));
    assert_string_equal(member_string(&p, "s"), raw);
}

/* A string that does not fit leaves the buffer's status failed, never
 * a cut document that looks whole. */
static void test_put_string_overflow(void **state)
{
    char out[8], fit[9];
    rucio_strbuf b;

    (void)state;
    rucio_strbuf_init(&b, out, sizeof out);
    rl_json_put_string(&b, "abcdef");
    assert_int_not_equal(b.status, RUCIO_OK);
    rucio_strbuf_init(&b, out, sizeof out);
    rl_json_put_string(&b, "\x01\x02");
    assert_int_not_equal(b.status, RUCIO_OK);
    /* exactly the room: 8 bytes and the NUL */
    rucio_strbuf_init(&b, fit, sizeof fit);
    rl_json_put_string(&b, "\"\"\"");
    assert_int_equal(b.status, RUCIO_OK);
    assert_string_equal(fit, "\"\\\"\\\"\\\"\"");
    assert_int_equal(b.len, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_body),
        cmocka_unit_test(test_account_body),
        cmocka_unit_test(test_error_body),
        cmocka_unit_test(test_escaped_message),
        cmocka_unit_test(test_account_list),
        cmocka_unit_test(test_nested_lookup),
        cmocka_unit_test(test_key_matching),
        cmocka_unit_test(test_top_level_scalars),
        cmocka_unit_test(test_valid_documents),
        cmocka_unit_test(test_invalid_documents),
        cmocka_unit_test(test_token_overflow),
        cmocka_unit_test(test_unescape_overflow),
        cmocka_unit_test(test_unescape_all_escapes),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_int64_limits),
        cmocka_unit_test(test_object_key_at),
        cmocka_unit_test(test_put_string_escapes),
        cmocka_unit_test(test_put_string_overflow),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

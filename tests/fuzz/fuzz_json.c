/*
 * libFuzzer target: the JSON layer (src/json/json.h) on any bytes.
 *
 * Input: one byte choosing the token budget, then the document. For a
 * document that parses, every token is visited through the public calls:
 *   - rl_json_get_string: the length reported for a too-small buffer
 *     equals the length of the full unescape, the text fits exactly, is
 *     NUL-terminated, valid UTF-8 (checked independently here) and never
 *     longer than the escaped token;
 *   - rl_json_get_int64: agrees with strtoll on plain integers and
 *     refuses fractions, exponents and overflow;
 *   - rl_json_object_get: finds every key whose name has no NUL, and
 *     the value it returns belongs to the last member of that name;
 *   - rl_json_array_get: index i is a child, index size is -1.
 * A refused document leaves no tokens.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "json/json.h"

#define MAX_TOKENS 512

static rucio_json_token tokens[MAX_TOKENS];

/* Unescape tok into a fresh buffer of exactly the reported size. */
static char *unescape(const rucio_json *doc, int tok, size_t *out_len)
{
    char small[1];
    size_t len = (size_t)-1;
    char *out;
    rucio_status st;

    st = rl_json_get_string(doc, tok, small, sizeof small, &len);
    FUZZ_CHECK(st == RUCIO_OK || st == RUCIO_E_NO_SPACE);
    FUZZ_CHECK(small[0] == '\0');
    FUZZ_CHECK(st == RUCIO_OK ? len == 0 : len > 0);
    out = malloc(len + 1);
    FUZZ_CHECK(out != NULL);
    FUZZ_CHECK(rl_json_get_string(doc, tok, out, len + 1, out_len) ==
               RUCIO_OK);
    FUZZ_CHECK(*out_len == len && out[len] == '\0');
    return out;
}

static void check_string(const rucio_json *doc, int tok)
{
    const rucio_json_token *t = &doc->tokens[tok];
    size_t len;
    char *s = unescape(doc, tok, &len);

    FUZZ_CHECK(len <= (size_t)(t->end - t->start));
    FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)s, len));
    free(s);
}

static void check_number(const rucio_json *doc, int tok)
{
    const rucio_json_token *t = &doc->tokens[tok];
    size_t n = (size_t)(t->end - t->start);
    char *text = fuzz_strndup((const uint8_t *)doc->text + t->start, n);
    int plain = strpbrk(text, ".eE") == NULL;
    long long expect;
    int64_t got = 0;
    rucio_status st = rl_json_get_int64(doc, tok, &got);

    errno = 0;
    expect = strtoll(text, NULL, 10);
    if (plain && errno == 0) {
        FUZZ_CHECK(st == RUCIO_OK);
        FUZZ_CHECK(got == expect);
    } else if (!plain) {
        FUZZ_CHECK(st == RUCIO_E_JSON);
    } else {
        FUZZ_CHECK(st == RUCIO_E_JSON); /* out of int64_t range */
    }
    free(text);
}

/* Keys are tokens whose parent is the object; values hang off keys. */
static void check_object(const rucio_json *doc, int obj)
{
    int i, keys = 0;

    /* the first 16 keys: enough for the shapes, and quadratic beyond */
    for (i = obj + 1; i < doc->count && keys < 16; i++) {
        const rucio_json_token *key = &doc->tokens[i];
        size_t len;
        char *name;
        int found, last = -1, j;

        if (key->parent != obj)
            continue;
        keys++;
        FUZZ_CHECK(rl_json_type_of(doc, i) == RUCIO_JSON_STRING);
        FUZZ_CHECK(key->size == 1 && i + 1 < doc->count &&
                   doc->tokens[i + 1].parent == i);
        name = unescape(doc, i, &len);
        found = rl_json_object_get(doc, obj, name);
        if (strlen(name) == len) {
            /* the last member with this name wins, as in Python */
            for (j = obj + 1; j < doc->count; j++) {
                size_t n2;
                char *other;

                if (doc->tokens[j].parent != obj)
                    continue;
                other = unescape(doc, j, &n2);
                if (n2 == len && memcmp(other, name, len) == 0)
                    last = j + 1;
                free(other);
            }
            FUZZ_CHECK(found == last);
        } else {
            FUZZ_CHECK(found == -1 || doc->tokens[found].parent >= obj);
        }
        free(name);
    }
    FUZZ_CHECK(rl_json_array_get(doc, obj, 0) == -1);
}

static void check_array(const rucio_json *doc, int arr)
{
    size_t size = (size_t)doc->tokens[arr].size;
    size_t i;

    for (i = 0; i < size && i < 8; i++) {
        int el = rl_json_array_get(doc, arr, i);

        FUZZ_CHECK(el > arr && el < doc->count);
        FUZZ_CHECK(doc->tokens[el].parent == arr);
    }
    FUZZ_CHECK(rl_json_array_get(doc, arr, size) == -1);
    FUZZ_CHECK(rl_json_object_get(doc, arr, "a") == -1);
}

static void check_token(const rucio_json *doc, int tok)
{
    switch (rl_json_type_of(doc, tok)) {
    case RUCIO_JSON_STRING:
        check_string(doc, tok);
        break;
    case RUCIO_JSON_NUMBER:
        check_number(doc, tok);
        break;
    case RUCIO_JSON_OBJECT:
        check_object(doc, tok);
        break;
    case RUCIO_JSON_ARRAY:
        check_array(doc, tok);
        break;
    case RUCIO_JSON_NULL:
        FUZZ_CHECK(rl_json_is_null(doc, tok));
        break;
    case RUCIO_JSON_TRUE:
    case RUCIO_JSON_FALSE:
        FUZZ_CHECK(!rl_json_is_null(doc, tok));
        break;
    default:
        FUZZ_CHECK(0);
    }
    if (rl_json_type_of(doc, tok) != RUCIO_JSON_STRING)
        FUZZ_CHECK(rl_json_get_string(doc, tok, NULL, 0, NULL) ==
                   RUCIO_E_JSON);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rucio_json doc;
    unsigned max_tokens;
    char *text;
    rucio_status st;
    int i;

    if (size < 1)
        return 0;
    /* small budgets too: running out of tokens is its own path */
    max_tokens = data[0] < 0x80 ? MAX_TOKENS : 1u + (data[0] & 0x3fu);
    text = fuzz_strndup(data + 1, size - 1);
    memset(&doc, 0, sizeof doc);
    st = rl_json_parse(&doc, text, size - 1, tokens, max_tokens);
    if (st != RUCIO_OK) {
        FUZZ_CHECK(st == RUCIO_E_JSON || st == RUCIO_E_NO_SPACE);
        FUZZ_CHECK(doc.count == 0);
        FUZZ_CHECK(rl_json_type_of(&doc, 0) == RUCIO_JSON_NONE);
        free(text);
        return 0;
    }
    FUZZ_CHECK(doc.count >= 1 && (unsigned)doc.count <= max_tokens);
    FUZZ_CHECK(rl_json_type_of(&doc, -1) == RUCIO_JSON_NONE);
    FUZZ_CHECK(rl_json_type_of(&doc, doc.count) == RUCIO_JSON_NONE);
    for (i = 0; i < doc.count; i++) {
        FUZZ_CHECK(doc.tokens[i].start >= 0 &&
                   doc.tokens[i].end <= (int)(size - 1) &&
                   doc.tokens[i].start <= doc.tokens[i].end);
        check_token(&doc, i);
    }
    free(text);
    return 0;
}

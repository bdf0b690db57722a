/*
 * rucio-lite (private): strict JSON on top of jsmn.
 *
 * jsmn tokenises; on its own it accepts text that is not JSON even in
 * strict mode ("[1,]", "01", "{\"a\":1}{}", raw control characters, bad
 * escapes and bad UTF-8: jsmn issues #52 and #178) and it cannot unescape
 * strings (#140). rl_json_parse therefore walks the whole text again
 * after jsmn, checking it against the RFC 8259 grammar and checking that
 * every token jsmn produced sits exactly where the grammar puts it. A
 * document that passes can be trusted by the lookups below.
 *
 * Nothing is copied: tokens point into the caller's text, and the caller
 * owns both the text and the token array (typically on its stack).
 */
#ifndef RUCIO_JSON_H
#define RUCIO_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/status.h"
#include "rucio/strbuf.h"

/*
 * rucio_json_token is jsmn's own token type, so that the caller's array is
 * handed to jsmn as it is: a look-alike struct of our own would need a
 * cast between two struct types, which is undefined behaviour (strict
 * aliasing), or a second array, which would double the memory. The jsmn
 * options live here and nowhere else because they change the token
 * layout (JSMN_PARENT_LINKS adds a field): every includer must see the
 * same struct. json.c defines RUCIO_JSON_COMPILE_JSMN before including
 * this header and so becomes the one translation unit that compiles jsmn,
 * as static functions; every other file sees only the declarations
 * (JSMN_HEADER), and a call to jsmn from elsewhere fails to link.
 */
#ifdef JSMN_H
#error "include jsmn.h only through json/json.h, which fixes its options"
#endif
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#ifdef RUCIO_JSON_COMPILE_JSMN
#define JSMN_STATIC
#else
#define JSMN_HEADER
#endif
#include <jsmn.h>

typedef jsmntok_t rucio_json_token;

/* A parsed document: the caller's text and token array. Valid only after
 * rl_json_parse returned RUCIO_OK, and only while both stay unchanged. */
typedef struct rucio_json {
    const char *text;
    size_t len;
    const rucio_json_token *tokens;
    int count;
} rucio_json;

/* What a token is. JSON's three literals are told apart here so that no
 * separate boolean accessor is needed. */
typedef enum rucio_json_type {
    RUCIO_JSON_NONE = 0, /* not a token (e.g. the -1 of a failed lookup) */
    RUCIO_JSON_OBJECT,
    RUCIO_JSON_ARRAY,
    RUCIO_JSON_STRING,
    RUCIO_JSON_NUMBER,
    RUCIO_JSON_TRUE,
    RUCIO_JSON_FALSE,
    RUCIO_JSON_NULL
} rucio_json_type;

/*
 * Parse and validate exactly one JSON value (RFC 8259) in text[0..len),
 * surrounded by optional whitespace. Token 0 is the top-level value.
 * Besides the grammar, strings must be valid UTF-8 and \u escapes must not
 * leave a surrogate unpaired (so every string can be unescaped to UTF-8).
 * Returns RUCIO_OK; RUCIO_E_NO_SPACE when the document needs more than
 * max_tokens tokens (one per value and one per object key);
 * RUCIO_E_INVALID_ARG for a NULL pointer or len above INT_MAX (jsmn's
 * offsets are int); RUCIO_E_JSON for anything that is not JSON. On
 * failure doc holds no tokens.
 */
rucio_status rl_json_parse(rucio_json *doc, const char *text, size_t len,
                           rucio_json_token *tokens, unsigned max_tokens);

/* The type of token tok; RUCIO_JSON_NONE when tok is out of range. */
rucio_json_type rl_json_type_of(const rucio_json *doc, int tok);

/* Nonzero when tok is the literal null. */
int rl_json_is_null(const rucio_json *doc, int tok);

/* The value token of the member whose unescaped name equals key, in the
 * object object_tok; -1 when absent or object_tok is not an object. When a
 * name repeats (JSON allows it) the last member wins, as in Python's json
 * module, so both clients read the same value. */
int rl_json_object_get(const rucio_json *doc, int object_tok,
                       const char *key);

/* The name token of member `index` (from 0) of the object object_tok,
 * its value token being the next one; -1 when out of range or object_tok
 * is not an object. */
int rl_json_object_key_at(const rucio_json *doc, int object_tok,
                          size_t index);

/* Element `index` (from 0) of the array array_tok; -1 when out of range or
 * array_tok is not an array. */
int rl_json_array_get(const rucio_json *doc, int array_tok, size_t index);

/*
 * Unescape the string token tok into out and NUL-terminate it. *out_len
 * (may be NULL) receives the unescaped length in bytes, also when it does
 * not fit, so that a caller can size a buffer. A \u0000 escape yields a
 * NUL byte inside the text, counted in *out_len.
 * RUCIO_E_NO_SPACE when length + 1 > cap (out then holds "" if cap > 0);
 * RUCIO_E_JSON when tok is not a string (including -1).
 */
rucio_status rl_json_get_string(const rucio_json *doc, int tok, char *out,
                                size_t cap, size_t *out_len);

/* The number token tok as an int64_t. RUCIO_E_JSON when tok is not a
 * number, has a fraction or an exponent, or does not fit. */
rucio_status rl_json_get_int64(const rucio_json *doc, int tok,
                               int64_t *out);

/* Append s as a JSON string: quotes, '"' and '\\' escaped, control
 * characters as \u00XX; other bytes (UTF-8) as they are. */
void rl_json_put_string(rucio_strbuf *b, const char *s);

#endif /* RUCIO_JSON_H */

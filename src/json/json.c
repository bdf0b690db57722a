/*
 * rucio-lite: strict JSON over jsmn (see json.h for why both).
 *
 * The validating walk reads the text once, front to back, as a small
 * state machine (value, key, after-value). It needs a stack for nested
 * containers but may not allocate one: jsmn's parent links are that
 * stack. Every value and key the walk meets must be the next jsmn token
 * in order, with the same type, start, end and parent, so once the walk
 * succeeds the token array and the grammar agree exactly.
 */
#define RUCIO_JSON_COMPILE_JSMN
#include "json/json.h"

#include <limits.h>
#include <string.h>

#include "core/ascii.h"
#include "json/utf8.h"

typedef enum walk_step {
    STEP_VALUE,       /* a value must come next */
    STEP_KEY,         /* an object member name must come next */
    STEP_AFTER_VALUE, /* ',', a closing bracket or the end must come next */
    STEP_DONE,
    STEP_FAIL
} walk_step;

typedef struct json_walk {
    const char *s;
    size_t len;
    size_t pos;
    const rucio_json_token *tok;
    int count;
    int next;      /* token the next value or key must be */
    int container; /* innermost open object or array; -1 at top level */
    int parent;    /* parent jsmn must have given the next token */
} json_walk;

/* ---- characters ------------------------------------------------------ */

static int is_json_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}


static int read_hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        int h = rucio_ascii_hex_value(s[i]);
        if (h < 0)
            return 0;
        v = (v << 4) | (uint32_t)h;
    }
    *out = v;
    return 1;
}

static int is_high_surrogate(uint32_t u)
{
    return u >= 0xD800u && u <= 0xDBFFu;
}

static int is_low_surrogate(uint32_t u)
{
    return u >= 0xDC00u && u <= 0xDFFFu;
}

/* ---- escapes (shared by validation and unescaping) ------------------- */

/* "\uXXXX" or a "\uD8xx\uDCxx" pair at s; a surrogate left alone has no
 * UTF-8 form, so it is refused rather than passed on. */
static size_t u_escape_len(const char *s, size_t n, uint32_t *cp)
{
    uint32_t hi, lo;

    if (n < 6 || !read_hex4(s + 2, &hi) || is_low_surrogate(hi))
        return 0;
    if (!is_high_surrogate(hi)) {
        *cp = hi;
        return 6;
    }
    if (n < 12 || s[6] != '\\' || s[7] != 'u' || !read_hex4(s + 8, &lo) ||
        !is_low_surrogate(lo))
        return 0;
    *cp = 0x10000u + ((hi - 0xD800u) << 10) + (lo - 0xDC00u);
    return 12;
}

/* Length of the escape sequence starting with the backslash at s (n bytes
 * readable), and the code point it stands for; 0 if it is not valid. */
static size_t escape_len(const char *s, size_t n, uint32_t *cp)
{
    static const char names[] = "\"\\/bfnrt";
    static const char values[] = "\"\\/\b\f\n\r\t";
    const char *hit;

    if (n < 2)
        return 0;
    if (s[1] == 'u')
        return u_escape_len(s, n, cp);
    hit = memchr(names, s[1], sizeof names - 1);
    if (!hit)
        return 0;
    *cp = (unsigned char)values[hit - names];
    return 2;
}

/* Bytes of one character of string content at s: an escape, or a UTF-8
 * sequence that is not a control character. 0 if invalid. */
static size_t string_char_len(const char *s, size_t n)
{
    uint32_t cp;

    if (s[0] == '\\')
        return escape_len(s, n, &cp);
    if ((unsigned char)s[0] < 0x20u)
        return 0;
    return rl_utf8_decode(s, n, &cp);
}

/* ---- the validating walk --------------------------------------------- */

static int peek(const json_walk *w)
{
    return w->pos < w->len ? (unsigned char)w->s[w->pos] : -1;
}

static void skip_space(json_walk *w)
{
    while (is_json_space(peek(w)))
        w->pos++;
}

/* Take the next token, which must have this type, start and parent. */
static int claim_token(json_walk *w, jsmntype_t type, size_t start)
{
    const rucio_json_token *t;

    if (w->next >= w->count)
        return -1;
    t = &w->tok[w->next];
    if (t->type != type || t->start < 0 || (size_t)t->start != start ||
        t->parent != w->parent)
        return -1;
    return w->next++;
}

static int token_ends_at(const json_walk *w, int idx, size_t end)
{
    return w->tok[idx].end >= 0 && (size_t)w->tok[idx].end == end;
}

/* A string at the opening quote; leaves pos after the closing quote. */
static int walk_string(json_walk *w)
{
    int idx = claim_token(w, JSMN_STRING, w->pos + 1);

    if (idx < 0)
        return -1;
    w->pos++;
    while (w->pos < w->len && w->s[w->pos] != '"') {
        size_t k = string_char_len(w->s + w->pos, w->len - w->pos);
        if (k == 0)
            return -1;
        w->pos += k;
    }
    if (w->pos >= w->len || !token_ends_at(w, idx, w->pos))
        return -1;
    w->pos++;
    return idx;
}

static size_t skip_digits(json_walk *w)
{
    size_t n = 0;

    while (rucio_ascii_is_digit(peek(w))) {
        w->pos++;
        n++;
    }
    return n;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int walk_number_text(json_walk *w)
{
    if (peek(w) == '-')
        w->pos++;
    if (peek(w) == '0')
        w->pos++;
    else if (skip_digits(w) == 0)
        return 0;
    if (peek(w) == '.') {
        w->pos++;
        if (skip_digits(w) == 0)
            return 0;
    }
    if (peek(w) == 'e' || peek(w) == 'E') {
        w->pos++;
        if (peek(w) == '+' || peek(w) == '-')
            w->pos++;
        if (skip_digits(w) == 0)
            return 0;
    }
    return 1;
}

static int walk_literal_text(json_walk *w)
{
    static const char *const literals[] = {"true", "false", "null"};
    size_t i;

    for (i = 0; i < sizeof literals / sizeof literals[0]; i++) {
        size_t n = strlen(literals[i]);
        if (w->len - w->pos >= n &&
            memcmp(w->s + w->pos, literals[i], n) == 0) {
            w->pos += n;
            return 1;
        }
    }
    return 0;
}

/* jsmn's primitive token runs to the next delimiter; the grammar must
 * account for every byte of it ("01", "1.", "tru", "truex" do not). */
static int walk_primitive(json_walk *w)
{
    int idx = claim_token(w, JSMN_PRIMITIVE, w->pos);
    int c = peek(w);
    int ok;

    if (idx < 0)
        return -1;
    ok = (c == '-' || rucio_ascii_is_digit(c)) ? walk_number_text(w)
                                   : walk_literal_text(w);
    return ok && token_ends_at(w, idx, w->pos) ? idx : -1;
}

static walk_step close_container(json_walk *w)
{
    int up;

    if (!token_ends_at(w, w->container, w->pos + 1))
        return STEP_FAIL;
    w->pos++;
    up = w->tok[w->container].parent;
    /* A container that is a member value hangs under its name token. */
    if (up >= 0 && w->tok[up].type == JSMN_STRING)
        up = w->tok[up].parent;
    w->container = up;
    return STEP_AFTER_VALUE;
}

static walk_step open_container(json_walk *w, jsmntype_t type)
{
    char closer = type == JSMN_OBJECT ? '}' : ']';
    int idx = claim_token(w, type, w->pos);

    if (idx < 0)
        return STEP_FAIL;
    w->pos++;
    w->container = idx;
    w->parent = idx;
    skip_space(w);
    if (peek(w) == closer)
        return close_container(w);
    return type == JSMN_OBJECT ? STEP_KEY : STEP_VALUE;
}

static walk_step step_value(json_walk *w)
{
    int c;

    skip_space(w);
    c = peek(w);
    if (c == '{')
        return open_container(w, JSMN_OBJECT);
    if (c == '[')
        return open_container(w, JSMN_ARRAY);
    if (c == '"')
        return walk_string(w) < 0 ? STEP_FAIL : STEP_AFTER_VALUE;
    return walk_primitive(w) < 0 ? STEP_FAIL : STEP_AFTER_VALUE;
}

static walk_step step_key(json_walk *w)
{
    int key;

    skip_space(w);
    if (peek(w) != '"')
        return STEP_FAIL;
    w->parent = w->container;
    key = walk_string(w);
    if (key < 0)
        return STEP_FAIL;
    skip_space(w);
    if (peek(w) != ':')
        return STEP_FAIL;
    w->pos++;
    w->parent = key;
    return STEP_VALUE;
}

static walk_step step_after_value(json_walk *w)
{
    int is_object;
    int c;

    skip_space(w);
    if (w->container < 0)
        return w->pos == w->len ? STEP_DONE : STEP_FAIL;
    is_object = w->tok[w->container].type == JSMN_OBJECT;
    c = peek(w);
    if (c == ',') {
        w->pos++;
        w->parent = w->container;
        return is_object ? STEP_KEY : STEP_VALUE;
    }
    if (c == (is_object ? '}' : ']'))
        return close_container(w);
    return STEP_FAIL;
}

/* Every step consumes text or ends the walk, so this terminates. */
static int walk_document(const char *text, size_t len,
                         const rucio_json_token *tokens, int count)
{
    json_walk w = {text, len, 0, tokens, count, 0, -1, -1};
    walk_step step = STEP_VALUE;

    while (step != STEP_DONE && step != STEP_FAIL) {
        if (step == STEP_VALUE)
            step = step_value(&w);
        else if (step == STEP_KEY)
            step = step_key(&w);
        else
            step = step_after_value(&w);
    }
    return step == STEP_DONE && w.next == count;
}

/* ---- tokenising ------------------------------------------------------ */

/* jsmn's strict mode waits for a delimiter after a primitive, so a
 * document that is one bare number or literal (RFC 8259 allows it) would
 * never complete there. Its single token is made here instead, running to
 * the next whitespace, and the walk judges it like any other. */
static int scalar_token(const char *text, size_t len, size_t first,
                        rucio_json_token *tokens, unsigned max_tokens)
{
    size_t end = first;

    if (max_tokens == 0)
        return JSMN_ERROR_NOMEM;
    while (end < len && !is_json_space((unsigned char)text[end]))
        end++;
    tokens[0].type = JSMN_PRIMITIVE;
    tokens[0].start = (int)first;
    tokens[0].end = (int)end;
    tokens[0].size = 0;
    tokens[0].parent = -1;
    return 1;
}

static int tokenize(const char *text, size_t len, rucio_json_token *tokens,
                    unsigned max_tokens)
{
    jsmn_parser parser;
    size_t first = 0;
    char c = '{';

    while (first < len && is_json_space((unsigned char)text[first]))
        first++;
    if (first < len)
        c = text[first];
    if (c != '{' && c != '[' && c != '"')
        return scalar_token(text, len, first, tokens, max_tokens);
    jsmn_init(&parser);
    return jsmn_parse(&parser, text, len, tokens,
                      max_tokens > INT_MAX ? (unsigned)INT_MAX : max_tokens);
}

rucio_status rl_json_parse(rucio_json *doc, const char *text, size_t len,
                           rucio_json_token *tokens, unsigned max_tokens)
{
    int count;

    if (!doc || !text || !tokens)
        return RUCIO_E_INVALID_ARG;
    doc->text = text;
    doc->len = len;
    doc->tokens = tokens;
    doc->count = 0;
    if (len > INT_MAX)
        return RUCIO_E_INVALID_ARG;
    count = tokenize(text, len, tokens, max_tokens);
    if (count == JSMN_ERROR_NOMEM)
        return RUCIO_E_NO_SPACE;
    if (count < 0 || !walk_document(text, len, tokens, count))
        return RUCIO_E_JSON;
    doc->count = count;
    return RUCIO_OK;
}

/* ---- lookups --------------------------------------------------------- */

static const rucio_json_token *token_at(const rucio_json *doc, int tok)
{
    if (!doc || tok < 0 || tok >= doc->count)
        return NULL;
    return &doc->tokens[tok];
}

static rucio_json_type primitive_type(char first)
{
    switch (first) {
    case 't':
        return RUCIO_JSON_TRUE;
    case 'f':
        return RUCIO_JSON_FALSE;
    case 'n':
        return RUCIO_JSON_NULL;
    default:
        return RUCIO_JSON_NUMBER;
    }
}

rucio_json_type rl_json_type_of(const rucio_json *doc, int tok)
{
    const rucio_json_token *t = token_at(doc, tok);

    if (!t)
        return RUCIO_JSON_NONE;
    switch (t->type) {
    case JSMN_OBJECT:
        return RUCIO_JSON_OBJECT;
    case JSMN_ARRAY:
        return RUCIO_JSON_ARRAY;
    case JSMN_STRING:
        return RUCIO_JSON_STRING;
    default:
        return primitive_type(doc->text[t->start]);
    }
}

int rl_json_is_null(const rucio_json *doc, int tok)
{
    return rl_json_type_of(doc, tok) == RUCIO_JSON_NULL;
}

/* The token after tok and everything nested in it: tokens are in document
 * order, and whatever is nested in tok starts before tok ends. */
static int skip_token(const rucio_json *doc, int tok)
{
    int end = doc->tokens[tok].end;
    int next = tok + 1;

    while (next < doc->count && doc->tokens[next].start < end)
        next++;
    return next;
}

/* Token tok is nested in container c (both valid indexes). */
static int inside(const rucio_json *doc, int c, int tok)
{
    return tok < doc->count && doc->tokens[tok].start < doc->tokens[c].end;
}

/* One character of validated string content at s as UTF-8 bytes in
 * piece; returns the bytes of s it used. */
static size_t unescape_char(const char *s, size_t n,
                            char piece[RUCIO_UTF8_MAX], size_t *piece_len)
{
    uint32_t cp;
    size_t used;

    if (s[0] != '\\' || (used = escape_len(s, n, &cp)) == 0) {
        piece[0] = s[0];
        *piece_len = 1;
        return 1;
    }
    *piece_len = rl_utf8_encode(cp, piece);
    return used;
}

/* Unescape string token t into out as far as it fits (len + piece < cap
 * keeps room for the NUL); returns the full unescaped length. */
static size_t unescape_into(const rucio_json *doc, const rucio_json_token *t,
                            char *out, size_t cap)
{
    const char *s = doc->text + t->start;
    size_t n = (size_t)(t->end - t->start);
    size_t i = 0, len = 0;

    while (i < n) {
        char piece[RUCIO_UTF8_MAX];
        size_t plen;
        i += unescape_char(s + i, n - i, piece, &plen);
        if (len + plen < cap)
            memcpy(out + len, piece, plen);
        len += plen;
    }
    return len;
}

static int string_equals(const rucio_json *doc, int tok, const char *key)
{
    const rucio_json_token *t = &doc->tokens[tok];
    const char *s = doc->text + t->start;
    size_t n = (size_t)(t->end - t->start);
    size_t klen = strlen(key), kpos = 0, i = 0;

    if (t->type != JSMN_STRING)
        return 0;
    while (i < n) {
        char piece[RUCIO_UTF8_MAX];
        size_t plen;
        i += unescape_char(s + i, n - i, piece, &plen);
        if (plen > klen - kpos || memcmp(piece, key + kpos, plen) != 0)
            return 0;
        kpos += plen;
    }
    return kpos == klen;
}

int rl_json_object_get(const rucio_json *doc, int object_tok,
                       const char *key)
{
    int found = -1;
    int k;

    if (!key || rl_json_type_of(doc, object_tok) != RUCIO_JSON_OBJECT)
        return -1;
    for (k = object_tok + 1; inside(doc, object_tok, k);
         k = skip_token(doc, k + 1))
        if (string_equals(doc, k, key))
            found = k + 1;
    return found;
}

int rl_json_object_key_at(const rucio_json *doc, int object_tok,
                          size_t index)
{
    int k;

    if (rl_json_type_of(doc, object_tok) != RUCIO_JSON_OBJECT)
        return -1;
    for (k = object_tok + 1; inside(doc, object_tok, k);
         k = skip_token(doc, k + 1)) {
        if (index == 0)
            return k;
        index--;
    }
    return -1;
}

int rl_json_array_get(const rucio_json *doc, int array_tok, size_t index)
{
    int e;

    if (rl_json_type_of(doc, array_tok) != RUCIO_JSON_ARRAY)
        return -1;
    for (e = array_tok + 1; inside(doc, array_tok, e);
         e = skip_token(doc, e)) {
        if (index == 0)
            return e;
        index--;
    }
    return -1;
}

rucio_status rl_json_get_string(const rucio_json *doc, int tok, char *out,
                                size_t cap, size_t *out_len)
{
    size_t len;

    if (rl_json_type_of(doc, tok) != RUCIO_JSON_STRING)
        return RUCIO_E_JSON;
    len = unescape_into(doc, &doc->tokens[tok], out, cap);
    if (out_len)
        *out_len = len;
    if (len >= cap) {
        if (cap > 0)
            out[0] = '\0';
        return RUCIO_E_NO_SPACE;
    }
    out[len] = '\0';
    return RUCIO_OK;
}

/* Digits only (a fraction or exponent is not an integer), with overflow
 * checked against the limit of the sign: INT64_MIN has no positive twin. */
static rucio_status parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t neg = n > 0 && s[0] == '-';
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t v;

    if (!rl_ascii_parse_u64(s + neg, n - neg, &v) || v > limit)
        return RUCIO_E_JSON;
    if (!neg)
        *out = (int64_t)v;
    else
        *out = v == 0 ? 0 : -(int64_t)(v - 1u) - 1;
    return RUCIO_OK;
}

rucio_status rl_json_get_int64(const rucio_json *doc, int tok,
                               int64_t *out)
{
    const rucio_json_token *t;

    if (!out || rl_json_type_of(doc, tok) != RUCIO_JSON_NUMBER)
        return RUCIO_E_JSON;
    t = &doc->tokens[tok];
    return parse_int64(doc->text + t->start, (size_t)(t->end - t->start), out);
}

/* ---- writing ----------------------------------------------------------------- */

void rl_json_put_string(rucio_strbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    rucio_strbuf_putc(b, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\') {
            rucio_strbuf_putc(b, '\\');
            rucio_strbuf_putc(b, (char)ch);
        } else if (ch < 0x20) {
            rucio_strbuf_puts(b, "\\u00");
            rucio_strbuf_putc(b, hex[ch >> 4]);
            rucio_strbuf_putc(b, hex[ch & 15]);
        } else {
            rucio_strbuf_putc(b, (char)ch);
        }
    }
    rucio_strbuf_putc(b, '"');
}

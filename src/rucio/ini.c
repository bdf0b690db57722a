/*
 * rucio-lite: rucio.cfg with Python configparser semantics (see ini.h).
 *
 * Everything is built on one line scanner that reproduces the loop of
 * RawConfigParser._read: it classifies each line with the same little
 * state Python keeps (inside a section? an option open for continuation?
 * the indentation of the last header or option line). Checking, section
 * and option lookup, and reading a multi-line value are all forward scans
 * with that scanner; a value is never copied out of the text except into
 * the caller's result, through the interpolation.
 */
#include "rucio/ini.h"

#include <limits.h>
#include <string.h>

#include "core/ascii.h"
#include "json/utf8.h"
#include "rucio/pyspace.h"
#include "rucio/strbuf.h"

/* configparser.MAX_INTERPOLATION_DEPTH */
#define MAX_INTERPOLATION_DEPTH 10

typedef struct span {
    const char *p;
    size_t n;
} span;

typedef enum line_kind {
    LINE_EMPTY,        /* blank: may add an empty line inside a value */
    LINE_COMMENT,
    LINE_SECTION,
    LINE_OPTION,
    LINE_CONTINUATION, /* more of the option above */
    LINE_ERROR
} line_kind;

typedef struct ini_line {
    line_kind kind;
    rucio_ini_problem problem; /* LINE_ERROR */
    unsigned long number;
    span section; /* LINE_SECTION: its name; LINE_OPTION: where it is */
    span name;    /* LINE_OPTION: the key as written */
    span value;   /* LINE_OPTION, LINE_CONTINUATION: stripped text */
} ini_line;

typedef struct ini_scanner {
    const char *text;
    size_t len;
    size_t pos;
    unsigned long number;
    int in_section;
    int in_option; /* an option line was last: deeper lines continue it */
    size_t indent; /* of the last header or option line, in characters */
    span section;
} ini_scanner;

/* A value being read: the rest of the current line's text, then further
 * continuation lines, each preceded by its "\n" (and one more per empty
 * line skipped, which is how Python's '\n'.join(...).rstrip() comes out). */
typedef struct ini_value {
    ini_scanner sc;  /* after the last line read */
    const char *p;   /* rest of the current piece */
    const char *end;
    unsigned long newlines; /* '\n' still to produce before p */
    int finished;
    span option;     /* for error reports */
    unsigned long line;
} ini_value;

/* The section a lookup was asked for: references resolve there first. */
typedef struct ini_doc {
    const char *text;
    size_t len;
    span section;
} ini_doc;

static const char *const problem_reasons[] = {
    [RUCIO_INI_OK] = "no error",
    [RUCIO_INI_NOT_UTF8] = "not valid UTF-8",
    [RUCIO_INI_BYTE_ORDER_MARK] =
        "UTF-8 byte order mark before the first section header",
    [RUCIO_INI_NO_SECTION_HEADER] = "text before the first section header",
    [RUCIO_INI_NO_DELIMITER] =
        "line is neither a [section] header nor 'key = value'",
    [RUCIO_INI_EMPTY_NAME] = "option without a name",
    [RUCIO_INI_DUPLICATE_SECTION] = "section given twice",
    [RUCIO_INI_DUPLICATE_OPTION] = "option given twice in one section",
    [RUCIO_INI_NO_SECTION] = "no such section",
    [RUCIO_INI_NO_OPTION] = "no such option",
    [RUCIO_INI_BAD_INTERPOLATION] =
        "'%' must be followed by '%' or '(name)s' (write a literal % as %%)",
    [RUCIO_INI_MISSING_REFERENCE] =
        "'%(name)s' refers to an option that does not exist",
    [RUCIO_INI_TOO_DEEP] =
        "interpolation nested more than 10 levels (a reference loop?)",
    [RUCIO_INI_NOT_BOOLEAN] =
        "not a boolean (1/yes/true/on or 0/no/false/off)",
};

/* ---- errors ---------------------------------------------------------- */

static void clear_error(rucio_ini_error *err)
{
    if (!err)
        return;
    err->problem = RUCIO_INI_OK;
    err->reason = problem_reasons[RUCIO_INI_OK];
    err->line = 0;
    err->name = NULL;
    err->name_len = 0;
}

static rucio_status fail(rucio_ini_error *err, rucio_ini_problem problem,
                         unsigned long line, span name)
{
    if (err) {
        err->problem = problem;
        err->reason = problem_reasons[problem];
        err->line = line;
        err->name = name.p;
        err->name_len = name.p ? name.n : 0;
    }
    if (problem == RUCIO_INI_NO_SECTION || problem == RUCIO_INI_NO_OPTION)
        return RUCIO_E_MISSING_PARAM;
    return RUCIO_E_CONFIG;
}

/* ---- spans ----------------------------------------------------------- */

static const span no_name = {NULL, 0};

static span span_of(const char *s)
{
    span sp = {s, strlen(s)};
    return sp;
}

static int span_equal(span a, span b)
{
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* optionxform is str.lower(); only ASCII letters fold here (ini.h). */
static int name_equal(span a, span b)
{
    return a.p && b.p && rucio_ascii_equal_nocase(a.p, a.n, b.p, b.n);
}

static int is_default(span section)
{
    return span_equal(section, span_of("DEFAULT"));
}

/* ---- the line scanner ------------------------------------------------ */

static void scanner_init(ini_scanner *sc, const char *text, size_t len)
{
    memset(sc, 0, sizeof *sc);
    sc->text = text;
    sc->len = len;
}

/* Python opens the file in text mode: "\r\n" and a lone "\r" end lines
 * exactly as "\n" does. */
static size_t line_end(const char *text, size_t pos, size_t len)
{
    while (pos < len && text[pos] != '\n' && text[pos] != '\r')
        pos++;
    return pos;
}

static size_t after_line_break(const char *text, size_t end, size_t len)
{
    if (end < len && text[end] == '\r' && end + 1 < len &&
        text[end + 1] == '\n')
        return end + 2;
    return end < len ? end + 1 : end;
}

static int is_utf8(const char *s, size_t n)
{
    uint32_t cp;
    size_t i = 0;

    while (i < n) {
        size_t k = rucio_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* Strip [*start, *end) and return the indentation in characters, as
 * NONSPACECRE.search(line).start() counts it. */
static size_t strip_line(const char *text, size_t *start, size_t *end)
{
    size_t indent = 0;
    size_t k;

    while (*start < *end &&
           (k = rucio_py_space_len(text + *start, *end - *start)) != 0) {
        *start += k;
        indent++;
    }
    rucio_py_strip(text, start, end);
    return indent;
}

static void set_error(ini_line *ln, rucio_ini_problem problem)
{
    ln->kind = LINE_ERROR;
    ln->problem = problem;
}

/* SECTCRE is \[(?P<header>.+)\] applied with match(), not fullmatch():
 * the greedy .+ runs to the last ']' and the rest of the line is ignored. */
static int parse_header(const char *s, size_t n, span *name)
{
    size_t j;

    if (n == 0 || s[0] != '[')
        return 0;
    for (j = n - 1; j >= 2; j--) {
        if (s[j] == ']') {
            name->p = s + 1;
            name->n = j - 1;
            return 1;
        }
    }
    return 0;
}

static void enter_section(ini_scanner *sc, ini_line *ln, span name)
{
    ln->kind = LINE_SECTION;
    ln->section = name;
    sc->section = name;
    sc->in_section = 1;
    sc->in_option = 0;
}

/* OPTCRE: the first '=' or ':' splits; both sides are stripped. */
static void parse_option(ini_scanner *sc, ini_line *ln, size_t start,
                         size_t end)
{
    const char *t = sc->text;
    size_t d = start, name_end, value_start;

    while (d < end && t[d] != '=' && t[d] != ':')
        d++;
    if (d == end) {
        set_error(ln, RUCIO_INI_NO_DELIMITER);
        return;
    }
    name_end = d;
    value_start = d + 1;
    rucio_py_strip(t, &start, &name_end);
    rucio_py_strip(t, &value_start, &end);
    if (name_end == start) {
        set_error(ln, RUCIO_INI_EMPTY_NAME);
        return;
    }
    ln->kind = LINE_OPTION;
    ln->section = sc->section;
    ln->name.p = t + start;
    ln->name.n = name_end - start;
    ln->value.p = t + value_start;
    ln->value.n = end - value_start;
    sc->in_option = 1;
}

/* A line that is neither blank, comment nor continuation. */
static void classify_statement(ini_scanner *sc, ini_line *ln, size_t start,
                               size_t end)
{
    span name;

    if (parse_header(sc->text + start, end - start, &name))
        enter_section(sc, ln, name);
    else if (!sc->in_section && end - start >= 3 &&
             memcmp(sc->text + start, "\xEF\xBB\xBF", 3) == 0)
        set_error(ln, RUCIO_INI_BYTE_ORDER_MARK);
    else if (!sc->in_section)
        set_error(ln, RUCIO_INI_NO_SECTION_HEADER);
    else
        parse_option(sc, ln, start, end);
}

static void classify(ini_scanner *sc, ini_line *ln, size_t start, size_t end)
{
    const char *t = sc->text;
    size_t indent;

    if (!is_utf8(t + start, end - start)) {
        set_error(ln, RUCIO_INI_NOT_UTF8);
        return;
    }
    indent = strip_line(t, &start, &end);
    if (start == end) {
        ln->kind = LINE_EMPTY;
    } else if (t[start] == '#' || t[start] == ';') {
        ln->kind = LINE_COMMENT;
    } else if (sc->in_option && indent > sc->indent) {
        ln->kind = LINE_CONTINUATION;
        ln->value.p = t + start;
        ln->value.n = end - start;
    } else {
        sc->indent = indent;
        classify_statement(sc, ln, start, end);
    }
}

static int scanner_next(ini_scanner *sc, ini_line *ln)
{
    size_t start = sc->pos;
    size_t end;

    if (start >= sc->len)
        return 0;
    end = line_end(sc->text, start, sc->len);
    sc->pos = after_line_break(sc->text, end, sc->len);
    memset(ln, 0, sizeof *ln);
    ln->number = ++sc->number;
    classify(sc, ln, start, end);
    return 1;
}

/* ---- finding sections and options ------------------------------------ */

/* A "[name]" header on a line before line `before`. */
static int find_section(const char *text, size_t len, span name,
                        unsigned long before)
{
    ini_scanner sc;
    ini_line ln;

    scanner_init(&sc, text, len);
    while (scanner_next(&sc, &ln) && ln.number < before)
        if (ln.kind == LINE_SECTION && span_equal(ln.section, name))
            return 1;
    return 0;
}

/* The option line of `name` in `section` before line `before`; on a hit
 * *at holds the scanner just after it (ready to read continuations). */
static int find_option(const char *text, size_t len, span section, span name,
                       unsigned long before, ini_scanner *at, ini_line *found)
{
    ini_scanner sc;
    ini_line ln;

    scanner_init(&sc, text, len);
    while (scanner_next(&sc, &ln) && ln.number < before) {
        if (ln.kind == LINE_OPTION && span_equal(ln.section, section) &&
            name_equal(ln.name, name)) {
            *at = sc;
            *found = ln;
            return 1;
        }
    }
    return 0;
}

/* Python's strict mode: a section or an option of one section may appear
 * once. [DEFAULT] is exempt (Python never records it as added), but its
 * options are not. */
static rucio_ini_problem duplicate_problem(const char *text, size_t len,
                                           const ini_line *ln)
{
    ini_scanner sc;
    ini_line first;

    if (ln->kind == LINE_SECTION && !is_default(ln->section) &&
        find_section(text, len, ln->section, ln->number))
        return RUCIO_INI_DUPLICATE_SECTION;
    if (ln->kind == LINE_OPTION &&
        find_option(text, len, ln->section, ln->name, ln->number, &sc, &first))
        return RUCIO_INI_DUPLICATE_OPTION;
    return RUCIO_INI_OK;
}

rucio_status rucio_ini_check(const char *text, size_t len,
                             rucio_ini_error *err)
{
    ini_scanner sc;
    ini_line ln;

    clear_error(err);
    scanner_init(&sc, text, len);
    while (scanner_next(&sc, &ln)) {
        rucio_ini_problem p;
        if (ln.kind == LINE_ERROR)
            return fail(err, ln.problem, ln.number, no_name);
        p = duplicate_problem(text, len, &ln);
        if (p != RUCIO_INI_OK)
            return fail(err, p, ln.number,
                        ln.kind == LINE_SECTION ? ln.section : ln.name);
    }
    return RUCIO_OK;
}

int rucio_ini_has_section(const char *text, size_t len, const char *section)
{
    return section && !is_default(span_of(section)) &&
           find_section(text, len, span_of(section), ULONG_MAX);
}

/* ---- reading values -------------------------------------------------- */

static int option_value(const ini_doc *d, span name, ini_value *v)
{
    ini_line ln;

    if (!find_option(d->text, d->len, d->section, name, ULONG_MAX, &v->sc,
                     &ln) &&
        !find_option(d->text, d->len, span_of("DEFAULT"), name, ULONG_MAX,
                     &v->sc, &ln))
        return 0;
    v->p = ln.value.p;
    v->end = ln.value.p + ln.value.n;
    v->newlines = 0;
    v->finished = 0;
    v->option = ln.name;
    v->line = ln.number;
    return 1;
}

/* Load the next continuation line; comment lines are skipped, empty lines
 * count, anything else ends the value. */
static int next_piece(ini_value *v)
{
    unsigned long empty = 0;
    ini_line ln;

    if (v->finished)
        return 0;
    while (scanner_next(&v->sc, &ln)) {
        if (ln.kind == LINE_CONTINUATION) {
            v->newlines = empty + 1;
            v->p = ln.value.p;
            v->end = ln.value.p + ln.value.n;
            return 1;
        }
        if (ln.kind == LINE_EMPTY)
            empty++;
        else if (ln.kind != LINE_COMMENT)
            break;
    }
    v->finished = 1;
    return 0;
}

/* The next byte of the raw value, or -1 at its end. */
static int value_next(ini_value *v)
{
    if (v->newlines == 0 && v->p == v->end && !next_piece(v))
        return -1;
    if (v->newlines > 0) {
        v->newlines--;
        return '\n';
    }
    return (unsigned char)*v->p++;
}

static int value_has_percent(ini_value v)
{
    int c;

    while ((c = value_next(&v)) >= 0)
        if (c == '%')
            return 1;
    return 0;
}

static void copy_value(ini_value *v, rucio_strbuf *b)
{
    int c;

    while ((c = value_next(v)) >= 0)
        rucio_strbuf_putc(b, (char)c);
}

/*
 * After "%(": _KEYCRE is %\(([^)]+)\)s, so the name runs to the first ')'
 * and must be followed by 's'. 0 on a syntax error. A name that spans
 * lines (it holds a '\n') can name no option; it comes back with p NULL.
 */
static int read_reference(ini_value *v, span *name)
{
    size_t n = 0;
    int one_line = 1;
    int c;

    while ((c = value_next(v)) >= 0 && c != ')') {
        n++;
        one_line &= c != '\n';
    }
    if (c < 0 || n == 0 || value_next(v) != 's')
        return 0;
    /* ")s" was read from the current piece, right after the name. */
    name->p = one_line ? v->p - 2 - n : NULL;
    name->n = n;
    return 1;
}

static rucio_status interpolate(const ini_doc *d, ini_value *v, int depth,
                                rucio_strbuf *b, rucio_ini_error *err);

/* BasicInterpolation._interpolate_some recurses only into values that
 * hold a '%', and fails when that would go past depth 10; so does this
 * recursion, which keeps its stack use bounded (about 10 frames of a few
 * hundred bytes). */
static rucio_status expand_reference(const ini_doc *d, ini_value *v,
                                     int depth, rucio_strbuf *b,
                                     rucio_ini_error *err)
{
    ini_value ref;
    span name;

    if (!read_reference(v, &name))
        return fail(err, RUCIO_INI_BAD_INTERPOLATION, v->line, v->option);
    if (!name.p || !option_value(d, name, &ref))
        return fail(err, RUCIO_INI_MISSING_REFERENCE, v->line, name);
    if (!value_has_percent(ref)) {
        copy_value(&ref, b);
        return RUCIO_OK;
    }
    if (depth >= MAX_INTERPOLATION_DEPTH)
        return fail(err, RUCIO_INI_TOO_DEEP, v->line, v->option);
    return interpolate(d, &ref, depth + 1, b, err);
}

static rucio_status interpolate(const ini_doc *d, ini_value *v, int depth,
                                rucio_strbuf *b, rucio_ini_error *err)
{
    int c;

    while ((c = value_next(v)) >= 0) {
        rucio_status st;
        if (c != '%') {
            rucio_strbuf_putc(b, (char)c);
            continue;
        }
        c = value_next(v);
        if (c == '%') {
            rucio_strbuf_putc(b, '%');
            continue;
        }
        if (c != '(')
            return fail(err, RUCIO_INI_BAD_INTERPOLATION, v->line, v->option);
        st = expand_reference(d, v, depth, b, err);
        if (st != RUCIO_OK)
            return st;
    }
    return RUCIO_OK;
}

/* Python's get(): NoSectionError unless the section exists (DEFAULT always
 * does), then section, then DEFAULT, then NoOptionError; interpolated. */
static rucio_status read_value(const ini_doc *d, const char *key,
                               rucio_strbuf *b, ini_value *v,
                               rucio_ini_error *err)
{
    if (!is_default(d->section) &&
        !find_section(d->text, d->len, d->section, ULONG_MAX))
        return fail(err, RUCIO_INI_NO_SECTION, 0, no_name);
    if (!option_value(d, span_of(key), v))
        return fail(err, RUCIO_INI_NO_OPTION, 0, no_name);
    return interpolate(d, v, 1, b, err);
}

rucio_status rucio_ini_get(const char *text, size_t len, const char *section,
                           const char *key, char *out, size_t cap,
                           rucio_ini_error *err)
{
    ini_doc d = {text, len, no_name};
    rucio_strbuf b;
    ini_value v;
    rucio_status st;

    clear_error(err);
    if (!section || !key)
        return RUCIO_E_INVALID_ARG;
    d.section = span_of(section);
    rucio_strbuf_init(&b, out, cap);
    st = read_value(&d, key, &b, &v, err);
    if (st == RUCIO_OK)
        st = b.status;
    if (st != RUCIO_OK && cap > 0)
        out[0] = '\0';
    return st;
}

/* RawConfigParser.BOOLEAN_STATES, compared after an ASCII lower(): no
 * non-ASCII character lowers to these letters. */
static int boolean_state(const char *value, int *out)
{
    static const char *const states[] = {"1",  "yes", "true",  "on",
                                         "0",  "no",  "false", "off"};
    size_t len = strlen(value);
    size_t i;

    for (i = 0; i < sizeof states / sizeof states[0]; i++) {
        if (rucio_ascii_equal_nocase(value, len, states[i],
                                     strlen(states[i]))) {
            *out = i < 4;
            return 1;
        }
    }
    return 0;
}

rucio_status rucio_ini_get_bool(const char *text, size_t len,
                                const char *section, const char *key,
                                int *out, rucio_ini_error *err)
{
    ini_doc d = {text, len, no_name};
    char value[8]; /* longer than every boolean word */
    rucio_strbuf b;
    ini_value v;
    rucio_status st;

    clear_error(err);
    if (!section || !key || !out)
        return RUCIO_E_INVALID_ARG;
    d.section = span_of(section);
    rucio_strbuf_init(&b, value, sizeof value);
    st = read_value(&d, key, &b, &v, err);
    if (st != RUCIO_OK)
        return st;
    /* A NUL inside the value must not cut it short into a boolean. */
    if (b.status != RUCIO_OK || strlen(value) != b.len ||
        !boolean_state(value, out))
        return fail(err, RUCIO_INI_NOT_BOOLEAN, v.line, v.option);
    return RUCIO_OK;
}

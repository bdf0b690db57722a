/*
 * rucio-lite: rucio.cfg with Python configparser semantics (see ini.h).
 *
 * Everything is built on one line scanner that reproduces the loop of
 * RawConfigParser._read: it classifies each line with the same little
 * state Python keeps (inside a section? an option open for continuation?
 * the indentation of the last header or option line). rl_ini_parse runs
 * it once over the whole text and records each header and option line in
 * a hash table (struct rucio_ini); a lookup finds the option's line there
 * and runs the scanner from that line only, to read its continuation
 * lines. A value is never copied out of the text except into the caller's
 * result, through the interpolation. Line numbers are only needed for
 * error reports, so lookups count them then rather than store them.
 */
#include "rucio/build_config.h"

#if RUCIO_WITH_FILES /* else the Makefile leaves this file out */
#include "client/ini.h"

#include <string.h>

#include "core/ascii.h"
#include "json/utf8.h"
#include "rucio/strbuf.h"

/* configparser.MAX_INTERPOLATION_DEPTH */
#define MAX_INTERPOLATION_DEPTH 10

/* In rucio_ini_entry.at: the line is a section header. Texts are
 * therefore limited to 2 GiB. */
#define HEADER_BIT 0x80000000u

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
    size_t start;              /* offset of the line in the text */
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
    size_t at;       /* offset of the option's line */
} ini_value;

/*
 * An option already expanded by this lookup: where its expansion sits in
 * the output and how many levels it went below its own. Its value and the
 * section it resolves in are the same at every reference, so a later
 * reference copies that output instead of expanding again, which is what
 * keeps fan-out ("a = %(b)s%(b)s", "b = %(c)s%(c)s", ...) linear where
 * Python's recursion is exponential. Valid only if the copy would not
 * have gone past MAX_INTERPOLATION_DEPTH from the new reference.
 */
typedef struct memo_slot {
    size_t entry; /* 1 + index in the index; 0: empty */
    size_t start;
    size_t len;
    int reach;
} memo_slot;

#define MEMO_SLOTS 32 /* direct-mapped by entry index */

/* A lookup in progress: references resolve in its section first. */
typedef struct ini_doc {
    rucio_ini *ini;
    uint16_t section; /* ordinal; 0 is DEFAULT */
    rucio_strbuf *out;
    memo_slot memo[MEMO_SLOTS];
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
    [RUCIO_INI_TOO_MANY_ENTRIES] =
        "more section headers and options than RUCIO_INI_ENTRIES_MAX",
    [RUCIO_INI_TOO_COSTLY] =
        "references fan out past RUCIO_INI_STEPS_MAX interpolation steps",
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

/* The 1-based number of the line starting at `at`: counted only when an
 * error is reported, so the index need not store it. */
static unsigned long line_number(const char *text, size_t at)
{
    unsigned long n = 1;
    size_t i;

    /* A "\r\n" counts at its '\n'; no line starts inside one. */
    for (i = 0; i < at; i++)
        if (text[i] == '\n' ||
            (text[i] == '\r' && !(i + 1 < at && text[i + 1] == '\n')))
            n++;
    return n;
}

static rucio_status fail_at(const ini_doc *d, rucio_ini_problem problem,
                            size_t at, span name, rucio_ini_error *err)
{
    return fail(err, problem, line_number(d->ini->text, at), name);
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
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* optionxform is str.lower(); only ASCII letters fold here (ini.h). */
static int name_equal(span a, span b)
{
    return a.p && b.p && rl_ascii_equal_nocase(a.p, a.n, b.p, b.n);
}

static int is_default(span section)
{
    return section.n == 7 && memcmp(section.p, "DEFAULT", 7) == 0;
}

/* ---- Python's whitespace (str.isspace) over UTF-8 --------------------- */

/* ASCII whitespace for Python includes the four information separators
 * U+001C..U+001F, which C's isspace() does not. */
static int is_ascii_space(unsigned char c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
}

/* The non-ASCII code points for which str.isspace() holds (Python 3.11,
 * checked over all of Unicode). */
static int is_unicode_space(uint32_t cp)
{
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Bytes of the whitespace character at s[0], or 0. Only the lead bytes
 * of those code points (0xC2, 0xE1..0xE3) need decoding. */
static size_t space_len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    uint32_t cp;
    size_t k;

    if (c < 0x80)
        return (size_t)is_ascii_space(c);
    if (c != 0xC2 && (c < 0xE1 || c > 0xE3))
        return 0;
    k = rl_utf8_decode(s, n, &cp);
    return k && is_unicode_space(cp) ? k : 0;
}

/* Bytes of the whitespace character that ends at s[n - 1], or 0. A lead
 * byte is never the tail of another sequence, so trying the last 2 and 3
 * bytes finds a whole character. */
static size_t space_len_before(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[n - 1];

    if (c < 0x80)
        return (size_t)is_ascii_space(c);
    if (n >= 2 && space_len(s + n - 2, 2) == 2)
        return 2;
    if (n >= 3 && space_len(s + n - 3, 3) == 3)
        return 3;
    return 0;
}

/* Narrow [*start, *end) as str.strip() would; returns the characters
 * stripped at the front (NONSPACECRE.search(line).start()). */
static size_t strip(const char *text, size_t *start, size_t *end)
{
    size_t indent = 0;
    size_t k;

    while (*start < *end &&
           (k = space_len(text + *start, *end - *start)) != 0) {
        *start += k;
        indent++;
    }
    while (*end > *start &&
           (k = space_len_before(text + *start, *end - *start)) != 0)
        *end -= k;
    return indent;
}

/* Python decodes the file strictly; ASCII runs need no decoding. */
static int is_utf8(const char *s, size_t n)
{
    uint32_t cp;
    size_t i = 0;

    while (i < n) {
        size_t k;
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        k = rl_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
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
    strip(t, &start, &name_end);
    strip(t, &value_start, &end);
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
    indent = strip(t, &start, &end);
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
    ln->start = start;
    classify(sc, ln, start, end);
    return 1;
}

/* The statement on the line at `at`, read as Python would read it inside
 * a section; *sc is left after it, ready for continuation lines. */
static void line_at(const rucio_ini *ini, size_t at, ini_scanner *sc,
                    ini_line *ln)
{
    scanner_init(sc, ini->text, ini->len);
    sc->pos = at;
    sc->in_section = 1;
    if (!scanner_next(sc, ln)) /* never for an indexed line */
        memset(ln, 0, sizeof *ln);
}

/* ---- the index ------------------------------------------------------- */

/* FNV-1a over the section ordinal (or a tag for headers) and the name,
 * folded to lower case for options as optionxform does. */
static size_t bucket_of(uint32_t tag, span name, int fold)
{
    uint32_t h = 2166136261u ^ tag;
    size_t i;

    h *= 16777619u;
    for (i = 0; i < name.n; i++) {
        int c = (unsigned char)name.p[i];
        h ^= (uint32_t)(fold ? rucio_ascii_lower(c) : c);
        h *= 16777619u;
    }
    return h % RUCIO_INI_ENTRIES_MAX;
}

#define HEADER_TAG 0x10000u /* above every section ordinal */

/* The entry of the header "[name]", or NULL. */
static const rucio_ini_entry *find_header(const rucio_ini *ini, span name)
{
    unsigned i = ini->bucket[bucket_of(HEADER_TAG, name, 0)];

    for (; i != 0; i = ini->entry[i - 1].next) {
        const rucio_ini_entry *e = &ini->entry[i - 1];
        ini_scanner sc;
        ini_line ln;

        if (!(e->at & HEADER_BIT))
            continue;
        line_at(ini, e->at & ~HEADER_BIT, &sc, &ln);
        if (span_equal(ln.section, name))
            return e;
    }
    return NULL;
}

/* The line of option `name` in section ordinal `section`; *sc and *ln
 * hold it, ready to read its value; its entry is *index. */
static int find_option(const rucio_ini *ini, uint16_t section, span name,
                       ini_scanner *sc, ini_line *ln, size_t *index)
{
    unsigned i = ini->bucket[bucket_of(section, name, 1)];

    for (; i != 0; i = ini->entry[i - 1].next) {
        const rucio_ini_entry *e = &ini->entry[i - 1];

        if ((e->at & HEADER_BIT) || e->section != section)
            continue;
        line_at(ini, e->at, sc, ln);
        if (name_equal(ln->name, name)) {
            *index = i - 1;
            return 1;
        }
    }
    return 0;
}

static rucio_ini_problem add_entry(rucio_ini *ini, size_t bucket,
                                   uint32_t at, uint16_t section)
{
    rucio_ini_entry *e;

    if (ini->count >= RUCIO_INI_ENTRIES_MAX)
        return RUCIO_INI_TOO_MANY_ENTRIES;
    e = &ini->entry[ini->count++];
    e->at = at;
    e->section = section;
    e->next = ini->bucket[bucket];
    ini->bucket[bucket] = (uint16_t)ini->count;
    return RUCIO_INI_OK;
}

/* Python's strict mode: a section may appear once, except [DEFAULT]
 * (Python never records it as added). A repeated header still switches
 * to that section, so later lookups see its first block. */
static rucio_ini_problem add_header(rucio_ini *ini, const ini_line *ln,
                                    uint16_t *section)
{
    const rucio_ini_entry *seen;

    if (is_default(ln->section)) {
        *section = 0;
        return RUCIO_INI_OK;
    }
    seen = find_header(ini, ln->section);
    if (seen) {
        *section = seen->section;
        return RUCIO_INI_DUPLICATE_SECTION;
    }
    *section = (uint16_t)(ini->sections + 1);
    if (add_entry(ini, bucket_of(HEADER_TAG, ln->section, 0),
                  (uint32_t)ln->start | HEADER_BIT,
                  *section) != RUCIO_INI_OK)
        return RUCIO_INI_TOO_MANY_ENTRIES;
    ini->sections++;
    return RUCIO_INI_OK;
}

/* An option may appear once per section; DEFAULT's blocks count as one. */
static rucio_ini_problem add_option(rucio_ini *ini, const ini_line *ln,
                                    uint16_t section)
{
    ini_scanner sc;
    ini_line first;
    size_t index;

    if (find_option(ini, section, ln->name, &sc, &first, &index))
        return RUCIO_INI_DUPLICATE_OPTION;
    return add_entry(ini, bucket_of(section, ln->name, 1),
                     (uint32_t)ln->start, section);
}

static rucio_ini_problem index_line(rucio_ini *ini, const ini_line *ln,
                                    uint16_t *section)
{
    switch (ln->kind) {
    case LINE_ERROR:
        return ln->problem;
    case LINE_SECTION:
        return add_header(ini, ln, section);
    case LINE_OPTION:
        return add_option(ini, ln, *section);
    default:
        return RUCIO_INI_OK;
    }
}

/* Only the first problem is reported; the scan goes on past the others
 * (not past a full table) so that lookups on a refused text still find
 * what they can. */
rucio_status rl_ini_parse(rucio_ini *ini, const char *text, size_t len,
                          rucio_ini_error *err)
{
    rucio_status st = RUCIO_OK;
    uint16_t section = 0;
    ini_scanner sc;
    ini_line ln;

    clear_error(err);
    ini->text = text;
    ini->len = len < HEADER_BIT ? len : 0;
    ini->count = 0;
    ini->sections = 0;
    ini->steps = 0;
    memset(ini->bucket, 0, sizeof ini->bucket);
    if (len >= HEADER_BIT)
        return fail(err, RUCIO_INI_TOO_MANY_ENTRIES, 0, no_name);
    scanner_init(&sc, text, len);
    while (scanner_next(&sc, &ln)) {
        rucio_ini_problem p = index_line(ini, &ln, &section);

        if (p != RUCIO_INI_OK && st == RUCIO_OK)
            st = fail(err, p, ln.number,
                      p == RUCIO_INI_DUPLICATE_SECTION ? ln.section
                      : p == RUCIO_INI_DUPLICATE_OPTION ? ln.name
                                                         : no_name);
        if (p == RUCIO_INI_TOO_MANY_ENTRIES)
            break;
    }
    return st;
}

int rl_ini_has(const rucio_ini *ini, const char *section)
{
    return section && !is_default(span_of(section)) &&
           find_header(ini, span_of(section)) != NULL;
}

/* ---- reading values -------------------------------------------------- */

/* Every raw byte read and every reference followed is one step. */
static int take_steps(const ini_doc *d, unsigned long n)
{
    d->ini->steps += n;
    return d->ini->steps <= RUCIO_INI_STEPS_MAX;
}

static int option_value(const ini_doc *d, span name, ini_value *v,
                        size_t *index)
{
    ini_line ln;

    if (!find_option(d->ini, d->section, name, &v->sc, &ln, index) &&
        (d->section == 0 ||
         !find_option(d->ini, 0, name, &v->sc, &ln, index)))
        return 0;
    v->p = ln.value.p;
    v->end = ln.value.p + ln.value.n;
    v->newlines = 0;
    v->finished = 0;
    v->option = ln.name;
    v->at = ln.start;
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

/* Whether the value holds a '%', and its length in raw bytes. */
static int value_has_percent(ini_value v, unsigned long *bytes)
{
    int c, found = 0;

    *bytes = 0;
    while ((c = value_next(&v)) >= 0) {
        ++*bytes;
        found |= c == '%';
    }
    return found;
}

static void copy_value(ini_value *v, rucio_strbuf *b)
{
    for (;;) {
        if (v->newlines == 0 && v->p == v->end && !next_piece(v))
            return;
        if (v->newlines > 0) {
            v->newlines--;
            rucio_strbuf_putc(b, '\n');
            continue;
        }
        rucio_strbuf_append(b, v->p, (size_t)(v->end - v->p));
        v->p = v->end;
    }
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

static rucio_status interpolate(ini_doc *d, ini_value *v, int depth,
                                int *deepest, rucio_ini_error *err);

/* The work bound: a value that already overflowed the output is too long
 * in any case; otherwise the fan-out itself is the error. */
static rucio_status too_costly(const ini_doc *d, const ini_value *v,
                               rucio_ini_error *err)
{
    if (d->out->status != RUCIO_OK)
        return d->out->status;
    return fail_at(d, RUCIO_INI_TOO_COSTLY, v->at, v->option, err);
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

/* A reference to an option expanded before: copy its output (a sticky
 * overflow means it was never needed). 0 when there is no usable memo. */
static int reuse_expansion(ini_doc *d, size_t index, int depth, int *deepest)
{
    const memo_slot *m = &d->memo[index % MEMO_SLOTS];
    rucio_strbuf *b = d->out;

    if (m->entry != index + 1 || depth + 1 + m->reach > MAX_INTERPOLATION_DEPTH)
        return 0;
    if (b->status == RUCIO_OK)
        rucio_strbuf_append(b, b->data + m->start, m->len);
    *deepest = max_int(*deepest, depth + 1 + m->reach);
    return 1;
}

/* Expand an option whose value holds a '%' one level deeper, and
 * remember where its output went. */
static rucio_status expand_option(ini_doc *d, ini_value *ref, size_t index,
                                  int depth, int *deepest,
                                  rucio_ini_error *err)
{
    size_t start = d->out->len;
    int below = depth + 1;
    memo_slot *m;
    rucio_status st;

    st = interpolate(d, ref, depth + 1, &below, err);
    if (st != RUCIO_OK)
        return st;
    *deepest = max_int(*deepest, below);
    m = &d->memo[index % MEMO_SLOTS];
    m->entry = index + 1;
    m->start = start;
    m->len = d->out->len - start;
    m->reach = below - (depth + 1);
    return RUCIO_OK;
}

/* BasicInterpolation._interpolate_some recurses only into values that
 * hold a '%', and fails when that would go past depth 10; so does this
 * recursion, which keeps its stack use bounded (about 10 frames of a few
 * hundred bytes). */
static rucio_status expand_reference(ini_doc *d, ini_value *v, int depth,
                                     int *deepest, rucio_ini_error *err)
{
    unsigned long bytes;
    size_t index;
    ini_value ref;
    span name;

    if (!read_reference(v, &name))
        return fail_at(d, RUCIO_INI_BAD_INTERPOLATION, v->at, v->option,
                       err);
    if (!name.p || !option_value(d, name, &ref, &index))
        return fail_at(d, RUCIO_INI_MISSING_REFERENCE, v->at, name, err);
    if (!value_has_percent(ref, &bytes)) {
        if (!take_steps(d, 1 + bytes))
            return too_costly(d, v, err);
        copy_value(&ref, d->out);
        return RUCIO_OK;
    }
    if (depth >= MAX_INTERPOLATION_DEPTH)
        return fail_at(d, RUCIO_INI_TOO_DEEP, v->at, v->option, err);
    if (reuse_expansion(d, index, depth, deepest))
        return take_steps(d, 1) ? RUCIO_OK : too_costly(d, v, err);
    if (!take_steps(d, 1 + bytes))
        return too_costly(d, v, err);
    return expand_option(d, &ref, index, depth, deepest, err);
}

/* Copy up to the next '%' of the current piece in one append. */
static void copy_literal(ini_value *v, rucio_strbuf *b)
{
    const char *pct = memchr(v->p, '%', (size_t)(v->end - v->p));
    const char *stop = pct ? pct : v->end;

    rucio_strbuf_append(b, v->p, (size_t)(stop - v->p));
    v->p = stop;
}

/* _interpolate_some: *deepest is raised to the deepest level reached. */
static rucio_status interpolate(ini_doc *d, ini_value *v, int depth,
                                int *deepest, rucio_ini_error *err)
{
    int c;

    for (;;) {
        rucio_status st;
        if (v->newlines == 0 && v->p != v->end && *v->p != '%') {
            copy_literal(v, d->out);
            continue;
        }
        if ((c = value_next(v)) < 0)
            return RUCIO_OK;
        if (c != '%') {
            rucio_strbuf_putc(d->out, (char)c);
            continue;
        }
        c = value_next(v);
        if (c == '%') {
            rucio_strbuf_putc(d->out, '%');
            continue;
        }
        if (c != '(')
            return fail_at(d, RUCIO_INI_BAD_INTERPOLATION, v->at, v->option,
                           err);
        st = expand_reference(d, v, depth, deepest, err);
        if (st != RUCIO_OK)
            return st;
    }
}

static void start_lookup(ini_doc *d, rucio_ini *ini, rucio_strbuf *out)
{
    memset(d, 0, sizeof *d);
    d->ini = ini;
    d->out = out;
}

/* Python's get(): NoSectionError unless the section exists (DEFAULT always
 * does), then section, then DEFAULT, then NoOptionError; interpolated. */
static rucio_status read_value(ini_doc *d, const char *section,
                               const char *key, ini_value *v,
                               rucio_ini_error *err)
{
    span name = span_of(section);
    const rucio_ini_entry *header = NULL;
    unsigned long bytes;
    size_t index;
    int deepest = 1;

    d->ini->steps = 0;
    if (!is_default(name) && !(header = find_header(d->ini, name)))
        return fail(err, RUCIO_INI_NO_SECTION, 0, no_name);
    d->section = header ? header->section : 0;
    if (!option_value(d, span_of(key), v, &index))
        return fail(err, RUCIO_INI_NO_OPTION, 0, no_name);
    (void)value_has_percent(*v, &bytes);
    if (!take_steps(d, bytes))
        return too_costly(d, v, err);
    return interpolate(d, v, 1, &deepest, err);
}

rucio_status rl_ini_lookup(rucio_ini *ini, const char *section,
                           const char *key, char *out, size_t cap,
                           rucio_ini_error *err)
{
    ini_doc d;
    rucio_strbuf b;
    ini_value v;
    rucio_status st;

    clear_error(err);
    if (!section || !key)
        return RUCIO_E_INVALID_ARG;
    rucio_strbuf_init(&b, out, cap);
    start_lookup(&d, ini, &b);
    st = read_value(&d, section, key, &v, err);
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
        if (rl_ascii_equal_nocase(value, len, states[i],
                                  strlen(states[i]))) {
            *out = i < 4;
            return 1;
        }
    }
    return 0;
}

rucio_status rl_ini_lookup_bool(rucio_ini *ini, const char *section,
                                const char *key, int *out,
                                rucio_ini_error *err)
{
    ini_doc d;
    char value[8]; /* longer than every boolean word */
    rucio_strbuf b;
    ini_value v;
    rucio_status st;

    clear_error(err);
    if (!section || !key || !out)
        return RUCIO_E_INVALID_ARG;
    rucio_strbuf_init(&b, value, sizeof value);
    start_lookup(&d, ini, &b);
    st = read_value(&d, section, key, &v, err);
    if (st != RUCIO_OK)
        return st;
    /* A NUL inside the value must not cut it short into a boolean. */
    if (b.status != RUCIO_OK || strlen(value) != b.len ||
        !boolean_state(value, out))
        return fail_at(&d, RUCIO_INI_NOT_BOOLEAN, v.at, v.option, err);
    return RUCIO_OK;
}

/* ---- one-shot forms on bare text -------------------------------------- */

rucio_status rl_ini_check(const char *text, size_t len,
                          rucio_ini_error *err)
{
    rucio_ini ini;

    return rl_ini_parse(&ini, text, len, err);
}

int rl_ini_has_section(const char *text, size_t len, const char *section)
{
    rucio_ini ini;

    (void)rl_ini_parse(&ini, text, len, NULL);
    return rl_ini_has(&ini, section);
}

rucio_status rl_ini_get(const char *text, size_t len, const char *section,
                        const char *key, char *out, size_t cap,
                        rucio_ini_error *err)
{
    rucio_ini ini;

    (void)rl_ini_parse(&ini, text, len, NULL);
    return rl_ini_lookup(&ini, section, key, out, cap, err);
}

rucio_status rl_ini_get_bool(const char *text, size_t len,
                             const char *section, const char *key,
                             int *out, rucio_ini_error *err)
{
    rucio_ini ini;

    (void)rl_ini_parse(&ini, text, len, NULL);
    return rl_ini_lookup_bool(&ini, section, key, out, err);
}
#endif /* RUCIO_WITH_FILES */

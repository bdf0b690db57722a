/*
 * rucio-lite (private): rucio.cfg read the way Python's
 * configparser.ConfigParser() (3.11, default options) reads it.
 *
 * The file stays in the caller's buffer; nothing is copied or allocated.
 * rl_ini_parse reads the whole text once, in one pass linear in its
 * size, validating it as ConfigParser.read() does (any error there makes
 * Python refuse the whole file) and recording where each section header
 * and option line starts in a caller-owned index (struct rucio_ini: a
 * fixed table of RUCIO_INI_ENTRIES_MAX entries, hashed by name). Lookups
 * then go straight to the option's line: they never scan the file again.
 * Lookups on text that the parse refused are memory-safe but their answers
 * are unspecified.
 *
 * Two bounds Python does not have, both clear errors rather than a cut or
 * a hang: at most RUCIO_INI_ENTRIES_MAX section headers and options, and
 * at most RUCIO_INI_STEPS_MAX steps of interpolation work per lookup (one
 * per raw byte read and per reference followed: Python's interpolation is
 * exponential in the nesting, e.g. nine levels each naming the next level
 * four times). The expanded value must fit the caller's buffer.
 *
 * The rules, all checked against Python 3.11:
 *   - The text is UTF-8 (Python decodes it strictly; a UTF-8 byte order
 *     mark is not stripped and makes the first line "not a section").
 *     Lines end at "\n", "\r\n" or a lone "\r" (universal newlines).
 *   - Whitespace is Python's (str.isspace), including U+00A0 and friends.
 *   - A line whose first non-blank character is '#' or ';' is a comment.
 *     There are no inline comments: "a = b ; c" has the value "b ; c".
 *   - "[name]" starts a section: the name runs to the LAST ']' of the line
 *     and anything after it is ignored ("[client] ; x" is section
 *     "client"). Names are case-sensitive. "[DEFAULT]" may appear several
 *     times and supplies defaults to every section.
 *   - "key = value" or "key: value": the first '=' or ':' splits; the key
 *     is case-insensitive (ASCII letters only: Python would also fold
 *     non-ASCII letters); key and value are stripped.
 *   - A non-empty line indented deeper than its option line continues the
 *     value (joined with "\n"), even if it looks like a section or an
 *     option. Empty lines inside a value are kept only when more
 *     continuation lines follow; comment lines in between are dropped.
 *   - Errors: text before the first section header, a line that is
 *     neither header nor "key = value", an empty key, a section or an
 *     option (per section) given twice.
 *   - Basic interpolation on every lookup: "%%" is '%', "%(name)s" is the
 *     value of option name (case-insensitive) from the same section or
 *     DEFAULT, expanded again if it holds a '%', at most 10 levels deep.
 */
#ifndef RUCIO_INI_H
#define RUCIO_INI_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/build_config.h" /* RUCIO_INI_ENTRIES_MAX, RUCIO_INI_STEPS_MAX */
#include "rucio/status.h"

/* RUCIO_INI_ENTRIES_MAX and RUCIO_INI_STEPS_MAX: build_config.h. */

/* What went wrong, one value per Python exception it stands for. */
typedef enum rucio_ini_problem {
    RUCIO_INI_OK = 0,
    RUCIO_INI_NOT_UTF8,            /* UnicodeDecodeError */
    RUCIO_INI_BYTE_ORDER_MARK,     /* MissingSectionHeaderError, line 1 */
    RUCIO_INI_NO_SECTION_HEADER,   /* MissingSectionHeaderError */
    RUCIO_INI_NO_DELIMITER,        /* ParsingError: no '=' or ':' */
    RUCIO_INI_EMPTY_NAME,          /* ParsingError: "= value" */
    RUCIO_INI_DUPLICATE_SECTION,   /* DuplicateSectionError */
    RUCIO_INI_DUPLICATE_OPTION,    /* DuplicateOptionError */
    RUCIO_INI_NO_SECTION,          /* NoSectionError */
    RUCIO_INI_NO_OPTION,           /* NoOptionError */
    RUCIO_INI_BAD_INTERPOLATION,   /* InterpolationSyntaxError */
    RUCIO_INI_MISSING_REFERENCE,   /* InterpolationMissingOptionError */
    RUCIO_INI_TOO_DEEP,            /* InterpolationDepthError */
    RUCIO_INI_NOT_BOOLEAN,         /* ValueError("Not a boolean") */
    RUCIO_INI_TOO_MANY_ENTRIES,    /* (ours) more than RUCIO_INI_ENTRIES_MAX */
    RUCIO_INI_TOO_COSTLY           /* (ours) more than RUCIO_INI_STEPS_MAX */
} rucio_ini_problem;

/*
 * Where and why. Never holds a value: a value may be a password. `name`
 * points into the caller's text (not NUL-terminated):
 *   duplicates: the section or option name given twice;
 *   BAD_INTERPOLATION, TOO_DEEP, TOO_COSTLY, NOT_BOOLEAN: the option
 *     being read
 *     (for a nested reference, the option whose value holds the problem);
 *   MISSING_REFERENCE: the name inside "%(...)s" that has no option;
 *   anything else: NULL.
 * `line` is 1-based: the offending line, or the line of the option named;
 * 0 when no line is concerned (NO_SECTION, NO_OPTION).
 */
typedef struct rucio_ini_error {
    rucio_ini_problem problem;
    const char *reason;  /* constant English text, never NULL */
    unsigned long line;
    const char *name;
    size_t name_len;
} rucio_ini_error;

/* One section header or option line of the index. */
typedef struct rucio_ini_entry {
    uint32_t at;      /* offset of its line; bit 31 set for a header */
    uint16_t section; /* ordinal of its section; [DEFAULT] is 0 */
    uint16_t next;    /* 1 + the next entry of its hash bucket; 0: none */
} rucio_ini_entry;

/*
 * A parsed rucio.cfg: the caller's text plus the index. Owned by the
 * caller (about 10 KiB with the default RUCIO_INI_ENTRIES_MAX); valid as
 * long as the text is. Lookups write only `steps`.
 */
typedef struct rucio_ini {
    const char *text;
    size_t len;
    size_t count;        /* entries in use */
    uint16_t sections;   /* ordinals given to named sections */
    unsigned long steps; /* interpolation work of the last lookup */
    uint16_t bucket[RUCIO_INI_ENTRIES_MAX]; /* 1 + first entry; 0: none */
    rucio_ini_entry entry[RUCIO_INI_ENTRIES_MAX];
} rucio_ini;

/* Index the whole text (at most 2 GiB) in one pass. RUCIO_OK, or
 * RUCIO_E_CONFIG with *err (may be NULL) describing the first problem in
 * file order; lookups remain memory-safe after a failure. */
rucio_status rl_ini_parse(rucio_ini *ini, const char *text, size_t len,
                          rucio_ini_error *err);

/* Nonzero when a "[section]" header names exactly this section. DEFAULT
 * is never reported, as in Python's has_section. */
int rl_ini_has(const rucio_ini *ini, const char *section);

/*
 * The interpolated value of key in section (falling back to DEFAULT),
 * NUL-terminated in out. section may be "DEFAULT" itself. Returns:
 *   RUCIO_OK;
 *   RUCIO_E_MISSING_PARAM with err->problem RUCIO_INI_NO_SECTION or
 *     RUCIO_INI_NO_OPTION (Python's NoSectionError / NoOptionError);
 *   RUCIO_E_CONFIG for an interpolation error (err says which);
 *   RUCIO_E_NO_SPACE when the value and its NUL do not fit in cap (an
 *     interpolation error further on still wins, as Python would raise);
 *   RUCIO_E_INVALID_ARG when section or key is NULL.
 * On any failure out holds "" (if cap > 0). err may be NULL.
 */
rucio_status rl_ini_lookup(rucio_ini *ini, const char *section,
                           const char *key, char *out, size_t cap,
                           rucio_ini_error *err);

/* As rl_ini_lookup, then the value as ConfigParser.getboolean reads
 * it: 1/yes/true/on and 0/no/false/off, any case. Anything else is
 * RUCIO_E_CONFIG with RUCIO_INI_NOT_BOOLEAN. */
rucio_status rl_ini_lookup_bool(rucio_ini *ini, const char *section,
                                const char *key, int *out,
                                rucio_ini_error *err);

/*
 * The same on bare text, for callers that read one value (tests, fuzz
 * targets): each call indexes the text again in a rucio_ini on its own
 * stack, so a caller with several lookups should parse once instead.
 */
rucio_status rl_ini_check(const char *text, size_t len,
                          rucio_ini_error *err);
int rl_ini_has_section(const char *text, size_t len, const char *section);
rucio_status rl_ini_get(const char *text, size_t len, const char *section,
                        const char *key, char *out, size_t cap,
                        rucio_ini_error *err);
rucio_status rl_ini_get_bool(const char *text, size_t len,
                             const char *section, const char *key,
                             int *out, rucio_ini_error *err);

#endif /* RUCIO_INI_H */

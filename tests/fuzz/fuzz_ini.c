/*
 * libFuzzer target: the rucio.cfg reader (src/client/ini.h) on any bytes.
 *
 * The whole input is the file. After rl_ini_check, the sections and
 * keys written at the start of a line are looked up (plus a few fixed
 * names) with rl_ini_has_section, rl_ini_get and
 * rl_ini_get_bool. Invariants:
 *   - a check error names a line and, when it names text, text inside
 *     the file;
 *   - in a file the check accepted, every such section exists and every
 *     such key is found in its section (an interpolation error may still
 *     stop it, never "no option");
 *   - a value is NUL-terminated, fits its buffer, and reading it again
 *     into a buffer of exactly its size works while one byte less is
 *     RUCIO_E_NO_SPACE with "" left behind; every failure leaves "";
 *   - get_bool agrees with get on the same value.
 * Lookups on a refused file must merely be memory-safe.
 */
#define _GNU_SOURCE /* strnlen */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_support.h"
#include "client/ini.h"

#define MAX_NAMES 8
#define VALUE_CAP 1024

typedef struct names {
    char *section[MAX_NAMES];
    size_t sections;
    char *key[MAX_NAMES];       /* key[i] lives in section key_section[i] */
    size_t key_section[MAX_NAMES];
    int key_plain[MAX_NAMES];   /* printable ASCII: lookup must find it */
    size_t keys;
    int lost;                   /* inside a section not collected */
} names;

static char value[VALUE_CAP];
static char again[VALUE_CAP];

static int plain_ascii(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return 0;
    return 1;
}

static void strip(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* One line at the left margin: a section header or a "key = value". */
static void collect_line(names *nm, const char *line, size_t n)
{
    const char *close;
    unsigned char first = n > 0 ? (unsigned char)line[0] : 0;
    size_t k;

    /* A section we cannot name: skip its keys. An indented "[...]" (any
     * Python whitespace indents) is a section header or a continuation
     * line, depending on what came before; this scanner does not tell
     * them apart. */
    if ((first == '[' && memchr(line, '\0', n)) ||
        ((first <= 0x20 || first >= 0x7f) && n > 0 && memchr(line, '[', n))) {
        nm->lost = 1;
        return;
    }
    if (n == 0 || memchr(line, '\0', n) || line[0] == ' ' ||
        line[0] == '\t' || line[0] == '#' || line[0] == ';')
        return;
    if (line[0] == '[') {
        close = line + n;
        while (close > line + 1 && close[-1] != ']')
            close--;
        nm->lost = !(close > line + 2 && nm->sections < MAX_NAMES);
        if (!nm->lost)
            nm->section[nm->sections++] =
                fuzz_strndup((const uint8_t *)line + 1,
                             (size_t)(close - line) - 2);
        return;
    }
    k = strcspn(line, "=:");
    if (k >= n || nm->keys >= MAX_NAMES || nm->sections == 0 || nm->lost)
        return;
    nm->key_plain[nm->keys] = plain_ascii(line, k);
    strip(&line, &k);
    nm->key_section[nm->keys] = nm->sections - 1;
    nm->key[nm->keys++] = fuzz_strndup((const uint8_t *)line, k);
}

/* Lines end at "\n", "\r\n" or a lone "\r". */
static void collect(names *nm, const char *text, size_t len)
{
    size_t start = 0, i;

    for (i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n' && text[i] != '\r')
            continue;
        collect_line(nm, text + start, i - start);
        if (i + 1 < len && text[i] == '\r' && text[i + 1] == '\n')
            i++;
        start = i + 1;
    }
}

static void check_error_names_text(const rucio_ini_error *e, const char *text,
                                   size_t len)
{
    FUZZ_CHECK(e->reason != NULL);
    if (e->name)
        FUZZ_CHECK(e->name >= text && e->name_len <= len &&
                   (size_t)(e->name - text) <= len - e->name_len);
}

static int is_bool_word(const char *v, int *out)
{
    static const char *const yes[] = {"1", "yes", "true", "on"};
    static const char *const no[] = {"0", "no", "false", "off"};
    size_t i;

    for (i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = 1, 1;
        if (strcasecmp(v, no[i]) == 0)
            return *out = 0, 1;
    }
    return 0;
}

static void check_bool(const char *text, size_t len, const char *section,
                       const char *key, rucio_status got_st)
{
    rucio_ini_error err;
    int b = -1, want;
    rucio_status st = rl_ini_get_bool(text, len, section, key, &b, &err);

    if (got_st != RUCIO_OK)
        return;
    if (strlen(value) < VALUE_CAP - 1 && is_bool_word(value, &want))
        FUZZ_CHECK(st == RUCIO_OK && b == want);
    else if (strlen(value) < VALUE_CAP - 1)
        FUZZ_CHECK(st == RUCIO_E_CONFIG && err.problem == RUCIO_INI_NOT_BOOLEAN);
}

/* Look key up in section; returns the status. */
static rucio_status lookup(const char *text, size_t len, const char *section,
                           const char *key, int deep)
{
    rucio_ini_error err;
    rucio_status st;
    size_t n;

    memset(&err, 0, sizeof err);
    st = rl_ini_get(text, len, section, key, value, sizeof value, &err);
    FUZZ_CHECK(st == RUCIO_OK || st == RUCIO_E_MISSING_PARAM ||
               st == RUCIO_E_CONFIG || st == RUCIO_E_NO_SPACE);
    if (st != RUCIO_OK) {
        FUZZ_CHECK(value[0] == '\0');
        check_error_names_text(&err, text, len);
        check_bool(text, len, section, key, st);
        return st;
    }
    n = strnlen(value, sizeof value);
    FUZZ_CHECK(n < sizeof value);
    /* exactly its size, then one byte less; a file with NUL bytes can
     * have values longer than their C string */
    if (!deep || memchr(text, '\0', len))
        return st;
    FUZZ_CHECK(rl_ini_get(text, len, section, key, again, n + 1, NULL) ==
               RUCIO_OK);
    FUZZ_CHECK(strcmp(again, value) == 0);
    if (n > 0) {
        FUZZ_CHECK(rl_ini_get(text, len, section, key, again, n, NULL) ==
                   RUCIO_E_NO_SPACE);
        FUZZ_CHECK(again[0] == '\0');
    }
    check_bool(text, len, section, key, st);
    return st;
}

static void check_lookups(const char *text, size_t len, int valid)
{
    names nm;
    size_t i;

    memset(&nm, 0, sizeof nm);
    collect(&nm, text, len);
    for (i = 0; i < nm.sections; i++)
        if (valid && strcmp(nm.section[i], "DEFAULT") != 0)
            FUZZ_CHECK(rl_ini_has_section(text, len, nm.section[i]));
    for (i = 0; i < nm.keys; i++) {
        /* every lookup parses the text again: the deep checks on the
         * first keys only, to keep the target fast */
        rucio_status st = lookup(text, len, nm.section[nm.key_section[i]],
                                 nm.key[i], i < 3);

        if (valid && nm.key_plain[i] && nm.key[i][0])
            FUZZ_CHECK(st != RUCIO_E_MISSING_PARAM);
    }
    lookup(text, len, "client", "rucio_host", 1);
    lookup(text, len, "DEFAULT", "a", 0);
    FUZZ_CHECK(!rl_ini_has_section(text, len, "DEFAULT"));
    for (i = 0; i < nm.sections; i++)
        free(nm.section[i]);
    for (i = 0; i < nm.keys; i++)
        free(nm.key[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    rucio_ini_error err;
    rucio_status st;

    memset(&err, 0, sizeof err);
    st = rl_ini_check(text, size, &err);
    if (st == RUCIO_OK) {
        FUZZ_CHECK(err.problem == RUCIO_INI_OK);
    } else {
        FUZZ_CHECK(st == RUCIO_E_CONFIG && err.problem != RUCIO_INI_OK);
        FUZZ_CHECK(err.line >= 1);
        check_error_names_text(&err, text, size);
    }
    check_lookups(text, size, st == RUCIO_OK);
    free(text);
    return 0;
}

/*
 * Unit tests for the rucio.cfg reader (src/client/ini.c): a table of texts
 * whose expected results come from Python's own configparser, then the
 * details Python has no equivalent for (buffer limits, error reports).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/ini.h"

/* A text given with its length, so that it may hold NUL bytes. */
#define V(lit) lit, sizeof(lit) - 1

typedef enum query_kind {
    Q_END = 0, /* ends a case's query list */
    Q_GET,     /* rl_ini_get: `expect` is the value */
    Q_BOOL,    /* rl_ini_get_bool: `expect` is "1" or "0" */
    Q_HAS      /* rl_ini_has_section: `expect` is "1" or "0" */
} query_kind;

typedef struct ini_query {
    query_kind kind;
    const char *section;
    const char *key;
    rucio_status status;
    rucio_ini_problem problem;
    /* The result when status is RUCIO_OK; for RUCIO_INI_MISSING_REFERENCE
     * the reference Python names (lower-cased by optionxform). */
    const char *expect;
} ini_query;

typedef struct ini_case {
    const char *name;
    const char *text;
    size_t len;
    rucio_ini_problem check; /* what rl_ini_check reports */
    unsigned long line;
    const char *error_name;  /* section or option of a duplicate */
    ini_query queries[20];
} ini_case;

/*
 * Every row below was produced by running CPython 3.11.7's
 * configparser.ConfigParser() (default options, ConfigParser.read() of the
 * same bytes written to a file, i.e. UTF-8 and universal newlines) with a
 * script in /tmp that printed these C literals; nothing was written by
 * hand. Python's exception classes map to rucio_ini_problem as listed in
 * ini.h; ParsingError was split into NO_DELIMITER and EMPTY_NAME by
 * whether the offending line holds '=' or ':', and MissingSectionHeaderError
 * into BYTE_ORDER_MARK when that line starts with U+FEFF.
 */
static const ini_case cases[] = {
    {"delimiters",
     V("[s]\n"
       "k1 = v1\n"
       "k2: v2\n"
       "k3=v3=x\n"
       "k4:v4:y\n"
       "k5 = a:b\n"
       "k6 : a=b\n"
       "k7=\n"
       "k8 :\n"
       "  spaced key  =  spaced value  \n"
       "k9\011=\011tabs\011\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "k1", RUCIO_OK, RUCIO_INI_OK, "v1"},
         {Q_GET, "s", "k2", RUCIO_OK, RUCIO_INI_OK, "v2"},
         {Q_GET, "s", "k3", RUCIO_OK, RUCIO_INI_OK, "v3=x"},
         {Q_GET, "s", "k4", RUCIO_OK, RUCIO_INI_OK, "v4:y"},
         {Q_GET, "s", "k5", RUCIO_OK, RUCIO_INI_OK, "a:b"},
         {Q_GET, "s", "k6", RUCIO_OK, RUCIO_INI_OK, "a=b"},
         {Q_GET, "s", "k7", RUCIO_OK, RUCIO_INI_OK, ""},
         {Q_GET, "s", "k8",
          RUCIO_OK, RUCIO_INI_OK,
          "\n"
          "spaced key  =  spaced value"},
         {Q_GET, "s", "spaced key",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION,
          NULL},
         {Q_GET, "s", "k9", RUCIO_OK, RUCIO_INI_OK, "tabs"},
         {Q_GET, "s", "k10", RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION, NULL},
     }},
    {"spaced key",
     V("[s]\n"
       "  spaced key  =  spaced value  \n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "spaced key", RUCIO_OK, RUCIO_INI_OK, "spaced value"},
         {Q_GET, "s", "SPACED KEY", RUCIO_OK, RUCIO_INI_OK, "spaced value"},
     }},
    {"case",
     V("[Client]\n"
       "Rucio_Host = https://a\n"
       "[client]\n"
       "rucio_host = https://b\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "Client", "rucio_host", RUCIO_OK, RUCIO_INI_OK, "https://a"},
         {Q_GET, "client", "RUCIO_HOST", RUCIO_OK, RUCIO_INI_OK, "https://b"},
         {Q_GET, "Client", "Rucio_Host", RUCIO_OK, RUCIO_INI_OK, "https://a"},
         {Q_GET, "CLIENT", "rucio_host",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_SECTION,
          NULL},
         {Q_HAS, "Client", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, "client", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, "CLIENT", NULL, RUCIO_OK, RUCIO_INI_OK, "0"},
     }},
    {"default fallback",
     V("[DEFAULT]\n"
       "shared = d\n"
       "over = d\n"
       "[a]\n"
       "over = a\n"
       "[b]\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "a", "shared", RUCIO_OK, RUCIO_INI_OK, "d"},
         {Q_GET, "a", "over", RUCIO_OK, RUCIO_INI_OK, "a"},
         {Q_GET, "b", "over", RUCIO_OK, RUCIO_INI_OK, "d"},
         {Q_GET, "DEFAULT", "over", RUCIO_OK, RUCIO_INI_OK, "d"},
         {Q_GET, "DEFAULT", "missing",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION,
          NULL},
         {Q_GET, "b", "missing",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION,
          NULL},
         {Q_GET, "c", "shared",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_SECTION,
          NULL},
         {Q_HAS, "DEFAULT", NULL, RUCIO_OK, RUCIO_INI_OK, "0"},
         {Q_HAS, "a", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
     }},
    {"default interpolation",
     V("[DEFAULT]\n"
       "base = /opt/%(who)s\n"
       "who = def\n"
       "[a]\n"
       "who = alice\n"
       "path = %(base)s/x\n"
       "[b]\n"
       "path = %(BASE)s/y\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "a", "path", RUCIO_OK, RUCIO_INI_OK, "/opt/alice/x"},
         {Q_GET, "b", "path", RUCIO_OK, RUCIO_INI_OK, "/opt/def/y"},
         {Q_GET, "a", "base", RUCIO_OK, RUCIO_INI_OK, "/opt/alice"},
         {Q_GET, "DEFAULT", "base", RUCIO_OK, RUCIO_INI_OK, "/opt/def"},
         {Q_GET, "DEFAULT", "path",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION,
          NULL},
     }},
    {"comments",
     V("# top comment\n"
       "; another\n"
       "   # indented before any section\n"
       "[s]\n"
       "# c1\n"
       "  ; c2 indented\n"
       "k = v # not a comment\n"
       "k2 = v ; nor this\n"
       "k3 = #starts with hash\n"
       "k4 = x\n"
       "  # comment inside\n"
       "  y\n"
       "k5 = a\n"
       ";\n"
       "  b\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "k", RUCIO_OK, RUCIO_INI_OK, "v # not a comment"},
         {Q_GET, "s", "k2", RUCIO_OK, RUCIO_INI_OK, "v ; nor this"},
         {Q_GET, "s", "k3", RUCIO_OK, RUCIO_INI_OK, "#starts with hash"},
         {Q_GET, "s", "k4", RUCIO_OK, RUCIO_INI_OK, "x\ny"},
         {Q_GET, "s", "k5", RUCIO_OK, RUCIO_INI_OK, "a\nb"},
         {Q_GET, "s", "# c1",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION,
          NULL},
     }},
    {"continuation",
     V("[s]\n"
       "k = first\n"
       "  second\n"
       "\011third\n"
       "\n"
       "  after blank\n"
       "\n"
       "\n"
       "next = 1\n"
       "empty =\n"
       "  a\n"
       "  b\n"
       "trail = x\n"
       "\n"
       "   \n"
       "\n"
       "[t]\n"
       "in = 1\n"
       "  [not a section]\n"
       "  key = not an option\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "k",
          RUCIO_OK, RUCIO_INI_OK,
          "first\n"
          "second\n"
          "third\n"
          "\n"
          "after blank"},
         {Q_GET, "s", "next", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_GET, "s", "empty", RUCIO_OK, RUCIO_INI_OK, "\na\nb"},
         {Q_GET, "s", "trail", RUCIO_OK, RUCIO_INI_OK, "x"},
         {Q_GET, "t", "in",
          RUCIO_OK, RUCIO_INI_OK,
          "1\n"
          "[not a section]\n"
          "key = not an option"},
         {Q_GET, "t", "key", RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION, NULL},
         {Q_HAS, "not a section", NULL, RUCIO_OK, RUCIO_INI_OK, "0"},
     }},
    {"blank line then indented key",
     V("[s]\n"
       "a = 1\n"
       "\n"
       "  b = 2\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "a", RUCIO_OK, RUCIO_INI_OK, "1\n\nb = 2"},
         {Q_GET, "s", "b", RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION, NULL},
     }},
    {"indentation is relative",
     V("  [s]\n"
       "  x=1\n"
       " y=2\n"
       "   z=3\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "x", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_GET, "s", "y", RUCIO_OK, RUCIO_INI_OK, "2\nz=3"},
         {Q_GET, "s", "z", RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION, NULL},
     }},
    {"interpolation",
     V("[s]\n"
       "home = /home/u\n"
       "dir = %(home)s/data\n"
       "file = %(dir)s/f.txt\n"
       "pct = 100%%\n"
       "mix = %(HOME)s:%%:%(pct)s\n"
       "empty =\n"
       "ref_empty = [%(empty)s]\n"
       "multi = a\n"
       "  %(home)s\n"
       "refmulti = <%(multi)s>\n"
       "odd name = v\n"
       "odd = %(odd name)s\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "dir", RUCIO_OK, RUCIO_INI_OK, "/home/u/data"},
         {Q_GET, "s", "file", RUCIO_OK, RUCIO_INI_OK, "/home/u/data/f.txt"},
         {Q_GET, "s", "pct", RUCIO_OK, RUCIO_INI_OK, "100%"},
         {Q_GET, "s", "mix", RUCIO_OK, RUCIO_INI_OK, "/home/u:%:100%"},
         {Q_GET, "s", "ref_empty", RUCIO_OK, RUCIO_INI_OK, "[]"},
         {Q_GET, "s", "multi", RUCIO_OK, RUCIO_INI_OK, "a\n/home/u"},
         {Q_GET, "s", "refmulti", RUCIO_OK, RUCIO_INI_OK, "<a\n/home/u>"},
         {Q_GET, "s", "odd", RUCIO_OK, RUCIO_INI_OK, "v"},
     }},
    {"interpolation errors",
     V("[s]\n"
       "lone = 50%\n"
       "badref = %(x)d\n"
       "empty_name = %()s\n"
       "unclosed = %(home\n"
       "missing = %(nope)s\n"
       "nested_bad = %(lone)s\n"
       "trail = abc%\n"
       "space = %( home )s\n"
       "home=/h\n"
       "split = %(ho\n"
       "  me)s\n"
       "upper = %(NOPE)s\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "lone",
          RUCIO_E_CONFIG, RUCIO_INI_BAD_INTERPOLATION,
          NULL},
         {Q_GET, "s", "badref",
          RUCIO_E_CONFIG, RUCIO_INI_BAD_INTERPOLATION,
          NULL},
         {Q_GET, "s", "empty_name",
          RUCIO_E_CONFIG, RUCIO_INI_BAD_INTERPOLATION,
          NULL},
         {Q_GET, "s", "unclosed",
          RUCIO_E_CONFIG, RUCIO_INI_BAD_INTERPOLATION,
          NULL},
         {Q_GET, "s", "missing",
          RUCIO_E_CONFIG, RUCIO_INI_MISSING_REFERENCE,
          "nope"},
         {Q_GET, "s", "nested_bad",
          RUCIO_E_CONFIG, RUCIO_INI_BAD_INTERPOLATION,
          NULL},
         {Q_GET, "s", "trail",
          RUCIO_E_CONFIG, RUCIO_INI_BAD_INTERPOLATION,
          NULL},
         {Q_GET, "s", "space",
          RUCIO_E_CONFIG, RUCIO_INI_MISSING_REFERENCE,
          " home "},
         {Q_GET, "s", "split",
          RUCIO_E_CONFIG, RUCIO_INI_MISSING_REFERENCE,
          "ho\n"
          "me"},
         {Q_GET, "s", "upper",
          RUCIO_E_CONFIG, RUCIO_INI_MISSING_REFERENCE,
          "nope"},
     }},
    {"depth",
     V("[s]\n"
       "v0 = %(v1)s\n"
       "v1 = %(v2)s\n"
       "v2 = %(v3)s\n"
       "v3 = %(v4)s\n"
       "v4 = %(v5)s\n"
       "v5 = %(v6)s\n"
       "v6 = %(v7)s\n"
       "v7 = %(v8)s\n"
       "v8 = %(v9)s\n"
       "v9 = %(v10)s\n"
       "v10 = %(v11)s\n"
       "v11 = %(v12)s\n"
       "v12 = %%\n"
       "plain = %(v12)s\n"
       "x = %(x)s\n"
       "loop_a = %(loop_b)s\n"
       "loop_b = %(loop_a)s\n"
       "end = no percent\n"
       "to_end = %(end)s\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "v0", RUCIO_E_CONFIG, RUCIO_INI_TOO_DEEP, NULL},
         {Q_GET, "s", "v1", RUCIO_E_CONFIG, RUCIO_INI_TOO_DEEP, NULL},
         {Q_GET, "s", "v2", RUCIO_E_CONFIG, RUCIO_INI_TOO_DEEP, NULL},
         {Q_GET, "s", "v3", RUCIO_OK, RUCIO_INI_OK, "%"},
         {Q_GET, "s", "v12", RUCIO_OK, RUCIO_INI_OK, "%"},
         {Q_GET, "s", "plain", RUCIO_OK, RUCIO_INI_OK, "%"},
         {Q_GET, "s", "x", RUCIO_E_CONFIG, RUCIO_INI_TOO_DEEP, NULL},
         {Q_GET, "s", "loop_a", RUCIO_E_CONFIG, RUCIO_INI_TOO_DEEP, NULL},
         {Q_GET, "s", "to_end", RUCIO_OK, RUCIO_INI_OK, "no percent"},
     }},
    {"depth counts only values holding a percent",
     V("[s]\n"
       "w0 = %(w1)s\n"
       "w1 = %(w2)s\n"
       "w2 = %(w3)s\n"
       "w3 = %(w4)s\n"
       "w4 = %(w5)s\n"
       "w5 = %(w6)s\n"
       "w6 = %(w7)s\n"
       "w7 = %(w8)s\n"
       "w8 = %(w9)s\n"
       "w9 = %(w10)s\n"
       "w10 = end\n"
       "p0 = %(p1)s\n"
       "p1 = %(p2)s\n"
       "p2 = %(p3)s\n"
       "p3 = %(p4)s\n"
       "p4 = %(p5)s\n"
       "p5 = %(p6)s\n"
       "p6 = %(p7)s\n"
       "p7 = %(p8)s\n"
       "p8 = %(p9)s\n"
       "p9 = %(p10)s\n"
       "p10 = %%\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "w0", RUCIO_OK, RUCIO_INI_OK, "end"},
         {Q_GET, "s", "p0", RUCIO_E_CONFIG, RUCIO_INI_TOO_DEEP, NULL},
         {Q_GET, "s", "p1", RUCIO_OK, RUCIO_INI_OK, "%"},
     }},
    {"a header ends the open option",
     V("[a]\n"
       "x = 1\n"
       "[b]\n"
       "  y = 2\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "a", "x", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_GET, "b", "y", RUCIO_OK, RUCIO_INI_OK, "2"},
     }},
    {"duplicate section",
     V("[a]\n"
       "x=1\n"
       "[b]\n"
       "[a]\n"),
     RUCIO_INI_DUPLICATE_SECTION, 4, "a",
     {{0}}},
    {"duplicate option",
     V("[a]\n"
       "x=1\n"
       "y=2\n"
       "X = 3\n"),
     RUCIO_INI_DUPLICATE_OPTION, 4, "x",
     {{0}}},
    {"duplicate option in two DEFAULT blocks",
     V("[DEFAULT]\n"
       "a=1\n"
       "[s]\n"
       "[DEFAULT]\n"
       "A=2\n"),
     RUCIO_INI_DUPLICATE_OPTION, 5, "a",
     {{0}}},
    {"DEFAULT twice",
     V("[DEFAULT]\n"
       "a=1\n"
       "[s]\n"
       "b=0\n"
       "[DEFAULT]\n"
       "b=2\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "a", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_GET, "s", "b", RUCIO_OK, RUCIO_INI_OK, "0"},
         {Q_GET, "DEFAULT", "b", RUCIO_OK, RUCIO_INI_OK, "2"},
     }},
    {"same option in two sections",
     V("[a]\n"
       "x=1\n"
       "[b]\n"
       "x=2\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "a", "x", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_GET, "b", "x", RUCIO_OK, RUCIO_INI_OK, "2"},
     }},
    {"missing section header",
     V("key = value\n"
       "[s]\n"),
     RUCIO_INI_NO_SECTION_HEADER, 1, NULL,
     {{0}}},
    {"missing section header after comments",
     V("# comment\n"
       "\n"
       "; c\n"
       "key=v\n"),
     RUCIO_INI_NO_SECTION_HEADER, 4, NULL,
     {{0}}},
    {"byte order mark",
     V("\357\273\277[s]\n"
       "x=1\n"),
     RUCIO_INI_BYTE_ORDER_MARK, 1, NULL,
     {{0}}},
    {"empty file",
     V(""),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_HAS, "s", NULL, RUCIO_OK, RUCIO_INI_OK, "0"},
         {Q_GET, "s", "x", RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_SECTION, NULL},
         {Q_GET, "DEFAULT", "x",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION,
          NULL},
     }},
    {"only comments",
     V("# a\n"
       ";b\n"
       "\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_HAS, "s", NULL, RUCIO_OK, RUCIO_INI_OK, "0"},
     }},
    {"no delimiter",
     V("[s]\n"
       "ok = 1\n"
       "just a line\n"),
     RUCIO_INI_NO_DELIMITER, 3, NULL,
     {{0}}},
    {"empty option name",
     V("[s]\n"
       "= v\n"),
     RUCIO_INI_EMPTY_NAME, 2, NULL,
     {{0}}},
    {"empty option name with colon",
     V("[s]\n"
       "  : v\n"),
     RUCIO_INI_EMPTY_NAME, 2, NULL,
     {{0}}},
    {"empty section name",
     V("[s]\n"
       "[]\n"),
     RUCIO_INI_NO_DELIMITER, 2, NULL,
     {{0}}},
    {"CRLF",
     V("[s]\015\n"
       "k = v\015\n"
       "m = a\015\n"
       "  b\015\n"
       "\015\n"
       "  c\015\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "k", RUCIO_OK, RUCIO_INI_OK, "v"},
         {Q_GET, "s", "m", RUCIO_OK, RUCIO_INI_OK, "a\nb\n\nc"},
     }},
    {"lone CR",
     V("[s]\015k = v\015j = w\015  more\015"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "k", RUCIO_OK, RUCIO_INI_OK, "v"},
         {Q_GET, "s", "j", RUCIO_OK, RUCIO_INI_OK, "w\nmore"},
     }},
    {"header oddities",
     V("[a] ; comment\n"
       "x=1\n"
       "[b]]\n"
       "y=2\n"
       "[c]d]\n"
       "z=3\n"
       "[x]=y\n"
       "w=4\n"
       "[ spaced ]\n"
       "v=5\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_HAS, "a", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, "b]", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, "c]d", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, "x", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, " spaced ", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, "spaced", NULL, RUCIO_OK, RUCIO_INI_OK, "0"},
         {Q_GET, "a", "x", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_GET, "b]", "y", RUCIO_OK, RUCIO_INI_OK, "2"},
         {Q_GET, "c]d", "z", RUCIO_OK, RUCIO_INI_OK, "3"},
         {Q_GET, "x", "w", RUCIO_OK, RUCIO_INI_OK, "4"},
         {Q_GET, " spaced ", "v", RUCIO_OK, RUCIO_INI_OK, "5"},
     }},
    {"unicode whitespace",
     V("[s]\n"
       "x = 1\302\240\n"
       "\302\240y=2\n"
       "z\342\200\203=\343\200\2003\n"
       "w = \342\200\250four\342\200\251\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "x", RUCIO_OK, RUCIO_INI_OK, "1\ny=2"},
         {Q_GET, "s", "y", RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION, NULL},
         {Q_GET, "s", "z", RUCIO_OK, RUCIO_INI_OK, "3"},
         {Q_GET, "s", "w", RUCIO_OK, RUCIO_INI_OK, "four"},
     }},
    {"information separators are whitespace",
     V("[s]\n"
       "x = \0341\037\n"
       "\013y = 2\014\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "x", RUCIO_OK, RUCIO_INI_OK, "1\ny = 2"},
         {Q_GET, "s", "y", RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION, NULL},
     }},
    {"invalid UTF-8",
     V("[s]\n"
       "ok = 1\n"
       "x = \377\n"),
     RUCIO_INI_NOT_UTF8, 3, NULL,
     {{0}}},
    {"overlong UTF-8",
     V("[s]\n"
       "x = \300\257\n"),
     RUCIO_INI_NOT_UTF8, 2, NULL,
     {{0}}},
    {"UTF-8 encoded surrogate",
     V("[s]\n"
       "x = \355\240\200\n"),
     RUCIO_INI_NOT_UTF8, 2, NULL,
     {{0}}},
    {"NUL is an ordinary character",
     V("[s]\n"
       "x=1\0002\n"
       "y=3\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "s", "y", RUCIO_OK, RUCIO_INI_OK, "3"},
     }},
    {"NUL in a boolean",
     V("[s]\n"
       "b = 1\000\n"
       "c = 1\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_BOOL, "s", "b", RUCIO_E_CONFIG, RUCIO_INI_NOT_BOOLEAN, NULL},
         {Q_BOOL, "s", "c", RUCIO_OK, RUCIO_INI_OK, "1"},
     }},
    {"rucio client config",
     V("[common]\n"
       "logdir = /var/log/rucio\n"
       "loglevel = DEBUG\n"
       "\n"
       "[client]\n"
       "rucio_host = https://rucio.example.org:443\n"
       "auth_host = https://rucio-auth.example.org:443\n"
       "auth_type = userpass\n"
       "username = ddmlab\n"
       "password = secret%%pass\n"
       "ca_cert = /etc/grid-security/certificates/\n"
       "client_cert = ~/.globus/usercert.pem\n"
       "client_key = ~/.globus/userkey.pem\n"
       "client_x509_proxy = $X509_USER_PROXY\n"
       "account = root\n"
       "request_retries = 3\n"
       "auth_oidc_refresh_active = False\n"
       "oidc_polling = yes\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_GET, "client", "rucio_host",
          RUCIO_OK, RUCIO_INI_OK,
          "https://rucio.example.org:443"},
         {Q_GET, "client", "auth_host",
          RUCIO_OK, RUCIO_INI_OK,
          "https://rucio-auth.example.org:443"},
         {Q_GET, "client", "auth_type", RUCIO_OK, RUCIO_INI_OK, "userpass"},
         {Q_GET, "client", "password", RUCIO_OK, RUCIO_INI_OK, "secret%pass"},
         {Q_GET, "client", "client_x509_proxy",
          RUCIO_OK, RUCIO_INI_OK,
          "$X509_USER_PROXY"},
         {Q_GET, "client", "client_cert",
          RUCIO_OK, RUCIO_INI_OK,
          "~/.globus/usercert.pem"},
         {Q_GET, "client", "ca_cert",
          RUCIO_OK, RUCIO_INI_OK,
          "/etc/grid-security/certificates/"},
         {Q_GET, "client", "request_retries", RUCIO_OK, RUCIO_INI_OK, "3"},
         {Q_GET, "client", "vo",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION,
          NULL},
         {Q_GET, "trace", "trace_host",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_SECTION,
          NULL},
         {Q_GET, "common", "loglevel", RUCIO_OK, RUCIO_INI_OK, "DEBUG"},
         {Q_BOOL, "client", "auth_oidc_refresh_active",
          RUCIO_OK, RUCIO_INI_OK,
          "0"},
         {Q_BOOL, "client", "oidc_polling", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_BOOL, "client", "rucio_host",
          RUCIO_E_CONFIG, RUCIO_INI_NOT_BOOLEAN,
          NULL},
         {Q_BOOL, "client", "nope",
          RUCIO_E_MISSING_PARAM, RUCIO_INI_NO_OPTION,
          NULL},
         {Q_HAS, "client", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, "common", NULL, RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_HAS, "database", NULL, RUCIO_OK, RUCIO_INI_OK, "0"},
     }},
    {"booleans",
     V("[s]\n"
       "t1 = TRUE\n"
       "t2 = Yes\n"
       "t3 = on\n"
       "t4 = 1\n"
       "f1 = False\n"
       "f2 = NO\n"
       "f3 = Off\n"
       "f4 = 0\n"
       "bad1 = 2\n"
       "bad2 = y\n"
       "bad3 = truee\n"
       "bad4 =\n"
       "bad5 = %(t1)s\n"
       "bad6 = true false\n"
       "bad7 = 50%\n"),
     RUCIO_INI_OK, 0, NULL,
     {
         {Q_BOOL, "s", "t1", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_BOOL, "s", "t2", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_BOOL, "s", "t3", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_BOOL, "s", "t4", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_BOOL, "s", "f1", RUCIO_OK, RUCIO_INI_OK, "0"},
         {Q_BOOL, "s", "f2", RUCIO_OK, RUCIO_INI_OK, "0"},
         {Q_BOOL, "s", "f3", RUCIO_OK, RUCIO_INI_OK, "0"},
         {Q_BOOL, "s", "f4", RUCIO_OK, RUCIO_INI_OK, "0"},
         {Q_BOOL, "s", "bad1", RUCIO_E_CONFIG, RUCIO_INI_NOT_BOOLEAN, NULL},
         {Q_BOOL, "s", "bad2", RUCIO_E_CONFIG, RUCIO_INI_NOT_BOOLEAN, NULL},
         {Q_BOOL, "s", "bad3", RUCIO_E_CONFIG, RUCIO_INI_NOT_BOOLEAN, NULL},
         {Q_BOOL, "s", "bad4", RUCIO_E_CONFIG, RUCIO_INI_NOT_BOOLEAN, NULL},
         {Q_BOOL, "s", "bad5", RUCIO_OK, RUCIO_INI_OK, "1"},
         {Q_BOOL, "s", "bad6", RUCIO_E_CONFIG, RUCIO_INI_NOT_BOOLEAN, NULL},
         {Q_BOOL, "s", "bad7",
          RUCIO_E_CONFIG, RUCIO_INI_BAD_INTERPOLATION,
          NULL},
     }},
};

/* Names in error reports point into the text as written; Python reports
 * them lower-cased, so compare ASCII case-insensitively. */
static int same_name(const char *got, size_t got_len, const char *want)
{
    size_t i;

    if (got_len != strlen(want))
        return 0;
    for (i = 0; i < got_len; i++) {
        char a = got[i], b = want[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

static void run_check(const ini_case *c)
{
    rucio_ini_error err;
    rucio_status st = rl_ini_check(c->text, c->len, &err);

    assert_int_equal(st, c->check == RUCIO_INI_OK ? RUCIO_OK : RUCIO_E_CONFIG);
    assert_int_equal(err.problem, c->check);
    assert_int_equal(err.line, c->line);
    assert_non_null(err.reason);
    if (c->error_name)
        assert_true(same_name(err.name, err.name_len, c->error_name));
    else
        assert_null(err.name);
}

static void check_reference(const ini_query *q, const rucio_ini_error *err)
{
    if (q->problem != RUCIO_INI_MISSING_REFERENCE)
        return;
    /* A name that spans lines cannot point into one line of the text. */
    if (strchr(q->expect, '\n'))
        assert_null(err->name);
    else
        assert_true(same_name(err->name, err->name_len, q->expect));
}

static void run_get(const ini_case *c, const ini_query *q)
{
    char out[128];
    rucio_ini_error err;
    rucio_status st;

    memset(out, 'x', sizeof out);
    st = rl_ini_get(c->text, c->len, q->section, q->key, out, sizeof out,
                    &err);
    assert_int_equal(st, q->status);
    assert_int_equal(err.problem, q->problem);
    if (st == RUCIO_OK) {
        assert_string_equal(out, q->expect);
        return;
    }
    assert_string_equal(out, "");
    check_reference(q, &err);
}

static void run_bool(const ini_case *c, const ini_query *q)
{
    rucio_ini_error err;
    int value = -1;
    rucio_status st = rl_ini_get_bool(c->text, c->len, q->section, q->key,
                                      &value, &err);

    assert_int_equal(st, q->status);
    assert_int_equal(err.problem, q->problem);
    if (st == RUCIO_OK)
        assert_int_equal(value, q->expect[0] == '1');
}

static void test_python_table(void **state)
{
    size_t i;
    const ini_query *q;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        print_message("case: %s\n", cases[i].name);
        run_check(&cases[i]);
        for (q = cases[i].queries; q->kind != Q_END; q++) {
            print_message("  query: [%s] %s\n", q->section,
                          q->key ? q->key : "(has_section)");
            if (q->kind == Q_GET)
                run_get(&cases[i], q);
            else if (q->kind == Q_BOOL)
                run_bool(&cases[i], q);
            else
                assert_int_equal(rl_ini_has_section(cases[i].text,
                                                    cases[i].len,
                                                    q->section),
                                 q->expect[0] == '1');
        }
    }
}

/* ---- beyond Python: buffers and error reports ------------------------ */

static const char client_cfg[] =
    "[client]\n"
    "rucio_host = https://rucio.example.org:443\n"
    "password = secret%%pass\n"
    "bad_password = 50%off\n"
    "url = %(rucio_host)s/ping\n"
    "Loop = %(loop)s\n"
    "via = %(bad_password)s\n"
    "switch = maybe\n";

static void test_value_must_fit_with_its_nul(void **state)
{
    static const char host[] = "https://rucio.example.org:443";
    static const char url[] = "https://rucio.example.org:443/ping";
    char out[64];

    (void)state;
    memset(out, 'x', sizeof out);
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "rucio_host", out,
                                sizeof host - 1, NULL),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(out, "");
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "rucio_host", out,
                                sizeof host, NULL),
                     RUCIO_OK);
    assert_string_equal(out, host);
    /* Interpolated: the limit is on the result, not the raw text. */
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "url", out,
                                sizeof url - 1, NULL),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "url", out,
                                sizeof url, NULL),
                     RUCIO_OK);
    assert_string_equal(out, url);
    /* "secret%%pass" becomes 11 bytes. */
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "password", out,
                                11, NULL),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "password", out,
                                12, NULL),
                     RUCIO_OK);
    assert_string_equal(out, "secret%pass");
}

/* An interpolation error beats a full buffer, as Python would raise. */
static void test_error_wins_over_no_space(void **state)
{
    char out[2];
    rucio_ini_error err;

    (void)state;
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "bad_password",
                                out, sizeof out, &err),
                     RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_BAD_INTERPOLATION);
}

static void assert_name(const rucio_ini_error *err, const char *want)
{
    assert_non_null(err->name);
    assert_int_equal(err->name_len, strlen(want));
    assert_memory_equal(err->name, want, err->name_len);
}

/* Errors name the option and its line, never the value (a password). */
static void test_error_reports(void **state)
{
    char out[64];
    rucio_ini_error err;
    int b;

    (void)state;
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "bad_password",
                                out, sizeof out, &err),
                     RUCIO_E_CONFIG);
    assert_int_equal(err.line, 4);
    assert_name(&err, "bad_password");
    assert_null(strstr(err.reason, "50"));
    /* Nested: the option whose value is wrong, not the one asked for. */
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "via", out,
                                sizeof out, &err),
                     RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_BAD_INTERPOLATION);
    assert_int_equal(err.line, 4);
    assert_name(&err, "bad_password");
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "LOOP", out,
                                sizeof out, &err),
                     RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_TOO_DEEP);
    assert_int_equal(err.line, 6);
    assert_name(&err, "Loop");
    assert_int_equal(rl_ini_get_bool(V(client_cfg), "client", "switch", &b,
                                     &err),
                     RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_NOT_BOOLEAN);
    assert_int_equal(err.line, 8);
    assert_name(&err, "switch");
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "nope", out,
                                sizeof out, &err),
                     RUCIO_E_MISSING_PARAM);
    assert_int_equal(err.problem, RUCIO_INI_NO_OPTION);
    assert_int_equal(err.line, 0);
    assert_null(err.name);
    /* A successful call clears an earlier report. */
    assert_int_equal(rl_ini_get(V(client_cfg), "client", "url", out,
                                sizeof out, &err),
                     RUCIO_OK);
    assert_int_equal(err.problem, RUCIO_INI_OK);
    assert_null(err.name);
}

static void test_missing_reference_report(void **state)
{
    static const char cfg[] = "[s]\n\nurl = %(Base_Url)s/x\n";
    char out[32];
    rucio_ini_error err;

    (void)state;
    assert_int_equal(rl_ini_get(V(cfg), "s", "url", out, sizeof out, &err),
                     RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_MISSING_REFERENCE);
    assert_int_equal(err.line, 3);
    assert_name(&err, "Base_Url");
}

/* The first problem in file order is reported, with its line. */
static void test_check_reports_first_problem(void **state)
{
    static const char cfg[] = "[a]\nx = 1\n[b]\nno delimiter here\n[a]\n";
    rucio_ini_error err;

    (void)state;
    assert_int_equal(rl_ini_check(V(cfg), &err), RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_NO_DELIMITER);
    assert_int_equal(err.line, 4);
    assert_null(err.name);
    assert_int_equal(rl_ini_check(V(cfg), NULL), RUCIO_E_CONFIG);
    assert_int_equal(rl_ini_check(V("[a]\nx = 1\n"), &err), RUCIO_OK);
    assert_int_equal(err.problem, RUCIO_INI_OK);
}

/* Only len bytes are the file: a value ends there even mid-line. */
static void test_length_bounds_the_text(void **state)
{
    static const char cfg[] = "[s]\nkey = value\n  more";
    char out[32];

    (void)state;
    assert_int_equal(rl_ini_get(cfg, strlen("[s]\nkey = val"), "s", "key",
                                out, sizeof out, NULL),
                     RUCIO_OK);
    assert_string_equal(out, "val");
    assert_int_equal(rl_ini_get(V(cfg), "s", "key", out, sizeof out, NULL),
                     RUCIO_OK);
    assert_string_equal(out, "value\nmore");
}

static void test_invalid_arguments(void **state)
{
    char out[8];
    int b;

    (void)state;
    assert_int_equal(rl_ini_get(V(client_cfg), NULL, "x", out, sizeof out,
                                NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_ini_get(V(client_cfg), "client", NULL, out,
                                sizeof out, NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_ini_get_bool(V(client_cfg), "client", "x", NULL,
                                     NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_ini_get_bool(V(client_cfg), NULL, "x", &b, NULL),
                     RUCIO_E_INVALID_ARG);
    assert_false(rl_ini_has_section(V(client_cfg), NULL));
}


/* ---- the index and the interpolation bounds (issue 8, defect 5) ------- */

static char big[RUCIO_INI_ENTRIES_MAX * 48];
static rucio_ini ini; /* 10 KiB: not on the test's stack */

/* Append printf-style text to big at len; gives the new length. */
#define put_line(len, ...)                                                  \
    grown((len), snprintf(big + (len), sizeof big - (len), __VA_ARGS__))

static size_t grown(size_t len, int n)
{
    assert_true(n >= 0 && (size_t)n < sizeof big - len);
    return len + (size_t)n;
}

/* "[s]" then d0 = %(d1)s ... d<n-2> = %(d<n-1)s, d<n-1> = %%: n values
 * holding a '%'. CPython 3.11: n = 10 gives "%", n = 11 raises
 * InterpolationDepthError (MAX_INTERPOLATION_DEPTH = 10, depth > 10). */
static size_t depth_chain(int n)
{
    size_t len = put_line(0, "[s]\n");
    int i;

    for (i = 0; i < n - 1; i++)
        len = put_line(len, "d%d = %%(d%d)s\n", i, i + 1);
    return put_line(len, "d%d = %%%%\n", n - 1);
}

static void test_depth_limit_is_pythons(void **state)
{
    char out[16];
    rucio_ini_error err;
    size_t len;

    (void)state;
    len = depth_chain(10);
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_OK);
    assert_int_equal(rl_ini_lookup(&ini, "s", "d0", out, sizeof out, &err),
                     RUCIO_OK);
    assert_string_equal(out, "%");
    len = depth_chain(11);
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_OK);
    assert_int_equal(rl_ini_lookup(&ini, "s", "d1", out, sizeof out, &err),
                     RUCIO_OK);
    assert_int_equal(rl_ini_lookup(&ini, "s", "d0", out, sizeof out, &err),
                     RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_TOO_DEEP);
    assert_string_equal(out, "");
    /* Named: the option whose value holds the reference one level too
     * deep (d9, line 11), never a value. */
    assert_name(&err, "d9");
    assert_int_equal(err.line, 11);
}

/* Nine levels, each value naming the next level `fanout` times: 10^9
 * expansions for Python. Here every option is expanded once and then
 * copied, so the work counter stays small. */
static size_t fan_out(int fanout, const char *leaf)
{
    size_t len = put_line(0, "[s]\n");
    int level, k;

    for (level = 0; level < 9; level++) {
        len = put_line(len, "f%d = ", level);
        for (k = 0; k < fanout; k++)
            len = put_line(len, "%%(f%d)s", level + 1);
        len = put_line(len, "\n");
    }
    return put_line(len, "f9 = %s", leaf);
}

static void test_fan_out_is_linear(void **state)
{
    static char out[2048];
    rucio_ini_error err;
    size_t len, i;

    (void)state;
    len = fan_out(10, "\n");
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_OK);
    assert_int_equal(rl_ini_lookup(&ini, "s", "f0", out, sizeof out, &err),
                     RUCIO_OK);
    assert_string_equal(out, "");
    print_message("fan-out 10, 9 levels, empty leaves: %lu steps\n",
                  ini.steps);
    assert_true(ini.steps < 1000);
    /* The one-shot form too (before the index, this never returned). */
    assert_int_equal(rl_ini_get(big, len, "s", "f0", out, sizeof out,
                                &err),
                     RUCIO_OK);
    /* Fan-out 2 with a leaf: 512 copies of it, as Python gives. */
    len = fan_out(2, "ab%%\n");
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_OK);
    assert_int_equal(rl_ini_lookup(&ini, "s", "f0", out, sizeof out, &err),
                     RUCIO_OK);
    assert_int_equal(strlen(out), 512 * 3);
    for (i = 0; i < 512 * 3; i += 3)
        assert_memory_equal(out + i, "ab%", 3);
    assert_true(ini.steps < 1000);
}

/* The expansion must fit the caller's buffer: never a cut value. */
static void test_expansion_overflow(void **state)
{
    static char out[4096];
    rucio_ini_error err;
    size_t len;

    (void)state;
    len = fan_out(10, "x\n"); /* 10^9 bytes */
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_OK);
    memset(out, 'z', sizeof out);
    assert_int_equal(rl_ini_lookup(&ini, "s", "f0", out, sizeof out, &err),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(out, "");
    assert_true(ini.steps < 1000);
    /* 10^3 bytes: fits in 1001, not in 1000. */
    assert_int_equal(rl_ini_lookup(&ini, "s", "f6", out, 1001, &err),
                     RUCIO_OK);
    assert_int_equal(strlen(out), 1000);
    assert_int_equal(rl_ini_lookup(&ini, "s", "f6", out, 1000, &err),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(out, "");
}

/* Options whose memo slots collide defeat the copy: the step bound then
 * ends the lookup with a clear error instead of running for hours. */
static void test_work_is_bounded(void **state)
{
    char out[64];
    rucio_ini_error err;
    size_t len = put_line(0, "[s]\n");
    int level, k;

    (void)state;
    /* a<i> and b<i> are 32 entries apart: the same direct-mapped slot. */
    for (level = 0; level < 12; level++) {
        len = put_line(len,
                       "a%d = %%(a%d)s%%(b%d)s%%(a%d)s%%(b%d)s%%(a%d)s\n",
                       level, level + 1, level + 1, level + 1, level + 1,
                       level + 1);
        for (k = 0; k < 31; k++)
            len = put_line(len, "pad%d_%d = 1\n", level, k);
        len = put_line(len,
                       "b%d = %%(b%d)s%%(a%d)s%%(b%d)s%%(a%d)s%%(b%d)s\n",
                       level, level + 1, level + 1, level + 1, level + 1,
                       level + 1);
    }
    len = put_line(len, "a12 =\nb12 =\n"); /* empty: no overflow */
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_OK);
    assert_int_equal(rl_ini_lookup(&ini, "s", "a4", out, sizeof out, &err),
                     RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_TOO_COSTLY);
    assert_true(ini.steps <= RUCIO_INI_STEPS_MAX + 1024);
}

/* A 16 KiB file of many sections and keys: 12 options a section, one of
 * them interpolated, and a DEFAULT option every section sees. */
static size_t large_file(int *sections)
{
    size_t len = put_line(0, "[DEFAULT]\nshared = d%d\n", 7);
    int k;

    for (*sections = 0; len < 16 * 1024 - 600; ++*sections) {
        len = put_line(len, "\n# section %d\n[site_%03d]\n", *sections,
                       *sections);
        for (k = 0; k < 11; k++)
            len = put_line(len, "Key_%02d = value %03d\n", k, *sections);
        len = put_line(len, "ref = %%(key_03)s/%%(SHARED)s/%d\n", *sections);
    }
    return len;
}

static void test_large_file(void **state)
{
    char out[64], want[64];
    rucio_ini_error err;
    int sections, s, k;
    size_t len = large_file(&sections);

    (void)state;
    print_message("large file: %zu bytes, %d sections\n", len, sections);
    assert_true(len > 15 * 1024 && len < 16 * 1024);
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_OK);
    assert_int_equal(ini.count, (size_t)sections * 13 + 1);
    for (s = 0; s < sections; s++) {
        char name[16];
        snprintf(name, sizeof name, "site_%03d", s);
        assert_true(rl_ini_has(&ini, name));
        for (k = 0; k < 11; k++) {
            char key[16];
            snprintf(key, sizeof key, "KEY_%02d", k);
            snprintf(want, sizeof want, "value %03d", s);
            assert_int_equal(rl_ini_lookup(&ini, name, key, out,
                                           sizeof out, &err),
                             RUCIO_OK);
            assert_string_equal(out, want);
        }
        snprintf(want, sizeof want, "value %03d/d7/%d", s, s);
        assert_int_equal(rl_ini_lookup(&ini, name, "ref", out, sizeof out,
                                       &err),
                         RUCIO_OK);
        assert_string_equal(out, want);
        assert_int_equal(rl_ini_lookup(&ini, name, "key_11", out,
                                       sizeof out, &err),
                         RUCIO_E_MISSING_PARAM);
    }
    assert_false(rl_ini_has(&ini, "site_999"));
    /* Checks still span the whole file: a repeat at its end is found. */
    len = put_line(len, "[site_%03d]\n", sections / 2);
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_DUPLICATE_SECTION);
    assert_int_equal(err.line, (unsigned long)sections * 15 + 3);
}

/* More headers and options than the index holds: refused, with the line. */
static void test_index_full(void **state)
{
    rucio_ini_error err;
    size_t len = put_line(0, "[s]\n");
    int k;

    (void)state;
    for (k = 0; k < RUCIO_INI_ENTRIES_MAX - 1; k++)
        len = put_line(len, "k%d = %d\n", k, k);
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_OK);
    len = put_line(len, "last = %d\n", k);
    assert_int_equal(rl_ini_parse(&ini, big, len, &err), RUCIO_E_CONFIG);
    assert_int_equal(err.problem, RUCIO_INI_TOO_MANY_ENTRIES);
    assert_int_equal(err.line, RUCIO_INI_ENTRIES_MAX + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python_table),
        cmocka_unit_test(test_value_must_fit_with_its_nul),
        cmocka_unit_test(test_error_wins_over_no_space),
        cmocka_unit_test(test_error_reports),
        cmocka_unit_test(test_missing_reference_report),
        cmocka_unit_test(test_check_reports_first_problem),
        cmocka_unit_test(test_length_bounds_the_text),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_depth_limit_is_pythons),
        cmocka_unit_test(test_fan_out_is_linear),
        cmocka_unit_test(test_expansion_overflow),
        cmocka_unit_test(test_work_is_bounded),
        cmocka_unit_test(test_large_file),
        cmocka_unit_test(test_index_full),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Shared helpers for the Rucio client-layer unit tests: captured server
 * responses (tests/unit/fixtures/rucio), scratch directories, a logger that
 * keeps every line, and the Python of the test venv for interoperability
 * checks. Test code only: it may allocate and exit.
 */
#ifndef RUCIO_TESTLIB_H
#define RUCIO_TESTLIB_H

#include <stddef.h>

#include "rucio/log.h"

/* tests/unit of the source tree (for fixtures), found from this file's
 * __FILE__, the executable's location or $RUCIO_TEST_UNIT_DIR. */
const char *rt_unit_dir(void);

/* fixtures/rucio/<name> into buf (NUL-terminated); returns its length.
 * A missing or oversized fixture fails the running test. */
size_t rt_fixture(const char *name, char *buf, size_t cap);

/* A new empty directory under /tmp (path into out), and its removal. */
void rt_temp_dir(char *out, size_t cap);
void rt_remove_tree(const char *path);

/* Create (or replace) a file with this content and exact mode. */
void rt_write_file(const char *path, const char *text, unsigned mode);

/* Nonzero when a response head holds header `name` and copies its value. */
int rt_header_value(const char *response, const char *name, char *out,
                    size_t cap);

/* Every message given to the logger, in order. */
#define RT_LOG_LINES 128
typedef struct rt_log {
    char lines[RT_LOG_LINES][256];
    size_t count;
} rt_log;

/* rucio_log_fn that appends to the rt_log passed as user. */
void rt_log_capture(void *user, rucio_log_level level, const char *msg);

/* Nonzero when any captured line contains needle. */
int rt_log_contains(const rt_log *log, const char *needle);

/* An environment for the scripted port: "NAME=value" strings, kept
 * NULL-terminated in list (hand list to rucio_script_port.env). */
#define RT_ENV_MAX 24
typedef struct rt_env {
    const char *list[RT_ENV_MAX + 1];
    char text[RT_ENV_MAX][600];
    size_t count;
} rt_env;

/* Add NAME=value (fails the running test when full). */
void rt_env_set(rt_env *env, const char *name, const char *value);

/* Forget every variable. */
void rt_env_clear(rt_env *env);

/* The test venv's python ($RUCIO_TEST_VENV or <repo>/.venv), or NULL when
 * it is not installed. */
const char *rt_python(void);

#endif /* RUCIO_TESTLIB_H */

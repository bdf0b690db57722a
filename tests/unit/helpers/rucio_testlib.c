/* Shared helpers for the Rucio client-layer unit tests (see the header). */
#define _GNU_SOURCE

#include "rucio_testlib.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <dir>/fixtures/rucio exists: dir is tests/unit. */
static int has_fixtures(const char *dir)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/fixtures/rucio", dir);
    return is_dir(path);
}

/* Cut the last n path components off path, in place. */
static void strip_components(char *path, int n)
{
    while (n-- > 0) {
        char *slash = strrchr(path, '/');

        if (!slash)
            return;
        *slash = '\0';
    }
}

const char *rt_unit_dir(void)
{
    static char dir[4096];
    const char *env = getenv("RUCIO_TEST_UNIT_DIR");
    ssize_t n;

    if (dir[0])
        return dir;
    if (env && has_fixtures(env)) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    /* This file is tests/unit/helpers/rucio_testlib.c; make compiles it
     * from the repository root, so a relative __FILE__ works from there. */
    snprintf(dir, sizeof dir, "%s", __FILE__);
    strip_components(dir, 2);
    if (has_fixtures(dir))
        return dir;
    /* <repo>/<build>/tests/<binary>: three levels below the root. */
    n = readlink("/proc/self/exe", dir, sizeof dir - 32);
    if (n > 0) {
        dir[n] = '\0';
        strip_components(dir, 3);
        strcat(dir, "/tests/unit");
        if (has_fixtures(dir))
            return dir;
    }
    fail_msg("cannot find tests/unit/fixtures/rucio; run from the repository "
             "root or set RUCIO_TEST_UNIT_DIR");
    return NULL;
}

size_t rt_fixture(const char *name, char *buf, size_t cap)
{
    char path[4096];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/fixtures/rucio/%s", rt_unit_dir(), name);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("fixture %s missing", path);
    n = fread(buf, 1, cap, f);
    fclose(f);
    if (n >= cap)
        fail_msg("fixture %s larger than %zu bytes", path, cap - 1);
    buf[n] = '\0';
    return n;
}

void rt_temp_dir(char *out, size_t cap)
{
    char templ[] = "/tmp/rucio-unit-XXXXXX";

    if (!mkdtemp(templ) || strlen(templ) >= cap)
        fail_msg("cannot create a temporary directory");
    strcpy(out, templ);
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void rt_remove_tree(const char *path)
{
    if (path && path[0] == '/' && strncmp(path, "/tmp/rucio-unit-", 16) == 0)
        nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void rt_write_file(const char *path, const char *text, unsigned mode)
{
    FILE *f = fopen(path, "wb");

    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        fail_msg("cannot write %s", path);
    if (chmod(path, (mode_t)mode) != 0)
        fail_msg("cannot chmod %s", path);
}

int rt_header_value(const char *response, const char *name, char *out,
                    size_t cap)
{
    const char *end = strstr(response, "\r\n\r\n");
    const char *line = strstr(response, "\r\n");
    size_t len = strlen(name);

    while (line && end && line < end) {
        line += 2;
        if (strncasecmp(line, name, len) == 0 && line[len] == ':') {
            const char *v = line + len + 1;
            size_t n;

            while (*v == ' ')
                v++;
            n = strcspn(v, "\r\n");
            if (n >= cap)
                return 0;
            memcpy(out, v, n);
            out[n] = '\0';
            return 1;
        }
        line = strstr(line, "\r\n");
    }
    return 0;
}

void rt_log_capture(void *user, rucio_log_level level, const char *msg)
{
    rt_log *log = user;

    (void)level;
    if (log->count < RT_LOG_LINES)
        snprintf(log->lines[log->count++], sizeof log->lines[0], "%s", msg);
}

int rt_log_contains(const rt_log *log, const char *needle)
{
    size_t i;

    for (i = 0; i < log->count; i++)
        if (strstr(log->lines[i], needle))
            return 1;
    return 0;
}

const char *rt_python(void)
{
    static char python[4096];
    const char *venv = getenv("RUCIO_TEST_VENV");

    if (venv && *venv)
        snprintf(python, sizeof python, "%s/bin/python", venv);
    else
        snprintf(python, sizeof python, "%s/../../.venv/bin/python",
                 rt_unit_dir());
    return access(python, X_OK) == 0 ? python : NULL;
}

void rt_env_set(rt_env *env, const char *name, const char *value)
{
    assert_true(env->count < RT_ENV_MAX);
    snprintf(env->text[env->count], sizeof env->text[0], "%s=%s", name, value);
    env->list[env->count] = env->text[env->count];
    env->count++;
    env->list[env->count] = NULL;
}

void rt_env_clear(rt_env *env)
{
    env->count = 0;
    env->list[0] = NULL;
}

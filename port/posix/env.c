/*
 * rucio-lite: POSIX port, environment and user identity.
 *
 * The user database is read with the reentrant getpw*_r() calls into a
 * stack buffer, so nothing is allocated and no static libc buffer is
 * shared with other threads.
 */
#define _GNU_SOURCE

#include "rucio/port_posix.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Scratch space for one passwd entry; glibc suggests 1024. */
#define PASSWD_BUF 4096

static const char *posix_env_get(void *ctx, const char *name)
{
    (void)ctx;
    return getenv(name);
}

static unsigned long posix_effective_uid(void *ctx)
{
    (void)ctx;
    return (unsigned long)geteuid();
}

static rucio_status copy_out(const char *s, char *buf, size_t cap)
{
    size_t len = strlen(s);

    if (len >= cap)
        return RUCIO_E_NO_SPACE;
    memcpy(buf, s, len + 1);
    return RUCIO_OK;
}

/* Look up name, or the real user when name is NULL. */
static int find_user(const char *name, struct passwd *pw, char *scratch,
                     size_t scratch_len)
{
    struct passwd *found = NULL;
    int err = name ? getpwnam_r(name, pw, scratch, scratch_len, &found)
                   : getpwuid_r(getuid(), pw, scratch, scratch_len, &found);

    return err == 0 && found != NULL;
}

static rucio_status posix_user_name(void *ctx, char *buf, size_t cap)
{
    struct passwd pw;
    char scratch[PASSWD_BUF];

    (void)ctx;
    if (!find_user(NULL, &pw, scratch, sizeof scratch))
        return RUCIO_E_PORT;
    return copy_out(pw.pw_name, buf, cap);
}

static rucio_status posix_user_home(void *ctx, const char *name, char *buf,
                                    size_t cap)
{
    struct passwd pw;
    char scratch[PASSWD_BUF];

    (void)ctx;
    if (!find_user(name, &pw, scratch, sizeof scratch))
        return RUCIO_E_PORT;
    return copy_out(pw.pw_dir, buf, cap);
}

static const rucio_port_env posix_env = {
    .get = posix_env_get,
    .effective_uid = posix_effective_uid,
    .user_name = posix_user_name,
    .user_home = posix_user_home,
};

const rucio_port_env *rucio_port_posix_env(void)
{
    return &posix_env;
}

/* rucio-lite: the token cache file, shared with the Python client. */
#include "rucio/build_config.h"

#if RUCIO_WITH_FILES /* else the Makefile leaves this file out */
#include "client/token_cache.h"

#include <string.h>

#include "client/path.h"
#include "rucio/client.h"
#include "rucio/strbuf.h"

static int writable_dir(const rucio_port *port, const char *path)
{
    rucio_file_info info;

    return port->fs->stat(port->ctx, path, &info) == RUCIO_OK &&
           info.type == RUCIO_FILE_DIRECTORY && info.writable;
}

/* tempfile.gettempdir(): the first usable candidate, made absolute. */
static rucio_status temp_dir(const rucio_port *port, char *out, size_t cap)
{
    static const char *const env_names[] = {"TMPDIR", "TEMP", "TMP"};
    static const char *const fixed[] = {"/tmp", "/var/tmp", "/usr/tmp", "."};
    size_t i;

    for (i = 0; i < 3; i++) {
        const char *dir = port->env->get(port->ctx, env_names[i]);

        if (dir && *dir &&
            rl_path_absolute(port, dir, out, cap) == RUCIO_OK &&
            writable_dir(port, out))
            return RUCIO_OK;
    }
    for (i = 0; i < 4; i++)
        if (rl_path_absolute(port, fixed[i], out, cap) == RUCIO_OK &&
            writable_dir(port, out))
            return RUCIO_OK;
    return RUCIO_E_FILE;
}

/* getpass.getuser(). */
static rucio_status user_name(const rucio_port *port, char *out, size_t cap)
{
    static const char *const env_names[] = {"LOGNAME", "USER", "LNAME",
                                            "USERNAME"};
    size_t i;

    for (i = 0; i < 4; i++) {
        const char *name = port->env->get(port->ctx, env_names[i]);

        if (name && *name)
            return rucio_strbuf_copy(out, cap, name);
    }
    return port->env->user_name(port->ctx, out, cap);
}

rucio_status rl_token_cache_path(const rucio_port *port,
                                 const char *account, const char *vo,
                                 const char *override, char *out,
                                 size_t cap)
{
    char user[128];
    rucio_strbuf b;

    rucio_strbuf_init(&b, out, cap);
    if (override && *override) {
        rucio_strbuf_puts(&b, override);
        return b.status;
    }
    if (!port->fs || !port->env)
        return RUCIO_E_UNSUPPORTED;
    if (temp_dir(port, out, cap) != RUCIO_OK ||
        user_name(port, user, sizeof user) != RUCIO_OK)
        return RUCIO_E_FILE;
    b.len = strlen(out);
    rucio_strbuf_putc(&b, '/');
    rucio_strbuf_puts(&b, user);
    rucio_strbuf_puts(&b, "/.rucio_");
    rucio_strbuf_puts(&b, user);
    if (vo && *vo && strcmp(vo, "def") != 0) {
        rucio_strbuf_putc(&b, '@');
        rucio_strbuf_puts(&b, vo);
    }
    if (account && *account) {
        rucio_strbuf_puts(&b, "/auth_token_for_account_");
        rucio_strbuf_puts(&b, account);
    } else {
        rucio_strbuf_puts(&b, "/auth_token_for_default_account");
    }
    return b.status;
}

/* The last path component ending at end (exclusive): start and length. */
static const char *component_before(const char *path, const char *end,
                                    size_t *len)
{
    const char *p = end;

    while (p > path && p[-1] != '/')
        p--;
    *len = (size_t)(end - p);
    return p;
}

unsigned rl_token_cache_private_dirs(const char *path)
{
    const char *file = strrchr(path, '/'), *dir, *user;
    size_t dir_len, user_len;

    if (!file || file == path)
        return 1;
    dir = component_before(path, file, &dir_len);
    if (dir == path || dir_len < 8 || memcmp(dir, ".rucio_", 7) != 0)
        return 1;
    user = component_before(path, dir - 1, &user_len);
    /* .rucio_<user> or .rucio_<user>@<vo> below <user> */
    return user_len > 0 && dir_len >= 7 + user_len &&
                   memcmp(dir + 7, user, user_len) == 0 &&
                   (dir_len == 7 + user_len || dir[7 + user_len] == '@')
               ? 2
               : 1;
}

rucio_status rl_token_cache_read(const rucio_port *port, const char *path,
                                 char *token, size_t cap,
                                 rucio_file_check *check)
{
    size_t len = 0;
    rucio_file_check local;
    rucio_status st;

    if (!check)
        check = &local;
    check->problem = RUCIO_FILE_FAILED;
    check->level = 0;
    if (!port->fs || !port->fs->read_private_file || cap == 0)
        return RUCIO_E_FILE;
    st = port->fs->read_private_file(port->ctx, path,
                                     rl_token_cache_private_dirs(path),
                                     token, cap - 1, &len, check);
    if (st != RUCIO_OK) {
        token[0] = '\0';
        return RUCIO_E_FILE;
    }
    token[len] = '\0';
    /* Python keeps the first line including its newline (and the request
     * then fails); a line ending is never part of a token, so drop it. */
    token[strcspn(token, "\r\n")] = '\0';
    return token[0] ? RUCIO_OK : RUCIO_E_FILE;
}

static int is_dir(const rucio_port *port, const char *path)
{
    rucio_file_info info;

    return port->fs->stat(port->ctx, path, &info) == RUCIO_OK &&
           info.type == RUCIO_FILE_DIRECTORY;
}

/* os.makedirs for the directories above the private ones (normally just
 * <tmp>, which exists): each missing one gets mode 0700. */
static rucio_status make_dirs(const rucio_port *port, char *dir)
{
    char *slash;
    rucio_status st;

    if (!dir[0] || is_dir(port, dir))
        return RUCIO_OK;
    for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        st = port->fs->make_dir(port->ctx, dir, 0700);
        *slash = '/';
        if (st != RUCIO_OK)
            return st;
    }
    return port->fs->make_dir(port->ctx, dir, 0700);
}

/* The part of path above its private directories into dir ("" when the
 * path is too short to have one). */
static rucio_status public_part(const char *path, unsigned private_dirs,
                                char *dir, size_t cap)
{
    size_t len = strlen(path);
    unsigned cut;

    for (cut = 0; cut <= private_dirs && len > 0; cut++) {
        while (len > 0 && path[len - 1] != '/')
            len--;
        while (len > 1 && path[len - 1] == '/')
            len--;
    }
    if (len >= cap)
        return RUCIO_E_NO_SPACE;
    memcpy(dir, path, len);
    dir[len] = '\0';
    return RUCIO_OK;
}

rucio_status rl_token_cache_write(const rucio_port *port, const char *path,
                                  const char *token,
                                  rucio_file_check *check)
{
    char dir[RUCIO_PATH_MAX];
    unsigned private_dirs = rl_token_cache_private_dirs(path);
    rucio_status st;

    if (check) {
        check->problem = RUCIO_FILE_FAILED;
        check->level = 0;
    }
    if (!port->fs || !port->fs->write_private_file)
        return RUCIO_E_UNSUPPORTED;
    st = public_part(path, private_dirs, dir, sizeof dir);
    if (st == RUCIO_OK)
        st = make_dirs(port, dir);
    if (st != RUCIO_OK)
        return st;
    return port->fs->write_private_file(port->ctx, path, private_dirs, token,
                                        strlen(token), check);
}

static const char *problem_text(rucio_file_problem problem, unsigned level)
{
    switch (problem) {
    case RUCIO_FILE_FINE:
        return "usable";
    case RUCIO_FILE_MISSING:
        return "does not exist";
    case RUCIO_FILE_LINK:
        return "is a symbolic link or has another hard link";
    case RUCIO_FILE_WRONG_TYPE:
        return level ? "is not a directory"
                     : "is not a regular file (a FIFO, device, socket or "
                       "directory)";
    case RUCIO_FILE_OTHER_OWNER:
        return "is owned by another user";
    case RUCIO_FILE_SHARED:
        return "is writable by group or others";
    case RUCIO_FILE_TOO_LARGE:
        return "is too large";
    default:
        return "cannot be used";
    }
}

size_t rl_private_path_len(const char *path, unsigned level)
{
    size_t len = strlen(path);

    for (; level > 0 && len > 0; level--) {
        while (len > 0 && path[len - 1] != '/')
            len--;
        while (len > 1 && path[len - 1] == '/')
            len--;
    }
    return len;
}

const char *rl_file_problem_text(const rucio_file_check *check)
{
    return problem_text(check->problem, check->level);
}
#endif /* RUCIO_WITH_FILES */

/* rucio-lite: the token cache file, shared with the Python client. */
#include "rucio/token_cache.h"

#include <string.h>

#include "rucio/client.h"
#include "rucio/path.h"
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
            rucio_path_absolute(port, dir, out, cap) == RUCIO_OK &&
            writable_dir(port, out))
            return RUCIO_OK;
    }
    for (i = 0; i < 4; i++)
        if (rucio_path_absolute(port, fixed[i], out, cap) == RUCIO_OK &&
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

rucio_status rucio_token_cache_path(const rucio_port *port,
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

rucio_status rucio_token_cache_read(const rucio_port *port, const char *path,
                                    char *token, size_t cap)
{
    size_t len = 0;

    if (!port->fs || cap == 0 ||
        port->fs->read_file(port->ctx, path, token, cap - 1, &len) != RUCIO_OK)
        return RUCIO_E_FILE;
    token[len] = '\0';
    /* Python keeps the first line including its newline (and the request
     * then fails); a line ending is never part of a token, so drop it. */
    token[strcspn(token, "\r\n")] = '\0';
    return token[0] ? RUCIO_OK : RUCIO_E_FILE;
}

/* os.makedirs(dir, 0o700): missing parents get the default mode 0777
 * (less the umask), the last component 0700. */
static rucio_status make_dirs(const rucio_port *port, char *dir)
{
    char *slash;
    rucio_status st;

    if (writable_dir(port, dir))
        return RUCIO_OK;
    for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        st = port->fs->make_dir(port->ctx, dir, 0777);
        *slash = '/';
        if (st != RUCIO_OK)
            return st;
    }
    return port->fs->make_dir(port->ctx, dir, 0700);
}

rucio_status rucio_token_cache_write(const rucio_port *port, const char *path,
                                     const char *token)
{
    char dir[RUCIO_PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 0;
    rucio_status st;

    if (!port->fs)
        return RUCIO_E_UNSUPPORTED;
    if (len >= sizeof dir)
        return RUCIO_E_NO_SPACE;
    if (len > 0) {
        memcpy(dir, path, len);
        dir[len] = '\0';
        st = make_dirs(port, dir);
        if (st != RUCIO_OK)
            return st;
    }
    return port->fs->write_file_atomic(port->ctx, path, token, strlen(token),
                                       0600);
}

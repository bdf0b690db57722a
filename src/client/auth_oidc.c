/* rucio-lite: WLCG bearer token discovery for auth type oidc
 * (RUCIO_WITH_OIDC), as rucio.common.utils.wlcg_token_discovery. */
#include "client/auth.h"

#if RUCIO_WITH_OIDC
#include <string.h>

#include "client/errors.h"
#include "client/pyspace.h"
#include "client/token_cache.h"

/* Strip Python-style whitespace from c->_internal.token in place; nonzero if
 * anything remains. */
static int strip_token(rucio_client *c)
{
    size_t start = 0, end = strlen(c->_internal.token);

    rl_py_strip(c->_internal.token, &start, &end);
    memmove(c->_internal.token, c->_internal.token + start, end - start);
    c->_internal.token[end - start] = '\0';
    return c->_internal.token[0] != '\0';
}

#if RUCIO_WITH_FILES
/* The file named by BEARER_TOKEN_FILE cannot be used: a clear error. */
static rucio_bearer refuse_token_file(rucio_client *c, const char *path,
                                      const rucio_file_check *check)
{
    rl_error_set(&c->_internal.error, RUCIO_E_NO_AUTH_INFO, "NoAuthInformation",
                 "BEARER_TOKEN_FILE %s%s%s; not used", path,
                 check->level ? ": its directory " : " ",
                 rl_file_problem_text(check));
    return RUCIO_BEARER_STOP;
}

/* A bearer token file, read strictly (a regular file of ours, no symbolic
 * link, no FIFO, at most RUCIO_TOKEN_MAX bytes). A file that is not there
 * moves discovery on; one that is refused ends it when the user named it
 * (named), else is skipped with a warning. */
static rucio_bearer token_from_file(rucio_client *c, const char *path,
                                    int named)
{
    rucio_file_check check;
    size_t len = 0;

    if (!c->_internal.port.fs->read_private_file)
        return RUCIO_BEARER_NONE;
    if (c->_internal.port.fs->read_private_file(
            c->_internal.port.ctx, path, 0, c->_internal.token,
            sizeof c->_internal.token - 1, &len, &check) == RUCIO_OK) {
        c->_internal.token[len] = '\0';
        return strip_token(c) ? RUCIO_BEARER_FOUND : RUCIO_BEARER_NONE;
    }
    if (check.problem == RUCIO_FILE_MISSING)
        return RUCIO_BEARER_NONE;
    if (named)
        return refuse_token_file(c, path, &check);
    rucio_log(&c->_internal.logger, RUCIO_LOG_WARN,
              "bearer token %s %.*s %s; skipped",
              check.level ? "directory" : "file",
              (int)rl_private_path_len(path, check.level), path,
              rl_file_problem_text(&check));
    return RUCIO_BEARER_NONE;
}

static rucio_bearer token_from_runtime_dirs(rucio_client *c)
{
    const char *xdg =
        c->_internal.port.env->get(c->_internal.port.ctx, "XDG_RUNTIME_DIR");
    char path[RUCIO_PATH_MAX];
    rucio_strbuf b;
    rucio_bearer f = RUCIO_BEARER_NONE;

    if (xdg && *xdg) {
        rucio_strbuf_init(&b, path, sizeof path);
        rucio_strbuf_puts(&b, xdg);
        rucio_strbuf_puts(&b, "/bt_u");
        rucio_strbuf_put_u64(
            &b, c->_internal.port.env->effective_uid(c->_internal.port.ctx));
        if (b.status == RUCIO_OK)
            f = token_from_file(c, path, 0);
        if (f != RUCIO_BEARER_NONE)
            return f;
    }
    rucio_strbuf_init(&b, path, sizeof path);
    rucio_strbuf_puts(&b, "/tmp/bt_u");
    rucio_strbuf_put_u64(
        &b, c->_internal.port.env->effective_uid(c->_internal.port.ctx));
    return token_from_file(c, path, 0);
}

/* BEARER_TOKEN_FILE, then the runtime directories. */
static rucio_bearer token_from_files(rucio_client *c)
{
    const char *value =
        c->_internal.port.env->get(c->_internal.port.ctx, "BEARER_TOKEN_FILE");
    rucio_bearer f = RUCIO_BEARER_NONE;

    if (!c->_internal.port.fs)
        return RUCIO_BEARER_NONE;
    if (value && *value)
        f = token_from_file(c, value, 1);
    return f == RUCIO_BEARER_NONE ? token_from_runtime_dirs(c) : f;
}
#else
static rucio_bearer token_from_files(rucio_client *c)
{
    (void)c;
    return RUCIO_BEARER_NONE; /* no files in this build */
}
#endif

/* BEARER_TOKEN, BEARER_TOKEN_FILE, $XDG_RUNTIME_DIR/bt_u<uid>,
 * /tmp/bt_u<uid> (rucio.common.utils.wlcg_token_discovery).
 * RUCIO_BEARER_STOP leaves the reason in c->_internal.error. */
rucio_bearer rl_auth_discover_bearer(rucio_client *c)
{
    const char *value;
    rucio_bearer f;

    if (!c->_internal.port.env)
        return RUCIO_BEARER_NONE;
    value = c->_internal.port.env->get(c->_internal.port.ctx, "BEARER_TOKEN");
    if (value && strlen(value) < sizeof c->_internal.token) {
        rucio_strbuf_copy(c->_internal.token, sizeof c->_internal.token, value);
        if (strip_token(c))
            return RUCIO_BEARER_FOUND;
    }
    f = token_from_files(c);
    if (f != RUCIO_BEARER_FOUND)
        rl_auth_forget_token(c);
    return f;
}
#endif /* RUCIO_WITH_OIDC */

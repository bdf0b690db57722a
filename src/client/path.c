/*
 * rucio-lite: Python's path expansion (see path.h).
 *
 * All work happens inside the caller's buffer. The home and working
 * directories are fetched into the unused space after the path, then
 * moved in front of it with an in-place rotation, so no second buffer is
 * needed; normalisation only ever shortens the path and runs in place.
 */
#include "rucio/build_config.h"

#if RUCIO_WITH_FILES /* else the Makefile leaves this file out */
#include "client/path.h"

#include <string.h>

#include "client/pyspace.h"
#include "rucio/strbuf.h"

/* ---- buffer moves ---------------------------------------------------- */

static void reverse(char *s, size_t n)
{
    size_t i = 0;

    while (n > i + 1) {
        char c = s[i];
        s[i++] = s[--n];
        s[n] = c;
    }
}

/*
 * out holds [path: n bytes][one spare byte][fetched: p bytes]. Rearrange
 * it into fetched + path[drop:], with a '/' between them when sep, and
 * NUL-terminate. Fits: the result is never longer than the three parts.
 */
static size_t splice_front(char *out, size_t n, size_t drop, size_t p,
                           int sep)
{
    size_t len = p + (size_t)sep + n - drop;

    reverse(out, n + 1);
    reverse(out + n + 1, p);
    reverse(out, n + 1 + p); /* [fetched][path][spare] */
    memmove(out + p + sep, out + p + drop, n - drop);
    if (sep)
        out[p] = '/';
    out[len] = '\0';
    return len;
}

/* ---- os.path.expandvars ---------------------------------------------- */

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/*
 * posixpath's pattern \$(\w+|\{[^}]*\}) (re.ASCII) at s[0] == '$': the
 * name's offset and length, and the bytes the reference covers. 0 when
 * this '$' starts no reference.
 */
static int var_reference(const char *s, size_t n, size_t *name_at,
                         size_t *name_len, size_t *used)
{
    size_t e = 1;

    if (n > 1 && is_word_char(s[1])) {
        while (e < n && is_word_char(s[e]))
            e++;
        *name_at = 1;
        *name_len = e - 1;
        *used = e;
        return 1;
    }
    if (n < 2 || s[1] != '{')
        return 0;
    for (e = 2; e < n && s[e] != '}'; e++)
        ;
    if (e == n)
        return 0;
    *name_at = 2;
    *name_len = e - 2;
    *used = e + 1;
    return 1;
}

/*
 * The value of variable name[0..len), or NULL if unknown. The port wants
 * a C string, so the name is copied into the unused tail of b's buffer
 * (RUCIO_E_NO_SPACE on b if it does not fit). Names that cannot be keys
 * of os.environ (empty, or holding '=') are unknown without asking, so
 * that a C getenv cannot match "A=B" against the variable A.
 */
static const char *variable(const rucio_port *port, rucio_strbuf *b,
                            const char *name, size_t len)
{
    const rucio_port_env *env = port ? port->env : NULL;
    char *scratch;

    if (!env || !env->get || len == 0 || memchr(name, '=', len) ||
        b->status != RUCIO_OK)
        return NULL;
    if (len + 2 > b->cap - b->len) {
        b->status = RUCIO_E_NO_SPACE;
        return NULL;
    }
    scratch = b->data + b->len + 1;
    memcpy(scratch, name, len);
    scratch[len] = '\0';
    return env->get(port->ctx, scratch);
}

/* A value is inserted as it is and never scanned again. */
static void expand_vars(const rucio_port *port, const char *s, size_t n,
                        rucio_strbuf *b)
{
    size_t i = 0;

    while (i < n) {
        size_t name_at, name_len, used;
        const char *value;

        if (s[i] != '$' ||
            !var_reference(s + i, n - i, &name_at, &name_len, &used)) {
            rucio_strbuf_putc(b, s[i++]);
            continue;
        }
        value = variable(port, b, s + i + name_at, name_len);
        if (value)
            rucio_strbuf_puts(b, value);
        else
            rucio_strbuf_append(b, s + i, used);
        i += used;
    }
}

/* ---- os.path.expanduser ---------------------------------------------- */

/* $HOME for the current user (user NULL), else the user database. */
static rucio_status fetch_home(const rucio_port *port, const char *user,
                               char *buf, size_t cap)
{
    const rucio_port_env *env = port ? port->env : NULL;
    const char *home;

    if (!env)
        return RUCIO_E_PORT;
    if (!user && env->get && (home = env->get(port->ctx, "HOME")) != NULL) {
        size_t len = strlen(home);
        if (len >= cap)
            return RUCIO_E_NO_SPACE;
        memcpy(buf, home, len + 1);
        return RUCIO_OK;
    }
    if (!env->user_home)
        return RUCIO_E_PORT;
    return env->user_home(port->ctx, user, buf, cap);
}

static rucio_status expand_user(const rucio_port *port, char *out, size_t cap,
                                size_t *n)
{
    size_t i = 1, home_len;
    char saved;
    rucio_status st;

    if (*n == 0 || out[0] != '~')
        return RUCIO_OK;
    while (i < *n && out[i] != '/')
        i++;
    if (*n + 2 > cap)
        return RUCIO_E_NO_SPACE;
    saved = out[i]; /* terminate "~user" for the port, then restore */
    out[i] = '\0';
    st = fetch_home(port, i == 1 ? NULL : out + 1, out + *n + 1,
                    cap - *n - 1);
    out[i] = saved;
    if (st == RUCIO_E_NO_SPACE)
        return st;
    if (st != RUCIO_OK)
        return RUCIO_OK; /* unknown user: Python leaves the path alone */
    home_len = strlen(out + *n + 1);
    while (home_len > 0 && out[*n + home_len] == '/') /* rstrip('/') */
        home_len--;
    *n = splice_front(out, *n, i, home_len, 0);
    if (*n == 0) { /* (userhome + path[i:]) or root */
        out[0] = '/';
        out[1] = '\0';
        *n = 1;
    }
    return RUCIO_OK;
}

/* ---- os.path.abspath ------------------------------------------------- */

/* posixpath.join(cwd, path) for a relative path. */
static rucio_status join_cwd(const rucio_port *port, char *out, size_t cap,
                             size_t *n)
{
    size_t cwd_len;
    rucio_status st;
    int sep;

    if (*n + 2 > cap)
        return RUCIO_E_NO_SPACE;
    st = port->fs->get_cwd(port->ctx, out + *n + 1, cap - *n - 1);
    if (st != RUCIO_OK)
        return st;
    cwd_len = strlen(out + *n + 1);
    sep = cwd_len > 0 && out[*n + cwd_len] != '/';
    *n = splice_front(out, *n, 0, cwd_len, sep);
    return RUCIO_OK;
}

typedef struct norm_state {
    char *s;
    size_t lead;    /* slashes kept in front: 0, 1 or 2 */
    size_t w;       /* bytes of output so far */
    size_t comps;   /* components in the output */
    size_t dotdots; /* of which leading ".." (relative paths only) */
} norm_state;

/* Output never overtakes input: a component's source lies after the
 * separator that the output writes, so memmove in place is safe. */
static void push_component(norm_state *st, size_t from, size_t len)
{
    if (st->w > st->lead)
        st->s[st->w++] = '/';
    memmove(st->s + st->w, st->s + from, len);
    st->w += len;
    st->comps++;
}

static void pop_component(norm_state *st)
{
    while (st->w > st->lead && st->s[st->w - 1] != '/')
        st->w--;
    if (st->w > st->lead)
        st->w--;
    st->comps--;
}

static void add_component(norm_state *st, size_t from, size_t len)
{
    const char *c = st->s + from;

    if (len == 0 || (len == 1 && c[0] == '.'))
        return;
    if (len != 2 || c[0] != '.' || c[1] != '.') {
        push_component(st, from, len);
    } else if (st->comps > st->dotdots) {
        pop_component(st);
    } else if (st->lead == 0) { /* ".." above a relative start is kept */
        push_component(st, from, len);
        st->dotdots++;
    }
}

/* posixpath.normpath in place; s[0..n) with room for "." when n == 0. */
static size_t normalize(char *s, size_t n)
{
    norm_state st = {s, 0, 0, 0, 0};
    size_t r = 0;

    while (r < n && s[r] == '/')
        r++;
    st.lead = r == 2 ? 2 : (r > 0 ? 1 : 0);
    st.w = st.lead;
    while (r < n) {
        size_t e = r;
        while (e < n && s[e] != '/')
            e++;
        add_component(&st, r, e - r);
        r = e + 1;
    }
    if (st.w == 0)
        s[st.w++] = '.';
    s[st.w] = '\0';
    return st.w;
}

static rucio_status make_absolute(const rucio_port *port, char *out,
                                  size_t cap, size_t *n)
{
    const rucio_port_fs *fs = port ? port->fs : NULL;

    if ((*n == 0 || out[0] != '/') && fs && fs->get_cwd) {
        rucio_status st = join_cwd(port, out, cap, n);
        if (st != RUCIO_OK)
            return st;
    }
    if (*n == 0 && cap < 2)
        return RUCIO_E_NO_SPACE; /* normpath("") is "." */
    *n = normalize(out, *n);
    return RUCIO_OK;
}

/* ---- entry points ---------------------------------------------------- */

static rucio_status finish(rucio_status st, char *out, size_t cap)
{
    if (st != RUCIO_OK && cap > 0)
        out[0] = '\0';
    return st;
}

rucio_status rl_path_absolute(const rucio_port *port, const char *path,
                              char *out, size_t cap)
{
    rucio_strbuf b;
    size_t n;

    if (!path || !out)
        return RUCIO_E_INVALID_ARG;
    rucio_strbuf_init(&b, out, cap);
    rucio_strbuf_puts(&b, path);
    if (b.status != RUCIO_OK)
        return finish(b.status, out, cap);
    n = b.len;
    return finish(make_absolute(port, out, cap, &n), out, cap);
}

rucio_status rl_expand_path(const rucio_port *port, const char *in,
                            char *out, size_t cap)
{
    size_t start = 0, end, n;
    rucio_strbuf b;
    rucio_status st;

    if (!in || !out)
        return RUCIO_E_INVALID_ARG;
    end = strlen(in);
    rl_py_strip(in, &start, &end);
    rucio_strbuf_init(&b, out, cap);
    if (start == end || b.status != RUCIO_OK)
        return b.status; /* "if not path: return path" */
    expand_vars(port, in + start, end - start, &b);
    if (b.status != RUCIO_OK)
        return finish(b.status, out, cap);
    n = b.len;
    st = expand_user(port, out, cap, &n);
    if (st == RUCIO_OK)
        st = make_absolute(port, out, cap, &n);
    return finish(st, out, cap);
}
#endif /* RUCIO_WITH_FILES */

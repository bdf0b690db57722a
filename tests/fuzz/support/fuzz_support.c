/* Shared pieces of the libFuzzer targets: see fuzz_support.h. */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
    abort();
}

/* ---- taking the input apart --------------------------------------------- */

uint8_t fuzz_byte(fuzz_input *in)
{
    uint8_t b;

    if (in->len == 0)
        return 0;
    b = in->data[0];
    in->data++;
    in->len--;
    return b;
}

const uint8_t *fuzz_bytes(fuzz_input *in, size_t n, size_t *out_n)
{
    const uint8_t *p = in->data;

    if (n > in->len)
        n = in->len;
    in->data += n;
    in->len -= n;
    *out_n = n;
    return p;
}

const uint8_t *fuzz_field(fuzz_input *in, size_t *out_n)
{
    const uint8_t *p = in->data;
    const uint8_t *sep = memchr(p, 0xff, in->len);
    size_t n = sep ? (size_t)(sep - p) : in->len;

    in->data += n;
    in->len -= n;
    if (sep) {
        in->data++;
        in->len--;
    }
    *out_n = n;
    return p;
}

char *fuzz_strndup(const uint8_t *data, size_t n)
{
    char *s = malloc(n + 1);

    FUZZ_CHECK(s != NULL);
    if (n)
        memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

/* ---- the fake port --------------------------------------------------------- */

static fuzz_port *self(void *ctx)
{
    return ctx;
}

static int listed(const char *const *list, size_t count, const char *path)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (list[i] && strcmp(list[i], path) == 0)
            return 1;
    return 0;
}

static rucio_status fake_stat(void *ctx, const char *path, rucio_file_info *out)
{
    fuzz_port *fp = self(ctx);

    FUZZ_CHECK(path != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    if (listed(fp->file_path, FUZZ_MAX_FILES, path)) {
        out->type = RUCIO_FILE_REGULAR;
        out->mode = fp->file_mode;
        out->writable = 1;
        out->size = fp->file_len;
    } else if (listed(fp->dir_path, FUZZ_MAX_DIRS, path)) {
        out->type = RUCIO_FILE_DIRECTORY;
        out->mode = 0700;
        out->writable = 1;
    }
    return RUCIO_OK;
}

static rucio_status fake_read(void *ctx, const char *path, char *buf,
                              size_t cap, size_t *out_len)
{
    fuzz_port *fp = self(ctx);

    FUZZ_CHECK(path != NULL && out_len != NULL);
    if (!listed(fp->file_path, FUZZ_MAX_FILES, path))
        return RUCIO_E_FILE;
    if (fp->file_len > cap)
        return RUCIO_E_NO_SPACE;
    if (fp->file_len)
        memcpy(buf, fp->file_data, fp->file_len);
    *out_len = fp->file_len;
    fp->reads++;
    return RUCIO_OK;
}

static rucio_status refuse(rucio_file_check *check, rucio_file_problem why,
                           unsigned level)
{
    if (check) {
        check->problem = why;
        check->level = level;
    }
    return RUCIO_E_FILE;
}

static rucio_status fake_read_private(void *ctx, const char *path,
                                      unsigned private_dirs, char *buf,
                                      size_t cap, size_t *out_len,
                                      rucio_file_check *check)
{
    fuzz_port *fp = self(ctx);
    rucio_status st;

    FUZZ_CHECK(private_dirs <= 8);
    if (!listed(fp->file_path, FUZZ_MAX_FILES, path))
        return refuse(check, RUCIO_FILE_MISSING, 0);
    if (fp->private_problem != RUCIO_FILE_FINE)
        return refuse(check, fp->private_problem,
                      fp->private_problem == RUCIO_FILE_SHARED ? 1 : 0);
    st = fake_read(ctx, path, buf, cap, out_len);
    if (st == RUCIO_E_NO_SPACE)
        refuse(check, RUCIO_FILE_TOO_LARGE, 0);
    else if (check)
        check->problem = RUCIO_FILE_FINE;
    return st;
}

static rucio_status fake_write_private(void *ctx, const char *path,
                                       unsigned private_dirs, const void *data,
                                       size_t len, rucio_file_check *check)
{
    fuzz_port *fp = self(ctx);

    FUZZ_CHECK(path != NULL && (data != NULL || len == 0));
    FUZZ_CHECK(private_dirs <= 8);
    fp->writes++;
    if (check)
        check->problem = RUCIO_FILE_FINE;
    return RUCIO_OK;
}

static rucio_status fake_write(void *ctx, const char *path, const void *data,
                               size_t len, unsigned mode)
{
    fuzz_port *fp = self(ctx);

    FUZZ_CHECK(path != NULL && (data != NULL || len == 0));
    FUZZ_CHECK((mode & 077) == 0); /* secrets are never group/world readable */
    fp->writes++;
    return RUCIO_OK;
}

static rucio_status fake_make_dir(void *ctx, const char *path, unsigned mode)
{
    (void)ctx;
    (void)mode;
    FUZZ_CHECK(path != NULL);
    return RUCIO_OK;
}

static rucio_status fake_cwd(void *ctx, char *buf, size_t cap)
{
    (void)ctx;
    if (cap < sizeof "/work")
        return RUCIO_E_NO_SPACE;
    memcpy(buf, "/work", sizeof "/work");
    return RUCIO_OK;
}

static const char *fake_getenv(void *ctx, const char *name)
{
    fuzz_port *fp = self(ctx);
    size_t n = strlen(name);
    size_t i;

    for (i = 0; i < fp->env_count; i++)
        if (strncmp(fp->env[i], name, n) == 0 && fp->env[i][n] == '=')
            return fp->env[i] + n + 1;
    return NULL;
}

static unsigned long fake_uid(void *ctx)
{
    return self(ctx)->uid;
}

static rucio_status fake_user_name(void *ctx, char *buf, size_t cap)
{
    (void)ctx;
    if (cap < sizeof "fuzzer")
        return RUCIO_E_NO_SPACE;
    memcpy(buf, "fuzzer", sizeof "fuzzer");
    return RUCIO_OK;
}

static rucio_status fake_user_home(void *ctx, const char *name, char *buf,
                                   size_t cap)
{
    (void)ctx;
    if (name && strcmp(name, "fuzzer") != 0)
        return RUCIO_E_PORT;
    if (cap < sizeof "/home/fuzzer")
        return RUCIO_E_NO_SPACE;
    memcpy(buf, "/home/fuzzer", sizeof "/home/fuzzer");
    return RUCIO_OK;
}

static rucio_status fake_connect(void *ctx, const char *host, uint16_t port,
                                 uint64_t deadline_ms, rucio_socket *out)
{
    (void)ctx;
    (void)host;
    (void)port;
    (void)deadline_ms;
    *out = RUCIO_SOCKET_INVALID;
    return RUCIO_E_CONNECT;
}

static rucio_io fake_io(void *ctx, rucio_socket sock, const uint8_t *buf,
                        size_t len, uint64_t deadline_ms, size_t *out_n)
{
    (void)ctx;
    (void)sock;
    (void)buf;
    (void)len;
    (void)deadline_ms;
    *out_n = 0;
    return RUCIO_IO_ERROR;
}

static rucio_io fake_recv(void *ctx, rucio_socket sock, uint8_t *buf,
                          size_t len, uint64_t deadline_ms, size_t *out_n)
{
    return fake_io(ctx, sock, buf, len, deadline_ms, out_n);
}

static void fake_close(void *ctx, rucio_socket sock)
{
    (void)ctx;
    (void)sock;
}

static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return 1000;
}

static int64_t fake_wall(void *ctx)
{
    (void)ctx;
    return 1700000000;
}

static void fake_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    (void)ms;
}

static rucio_status fake_random(void *ctx, uint8_t *buf, size_t len)
{
    size_t i;

    (void)ctx;
    for (i = 0; i < len; i++)
        buf[i] = (uint8_t)(i * 131u + 7u);
    return RUCIO_OK;
}

void fuzz_port_init(fuzz_port *fp)
{
    memset(fp, 0, sizeof *fp);
    fp->fs.stat = fake_stat;
    fp->fs.read_file = fake_read;
    fp->fs.write_file_atomic = fake_write;
    fp->fs.make_dir = fake_make_dir;
    fp->fs.get_cwd = fake_cwd;
    fp->fs.read_private_file = fake_read_private;
    fp->fs.write_private_file = fake_write_private;
    fp->env_part.get = fake_getenv;
    fp->env_part.effective_uid = fake_uid;
    fp->env_part.user_name = fake_user_name;
    fp->env_part.user_home = fake_user_home;
    fp->port.ctx = fp;
    fp->port.connect = fake_connect;
    fp->port.send = fake_io;
    fp->port.recv = fake_recv;
    fp->port.close = fake_close;
    fp->port.now_ms = fake_now;
    fp->port.wall_seconds = fake_wall;
    fp->port.sleep_ms = fake_sleep;
    fp->port.random = fake_random;
    fp->port.fs = &fp->fs;
    fp->port.env = &fp->env_part;
    fp->file_mode = 0600;
    fp->uid = 1000;
}

void fuzz_port_add_file(fuzz_port *fp, const char *path)
{
    size_t i;

    for (i = 0; i < FUZZ_MAX_FILES; i++)
        if (!fp->file_path[i]) {
            fp->file_path[i] = path;
            return;
        }
}

void fuzz_port_set_content(fuzz_port *fp, const uint8_t *data, size_t len)
{
    fp->file_data = data;
    fp->file_len = len;
}

void fuzz_port_add_dir(fuzz_port *fp, const char *path)
{
    size_t i;

    for (i = 0; i < FUZZ_MAX_DIRS; i++)
        if (!fp->dir_path[i]) {
            fp->dir_path[i] = path;
            return;
        }
}

void fuzz_port_add_env(fuzz_port *fp, const char *entry)
{
    if (fp->env_count < FUZZ_MAX_ENV)
        fp->env[fp->env_count++] = entry;
}

/* ---- checks shared by several targets ------------------------------------- */

/* Length of the sequence starting with lead byte b, 0 for a bad lead. */
static size_t utf8_seq_len(uint8_t b)
{
    if (b < 0x80)
        return 1;
    if (b >= 0xc2 && b <= 0xdf)
        return 2;
    if (b >= 0xe0 && b <= 0xef)
        return 3;
    if (b >= 0xf0 && b <= 0xf4)
        return 4;
    return 0;
}

int fuzz_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t k = utf8_seq_len(s[i]);
        uint32_t cp;
        size_t j;

        if (k == 0 || n - i < k)
            return 0;
        cp = k == 1 ? s[i] : (uint32_t)(s[i] & (0x7f >> k));
        for (j = 1; j < k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3fu);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return 0;
        i += k;
    }
    return 1;
}

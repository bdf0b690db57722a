/*
 * libFuzzer target: the token-cache reader (src/client/token_cache.c) and
 * the bearer-token file discovery of the oidc auth type (src/client/auth.c),
 * through a fake port whose file part serves the fuzz input as the file.
 *
 * Input: one control byte, then the file content. Control bits 0-2: the
 * private-file check fails with that rucio_file_problem (0, and 5-7 in
 * half the cases, serve the file); bits 3-4: where the token is found
 * (BEARER_TOKEN_FILE, $XDG_RUNTIME_DIR/bt_u<uid>, /tmp/bt_u<uid>, or the
 * token cache). The content is also taken as a token-cache path.
 *
 * Invariants:
 *   - a cached token is the first line of the file: a prefix of it,
 *     without CR or LF, non-empty, fitting its buffer; a refused file
 *     gives no token and says why;
 *   - a bearer token is the file stripped of surrounding whitespace: a
 *     piece of the file with no whitespace at either end; when discovery
 *     fails no token is left in the client (nothing half-read is kept);
 *   - rl_token_cache_private_dirs is 1 or 2 for any path.
 */
#define _GNU_SOURCE /* memmem */

#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "client/auth.h"
#include "rucio/client.h"
#include "client/token_cache.h"

#define CACHE_PATH "/tmp/fuzzer/.rucio_fuzzer/auth_token_for_account_root"

static rucio_client client; /* large: static storage */

static int py_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int is_piece_of(const char *s, size_t n, const uint8_t *in, size_t len)
{
    return n <= len && memmem(in, len, s, n) != NULL;
}

static void check_cache_read(fuzz_port *fp, const uint8_t *in, size_t len,
                             size_t cap)
{
    char *token = malloc(cap);
    rucio_file_check check;
    rucio_status st;
    size_t n;

    FUZZ_CHECK(token != NULL);
    memset(&check, 0x5a, sizeof check);
    st = rl_token_cache_read(&fp->port, CACHE_PATH, token, cap, &check);
    if (st == RUCIO_OK) {
        n = strlen(token);
        FUZZ_CHECK(n > 0 && n < cap);
        FUZZ_CHECK(n <= len && memcmp(token, in, n) == 0);
        FUZZ_CHECK(strpbrk(token, "\r\n") == NULL);
        FUZZ_CHECK(fp->private_problem == RUCIO_FILE_FINE);
    } else {
        FUZZ_CHECK(st == RUCIO_E_FILE);
        FUZZ_CHECK(token[0] == '\0');
        if (fp->private_problem != RUCIO_FILE_FINE)
            FUZZ_CHECK(check.problem == fp->private_problem);
    }
    free(token);
}

/* Where discovery finds the file, by control bits 3-4. */
static void place_token(fuzz_port *fp, unsigned where)
{
    switch (where) {
    case 0:
        fuzz_port_add_env(fp, "BEARER_TOKEN_FILE=/run/token");
        fuzz_port_add_file(fp, "/run/token");
        break;
    case 1:
        fuzz_port_add_env(fp, "XDG_RUNTIME_DIR=/run/user/1000");
        fuzz_port_add_file(fp, "/run/user/1000/bt_u1000");
        break;
    case 2:
        fuzz_port_add_file(fp, "/tmp/bt_u1000");
        break;
    default:
        fuzz_port_add_file(fp, CACHE_PATH);
        break;
    }
}

static void check_bearer(fuzz_port *fp, const uint8_t *in, size_t len,
                         unsigned where)
{
    rucio_status st;
    size_t n;

    memset(&client._internal.settings, 0, sizeof client._internal.settings);
    memset(&client._internal.error, 0, sizeof client._internal.error);
    memset(client._internal.token, 0x41, sizeof client._internal.token);
    client._internal.token[0] = '\0';
    client._internal.token_expires = 0;
    client._internal.token_account[0] = '\0';
    client._internal.cache_tried = 0;
    client._internal.port = fp->port;
    client._internal.logger.fn = NULL;
    client._internal.settings.auth_type = RUCIO_AUTH_OIDC;
    strcpy(client._internal.settings.auth_type_name, "oidc");
    strcpy(client._internal.settings.account, "root");
    strcpy(client._internal.settings.token_path, CACHE_PATH);

    st = rl_auth_ensure(&client);
    n = strnlen(client._internal.token, sizeof client._internal.token);
    FUZZ_CHECK(n < sizeof client._internal.token);
    if (st != RUCIO_OK) {
        FUZZ_CHECK(n == 0);
        FUZZ_CHECK(client._internal.error.status == st &&
                   client._internal.error.exception_class[0]);
        return;
    }
    FUZZ_CHECK(n > 0);
    FUZZ_CHECK(is_piece_of(client._internal.token, n, in, len));
    FUZZ_CHECK(fp->private_problem == RUCIO_FILE_FINE);
    if (where == 3) {
        FUZZ_CHECK(memcmp(client._internal.token, in, n) == 0);
        FUZZ_CHECK(strpbrk(client._internal.token, "\r\n") == NULL);
    } else {
        FUZZ_CHECK(!py_space((unsigned char)client._internal.token[0]) &&
                   !py_space((unsigned char)client._internal.token[n - 1]));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const rucio_file_problem problems[8] = {
        RUCIO_FILE_FINE, RUCIO_FILE_MISSING, RUCIO_FILE_LINK,
        RUCIO_FILE_WRONG_TYPE, RUCIO_FILE_OTHER_OWNER, RUCIO_FILE_FINE,
        RUCIO_FILE_FINE, RUCIO_FILE_SHARED};
    fuzz_port fp;
    const uint8_t *in;
    size_t len;
    unsigned where;
    char *path;
    unsigned dirs;

    if (size < 1)
        return 0;
    in = data + 1;
    len = size - 1;
    where = (data[0] >> 3) & 3u;

    fuzz_port_init(&fp);
    fp.private_problem = problems[data[0] & 7u];
    fuzz_port_add_file(&fp, CACHE_PATH);
    fuzz_port_set_content(&fp, in, len);
    check_cache_read(&fp, in, len, RUCIO_TOKEN_MAX);
    check_cache_read(&fp, in, len, 1 + (size_t)(data[0] >> 5) * 9u);

    fuzz_port_init(&fp);
    fp.private_problem = problems[data[0] & 7u];
    fuzz_port_set_content(&fp, in, len);
    place_token(&fp, where);
    check_bearer(&fp, in, len, where);

    path = fuzz_strndup(in, len);
    dirs = rl_token_cache_private_dirs(path);
    FUZZ_CHECK(dirs == 1 || dirs == 2);
    free(path);
    return 0;
}

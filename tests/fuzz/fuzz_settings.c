/*
 * libFuzzer target: settings resolution (rl_settings_resolve,
 * src/client/settings.c) with the fuzz input as rucio.cfg.
 *
 * A fake port serves the input as /opt/rucio/etc/rucio.cfg (where the
 * search finds it), /fuzz/rucio.cfg (for RUCIO_CONFIG) and as the files
 * /fuzz/key and /fuzz/cert that credentials may name. The environment is
 * empty unless the file's first line is "# env NAME=value NAME=value ..."
 * (a comment to configparser), which sets up to eight variables.
 *
 * Invariants:
 *   - success: both hosts are URLs rucio_url_parse accepts, the VO is
 *     set and so is the auth type (unless its resolution failed, kept in
 *     credentials_error for the first authentication), every string
 *     setting is NUL-terminated in its array, the config file is one the
 *     port served, retries >= 0;
 *   - failure (and a kept credentials_error): the error carries its
 *     status and a class, its message is NUL-terminated and never holds
 *     the password (when the password's text occurs only once in the
 *     file, on its own line).
 */
#define _GNU_SOURCE /* memmem */

#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "rucio/client.h"
#include "client/settings.h"

static rucio_client client; /* large: static storage */

#define TERMINATED(field) \
    FUZZ_CHECK(strnlen((field), sizeof(field)) < sizeof(field))

/* "# env A=1 B=2" on the first line: the entries, in one malloc'd copy. */
static char *parse_env(fuzz_port *fp, const uint8_t *data, size_t size)
{
    static const char prefix[] = "# env ";
    const uint8_t *nl;
    char *line, *p, *save = NULL;

    if (size < sizeof prefix - 1 || memcmp(data, prefix, sizeof prefix - 1))
        return NULL;
    nl = memchr(data, '\n', size);
    line = fuzz_strndup(data + sizeof prefix - 1,
                        (nl ? (size_t)(nl - data) : size) - (sizeof prefix - 1));
    for (p = strtok_r(line, " \r", &save); p; p = strtok_r(NULL, " \r", &save))
        if (strchr(p, '=') && p[0] != '=')
            fuzz_port_add_env(fp, p);
    return line;
}

static void check_settings(void)
{
    const rucio_settings *s = &client._internal.settings;
    rucio_url u;

    TERMINATED(s->rucio_host);
    TERMINATED(s->auth_host);
    TERMINATED(s->account);
    TERMINATED(s->vo);
    TERMINATED(s->auth_type_name);
    TERMINATED(s->ca_cert);
    TERMINATED(s->username);
    TERMINATED(s->password);
    TERMINATED(s->client_cert);
    TERMINATED(s->client_key);
    TERMINATED(s->client_proxy);
    TERMINATED(s->ssh_private_key);
    TERMINATED(s->token_path);
    TERMINATED(s->user_agent);
    TERMINATED(s->script);
    TERMINATED(s->config_file);
    FUZZ_CHECK(rucio_url_parse(s->rucio_host, strlen(s->rucio_host), &u) ==
               RUCIO_OK);
    FUZZ_CHECK(rucio_url_parse(s->auth_host, strlen(s->auth_host), &u) ==
               RUCIO_OK);
    FUZZ_CHECK(s->vo[0] != '\0');
    /* An auth type or credentials that could not be resolved are kept
     * for the first authentication; else the auth type is known. */
    FUZZ_CHECK(client._internal.credentials_error.status != RUCIO_OK ||
               s->auth_type != RUCIO_AUTH_NONE);
    FUZZ_CHECK(s->config_file[0] == '\0' ||
               strcmp(s->config_file, "/opt/rucio/etc/rucio.cfg") == 0 ||
               strcmp(s->config_file, "/fuzz/rucio.cfg") == 0);
    FUZZ_CHECK(s->request_retries >= 0);
    FUZZ_CHECK(s->timeout_ms > 0);
}

static void check_error(const rucio_error *e, rucio_status st,
                        const uint8_t *data, size_t size)
{
    const char *pw = client._internal.settings.password;
    size_t n = strnlen(pw, sizeof client._internal.settings.password);
    const uint8_t *first;

    FUZZ_CHECK(e->status == st);
    TERMINATED(e->exception_class);
    TERMINATED(e->message);
    FUZZ_CHECK(e->exception_class[0] != '\0');
    if (n < 8 || n >= sizeof client._internal.settings.password ||
        memmem(data, size, "%(", 2))
        return;
    first = memmem(data, size, pw, n);
    if (first && !memmem(first + 1, size - (size_t)(first + 1 - data), pw, n))
        FUZZ_CHECK(strstr(e->message, pw) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rucio_client_options opt;
    fuzz_port fp;
    char *env_line;
    rucio_status st;

    fuzz_port_init(&fp);
    fuzz_port_add_file(&fp, "/opt/rucio/etc/rucio.cfg");
    fuzz_port_add_file(&fp, "/fuzz/rucio.cfg");
    fuzz_port_add_file(&fp, "/fuzz/key");
    fuzz_port_add_file(&fp, "/fuzz/cert");
    fuzz_port_add_dir(&fp, "/tmp");
    fuzz_port_add_dir(&fp, "/fuzz");
    fuzz_port_set_content(&fp, data, size);
    env_line = parse_env(&fp, data, size);

    rucio_client_options_default(&opt);
    opt.port = &fp.port;
    memset(&client, 0, sizeof client);
    client._internal.port = fp.port;
    st = rl_settings_resolve(&client, &opt);
    if (st == RUCIO_OK)
        check_settings();
    else
        check_error(&client._internal.error, st, data, size);
    if (st == RUCIO_OK && client._internal.credentials_error.status)
        check_error(&client._internal.credentials_error,
                    client._internal.credentials_error.status, data, size);
    free(env_line);
    return 0;
}

/*
 * rucio-lite command-line tool: what -v says besides the library's log.
 *
 * The library logs connections and request lines at debug level; this
 * adds what a person needs to read them: which rucio.cfg was used, the
 * hosts, the auth type and account, the trust store, and the status of
 * the last response. Nothing secret is printed (no password, token or
 * query string).
 *
 * Every read of the client's settings is in this file, so that it is the
 * one place to follow if they move behind accessors.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void say(const char *name, const char *value)
{
    fprintf(stderr, "rucio-lite: debug: %s: ", name);
    cli_put_text(stderr, value);
    fputc('\n', stderr);
}

static int uses_https(const rucio_settings *s)
{
    return strncmp(s->rucio_host, "https://", 8) == 0 ||
           strncmp(s->auth_host, "https://", 8) == 0;
}

static int is_directory(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void cli_describe_trust_store(const rucio_client *client, char *out,
                              size_t cap)
{
    const rucio_settings *s = rucio_client_settings(client);

    if (s->insecure)
        (void)snprintf(out, cap, "nothing (--insecure: not verified)");
    else if (s->ca_mem)
        (void)snprintf(out, cap, "CA certificates given in memory");
    else if (s->ca_cert[0])
        (void)snprintf(out, cap, "the CA %s %s",
                       is_directory(s->ca_cert) ? "directory" : "file",
                       s->ca_cert);
    else if (s->rucio_host[0] && !uses_https(s))
        (void)snprintf(out, cap,
                       "the default CA bundle %s, for https storage only "
                       "(the Rucio hosts are plain http)",
                       RUCIO_DEFAULT_CA_FILE);
    else
        (void)snprintf(out, cap, "the default CA bundle %s",
                       RUCIO_DEFAULT_CA_FILE);
}

void cli_verbose_settings(const rucio_client *client)
{
    const rucio_settings *s = rucio_client_settings(client);
    char store[RUCIO_PATH_MAX + 64];

    say("config file", s->config_file[0] ? s->config_file
                                         : "none (no rucio.cfg read)");
    say("rucio host", s->rucio_host[0] ? s->rucio_host : "not set");
    say("auth host", s->auth_host[0] ? s->auth_host : "not set");
    say("auth type", s->auth_type_name[0] ? s->auth_type_name
                                          : "not resolved yet");
    say("account", s->account[0] ? s->account : "not resolved yet");
    if (s->vo[0])
        say("vo", s->vo);
    cli_describe_trust_store(client, store, sizeof store);
    say("trust store", store);
}

void cli_verbose_result(const rucio_client *client)
{
    const rucio_error *e = rucio_client_last_error(client);
    int status = e->status != RUCIO_OK ? e->http_status
                                       : rucio_client_last_http_status(client);

    if (status)
        fprintf(stderr, "rucio-lite: debug: last response: HTTP %d\n",
                status);
    else
        fprintf(stderr, "rucio-lite: debug: last response: none\n");
}

/*
 * ini_cost: the cost of reading rucio.cfg at rucio_client_init, for the
 * figures in docs/design.md ("Configuration"). Not a pass/fail test.
 *
 *   ini_cost small|site|large|dense|fanout DIR
 *
 * writes DIR/rucio.cfg of the named shape, then runs rucio_client_init on
 * it (http hosts, so no TLS material is loaded) and prints the size of the
 * file and the outcome. Run it under callgrind to count instructions:
 *
 *   valgrind --tool=callgrind --toggle-collect=rucio_client_init \
 *       build/tools/ini_cost site /tmp/x
 *
 *   small   the 9-line file of a typical user
 *   site    a 54-line site-style file (comments, DEFAULT, several sections,
 *           interpolation)
 *   large   just under RUCIO_CONFIG_MAX (16 KiB): many sections and keys
 *   dense   the same size in short lines ("k012 = 7"): about 1 500 options
 *   fanout  nine levels of references, each value naming the next level
 *           four times (4^9 expansions in Python; quick here)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "rucio/client.h"
#include "rucio/port_posix.h"

static const char client_section[] =
    "[client]\n"
    "rucio_host = http://127.0.0.1:1\n"
    "auth_host = http://127.0.0.1:1\n"
    "auth_type = userpass\n"
    "username = ddmlab\n"
    "password = secret\n"
    "account = root\n"
    "request_retries = 3\n";

static void write_small(FILE *f)
{
    /* 9 lines: the header, seven options and a comment. */
    fputs("# rucio.cfg\n", f);
    fputs(client_section, f);
}

static void write_site(FILE *f)
{
    static const char *const lines[] = {
        "# Site configuration for the Rucio client (managed by puppet).",
        "# Do not edit by hand: changes are overwritten.",
        "",
        "[DEFAULT]",
        "site = example-t2",
        "base = /opt/rucio",
        "",
        "[common]",
        "logdir = %(base)s/log",
        "loglevel = INFO",
        "logformat = %%(asctime)s\t%%(name)s\t%%(levelname)s\t%%(message)s",
        "mailtemplatedir = %(base)s/etc/mail_templates",
        "",
        "[client]",
        "rucio_host = http://127.0.0.1:1",
        "auth_host = http://127.0.0.1:1",
        "auth_type = userpass",
        "username = ddmlab",
        "password = secret",
        "account = root",
        "vo = def",
        "request_retries = 3",
        "client_cert = %(base)s/etc/usercert.pem",
        "client_key = %(base)s/etc/userkey.pem",
        "client_x509_proxy = $X509_USER_PROXY",
        "auth_token_file_path = /tmp/rucio-token",
        "",
        "[policy]",
        "permission = generic",
        "schema = generic",
        "lfn2pfn_algorithm_default = hash",
        "support = https://rucio.example.org/support",
        "support_rucio = https://github.com/rucio/rucio/issues",
        "",
        "[upload]",
        "transfer_timeout = 3600",
        "# preferred protocols, in order",
        "preferred_impl = rclone, xrootd",
        "",
        "[download]",
        "transfer_timeout = 3600",
        "pfn_exists = False",
        "check_admin = False",
        "",
        "[monitor]",
        "carbon_server = localhost",
        "carbon_port = 8125",
        "user_scope = %(site)s",
        "",
        "[trace]",
        "tracedir = %(base)s/trace",
        "enabled = False",
        "",
        "; end of file",
    };
    size_t i;

    for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
        fprintf(f, "%s\n", lines[i]);
}

/* Sections of 12 options with site-like lengths, to just under the limit. */
static void write_large(FILE *f)
{
    long written = (long)sizeof client_section - 1;
    int section = 0;

    fputs(client_section, f);
    for (;;) {
        char block[1024];
        int n = 0, k;

        n += snprintf(block + n, sizeof block - (size_t)n,
                      "\n# generated section %d\n[site_%04d]\n", section,
                      section);
        for (k = 0; k < 12; k++)
            n += snprintf(block + n, sizeof block - (size_t)n,
                          "option_%02d = value %d of section %04d\n", k, k,
                          section);
        if (written + n > RUCIO_CONFIG_MAX - 1)
            break;
        fputs(block, f);
        written += n;
        section++;
    }
}

/* Sections of 40 short options, to just under the limit. */
static void write_dense(FILE *f)
{
    long written = (long)sizeof client_section - 1;
    int section = 0;

    fputs(client_section, f);
    for (;;) {
        char block[1024];
        int n = 0, k;

        n += snprintf(block + n, sizeof block - (size_t)n, "[d%03d]\n",
                      section);
        for (k = 0; k < 40; k++)
            n += snprintf(block + n, sizeof block - (size_t)n,
                          "k%03d = %d\n", k, k % 10);
        if (written + n > RUCIO_CONFIG_MAX - 1)
            break;
        fputs(block, f);
        written += n;
        section++;
    }
}

static void write_fanout(FILE *f)
{
    int level;

    fputs(client_section, f);
    fputs("leaf9 = \n", f);
    for (level = 8; level >= 0; level--)
        fprintf(f, "leaf%d = %%(leaf%d)s%%(leaf%d)s%%(leaf%d)s%%(leaf%d)s\n",
                level, level + 1, level + 1, level + 1, level + 1);
    /* A value read at init that walks the whole tree. */
    fputs("vo = %(leaf0)sdef\n", f);
}

static int write_config(const char *shape, const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return 0;
    if (strcmp(shape, "small") == 0)
        write_small(f);
    else if (strcmp(shape, "site") == 0)
        write_site(f);
    else if (strcmp(shape, "large") == 0)
        write_large(f);
    else if (strcmp(shape, "dense") == 0)
        write_dense(f);
    else if (strcmp(shape, "fanout") == 0)
        write_fanout(f);
    else {
        (void)fclose(f);
        return 0;
    }
    return fclose(f) == 0;
}

int main(int argc, char **argv)
{
    static rucio_client client;
    rucio_client_options opt;
    rucio_port port;
    char path[512];
    rucio_status st;
    long size;
    FILE *f;

    if (argc != 3 ||
        snprintf(path, sizeof path, "%s/rucio.cfg", argv[2]) >=
            (int)sizeof path ||
        !write_config(argv[1], path)) {
        fprintf(stderr, "usage: ini_cost small|site|large|dense|fanout DIR\n");
        return 2;
    }
    f = fopen(path, "r");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        return 2;
    size = ftell(f);
    (void)fclose(f);
    rucio_port_posix_init(&port);
    rucio_client_options_default(&opt);
    opt.port = &port;
    opt.config_path = path;
    st = rucio_client_init(&client, &opt);
    if (st == RUCIO_OK)
        printf("ini_cost %s: %ld bytes, init ok\n", argv[1], size);
    else
        printf("ini_cost %s: %ld bytes, init failed: %s\n  %s\n", argv[1], size,
               rucio_client_last_error(&client)->exception_class,
               rucio_client_last_error(&client)->message);
    rucio_client_free(&client);
    return st == RUCIO_OK ? 0 : 1;
}

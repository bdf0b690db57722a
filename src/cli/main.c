/*
 * rucio-lite: a command-line Rucio client for signed URLs.
 *
 *   rucio-lite [global options] <command> [command options]
 *
 * Global options mirror the Python `rucio` command's; everything left out
 * comes from the environment and rucio.cfg as for the Python client.
 */
#define _POSIX_C_SOURCE 200809L

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rucio/port_posix.h"

#define SECRET_MAX RUCIO_SECRET_MAX

/* Everything main needs, in one place (and off the stack). */
typedef struct cli {
    rucio_port port;
    rucio_client_options opt;
    rucio_client client;
    char password[SECRET_MAX];
    char script[96];
    int verbose;
} cli;

static void print_help(void)
{
    const cli_command *c;

    printf("usage: rucio-lite [global options] <command> [options]\n\n"
           "commands:\n");
    for (c = cli_commands; c->name; c++)
        printf("  %-8s %s\n", c->name, c->summary);
    printf(
        "\nglobal options (unset ones come from the environment and "
        "rucio.cfg):\n"
        "  -H, --host URL            Rucio server, e.g. https://rucio.example.org\n"
        "      --auth-host URL       Rucio authentication server\n"
        "  -a, --account NAME        account to act as\n"
        "      --vo VO               virtual organisation (default: def)\n"
        "  -S, --auth-type TYPE      userpass, x509, x509_proxy, ssh or oidc\n"
        "  -u, --user NAME           user name for userpass\n"
        "      --password-file FILE  file whose first line is the password\n"
        "      --certificate FILE    client certificate for x509\n"
        "      --client-key FILE     its private key (mode 400 or 600)\n"
        "      --proxy FILE          X.509 proxy for x509_proxy\n"
        "      --ssh-key FILE        RSA private key for ssh\n"
        "      --ca-certificate PATH CA file or directory to trust\n"
        "      --insecure            do not verify the server (tests only)\n"
        "  -T, --timeout SECONDS     time limit of the whole command, and of\n"
        "                            each connect and read (default 600)\n"
        "      --config FILE         rucio.cfg to read (like RUCIO_CONFIG)\n"
        "  -v, --verbose             log what happens on stderr\n"
        "  -h, --help                this help; `<command> --help` for one "
        "command\n"
        "      --version             print the version\n"
        "\nexit codes: 0 ok, 1 local error, 2 usage, 3 authentication, "
        "4 server error, 5 network or TLS\n");
}

static void log_to_stderr(void *user, rucio_log_level level, const char *msg)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};

    (void)user;
    fprintf(stderr, "rucio-lite: %s: %s\n", names[level], msg);
}

/* The first line of a file, without its line ending. A line that does
 * not fit is refused rather than cut: a cut password fails obscurely. */
static int read_password(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    const char *problem = NULL;
    size_t len;

    if (!f) {
        fprintf(stderr, "rucio-lite: cannot read the password file %s\n",
                path);
        return 0;
    }
    if (!fgets(out, (int)cap, f))
        problem = "is empty";
    else if ((len = strlen(out)) == cap - 1 && out[len - 1] != '\n' &&
             fgetc(f) != EOF)
        problem = "has a first line longer than rucio-lite accepts";
    (void)fclose(f); /* read only: nothing to lose */
    if (problem) {
        memset(out, 0, cap);
        fprintf(stderr, "rucio-lite: the password file %s %s\n", path,
                problem);
        return 0;
    }
    out[strcspn(out, "\r\n")] = '\0';
    return 1;
}

/* Seconds as milliseconds, rounded up: a tiny timeout must stay a tiny
 * timeout, never become 0 (which the library reads as its default). */
static int parse_timeout(const char *text, uint32_t *out_ms)
{
    char *end = NULL;
    double s = strtod(text, &end);
    double ms;

    if (!*text || *end || !(s > 0) || s > 86400.0)
        return 0;
    ms = s * 1000.0;
    *out_ms = (uint32_t)ms;
    if ((double)*out_ms < ms)
        (*out_ms)++;
    return 1;
}

enum long_only {
    OPT_AUTH_HOST = 256, OPT_PASSWORD_FILE, OPT_CERT, OPT_KEY, OPT_PROXY,
    OPT_SSH_KEY, OPT_CA, OPT_VO, OPT_CONFIG, OPT_INSECURE, OPT_VERSION
};

static const struct option global_options[] = {
    {"host", required_argument, NULL, 'H'},
    {"auth-host", required_argument, NULL, OPT_AUTH_HOST},
    {"account", required_argument, NULL, 'a'},
    {"auth-type", required_argument, NULL, 'S'},
    {"user", required_argument, NULL, 'u'},
    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
    {"certificate", required_argument, NULL, OPT_CERT},
    {"client-key", required_argument, NULL, OPT_KEY},
    {"proxy", required_argument, NULL, OPT_PROXY},
    {"ssh-key", required_argument, NULL, OPT_SSH_KEY},
    {"ca-certificate", required_argument, NULL, OPT_CA},
    {"vo", required_argument, NULL, OPT_VO},
    {"timeout", required_argument, NULL, 'T'},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

/* Apply one global option; -1 to continue, else an exit code. */
static int apply_option(cli *app, int c)
{
    rucio_client_options *o = &app->opt;

    switch (c) {
    case 'H': o->rucio_host = optarg; break;
    case OPT_AUTH_HOST: o->auth_host = optarg; break;
    case 'a': o->account = optarg; break;
    case 'S': o->auth_type = optarg; break;
    case 'u': o->username = optarg; break;
    case OPT_CERT: o->client_cert = optarg; break;
    case OPT_KEY: o->client_key = optarg; break;
    case OPT_PROXY: o->client_proxy = optarg; break;
    case OPT_SSH_KEY: o->ssh_private_key = optarg; break;
    case OPT_CA: o->ca_cert = optarg; break;
    case OPT_VO: o->vo = optarg; break;
    case OPT_CONFIG: o->config_path = optarg; break;
    case OPT_INSECURE: o->insecure = 1; break;
    case 'v': app->verbose++; break;
    case OPT_PASSWORD_FILE:
        if (!read_password(optarg, app->password, sizeof app->password))
            return CLI_EXIT_ERROR;
        o->password = app->password;
        break;
    case 'T':
        if (!parse_timeout(optarg, &o->timeout_ms)) {
            fprintf(stderr, "rucio-lite: --timeout needs seconds > 0\n");
            return CLI_EXIT_USAGE;
        }
        o->call_timeout_ms = o->timeout_ms; /* the whole command, too */
        break;
    case 'h': print_help(); return CLI_EXIT_OK;
    case OPT_VERSION: printf("rucio-lite %s\n", RUCIO_LITE_VERSION);
        return CLI_EXIT_OK;
    default:
        fprintf(stderr, "rucio-lite: unknown or incomplete option; see "
                        "rucio-lite --help\n");
        return CLI_EXIT_USAGE;
    }
    return -1;
}

static int parse_global_options(cli *app, int argc, char **argv)
{
    int c, rc;

    opterr = 0;
    /* '+': stop at the command name; its options are its own. */
    while ((c = getopt_long(argc, argv, "+H:a:S:u:T:vh", global_options,
                            NULL)) != -1) {
        rc = apply_option(app, c);
        if (rc >= 0)
            return rc;
    }
    return -1;
}

/* Give the client what the command line decided. */
static void configure(cli *app, const cli_command *cmd)
{
    rucio_port_posix_init(&app->port);
    app->opt.port = &app->port;
    /* Command names are short constants: this always fits. */
    (void)snprintf(app->script, sizeof app->script, "rucio-lite::%s",
                   cmd->name);
    app->opt.script = app->script;
    if (app->verbose) {
        app->opt.logger.fn = log_to_stderr;
        app->opt.logger.max_level =
            app->verbose > 1 ? RUCIO_LOG_DEBUG : RUCIO_LOG_INFO;
    } else {
        app->opt.logger.fn = log_to_stderr;
        app->opt.logger.max_level = RUCIO_LOG_WARN;
    }
}

static int run_command(cli *app, const cli_command *cmd, int argc,
                       char **argv)
{
    int rc;

    configure(app, cmd);
    if (rucio_client_init(&app->client, &app->opt) != RUCIO_OK)
        rc = cli_report(&app->client);
    else
        rc = cmd->run(&app->client, argc, argv);
    rucio_client_free(&app->client);
    return rc;
}

/* A result that never reached stdout (a full disk, a closed pipe) must
 * not end with success: a signed URL would be lost with exit 0. */
static int flush_output(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    fprintf(stderr, "rucio-lite: could not write the output\n");
    return rc == CLI_EXIT_OK ? CLI_EXIT_ERROR : rc;
}

int main(int argc, char **argv)
{
    static cli app;
    const cli_command *cmd;
    int rc;

    rucio_client_options_default(&app.opt);
    rc = parse_global_options(&app, argc, argv);
    if (rc < 0 && optind >= argc) {
        print_help();
        rc = CLI_EXIT_USAGE;
    } else if (rc < 0 && !(cmd = cli_find_command(argv[optind]))) {
        fprintf(stderr, "rucio-lite: unknown command '%s'; see rucio-lite "
                        "--help\n", argv[optind]);
        rc = CLI_EXIT_USAGE;
    } else if (rc < 0 && cli_wants_help(argc - optind, argv + optind)) {
        cli_print_command_help(cmd);
        rc = CLI_EXIT_OK;
    } else if (rc < 0) {
        rc = run_command(&app, cmd, argc - optind, argv + optind);
    }
    memset(app.password, 0, sizeof app.password);
    return flush_output(rc);
}

/* rucio-lite command-line tool: the subcommands. */
#define _POSIX_C_SOURCE 200809L

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "xfer.h"

int cli_wants_help(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

static int no_arguments(const cli_command *cmd, int argc)
{
    return argc > 1 ? cli_usage_error(cmd, "takes no arguments") : 0;
}

/* ---- ping ------------------------------------------------------------------ */

static int cmd_ping(rucio_client *client, int argc, char **argv)
{
    char version[64];
    int rc = no_arguments(cli_find_command("ping"), argc);

    (void)argv;
    if (rc)
        return rc;
    if (rucio_ping(client, version, sizeof version) != RUCIO_OK)
        return cli_report(client);
    cli_put_line(version);
    return CLI_EXIT_OK;
}

/* ---- whoami ---------------------------------------------------------------- */

static void print_field(const char *name, const char *value)
{
    printf("%-13s: ", name);
    cli_put_line(value[0] ? value : "None");
}

static int cmd_whoami(rucio_client *client, int argc, char **argv)
{
    rucio_account_info info;
    int rc = no_arguments(cli_find_command("whoami"), argc);

    (void)argv;
    if (rc)
        return rc;
    if (rucio_whoami(client, &info) != RUCIO_OK)
        return cli_report(client);
    print_field("status", info.status);
    print_field("account", info.account);
    print_field("account_type", info.account_type);
    print_field("created_at", info.created_at);
    print_field("updated_at", info.updated_at);
    print_field("suspended_at", info.suspended_at);
    print_field("deleted_at", info.deleted_at);
    print_field("email", info.email);
    return CLI_EXIT_OK;
}

/* ---- signurl --------------------------------------------------------------- */

typedef struct signurl_args {
    const char *rse;
    const char *service;
    const char *operation;
    const char *url;
    long long lifetime;
} signurl_args;

/* "unknown option '--frobnicate'": the word as typed, without a value,
 * between before and after. */
static int option_error(const cli_command *cmd, const char *before,
                        const char *arg, const char *after)
{
    char text[160];

    (void)snprintf(text, sizeof text, "%s'%.*s'%s", before,
                   (int)strcspn(arg, "="), arg, after);
    return cli_usage_error(cmd, text);
}

static int parse_lifetime(const char *text, long long *out)
{
    char *end = NULL;
    long long v = strtoll(text, &end, 10);

    if (!*text || *end || v <= 0)
        return 0;
    *out = v;
    return 1;
}

static int parse_signurl(const cli_command *cmd, int argc, char **argv,
                         signurl_args *a)
{
    static const struct option options[] = {
        {"rse", required_argument, NULL, 'r'},
        {"svc", required_argument, NULL, 's'},
        {"service", required_argument, NULL, 's'},
        {"op", required_argument, NULL, 'o'},
        {"operation", required_argument, NULL, 'o'},
        {"lifetime", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0}};
    int c;

    a->lifetime = RUCIO_SIGNED_URL_LIFETIME;
    optind = 1;
    opterr = 0;
    /* ':' first: a missing value is ':', told apart from an unknown '?'. */
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        if (c == 'r')
            a->rse = optarg;
        else if (c == 's')
            a->service = optarg;
        else if (c == 'o')
            a->operation = optarg;
        else if (c == 'l' && !parse_lifetime(optarg, &a->lifetime))
            return cli_usage_error(cmd, "--lifetime needs a positive number "
                                        "of seconds");
        else if (c == ':')
            return option_error(cmd, "option ", argv[optind - 1],
                                " needs a value");
        else if (c != 'l' && optopt) /* a short one: "-x" may be "-xyz" */
            return option_error(cmd, "unknown option ",
                                (char[3]){'-', (char)optopt, '\0'}, "");
        else if (c != 'l')
            return option_error(cmd, "unknown option ", argv[optind - 1],
                                "");
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "needs exactly one URL");
    if (!a->rse || !a->service || !a->operation)
        return cli_usage_error(cmd, "--rse, --svc and --op are required");
    a->url = argv[optind];
    return 0;
}

static int cmd_signurl(rucio_client *client, int argc, char **argv)
{
    static char signed_url[RUCIO_BODY_MAX];
    signurl_args a;
    int rc;

    memset(&a, 0, sizeof a);
    rc = parse_signurl(cli_find_command("signurl"), argc, argv, &a);
    if (rc)
        return rc;
    if (rucio_get_signed_url(client, a.rse, a.service, a.operation, a.url,
                             a.lifetime, signed_url,
                             sizeof signed_url) != RUCIO_OK)
        return cli_report(client);
    cli_put_line(signed_url);
    return CLI_EXIT_OK;
}

/* ---- token --------------------------------------------------------------- */

static void print_expiry(int64_t expires)
{
    char when[32];
    time_t t = (time_t)expires;
    struct tm tm;

    if (!expires || !gmtime_r(&t, &tm) ||
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
        printf("expires: unknown (token read from the cache or given)\n");
        return;
    }
    printf("expires: %s (in %lld s)\n", when,
           (long long)(expires - (int64_t)time(NULL)));
}

static int cmd_token(rucio_client *client, int argc, char **argv)
{
    int show = 0;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--show") != 0)
            return option_error(cli_find_command("token"),
                                argv[i][0] == '-' ? "unknown option "
                                                  : "unexpected argument ",
                                argv[i], "");
        show = 1;
    }
    if (rucio_authenticate(client) != RUCIO_OK)
        return cli_report(client);
    fputs("account: ", stdout);
    cli_put_line(rucio_client_account(client));
    print_expiry(rucio_client_token_expires(client));
    if (show) {
        fputs("token: ", stdout);
        cli_put_line(rucio_client_token(client));
    }
    return CLI_EXIT_OK;
}

/* ---- table --------------------------------------------------------------- */

/* Each command's options; "=" marks one that takes a value. */
static const char *const no_options[] = {NULL};
static const char *const signurl_options[] = {
    "--rse=", "--svc=", "--service=", "--op=", "--operation=", "--lifetime=",
    NULL};
static const char *const token_options[] = {"--show", NULL};
/* put, get and delete take no options of their own (xfer_cmds.c). */
static const char *const xfer_options[] = {NULL};
static const char *const upload_options[] = {
    "--rse=", "--rse-name=", "--scope=", "--name=", "--lfn=",
    "--dataset=", "--pfn=", NULL};
static const char *const download_options[] = {
    "--dir=", "--rses=", "--rse-exp=", "--rse=", "--no-subdir", NULL};

const cli_command cli_commands[] = {
    {"ping", cmd_ping, "", "print the server's version",
     "Needs no authentication.\n", no_options, 0, 0},
    {"whoami", cmd_whoami, "", "print the account the credentials map to",
     "Authenticates if no valid token is cached.\n", no_options, 0, 0},
    {"signurl", cmd_signurl,
     "--rse RSE --svc gcs|s3|swift --op read|write|delete [--lifetime S] URL",
     "print a signed URL for a storage object",
     "  --rse RSE        the storage element (RSE) holding the object\n"
     "  --svc SERVICE    gcs, s3 or swift (also --service)\n"
     "  --op OPERATION   read, write or delete (also --operation)\n"
     "  --lifetime S     seconds the URL stays valid (default 3600)\n"
     "Only the URL is printed on stdout. Arguments are checked before\n"
     "anything is sent.\n", signurl_options, 1, 0},
    {"token", cmd_token, "[--show]",
     "authenticate if needed; print the account and the token's expiry",
     "  --show           also print the token itself (a secret)\n",
     token_options, 0, 0},
    {"put", cli_cmd_put, "URL FILE", "upload FILE to a signed write URL",
     "Sends FILE with PUT and prints \"<bytes> adler32:<hex> md5:<hex>\" of\n"
     "what was sent. A FILE that changes while it is sent fails (exit 6).\n"
     "The URL is never printed. `--` before FILE allows a name starting\n"
     "with '-'.\n",
     xfer_options, 2, 1},
    {"get", cli_cmd_get, "URL FILE", "download a signed read URL into FILE",
     "Writes into FILE.rucio-lite.part-XXXXXX beside FILE, renamed to FILE\n"
     "only when complete; on any failure nothing is left. Prints\n"
     "\"<bytes> adler32:<hex> md5:<hex>\" of what was received.\n",
     xfer_options, 2, 1},
    {"delete", cli_cmd_delete, "URL",
     "delete the object of a signed delete URL", "Prints nothing on success.\n",
     xfer_options, 1, 1},
    {"upload", cli_cmd_upload,
     "--rse RSE [--scope S] [--name N] [--dataset S:N] [--pfn P] FILE...",
     "upload files to an RSE that signs URLs and register them",
     "  --rse RSE        the RSE (its sign_url attribute: gcs, s3, swift;\n"
     "                   also --rse-name)\n"
     "  --scope S        the files' scope (default user.<account>)\n"
     "  --name N         the DID name (one FILE only; default its base name;\n"
     "                   also --lfn)\n"
     "  --dataset S:N    attach to this dataset, created with a rule if new\n"
     "                   (without it a new file gets a rule of its own)\n"
     "  --pfn P          where to store it (non-deterministic RSEs)\n"
     "Registers each file after it is stored and its size checked; prints\n"
     "\"<scope>:<name> <bytes> adler32:<hex> md5:<hex> <rse> <pfn>\".\n"
     "A DID that exists with other content is refused. The exit code is\n"
     "the first failure's.\n",
     upload_options, 4096, 0},
    {"download", cli_cmd_download,
     "[--dir D] [--rses EXPR] [--no-subdir] SCOPE:NAME...",
     "download file DIDs into D/SCOPE/NAME, checked against the catalogue",
     "  --dir D          where to put them (default .)\n"
     "  --rses EXPR      only replicas on RSEs matching EXPR (also --rse-exp,\n"
     "                   --rse)\n"
     "  --no-subdir      D/NAME rather than D/SCOPE/NAME\n"
     "Writes into a temporary file renamed into place only when its size,\n"
     "adler32 and md5 equal the catalogue's; prints \"<scope>:<name> <bytes>\n"
     "adler32:<hex> md5:<hex> <path>\". A file that exists is skipped.\n",
     download_options, 4096, 0},
    {NULL, NULL, NULL, NULL, NULL, NULL, 0, 0}};

const cli_command *cli_find_command(const char *name)
{
    const cli_command *c;

    for (c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

void cli_print_command_help(const cli_command *cmd)
{
    printf("usage: rucio-lite [global options] %s %s\n\n%s.\n%s"
           "Global options (rucio-lite --help) may also follow the command.\n",
           cmd->name, cmd->usage, cmd->summary, cmd->help);
}

/* The entry of cmd->options that arg names ("--rse" or "--rse=X" for
 * "--rse="), or NULL. */
const char *cli_command_option(const cli_command *cmd, const char *arg)
{
    size_t i, len = strcspn(arg, "=");

    for (i = 0; cmd->options[i]; i++) {
        const char *o = cmd->options[i];
        size_t olen = strcspn(o, "=");

        if (olen == len && strncmp(o, arg, len) == 0 &&
            (o[olen] == '=' || arg[len] == '\0'))
            return o;
    }
    return NULL;
}

/* Words after the command that it does not know, refused before the
 * client is set up: "unknown option '--frobnicate'". */
int cli_check_arguments(const cli_command *cmd, int argc, char **argv)
{
    int i, positional = 0;

    for (i = 1; i < argc; i++) {
        const char *o;

        if (strcmp(argv[i], "--") == 0) {
            positional += argc - i - 1;
            break;
        }
        if (argv[i][0] != '-' || !argv[i][1]) {
            /* Not echoed: the word may be a signed URL (a credential). */
            if (++positional > cmd->max_arguments)
                return cli_usage_error(cmd, "too many arguments");
            continue;
        }
        o = cli_command_option(cmd, argv[i]);
        if (!o)
            return option_error(cmd, "unknown option ", argv[i], "");
        if (o[strlen(o) - 1] == '=' && !strchr(argv[i], '=') && ++i >= argc)
            return option_error(cmd, "option ", argv[i - 1],
                                " needs a value");
    }
    if (positional > cmd->max_arguments)
        return cli_usage_error(cmd, "too many arguments");
    return 0;
}

int cli_usage_error(const cli_command *cmd, const char *problem)
{
    fprintf(stderr, "rucio-lite %s: %s\nusage: rucio-lite [global options] "
                    "%s%s%s\n", cmd->name, problem, cmd->name,
            cmd->usage[0] ? " " : "", cmd->usage);
    return CLI_EXIT_USAGE;
}

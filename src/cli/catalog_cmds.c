/*
 * rucio-lite command-line tool: upload and download, Rucio's own workflow
 * for RSEs that sign URLs (rucio/upload.h), named and behaving like
 * `rucio upload` and `rucio download`, with the files of xfer_file.c.
 *
 * upload prints one line per file stored and registered:
 *     <scope>:<name> <bytes> adler32:<hex> md5:<hex> <rse> <pfn>
 * download one per file written:
 *     <scope>:<name> <bytes> adler32:<hex> md5:<hex> <path>
 * Every file is tried; the exit code is that of the first failure, so a
 * run that did not move everything never exits 0 (`rucio upload` and
 * `rucio download` do).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "rucio/upload.h"
#include "xfer.h"

typedef struct upload_args {
    const char *rse;
    const char *scope;
    const char *name;
    const char *pfn;
    char dataset[512]; /* "scope\0name" once split */
    const char *dataset_name;
} upload_args;

typedef struct download_args {
    const char *dir;
    const char *rse;
    int no_subdir; /* D/NAME rather than D/SCOPE/NAME */
} download_args;

/* The first failure decides the exit code. */
static void keep_first(int *rc, int now)
{
    if (!*rc)
        *rc = now;
}

/* "scope:name" into its two halves (in buf); 0 when it is not one. */
static int split_did(const char *did, char *buf, size_t cap, const char **name)
{
    const char *colon = strchr(did, ':');

    if (!colon || colon == did || !colon[1] || strlen(did) >= cap)
        return 0;
    memcpy(buf, did, strlen(did) + 1);
    buf[colon - did] = '\0';
    *name = buf + (colon - did) + 1;
    return 1;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

static void print_sums(const char *scope, const char *name,
                       const rucio_transfer_result *r)
{
    printf("%s:%s %llu adler32:%s md5:%s", scope, name,
           (unsigned long long)r->bytes, r->adler32, r->md5);
}

/* getopt_long over the command's options; ':' first tells a missing
 * value from an unknown option (already refused by cli_check_arguments). */
static int next_option(const cli_command *cmd, int argc, char **argv,
                       const struct option *options, int *out)
{
    int c = getopt_long(argc, argv, ":", options, NULL);

    if (c == ':' || c == '?') {
        fprintf(stderr, "rucio-lite %s: option %s needs a value\n", cmd->name,
                argv[optind - 1]);
        return CLI_EXIT_USAGE;
    }
    *out = c;
    return 0;
}

/* ---- upload -----------------------------------------------------------------
 */

static int parse_upload(const cli_command *cmd, int argc, char **argv,
                        upload_args *a)
{
    static const struct option options[] = {
        {"rse", required_argument, NULL, 'r'},
        {"rse-name", required_argument, NULL, 'r'},
        {"scope", required_argument, NULL, 's'},
        {"name", required_argument, NULL, 'n'},
        {"lfn", required_argument, NULL, 'n'},
        {"pfn", required_argument, NULL, 'p'},
        {"dataset", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0}};
    int c, rc;

    optind = 1;
    opterr = 0;
    while ((rc = next_option(cmd, argc, argv, options, &c)) == 0 && c != -1) {
        if (c == 'r')
            a->rse = optarg;
        else if (c == 's')
            a->scope = optarg;
        else if (c == 'n')
            a->name = optarg;
        else if (c == 'p')
            a->pfn = optarg;
        else if (!split_did(optarg, a->dataset, sizeof a->dataset,
                            &a->dataset_name))
            return cli_usage_error(cmd, "--dataset needs SCOPE:NAME");
    }
    if (rc)
        return rc;
    if (!a->rse)
        return cli_usage_error(cmd, "--rse is required");
    if (optind == argc)
        return cli_usage_error(cmd, "needs at least one FILE");
    if ((a->name || a->pfn) && argc - optind > 1)
        return cli_usage_error(cmd, "--name and --pfn take one FILE only");
    return 0;
}

/* The file's own failure (unreadable, changed) explains an aborted
 * upload better than the library can. */
static int upload_outcome(rucio_client *client, xfer_file_source *file,
                          rucio_status st, const upload_args *a,
                          const char *name, const rucio_upload_result *r)
{
    int rc = xfer_source_report(file);

    if (rc)
        return rc;
    if (st != RUCIO_OK)
        return cli_report(client);
    /* No xfer_source_unchanged here: the library registered the checksums
     * of the bytes it stored, whatever the file became afterwards. */
    if (r->already_there)
        fprintf(stderr,
                "rucio-lite: %s:%s is registered at %s already; "
                "not uploaded again\n",
                r->scope, name, a->rse);
    print_sums(r->scope, name, &r->transfer);
    printf(" %s ", a->rse);
    cli_put_line(r->pfn);
    return CLI_EXIT_OK;
}

static int upload_one(rucio_client *client, const upload_args *a,
                      const char *path)
{
    static rucio_upload_result result; /* a PFN of RUCIO_URL_MAX */
    rucio_upload_file f;
    rucio_transfer_options opt;
    xfer_file_source file;
    xfer_progress bar;
    rucio_http_source body;
    rucio_status st;
    int rc = xfer_source_open(&file, path, &body);

    if (rc)
        return rc;
    memset(&f, 0, sizeof f);
    f.rse = a->rse;
    f.scope = a->scope;
    f.name = a->name ? a->name : base_name(path);
    f.pfn = a->pfn;
    f.body = &body;
    if (a->dataset_name) {
        f.dataset_scope = a->dataset;
        f.dataset_name = a->dataset_name;
    }
    xfer_progress_options(&bar, &opt);
    st = rucio_upload(client, &f, &opt, &result);
    xfer_progress_finish(&bar);
    rc = upload_outcome(client, &file, st, a, f.name, &result);
    xfer_source_close(&file);
    return rc;
}

int cli_cmd_upload(rucio_client *client, int argc, char **argv)
{
    upload_args a;
    int rc, i;

    memset(&a, 0, sizeof a);
    rc = parse_upload(cli_find_command("upload"), argc, argv, &a);
    if (rc)
        return rc;
    for (i = optind; i < argc; i++)
        keep_first(&rc, upload_one(client, &a, argv[i]));
    return rc;
}

/* ---- download ---------------------------------------------------------------
 */

static int parse_download(const cli_command *cmd, int argc, char **argv,
                          download_args *a)
{
    static const struct option options[] = {
        {"dir", required_argument, NULL, 'd'},
        {"rses", required_argument, NULL, 'r'},
        {"rse-exp", required_argument, NULL, 'r'},
        {"rse", required_argument, NULL, 'r'},
        {"no-subdir", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0}};
    int c, rc;

    a->dir = ".";
    optind = 1;
    opterr = 0;
    while ((rc = next_option(cmd, argc, argv, options, &c)) == 0 && c != -1) {
        if (c == 'd')
            a->dir = optarg;
        else if (c == 'n')
            a->no_subdir = 1;
        else
            a->rse = optarg;
    }
    if (rc)
        return rc;
    return optind == argc ? cli_usage_error(cmd, "needs at least one "
                                                 "SCOPE:NAME")
                          : 0;
}

/* mkdir that is content when the folder exists. */
static int make_folder(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    fprintf(stderr, "rucio-lite: cannot create the directory %s: %s\n", path,
            strerror(errno));
    return CLI_EXIT_ERROR;
}

/* <dir>/<scope>/<name>, as rucio download lays files out (<dir>/<name>
 * with --no-subdir); the folders are created (one level each, as
 * needed). A name with '/' would leave that folder. */
static int destination(const download_args *a, const char *scope,
                       const char *name, char *path, size_t cap)
{
    char folder[4096];
    int rc;

    if (strchr(name, '/') || strcmp(name, "..") == 0 || strchr(scope, '/')) {
        fprintf(stderr, "rucio-lite: %s:%s: a scope or name with '/' is not "
                        "a file name here\n",
                scope, name);
        return CLI_EXIT_USAGE;
    }
    if ((a->no_subdir
             ? (size_t)snprintf(folder, sizeof folder, "%s", a->dir)
             : (size_t)snprintf(folder, sizeof folder, "%s/%s", a->dir,
                                scope)) >= sizeof folder ||
        (size_t)snprintf(path, cap, "%s/%s", folder, name) >= cap) {
        fprintf(stderr, "rucio-lite: path too long for %s:%s\n", scope, name);
        return CLI_EXIT_ERROR;
    }
    rc = make_folder(a->dir);
    if (!rc && !a->no_subdir)
        rc = make_folder(folder);
    return rc;
}

/* Nothing stays behind unless every byte arrived, matched the catalogue
 * and is on disk. */
static int download_outcome(rucio_client *client, xfer_file_sink *file,
                            rucio_status st, const char *scope,
                            const char *name, const rucio_download_result *r)
{
    int rc;

    if (st != RUCIO_OK) {
        xfer_sink_discard(file);
        rc = xfer_sink_report(file);
        if (!rc && st == RUCIO_E_CHECKSUM)
            fprintf(stderr, "rucio-lite: %s:%s: nothing was kept\n", scope,
                    name);
        return rc ? rc : cli_report(client);
    }
    rc = xfer_sink_commit(file);
    if (rc)
        return xfer_sink_report(file);
    print_sums(scope, name, &r->transfer);
    putchar(' ');
    cli_put_line(file->path);
    return CLI_EXIT_OK;
}

static int download_one(rucio_client *client, const download_args *a,
                        const char *did)
{
    static rucio_download_result result;
    char buf[512], path[4096];
    const char *name = NULL;
    rucio_transfer_options opt;
    xfer_file_sink file;
    xfer_progress bar;
    rucio_http_sink sink;
    struct stat existing;
    rucio_status st;
    int rc;

    if (!split_did(did, buf, sizeof buf, &name))
        return cli_usage_error(cli_find_command("download"),
                               "each DID must be SCOPE:NAME");
    rc = destination(a, buf, name, path, sizeof path);
    if (rc)
        return rc;
    if (stat(path, &existing) == 0) {
        fprintf(stderr,
                "rucio-lite: %s exists already locally; not "
                "downloaded\n",
                path);
        return CLI_EXIT_OK;
    }
    rc = xfer_sink_open(&file, path, &sink);
    if (rc)
        return rc;
    xfer_progress_options(&bar, &opt);
    st = rucio_download(client, buf, name, a->rse, &sink, &opt, &result);
    xfer_progress_finish(&bar);
    return download_outcome(client, &file, st, buf, name, &result);
}

int cli_cmd_download(rucio_client *client, int argc, char **argv)
{
    download_args a;
    int rc, i;

    memset(&a, 0, sizeof a);
    rc = parse_download(cli_find_command("download"), argc, argv, &a);
    if (rc)
        return rc;
    for (i = optind; i < argc; i++)
        keep_first(&rc, download_one(client, &a, argv[i]));
    return rc;
}

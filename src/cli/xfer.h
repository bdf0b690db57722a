/*
 * rucio-lite command-line tool: local files and the progress bar for the
 * transfer commands (put, get, delete; upload and download reuse them).
 *
 * A file source feeds rucio_transfer_put from a local file of known size
 * and notices when the file changes while it is read: the upload would
 * otherwise store (and register) bytes that match neither the old nor the
 * new file. A file sink writes a download into a temporary file beside
 * the target, FILE.rucio-lite.part-XXXXXX (mode 0600), that becomes FILE
 * only through xfer_sink_commit: an interrupted or failed download never
 * leaves a partial FILE, nor a temporary file (xfer_sink_discard, and a
 * signal handler for SIGINT, SIGTERM, SIGHUP, SIGQUIT).
 *
 * Both keep what went wrong locally (the library only learns "aborted by
 * a callback" and would report it as a connection failure): after a
 * failed transfer, xfer_*_report says it on stderr and gives the exit
 * code; it returns 0 when the file side did not fail, and the library's
 * error is the one to report (cli_report).
 *
 * A download, as get does it (xfer_cmds.c):
 *     rc = xfer_sink_open(&file, path, &sink);        (prints, exit 1)
 *     st = rucio_transfer_get(client, url, &sink, &opt, &result);
 *     if (st != RUCIO_OK) {       (or the checksums are not the catalogue's)
 *         xfer_sink_discard(&file);
 *         rc = xfer_sink_report(&file);   (a local write error, else 0)
 *         return rc ? rc : cli_report(client);
 *     }
 *     rc = xfer_sink_commit(&file);       (0, or exit 1, not printed)
 *     return rc ? xfer_sink_report(&file) : 0;
 * An upload: xfer_source_open, rucio_transfer_put with the source (a
 * checksum pre-pass may read it to the end with source.read and start
 * again with source.rewind), then xfer_source_report before cli_report,
 * and xfer_source_unchanged after a success; xfer_source_close always.
 */
#ifndef RUCIO_CLI_XFER_H
#define RUCIO_CLI_XFER_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "rucio/client.h"
#include "rucio/http.h"
#include "rucio/transfer.h"

/* Room for the temporary file's path: Linux's PATH_MAX, fixed here so
 * that the struct is the same whatever feature macros an includer sets
 * (<limits.h> gives PATH_MAX only to POSIX builds). */
#define XFER_PATH_MAX 4096

/* What went wrong on the file side, if anything. */
typedef enum xfer_fault {
    XFER_FAULT_NONE = 0,
    XFER_FAULT_IO,       /* a system call failed: errno in err */
    XFER_FAULT_CHANGED   /* the file changed while it was being read */
} xfer_fault;

/* ---- file source (PUT) -------------------------------------------------- */

typedef struct xfer_file_source {
    const char *path;
    int fd;
    uint64_t length;          /* size at open: the Content-Length */
    uint64_t offset;          /* bytes produced since open or rewind */
    struct timespec mtime;    /* at open: a write changes it, whatever
                                 the size */
    xfer_fault fault;
    int err;                  /* errno for XFER_FAULT_IO */
    const char *doing;        /* what failed, or how the file changed */
    int after_end;            /* the change was found after the transfer */
} xfer_file_source;

/* Open path (a regular file) and fill *out for rucio_transfer_put.
 * Returns 0, or prints why not on stderr and returns the exit code (1). */
int xfer_source_open(xfer_file_source *s, const char *path,
                     rucio_http_source *out);

/* After a successful transfer: 0 when the file is still as it was read,
 * else print how it changed and return CLI_EXIT_VERIFY (the stored
 * object has the bytes read, which may no longer be the file's). */
int xfer_source_unchanged(xfer_file_source *s);

/* 0 when the source did not fail; else print why on stderr and return
 * the exit code (1 for a read error, CLI_EXIT_VERIFY for a change). */
int xfer_source_report(const xfer_file_source *s);

void xfer_source_close(xfer_file_source *s);

/* ---- file sink (GET) ---------------------------------------------------- */

#define XFER_SINK_BUFFER (256 * 1024)

typedef struct xfer_file_sink {
    const char *path;         /* the target, as the caller named it */
    char temp[XFER_PATH_MAX]; /* the temporary file being written */
    int fd;                   /* -1 once committed or discarded */
    mode_t mode;              /* 0666 less the umask, set at commit */
    uint64_t written;
    /* Bytes gathered before a write(): the library hands them over a
     * receive buffer at a time (2 KiB), one system call each otherwise. */
    uint8_t pending[XFER_SINK_BUFFER];
    size_t pending_len;
    xfer_fault fault;
    int err;
    const char *doing;
    struct xfer_file_sink *next; /* open sinks, for the signal handler */
} xfer_file_sink;

/* Create the temporary file for path and fill *out for rucio_transfer_get.
 * Returns 0, or prints why not on stderr and returns the exit code (1). */
int xfer_sink_open(xfer_file_sink *s, const char *path,
                   rucio_http_sink *out);

/* The download is complete and verified: fsync, give the file its normal
 * mode and rename it over path. 0, or the exit code (1) with the
 * temporary file removed and nothing printed: xfer_sink_report then
 * says why. */
int xfer_sink_commit(xfer_file_sink *s);

/* Remove the temporary file; nothing of the download remains. Safe to
 * call after commit (it does nothing then). */
void xfer_sink_discard(xfer_file_sink *s);

/* As xfer_source_report: 0, or the message on stderr and exit code 1. */
int xfer_sink_report(const xfer_file_sink *s);

/* ---- progress bar -------------------------------------------------------- */

typedef struct xfer_progress {
    int enabled;              /* stderr is a terminal and not -q */
    int drawn;                /* a line is on screen, to be finished */
    uint64_t start_ns;        /* monotonic clock */
    uint64_t last_ns;         /* of the last redraw */
    uint64_t done, total;     /* the last report */
} xfer_progress;

/* Ready for one transfer: enabled when stderr is a terminal and the run
 * is not quiet (cli_progress_quiet). */
void xfer_progress_init(xfer_progress *p);

/* Transfer options with the progress bar p (initialised) as callback. */
void xfer_progress_options(xfer_progress *p, rucio_transfer_options *opt);

/* The rucio_progress_fn: user is the xfer_progress. */
void xfer_progress_update(void *user, uint64_t done, uint64_t total);

/* Draw the final figures and end the line, so that what is printed next
 * (the result, an error) starts on a line of its own. */
void xfer_progress_finish(xfer_progress *p);

/* ---- the commands (xfer_cmds.c), for the table in commands.c ----------- */

int cli_cmd_put(rucio_client *client, int argc, char **argv);
int cli_cmd_get(rucio_client *client, int argc, char **argv);
int cli_cmd_delete(rucio_client *client, int argc, char **argv);

#endif /* RUCIO_CLI_XFER_H */

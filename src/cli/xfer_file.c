/* rucio-lite command-line tool: local files as transfer bodies (xfer.h). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "xfer.h"

/* "rucio-lite: cannot <doing> FILE: <reason><tail>": the file name
 * escaped, as it may hold any byte. */
static void say_errno(const char *doing, const char *path, int err,
                      const char *tail)
{
    fprintf(stderr, "rucio-lite: cannot %s ", doing);
    cli_put_text(stderr, path);
    fprintf(stderr, ": %s%s\n", strerror(err), tail);
}

/* ---- file source ---------------------------------------------------------- */

static void source_fail(xfer_file_source *s, xfer_fault fault, int err,
                        const char *doing)
{
    if (s->fault != XFER_FAULT_NONE)
        return; /* the first failure is the cause; later ones follow it */
    s->fault = fault;
    s->err = err;
    s->doing = doing;
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* How the open file differs from what it was at open, or NULL. Size and
 * modification time: a write changes the latter even at the same size.
 * The status change time is not compared, as a chmod or a rename of the
 * file (a DAQ moving it to an "uploading" folder) changes it and leaves
 * the bytes alone. A file replaced by rename is not seen: the open one,
 * which is read, did not change. */
static const char *source_change(const xfer_file_source *s)
{
    struct stat st;

    if (fstat(s->fd, &st) != 0)
        return "it could not be checked";
    if ((uint64_t)st.st_size < s->length)
        return "it shrank";
    if ((uint64_t)st.st_size > s->length)
        return "it grew";
    if (!same_time(&st.st_mtim, &s->mtime))
        return "it was written to";
    return NULL;
}

static ssize_t read_some(int fd, uint8_t *buf, size_t cap)
{
    ssize_t n;

    do
        n = read(fd, buf, cap);
    while (n < 0 && errno == EINTR);
    return n;
}

/* The file is checked at every chunk, so that a change is found before
 * the last byte goes out: the storage then never completes an object
 * from a file that was changing (fstat costs far less than the TLS
 * record the chunk becomes). */
static rucio_status source_read(void *user, uint8_t *buf, size_t cap,
                                size_t *out_n)
{
    xfer_file_source *s = user;
    uint64_t left = s->length - s->offset;
    const char *change;
    ssize_t n;

    *out_n = 0;
    if (cap > left)
        cap = (size_t)left;
    n = read_some(s->fd, buf, cap);
    if (n < 0) {
        source_fail(s, XFER_FAULT_IO, errno, "read");
        return RUCIO_E_ABORTED;
    }
    s->offset += (uint64_t)n;
    change = n == 0 && cap > 0 ? "it shrank" : source_change(s);
    if (change) {
        source_fail(s, XFER_FAULT_CHANGED, 0, change);
        return RUCIO_E_ABORTED;
    }
    *out_n = (size_t)n;
    return RUCIO_OK;
}

/* A resend (the library's, after a kept-alive connection died) reads the
 * file again from its start, if it is still the file it was. */
static rucio_status source_rewind(void *user)
{
    xfer_file_source *s = user;
    const char *change;

    if (lseek(s->fd, 0, SEEK_SET) != 0) {
        source_fail(s, XFER_FAULT_IO, errno, "read");
        return RUCIO_E_ABORTED;
    }
    s->offset = 0;
    change = source_change(s);
    if (change) {
        source_fail(s, XFER_FAULT_CHANGED, 0, change);
        return RUCIO_E_ABORTED;
    }
    return RUCIO_OK;
}

/* What open and fstat found wrong with path as a body, or NULL. */
static const char *not_a_body(const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return "is a directory";
    if (!S_ISREG(st->st_mode))
        return "is not a regular file (its size must be known before "
               "sending)";
    return NULL;
}

int xfer_source_open(xfer_file_source *s, const char *path,
                     rucio_http_source *out)
{
    struct stat st;
    const char *problem;

    memset(s, 0, sizeof *s);
    s->path = path;
    /* O_NONBLOCK: a FIFO named by mistake must not hang here; it is
     * refused below, and regular files ignore the flag. */
    s->fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (s->fd < 0 || fstat(s->fd, &st) != 0) {
        say_errno("open", path, errno, "");
        xfer_source_close(s);
        return CLI_EXIT_ERROR;
    }
    problem = not_a_body(&st);
    if (problem) {
        fputs("rucio-lite: ", stderr);
        cli_put_text(stderr, path);
        fprintf(stderr, " %s\n", problem);
        xfer_source_close(s);
        return CLI_EXIT_ERROR;
    }
    s->length = (uint64_t)st.st_size;
    s->mtime = st.st_mtim;
    out->read = source_read;
    out->rewind = source_rewind;
    out->user = s;
    out->length = s->length;
    return 0;
}

int xfer_source_unchanged(xfer_file_source *s)
{
    const char *change = source_change(s);

    if (!change)
        return 0;
    source_fail(s, XFER_FAULT_CHANGED, 0, change);
    s->after_end = 1;
    return xfer_source_report(s);
}

int xfer_source_report(const xfer_file_source *s)
{
    if (s->fault == XFER_FAULT_NONE)
        return 0;
    if (s->fault == XFER_FAULT_IO) {
        say_errno(s->doing, s->path, s->err, "");
        return CLI_EXIT_ERROR;
    }
    fputs("rucio-lite: ", stderr);
    cli_put_text(stderr, s->path);
    if (s->after_end)
        fprintf(stderr, " changed during the upload (%s after being "
                        "read): the stored object may not match it\n",
                s->doing);
    else
        fprintf(stderr, " changed during the upload (%s while being "
                        "read): the upload was stopped before its end\n",
                s->doing);
    return CLI_EXIT_VERIFY;
}

void xfer_source_close(xfer_file_source *s)
{
    if (s->fd >= 0)
        (void)close(s->fd); /* read only: nothing to lose */
    s->fd = -1;
}

/* ---- file sink: cleaning up on a signal ----------------------------------- */

/* The sinks whose temporary file exists, for the signal handler: the
 * CLI's one list, changed only with those signals blocked. */
static xfer_file_sink *volatile open_sinks;

static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define CLEANUP_SIGNAL_COUNT \
    (sizeof cleanup_signals / sizeof cleanup_signals[0])

/* Remove every temporary file, then die of the signal as if there had
 * been no handler (SA_RESETHAND restored the default; the signal stays
 * blocked until the handler returns). unlink and raise are
 * async-signal-safe. */
static void remove_temporaries(int sig)
{
    const xfer_file_sink *s;
    int saved = errno;

    for (s = open_sinks; s; s = s->next)
        (void)unlink(s->temp);
    errno = saved;
    (void)raise(sig);
}

static void block_cleanup_signals(sigset_t *old)
{
    sigset_t set;
    size_t i;

    (void)sigemptyset(&set);
    for (i = 0; i < CLEANUP_SIGNAL_COUNT; i++)
        (void)sigaddset(&set, cleanup_signals[i]);
    (void)sigprocmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old)
{
    (void)sigprocmask(SIG_SETMASK, old, NULL);
}

/* Once per run. A signal the caller ignores (nohup's SIGHUP) stays
 * ignored. SIGXFSZ is ignored so that a file-size limit (ulimit -f)
 * makes write fail with EFBIG, which removes the temporary file, rather
 * than kill the process and leave it. */
static void install_handlers(void)
{
    static int installed;
    struct sigaction sa, old;
    size_t i;

    if (installed)
        return;
    installed = 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = remove_temporaries;
    sa.sa_flags = (int)SA_RESETHAND;
    (void)sigemptyset(&sa.sa_mask);
    for (i = 0; i < CLEANUP_SIGNAL_COUNT; i++)
        if (sigaction(cleanup_signals[i], NULL, &old) == 0 &&
            old.sa_handler != SIG_IGN)
            (void)sigaction(cleanup_signals[i], &sa, NULL);
    (void)signal(SIGXFSZ, SIG_IGN);
}

static void forget_sink(const xfer_file_sink *s)
{
    xfer_file_sink *volatile *p;

    for (p = &open_sinks; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            return;
        }
}

/* ---- file sink --------------------------------------------------------------- */

#define TEMP_SUFFIX ".rucio-lite.part-XXXXXX"

/* s->temp = path + TEMP_SUFFIX in the same folder (rename must not
 * cross file systems), the name cut so that it stays within NAME_MAX.
 * 0 when it cannot be made. */
static int temp_name(xfer_file_sink *s)
{
    const char *slash = strrchr(s->path, '/');
    size_t dir_len = slash ? (size_t)(slash - s->path) + 1 : 0;
    size_t base_len = strlen(s->path) - dir_len;
    size_t room = NAME_MAX - (sizeof TEMP_SUFFIX - 1);
    int n;

    if (base_len > room)
        base_len = room;
    n = snprintf(s->temp, sizeof s->temp, "%.*s%.*s%s", (int)dir_len,
                 s->path, (int)base_len, s->path + dir_len, TEMP_SUFFIX);
    return n > 0 && (size_t)n < sizeof s->temp;
}

static void sink_fail(xfer_file_sink *s, int err, const char *doing)
{
    if (s->fault != XFER_FAULT_NONE)
        return;
    s->fault = XFER_FAULT_IO;
    s->err = err;
    s->doing = doing;
}

/* write() all of data; 0 and the fault recorded when it fails. */
static int write_all(xfer_file_sink *s, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(s->fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            /* 0 for a non-empty write: a full device that says nothing */
            sink_fail(s, n < 0 ? errno : ENOSPC, "write");
            return 0;
        }
        data += n;
        len -= (size_t)n;
        s->written += (uint64_t)n;
    }
    return 1;
}

static int flush_pending(xfer_file_sink *s)
{
    size_t len = s->pending_len;

    s->pending_len = 0;
    return write_all(s, s->pending, len);
}

static rucio_status sink_write(void *user, const uint8_t *data, size_t len)
{
    xfer_file_sink *s = user;

    if (s->pending_len + len > sizeof s->pending && !flush_pending(s))
        return RUCIO_E_ABORTED;
    if (len >= sizeof s->pending)
        return write_all(s, data, len) ? RUCIO_OK : RUCIO_E_ABORTED;
    memcpy(s->pending + s->pending_len, data, len);
    s->pending_len += len;
    return RUCIO_OK;
}

/* The mode a new file gets here (0666 less the umask), read without
 * changing it for good: umask has no read-only form. */
static mode_t normal_mode(void)
{
    mode_t mask = umask(077);

    (void)umask(mask);
    return (mode_t)(0666 & ~mask);
}

/* Refuse a target that cannot become a file before anything is sent. */
static int check_target(const char *path)
{
    struct stat st;
    size_t len = strlen(path);

    if (len == 0 || path[len - 1] == '/' ||
        (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
        fputs("rucio-lite: ", stderr);
        cli_put_text(stderr, path);
        fputs(" is a directory: give the file's name\n", stderr);
        return CLI_EXIT_ERROR;
    }
    return 0;
}

/* Create the temporary file and list it, with the signals blocked: no
 * moment where it exists unlisted. */
static int create_temp(xfer_file_sink *s)
{
    sigset_t old;

    install_handlers();
    block_cleanup_signals(&old);
    s->fd = mkstemp(s->temp);
    if (s->fd >= 0) {
        s->next = open_sinks;
        open_sinks = s;
    }
    restore_signals(&old);
    return s->fd >= 0;
}

int xfer_sink_open(xfer_file_sink *s, const char *path, rucio_http_sink *out)
{
    int rc;

    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->path = path;
    rc = check_target(path);
    if (rc)
        return rc;
    if (!temp_name(s)) {
        say_errno("write", path, ENAMETOOLONG, "");
        return CLI_EXIT_ERROR;
    }
    if (!create_temp(s)) {
        say_errno("create a temporary file beside", path, errno, "");
        s->temp[0] = '\0';
        return CLI_EXIT_ERROR;
    }
    s->mode = normal_mode();
    out->write = sink_write;
    out->user = s;
    return 0;
}

/* The rename is durable only once the folder is: best effort, as the
 * file is in place whatever happens (some file systems refuse fsync on
 * a folder). */
static void sync_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[XFER_PATH_MAX];
    int fd;

    if (!slash)
        (void)snprintf(dir, sizeof dir, ".");
    else if (snprintf(dir, sizeof dir, "%.*s", (int)(slash - path + 1),
                      path) >= (int)sizeof dir)
        return;
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return;
    (void)fsync(fd);
    (void)close(fd);
}

/* fsync before rename: after a crash, FILE is either the old file or the
 * complete new one, never an empty or partial one. */
static int finish_temp(xfer_file_sink *s)
{
    int fd = s->fd;

    s->fd = -1;
    if (fsync(fd) != 0) {
        sink_fail(s, errno, "write");
        (void)close(fd);
        return 0;
    }
    if (fchmod(fd, s->mode) != 0) {
        sink_fail(s, errno, "set the mode of");
        (void)close(fd);
        return 0;
    }
    if (close(fd) != 0) { /* NFS reports a full server here */
        sink_fail(s, errno, "write");
        return 0;
    }
    return 1;
}

int xfer_sink_commit(xfer_file_sink *s)
{
    sigset_t old;
    int renamed;

    if (s->fd < 0)
        sink_fail(s, EBADF, "write"); /* discarded already: a caller's slip */
    if (s->fault != XFER_FAULT_NONE || !flush_pending(s) || !finish_temp(s)) {
        xfer_sink_discard(s);
        return CLI_EXIT_ERROR;
    }
    block_cleanup_signals(&old);
    renamed = rename(s->temp, s->path) == 0;
    if (renamed) {
        forget_sink(s);
        s->temp[0] = '\0';
    } else {
        sink_fail(s, errno, "rename the download to");
    }
    restore_signals(&old);
    if (!renamed) {
        xfer_sink_discard(s);
        return CLI_EXIT_ERROR;
    }
    sync_folder(s->path);
    return 0;
}

void xfer_sink_discard(xfer_file_sink *s)
{
    sigset_t old;

    if (s->fd >= 0)
        (void)close(s->fd); /* its bytes are thrown away */
    s->fd = -1;
    if (!s->temp[0])
        return;
    block_cleanup_signals(&old);
    (void)unlink(s->temp);
    forget_sink(s);
    s->temp[0] = '\0';
    restore_signals(&old);
}

int xfer_sink_report(const xfer_file_sink *s)
{
    if (s->fault == XFER_FAULT_NONE)
        return 0;
    say_errno(s->doing, s->path, s->err,
              " (nothing of the download was kept)");
    return CLI_EXIT_ERROR;
}

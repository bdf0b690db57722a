/*
 * rucio-lite: POSIX port, file part.
 *
 * Files are replaced by writing a sibling temporary file and renaming it
 * over the target, so a reader sees the old content or the new, never a
 * mix, and a crash or full disk leaves the old file in place.
 */
#define _GNU_SOURCE

#include "posix_internal.h"
#include "rucio/port_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Longest path of a temporary file; longer targets are refused. */
#define TEMP_PATH_MAX 4096
/* Random characters in a temporary name, and names tried before giving up
 * (a clash needs another writer using the same random name). */
#define TEMP_RANDOM_CHARS 6
#define TEMP_ATTEMPTS 8

static rucio_status posix_stat(void *ctx, const char *path,
                               rucio_file_info *out)
{
    struct stat st;

    (void)ctx;
    memset(out, 0, sizeof *out);
    if (stat(path, &st) != 0)
        return (errno == ENOENT || errno == ENOTDIR) ? RUCIO_OK : RUCIO_E_FILE;
    if (S_ISREG(st.st_mode))
        out->type = RUCIO_FILE_REGULAR;
    else if (S_ISDIR(st.st_mode))
        out->type = RUCIO_FILE_DIRECTORY;
    else
        out->type = RUCIO_FILE_OTHER;
    out->mode = (unsigned)(st.st_mode & 0777);
    out->writable = access(path, W_OK) == 0;
    out->size = (uint64_t)st.st_size;
    return RUCIO_OK;
}

static ssize_t read_retry(int fd, void *buf, size_t len)
{
    ssize_t n;

    do
        n = read(fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n;
}

/* Read fd to its end into buf. The size from fstat() is not trusted
 * (files in /proc report 0, files may grow), so a full buffer is followed
 * by one probe read that must find the end. */
static rucio_status read_to_end(int fd, char *buf, size_t cap, size_t *out_len)
{
    size_t got = 0;
    char probe;
    ssize_t n;

    while (got < cap) {
        n = read_retry(fd, buf + got, cap - got);
        if (n < 0)
            return RUCIO_E_FILE;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got == cap) {
        n = read_retry(fd, &probe, 1);
        if (n != 0)
            return n > 0 ? RUCIO_E_NO_SPACE : RUCIO_E_FILE;
    }
    *out_len = got;
    return RUCIO_OK;
}

static rucio_status posix_read_file(void *ctx, const char *path, char *buf,
                                    size_t cap, size_t *out_len)
{
    rucio_status st;
    int fd;

    (void)ctx;
    *out_len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return RUCIO_E_FILE;
    st = read_to_end(fd, buf, cap, out_len);
    close(fd);
    return st;
}

/* "<dir>/.<base>." into tmp, leaving room for the random part. Returns the
 * length written, or 0 when the path is too long. */
static size_t temp_prefix(const char *path, char *tmp)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t base_len = strlen(path + dir_len);
    size_t len = dir_len + 1 + base_len + 1;

    if (base_len == 0 || len + TEMP_RANDOM_CHARS >= TEMP_PATH_MAX)
        return 0;
    memcpy(tmp, path, dir_len);
    tmp[dir_len] = '.';
    memcpy(tmp + dir_len + 1, path + dir_len, base_len);
    tmp[len - 1] = '.';
    return len;
}

/* Create a new temporary file next to path; its name is left in tmp. */
static int create_temp(const char *path, unsigned mode, char *tmp)
{
    static const char alphabet[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
    size_t len = temp_prefix(path, tmp);
    uint8_t rnd[TEMP_RANDOM_CHARS];
    int attempt, fd = -1;

    if (len == 0)
        return -1;
    for (attempt = 0; fd < 0 && attempt < TEMP_ATTEMPTS; attempt++) {
        size_t i;

        if (rucio_posix_random(NULL, rnd, sizeof rnd) != RUCIO_OK)
            return -1;
        for (i = 0; i < sizeof rnd; i++)
            tmp[len + i] = alphabet[rnd[i] & 63u];
        tmp[len + sizeof rnd] = '\0';
        /* O_EXCL: never open a file someone else placed there. */
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
        if (fd < 0 && errno != EEXIST)
            return -1;
    }
    return fd;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The mode is applied like open() and mkdir() apply it: minus the umask. */
static rucio_status posix_write_file_atomic(void *ctx, const char *path,
                                            const void *data, size_t len,
                                            unsigned mode)
{
    char tmp[TEMP_PATH_MAX];
    int ok, fd;

    (void)ctx;
    fd = create_temp(path, mode, tmp);
    if (fd < 0)
        return RUCIO_E_FILE;
    /* fsync before rename: otherwise a crash can leave the new name
     * pointing at an empty file. */
    ok = write_all(fd, data, len) == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok && rename(tmp, path) == 0)
        return RUCIO_OK;
    unlink(tmp);
    return RUCIO_E_FILE;
}

static rucio_status posix_make_dir(void *ctx, const char *path, unsigned mode)
{
    struct stat st;

    (void)ctx;
    if (mkdir(path, (mode_t)mode) == 0)
        return RUCIO_OK;
    if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return RUCIO_OK;
    return RUCIO_E_FILE;
}

static rucio_status posix_get_cwd(void *ctx, char *buf, size_t cap)
{
    (void)ctx;
    if (cap > 0 && getcwd(buf, cap))
        return RUCIO_OK;
    return (cap == 0 || errno == ERANGE) ? RUCIO_E_NO_SPACE : RUCIO_E_FILE;
}

static const rucio_port_fs posix_fs = {
    .stat = posix_stat,
    .read_file = posix_read_file,
    .write_file_atomic = posix_write_file_atomic,
    .make_dir = posix_make_dir,
    .get_cwd = posix_get_cwd,
};

const rucio_port_fs *rucio_port_posix_fs(void)
{
    return &posix_fs;
}

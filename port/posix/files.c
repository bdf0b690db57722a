/*
 * rucio-lite: POSIX port, file part.
 *
 * Files are replaced by writing a sibling temporary file and renaming it
 * over the target, so a reader sees the old content or the new, never a
 * mix, and a crash or full disk leaves the old file in place.
 *
 * Private files (token cache, bearer tokens) may live under a directory
 * other users can write, such as a shared /tmp, where any name can have
 * been planted first (CWE-377). They are reached from directory file
 * descriptors: each private directory is opened without following a
 * symbolic link, checked with fstat (ours, not writable by group or
 * others) and only then used to open the next name, so what is checked is
 * what is used. The file is opened with O_NOFOLLOW | O_NONBLOCK (a FIFO
 * cannot block) and checked with fstat before a byte is read.
 */
#define _GNU_SOURCE

#include "posix_internal.h"
#include "rucio/port_posix.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
    out->owned = st.st_uid == geteuid();
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

/* A piece of a file (CA bundles): opened without blocking on a FIFO,
 * refused unless regular, read with pread from offset. */
static rucio_status posix_read_file_at(void *ctx, const char *path,
                                       uint64_t offset, uint8_t *buf,
                                       size_t cap, size_t *out_len)
{
    struct stat st;
    size_t got = 0;
    int fd;

    (void)ctx;
    *out_len = 0;
    if (offset > (uint64_t)INT64_MAX)
        return RUCIO_E_FILE;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return RUCIO_E_FILE;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return RUCIO_E_FILE;
    }
    while (got < cap) {
        ssize_t n = pread(fd, buf + got, cap - got, (off_t)(offset + got));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            return RUCIO_E_FILE;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *out_len = got;
    return RUCIO_OK;
}

/* Entries of a CA directory. (opendir allocates its DIR inside libc, as
 * getaddrinfo does in net.c; nothing of it outlives the call.) */
static rucio_status posix_list_dir(void *ctx, const char *path,
                                   int (*fn)(void *user, const char *name),
                                   void *user)
{
    struct dirent *e;
    DIR *dir;

    (void)ctx;
    dir = opendir(path);
    if (!dir)
        return RUCIO_E_FILE;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fn(user, e->d_name))
            break;
    }
    closedir(dir);
    return RUCIO_OK;
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

/* TEMP_RANDOM_CHARS random name characters and a NUL at out. */
static int random_suffix(char *out)
{
    static const char alphabet[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
    uint8_t rnd[TEMP_RANDOM_CHARS];
    size_t i;

    if (rl_posix_random(NULL, rnd, sizeof rnd) != RUCIO_OK)
        return -1;
    for (i = 0; i < sizeof rnd; i++)
        out[i] = alphabet[rnd[i] & 63u];
    out[sizeof rnd] = '\0';
    return 0;
}

/* Create a new temporary file named <tmp_prefix><random> relative to dir
 * (a directory fd or AT_FDCWD); the name is completed in tmp. */
static int create_temp_at(int dir, char *tmp, size_t prefix_len, unsigned mode)
{
    int attempt, fd = -1;

    for (attempt = 0; fd < 0 && attempt < TEMP_ATTEMPTS; attempt++) {
        if (random_suffix(tmp + prefix_len) != 0)
            return -1;
        /* O_EXCL: never open a file someone else placed there. */
        fd = openat(dir, tmp,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    (mode_t)mode);
        if (fd < 0 && errno != EEXIST)
            return -1;
    }
    return fd;
}

/* Create a new temporary file next to path; its name is left in tmp. */
static int create_temp(const char *path, unsigned mode, char *tmp)
{
    size_t len = temp_prefix(path, tmp);

    return len == 0 ? -1 : create_temp_at(AT_FDCWD, tmp, len, mode);
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

/* Open a directory we just created, even when the umask left its owner
 * without the read bit: then give ourselves 0700 first. */
static int open_new_dir(int parent, const char *name)
{
    int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(parent, name, flags);

    if (fd < 0 && errno == EACCES && fchmodat(parent, name, 0700, 0) == 0)
        fd = openat(parent, name, flags);
    return fd;
}

/* Give a directory we created exactly mode, whatever the umask did. */
static int set_new_dir_mode(int fd, unsigned mode)
{
    struct stat st;

    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) &&
                   st.st_uid == geteuid() && fchmod(fd, (mode_t)mode) == 0
               ? 0
               : -1;
}

static rucio_status posix_make_dir(void *ctx, const char *path, unsigned mode)
{
    struct stat st;
    int fd, ok;

    (void)ctx;
    /* Created no more open than 0700 (umask permitting), then set. */
    if (mkdir(path, (mode_t)(mode & 0700)) == 0) {
        fd = open_new_dir(AT_FDCWD, path);
        ok = fd >= 0 && set_new_dir_mode(fd, mode) == 0;
        if (fd >= 0)
            close(fd);
        return ok ? RUCIO_OK : RUCIO_E_FILE;
    }
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

/* ---- private files --------------------------------------------------------- */

static void set_check(rucio_file_check *check, rucio_file_problem problem,
                      unsigned level)
{
    if (check) {
        check->problem = problem;
        check->level = level;
    }
}

/* What a failed open of name in parent means. */
static rucio_file_problem open_problem(int parent, const char *name, int err)
{
    struct stat st;

    switch (err) {
    case ENOENT:
        return RUCIO_FILE_MISSING;
    case ELOOP:  /* O_NOFOLLOW met a symbolic link (Linux) */
    case EMLINK: /* the same on FreeBSD */
        return RUCIO_FILE_LINK;
    case ENOTDIR:
    case ENXIO: /* a socket */
        return fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                       S_ISLNK(st.st_mode)
                   ? RUCIO_FILE_LINK
                   : RUCIO_FILE_WRONG_TYPE;
    default:
        return RUCIO_FILE_FAILED;
    }
}

/* A private directory: a directory, ours, not writable by group or
 * others. */
static rucio_file_problem dir_problem(const struct stat *st)
{
    if (!S_ISDIR(st->st_mode))
        return RUCIO_FILE_WRONG_TYPE;
    if (st->st_uid != geteuid())
        return RUCIO_FILE_OTHER_OWNER;
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return RUCIO_FILE_SHARED;
    return RUCIO_FILE_FINE;
}

/* A private file: regular, ours, one link, at most cap bytes. */
static rucio_file_problem file_problem(const struct stat *st, size_t cap)
{
    if (!S_ISREG(st->st_mode))
        return RUCIO_FILE_WRONG_TYPE;
    if (st->st_uid != geteuid())
        return RUCIO_FILE_OTHER_OWNER;
    if (st->st_nlink != 1)
        return RUCIO_FILE_LINK;
    if (st->st_size < 0 || (uint64_t)st->st_size > (uint64_t)cap)
        return RUCIO_FILE_TOO_LARGE;
    return RUCIO_FILE_FINE;
}

/* Check an open directory fd at level; closes it when refused. */
static int keep_private_dir(int fd, unsigned level, rucio_file_check *check)
{
    struct stat st;
    rucio_file_problem problem =
        fstat(fd, &st) == 0 ? dir_problem(&st) : RUCIO_FILE_FAILED;

    if (problem == RUCIO_FILE_FINE)
        return fd;
    set_check(check, problem, level);
    close(fd);
    return -1;
}

/* Create the missing directory name below parent; nonzero when this call
 * made it (another process may have been quicker: then it is checked as
 * any existing one). */
static int make_private_dir(int parent, const char *name, int *created)
{
    *created = mkdirat(parent, name, 0700) == 0;
    return *created || errno == EEXIST;
}

/* Open the private directory name below parent (closed here), creating
 * it with mode exactly 0700 when create is set and it is missing. */
static int open_private_dir(int parent, const char *name, int create,
                            unsigned level, rucio_file_check *check)
{
    int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(parent, name, flags), created = 0;

    if (fd < 0 && errno == ENOENT && create) {
        if (!make_private_dir(parent, name, &created)) {
            set_check(check, RUCIO_FILE_FAILED, level);
            close(parent);
            return -1;
        }
        fd = created ? open_new_dir(parent, name) : openat(parent, name, flags);
    }
    if (fd < 0)
        set_check(check, open_problem(parent, name, errno), level);
    else if (created && set_new_dir_mode(fd, 0700) != 0)
        fd = keep_private_dir(fd, level, check); /* says why, or fails */
    close(parent);
    return fd < 0 ? -1 : keep_private_dir(fd, level, check);
}

/* The directory to start from: dir[0..private_start) without its
 * trailing slashes, or "/" or "." when the private components take it
 * all. dir holds len characters and a NUL; it is restored on return. */
static int open_start_dir(char *dir, size_t len, size_t private_start,
                          int absolute)
{
    const char *start = absolute ? "/" : ".";
    size_t end = private_start < len ? private_start : len;
    char keep;
    int fd;

    while (end > 1 && dir[end - 1] == '/')
        end--;
    if (end == 0)
        return open(start, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    keep = dir[end];
    dir[end] = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    dir[end] = keep;
    return fd;
}

/* Where the last `want` components of dir[0..len) begin; *found says how
 * many there were (fewer when the path is short). */
static size_t private_start(const char *dir, size_t len, unsigned want,
                            unsigned *found)
{
    size_t p = len;

    *found = 0;
    while (*found < want) {
        while (p > 0 && dir[p - 1] == '/')
            p--;
        if (p == 0)
            break;
        while (p > 0 && dir[p - 1] != '/')
            p--;
        (*found)++;
    }
    return p;
}

/* Open the directory that holds path's file, checking the private_dirs
 * directories above the file on the way (creating missing ones when
 * create is set). *base is the file name inside path. */
static int open_private_parent(const char *path, unsigned private_dirs,
                               int create, const char **base,
                               rucio_file_check *check)
{
    char dir[TEMP_PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 0, start;
    unsigned found, level;
    char *name, *next;
    int fd;

    *base = slash ? slash + 1 : path;
    if (**base == '\0' || len >= sizeof dir) {
        set_check(check, RUCIO_FILE_FAILED, 0);
        return -1;
    }
    memcpy(dir, path, len);
    dir[len] = '\0';
    start = private_start(dir, len, private_dirs, &found);
    fd = open_start_dir(dir, len, start, path[0] == '/');
    if (fd < 0) {
        set_check(check, open_problem(AT_FDCWD, ".", errno), found + 1);
        return -1;
    }
    /* A short path: the starting directory is one of the private ones. */
    if (found < private_dirs &&
        (fd = keep_private_dir(fd, found + 1, check)) < 0)
        return -1;
    for (level = found, name = dir + start; fd >= 0 && level > 0; level--) {
        while (*name == '/')
            name++;
        next = strchr(name, '/');
        if (next)
            *next = '\0';
        fd = open_private_dir(fd, name, create, level, check);
        name = next ? next + 1 : name + strlen(name);
    }
    return fd;
}

static rucio_status posix_read_private_file(void *ctx, const char *path,
                                            unsigned private_dirs, char *buf,
                                            size_t cap, size_t *out_len,
                                            rucio_file_check *check)
{
    const char *base;
    struct stat st;
    rucio_file_problem problem;
    rucio_status status;
    int dir, fd;

    (void)ctx;
    *out_len = 0;
    set_check(check, RUCIO_FILE_FINE, 0);
    dir = open_private_parent(path, private_dirs, 0, &base, check);
    if (dir < 0)
        return RUCIO_E_FILE;
    fd = openat(dir, base,
                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    problem = fd < 0 ? open_problem(dir, base, errno)
              : fstat(fd, &st) != 0 ? RUCIO_FILE_FAILED
                                    : file_problem(&st, cap);
    close(dir);
    status = problem == RUCIO_FILE_FINE ? read_to_end(fd, buf, cap, out_len)
             : problem == RUCIO_FILE_TOO_LARGE ? RUCIO_E_NO_SPACE
                                               : RUCIO_E_FILE;
    if (fd >= 0)
        close(fd);
    if (problem == RUCIO_FILE_FINE && status != RUCIO_OK)
        problem = status == RUCIO_E_NO_SPACE ? RUCIO_FILE_TOO_LARGE
                                             : RUCIO_FILE_FAILED;
    set_check(check, problem, 0);
    return status;
}

/* Write data to a new temporary file in dir and rename it to base. */
static int replace_in_dir(int dir, const char *base, const void *data,
                          size_t len)
{
    char tmp[NAME_MAX + 1];
    size_t prefix_len = strlen(base) + 2;
    int ok, fd;

    if (prefix_len + TEMP_RANDOM_CHARS >= sizeof tmp)
        return -1;
    tmp[0] = '.';
    memcpy(tmp + 1, base, prefix_len - 2);
    tmp[prefix_len - 1] = '.';
    fd = create_temp_at(dir, tmp, prefix_len, 0600);
    if (fd < 0)
        return -1;
    /* fchmod: 0600 exactly, whatever the umask. */
    ok = fchmod(fd, 0600) == 0 && write_all(fd, data, len) == 0 &&
         fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (ok && renameat(dir, tmp, dir, base) == 0)
        return 0;
    unlinkat(dir, tmp, 0);
    return -1;
}

static rucio_status posix_write_private_file(void *ctx, const char *path,
                                             unsigned private_dirs,
                                             const void *data, size_t len,
                                             rucio_file_check *check)
{
    const char *base;
    int dir, ok;

    (void)ctx;
    set_check(check, RUCIO_FILE_FINE, 0);
    dir = open_private_parent(path, private_dirs, 1, &base, check);
    if (dir < 0)
        return RUCIO_E_FILE;
    ok = replace_in_dir(dir, base, data, len) == 0;
    close(dir);
    if (!ok)
        set_check(check, RUCIO_FILE_FAILED, 0);
    return ok ? RUCIO_OK : RUCIO_E_FILE;
}

static const rucio_port_fs posix_fs = {
    .stat = posix_stat,
    .read_file = posix_read_file,
    .write_file_atomic = posix_write_file_atomic,
    .make_dir = posix_make_dir,
    .get_cwd = posix_get_cwd,
    .read_private_file = posix_read_private_file,
    .write_private_file = posix_write_private_file,
    .read_file_at = posix_read_file_at,
    .list_dir = posix_list_dir,
};

const rucio_port_fs *rucio_port_posix_fs(void)
{
    return &posix_fs;
}

/*
 * The few newlib system calls the firmware can reach, and no heap.
 *
 * newlib's allocator is replaced by stubs that always fail: its string
 * printf keeps a realloc call (for asprintf) that would otherwise link the
 * whole allocator, and gmtime() mallocs. With these, newlib's malloc is
 * not in the image at all (fw-test checks the symbols), and _sbrk fails
 * too, should anything reach it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "board.h"

#undef errno
extern int errno;

struct _reent;
void *_sbrk(ptrdiff_t incr);
void *_malloc_r(struct _reent *r, size_t size);
void *_calloc_r(struct _reent *r, size_t count, size_t size);
void *_realloc_r(struct _reent *r, void *ptr, size_t size);
void _free_r(struct _reent *r, void *ptr);
int _write(int fd, const void *buf, size_t len);
int _read(int fd, void *buf, size_t len);
int _close(int fd);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _lseek(int fd, int off, int whence);
int _kill(int pid, int sig);
int _getpid(void);
void _exit(int status);
int _gettimeofday(struct timeval *tv, void *tz);

/* Set by the firmware once the modem has given it the time. */
int64_t (*fw_wall_seconds)(void);

void *_sbrk(ptrdiff_t incr)
{
    (void)incr;
    errno = ENOMEM;
    return (void *)-1;
}

void *_malloc_r(struct _reent *r, size_t size)
{
    (void)r;
    (void)size;
    errno = ENOMEM;
    return NULL;
}

void *_calloc_r(struct _reent *r, size_t count, size_t size)
{
    (void)count;
    return _malloc_r(r, size);
}

void *_realloc_r(struct _reent *r, void *ptr, size_t size)
{
    (void)ptr;
    return _malloc_r(r, size);
}

void _free_r(struct _reent *r, void *ptr)
{
    (void)r;
    (void)ptr;
}

int _write(int fd, const void *buf, size_t len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    board_console_write(buf, len);
    return (int)len;
}

int _read(int fd, void *buf, size_t len)
{
    (void)fd;
    (void)buf;
    (void)len;
    errno = EBADF;
    return -1;
}

int _close(int fd)
{
    (void)fd;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    return fd <= 2;
}

int _lseek(int fd, int off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    return 0;
}

int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

int _getpid(void)
{
    return 1;
}

void _exit(int status)
{
    board_exit(status);
}

int _gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    if (tv != NULL) {
        tv->tv_sec = fw_wall_seconds != NULL ? (time_t)fw_wall_seconds() : 0;
        tv->tv_usec = 0;
    }
    return 0;
}

/*
 * The POSIX port's fall-backs and failures that a normal machine never
 * takes: /dev/urandom when getrandom(2) is missing (ENOSYS) and the
 * errors around it, a socket that cannot be created, a deadline beyond
 * poll's range, and a real user with no passwd entry.
 *
 * Each of those runs in a forked child that changes only its own process:
 * a seccomp filter that makes getrandom fail, a file-descriptor limit of
 * 0 (put back before the child exits, so that gcov can still write), or
 * a real uid without an entry (root only; the effective uid stays root).
 * The child's exit status is its verdict: 0 pass, 77 cannot be arranged
 * here (skipped), anything else the number of the failed check.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__linux__) && defined(__x86_64__) && defined(SYS_getrandom)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#define HAVE_FILTER 1
#else
#define HAVE_FILTER 0
#endif

#include "rucio/port_posix.h"

#define SKIPPED 77
/* A uid that no passwd file lists (checked in the child). */
#define NO_SUCH_UID ((uid_t)4000000321u)

/* Run fn in a child; return its exit status (or 100 + signal). */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    int status = 0;

    assert_true(pid >= 0);
    if (pid == 0)
        exit(fn()); /* exit, not _exit: gcov writes its counts at exit */
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status))
        return 100 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static void expect_child(int (*fn)(void))
{
    int verdict = in_child(fn);

    if (verdict == SKIPPED)
        skip();
    if (verdict != 0)
        fail_msg("child failed at check %d", verdict);
}

/* ---- getrandom made to fail ----------------------------------------------- */

#if HAVE_FILTER
/* From now on getrandom(2) fails with err in this process. */
static int deny_getrandom(int err)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                 (uint32_t)offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                 (uint32_t)offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)SYS_getrandom, 0, 1),
        BPF_STMT(BPF_RET | BPF_K,
                 SECCOMP_RET_ERRNO | ((uint32_t)err & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {(unsigned short)(sizeof f / sizeof f[0]), f};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}
#else
static int deny_getrandom(int err)
{
    (void)err;
    return -1;
}
#endif

static int all_zero(const uint8_t *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (buf[i])
            return 0;
    return 1;
}

static int urandom_fallback(void)
{
    rucio_port p;
    uint8_t buf[64];

    rucio_port_posix_init(&p);
    if (deny_getrandom(ENOSYS) != 0)
        return SKIPPED;
    memset(buf, 0, sizeof buf);
    if (p.random(p.ctx, buf, sizeof buf) != RUCIO_OK)
        return 1;
    if (all_zero(buf, sizeof buf))
        return 2;
    return 0;
}

static int getrandom_error(void)
{
    rucio_port p;
    uint8_t buf[16];

    rucio_port_posix_init(&p);
    if (deny_getrandom(EPERM) != 0)
        return SKIPPED;
    return p.random(p.ctx, buf, sizeof buf) == RUCIO_E_PORT ? 0 : 1;
}

/* Soft limit on open files; returns the old one. */
static rlim_t set_fd_limit(rlim_t soft)
{
    struct rlimit r;
    rlim_t old;

    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return RLIM_INFINITY;
    old = r.rlim_cur;
    r.rlim_cur = soft;
    if (setrlimit(RLIMIT_NOFILE, &r) != 0)
        return RLIM_INFINITY;
    return old;
}

static int urandom_cannot_open(void)
{
    rucio_port p;
    uint8_t buf[16];
    rucio_status st;
    rlim_t old;

    rucio_port_posix_init(&p);
    if (deny_getrandom(ENOSYS) != 0)
        return SKIPPED;
    old = set_fd_limit(0);
    if (old == RLIM_INFINITY)
        return SKIPPED;
    st = p.random(p.ctx, buf, sizeof buf);
    set_fd_limit(old);
    return st == RUCIO_E_PORT ? 0 : 1;
}

static void test_random_without_getrandom(void **state)
{
    (void)state;
    expect_child(urandom_fallback);
}

static void test_random_errors(void **state)
{
    (void)state;
    expect_child(getrandom_error);
    expect_child(urandom_cannot_open);
}

/* ---- sockets ------------------------------------------------------------------ */

/* A listening socket on 127.0.0.1; its port into *port. */
static int listen_loopback(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A deadline far beyond poll's int milliseconds is waited as INT_MAX. */
static void test_connect_with_endless_deadline(void **state)
{
    rucio_port p;
    rucio_socket s = RUCIO_SOCKET_INVALID;
    uint16_t port;
    int lfd = listen_loopback(&port);
    uint8_t byte = 0x5a, got = 0;
    size_t n = 0;
    int afd;

    (void)state;
    rucio_port_posix_init(&p);
    assert_int_equal(p.connect(p.ctx, "127.0.0.1", port, UINT64_MAX, &s),
                     RUCIO_OK);
    afd = accept(lfd, NULL, NULL);
    assert_true(afd >= 0);
    assert_int_equal(p.send(p.ctx, s, &byte, 1, UINT64_MAX, &n),
                     RUCIO_IO_DATA);
    assert_int_equal(n, 1);
    assert_int_equal(read(afd, &got, 1), 1);
    assert_int_equal(got, 0x5a);
    p.close(p.ctx, s);
    close(afd);
    close(lfd);
}

static uint16_t child_port;

static int socket_without_descriptors(void)
{
    rucio_port p;
    rucio_socket s = RUCIO_SOCKET_INVALID;
    rucio_status st;
    rlim_t old;

    rucio_port_posix_init(&p);
    old = set_fd_limit(0);
    if (old == RLIM_INFINITY)
        return SKIPPED;
    st = p.connect(p.ctx, "127.0.0.1", child_port, UINT64_MAX, &s);
    set_fd_limit(old);
    if (st != RUCIO_E_CONNECT)
        return 1;
    return s == RUCIO_SOCKET_INVALID ? 0 : 2;
}

static void test_socket_cannot_be_created(void **state)
{
    int lfd = listen_loopback(&child_port);

    (void)state;
    expect_child(socket_without_descriptors);
    close(lfd);
}

/* ---- a user without a passwd entry ----------------------------------------------- */

static int user_not_in_passwd(void)
{
    const rucio_port_env *env = rucio_port_posix_env();
    char buf[256];

    /* Real uid without an entry; effective uid root, so gcov can write. */
    if (geteuid() != 0 || getpwuid(NO_SUCH_UID) != NULL ||
        setresuid(NO_SUCH_UID, 0, 0) != 0)
        return SKIPPED;
    if (env->user_name(NULL, buf, sizeof buf) != RUCIO_E_PORT)
        return 1;
    if (env->user_home(NULL, NULL, buf, sizeof buf) != RUCIO_E_PORT)
        return 2;
    return 0;
}

static void test_user_without_passwd_entry(void **state)
{
    (void)state;
    expect_child(user_not_in_passwd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_without_getrandom),
        cmocka_unit_test(test_random_errors),
        cmocka_unit_test(test_connect_with_endless_deadline),
        cmocka_unit_test(test_socket_cannot_be_created),
        cmocka_unit_test(test_user_without_passwd_entry),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

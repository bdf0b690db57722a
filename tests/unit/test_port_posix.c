/*
 * The POSIX port against the real kernel: loopback sockets (IPv4, IPv6,
 * names), resolution and connection failures, deadlines, end of stream,
 * no SIGPIPE, signals during waits, clocks, random bytes, files and the
 * environment. SIGPIPE keeps its default action so a send that raised it
 * would kill this test.
 *
 * Private files (read_private_file, write_private_file): what another
 * user of a shared /tmp could plant (FIFO, symbolic and hard links,
 * oversized files, directories of another owner or open to group/others)
 * is refused with the right problem and level, and modes are exact
 * whatever the umask. A FIFO that blocked would end the test by SIGALRM.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rucio/port_posix.h"

#define CONNECT_MS 3000u

/* ---- helpers ------------------------------------------------------------ */

/* A listening socket on the loopback literal addr, or -1 when the machine
 * has no such address. *port receives the kernel-chosen port. */
static int listen_on(int family, const char *addr, int backlog,
                     uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in)
                                      : sizeof(struct sockaddr_in6);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    int fd = socket(family, SOCK_STREAM, 0);

    memset(&ss, 0, sizeof ss);
    ss.ss_family = (sa_family_t)family;
    if (fd < 0 ||
        inet_pton(family, addr, family == AF_INET ? (void *)&v4->sin_addr
                                                  : (void *)&v6->sin6_addr) != 1 ||
        bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, backlog) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(family == AF_INET ? v4->sin_port : v6->sin6_port);
    return fd;
}

typedef struct pair {
    rucio_port port;
    int listener;
    rucio_socket sock; /* our end, from port.connect */
    int peer;          /* the accepted end, plain blocking socket */
} pair;

static void pair_open_host(pair *t, int family, const char *listen_addr,
                           const char *host)
{
    uint16_t port = 0;

    rucio_port_posix_init(&t->port);
    t->listener = listen_on(family, listen_addr, 8, &port);
    assert_true(t->listener >= 0);
    assert_int_equal(t->port.connect(t->port.ctx, host, port,
                                     rucio_port_deadline(&t->port, CONNECT_MS),
                                     &t->sock),
                     RUCIO_OK);
    t->peer = accept(t->listener, NULL, NULL);
    assert_true(t->peer >= 0);
}

static void pair_open(pair *t)
{
    pair_open_host(t, AF_INET, "127.0.0.1", "127.0.0.1");
}

static void pair_close(pair *t)
{
    t->port.close(t->port.ctx, t->sock);
    if (t->peer >= 0)
        close(t->peer);
    close(t->listener);
}

static rucio_io recv_within(pair *t, uint8_t *buf, size_t len, uint32_t ms,
                            size_t *n)
{
    return t->port.recv(t->port.ctx, t->sock, buf, len,
                        rucio_port_deadline(&t->port, ms), n);
}

static rucio_io send_within(pair *t, const char *s, uint32_t ms, size_t *n)
{
    return t->port.send(t->port.ctx, t->sock, (const uint8_t *)s, strlen(s),
                        rucio_port_deadline(&t->port, ms), n);
}

/* Data both ways, and the socket left as the contract says. */
static void check_connected_pair(pair *t)
{
    int fd = (int)t->sock, nodelay = 0;
    socklen_t optlen = sizeof nodelay;
    uint8_t buf[16];
    size_t n;

    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &optlen), 0);
    assert_true(nodelay != 0);

    assert_int_equal(send_within(t, "ping", 1000, &n), RUCIO_IO_DATA);
    assert_int_equal(n, 4);
    assert_int_equal(recv(t->peer, buf, 4, MSG_WAITALL), 4);
    assert_memory_equal(buf, "ping", 4);
    assert_int_equal(write(t->peer, "pong", 4), 4);
    assert_int_equal(recv_within(t, buf, sizeof buf, 1000, &n), RUCIO_IO_DATA);
    assert_int_equal(n, 4);
    assert_memory_equal(buf, "pong", 4);
}

/* ---- network ------------------------------------------------------------- */

static void test_connect_ipv4(void **state)
{
    pair t;

    (void)state;
    pair_open(&t);
    check_connected_pair(&t);
    pair_close(&t);
}

static void test_connect_ipv6(void **state)
{
    uint16_t port;
    int probe = listen_on(AF_INET6, "::1", 8, &port);
    pair t;

    (void)state;
    if (probe < 0) {
        print_message("skipped: this machine has no ::1\n");
        skip();
    }
    close(probe);
    pair_open_host(&t, AF_INET6, "::1", "::1");
    check_connected_pair(&t);
    pair_close(&t);
}

/* "localhost" may resolve to ::1 first; the listener is IPv4 only, so this
 * also shows that a refused address is followed by the next one. */
static void test_connect_by_name(void **state)
{
    pair t;

    (void)state;
    pair_open_host(&t, AF_INET, "127.0.0.1", "localhost");
    check_connected_pair(&t);
    pair_close(&t);
}

static void test_connect_unknown_name_is_dns_error(void **state)
{
    rucio_port p;
    rucio_socket s = 7;

    (void)state;
    rucio_port_posix_init(&p);
    assert_int_equal(p.connect(p.ctx, "nonexistent.invalid", 443,
                               rucio_port_deadline(&p, CONNECT_MS), &s),
                     RUCIO_E_DNS);
    assert_int_equal(s, RUCIO_SOCKET_INVALID);
}

static void test_connect_refused(void **state)
{
    rucio_port p;
    rucio_socket s = 7;
    uint16_t port = 0;
    int fd = listen_on(AF_INET, "127.0.0.1", 8, &port);

    (void)state;
    assert_true(fd >= 0);
    close(fd); /* nobody listens on port now */
    rucio_port_posix_init(&p);
    assert_int_equal(p.connect(p.ctx, "127.0.0.1", port,
                               rucio_port_deadline(&p, CONNECT_MS), &s),
                     RUCIO_E_CONNECT);
    assert_int_equal(s, RUCIO_SOCKET_INVALID);
}

/* Linux drops SYNs while a listener's accept queue is full, so with
 * backlog 0 and one connection already queued, a connect can only wait. */
static void test_connect_timeout_honours_deadline(void **state)
{
    rucio_port p;
    rucio_socket first, s = 7;
    uint16_t port = 0;
    uint64_t start;
    int fd = listen_on(AF_INET, "127.0.0.1", 0, &port);

    (void)state;
    assert_true(fd >= 0);
    rucio_port_posix_init(&p);
    assert_int_equal(p.connect(p.ctx, "127.0.0.1", port,
                               rucio_port_deadline(&p, CONNECT_MS), &first),
                     RUCIO_OK);
    start = p.now_ms(p.ctx);
    assert_int_equal(p.connect(p.ctx, "127.0.0.1", port,
                               rucio_port_deadline(&p, 200), &s),
                     RUCIO_E_TIMEOUT);
    assert_true(p.now_ms(p.ctx) - start >= 200);
    assert_int_equal(s, RUCIO_SOCKET_INVALID);
    p.close(p.ctx, first);
    close(fd);
}

static void test_recv_timeout_honours_deadline(void **state)
{
    pair t;
    uint8_t buf[8];
    size_t n = 99;
    uint64_t start;

    (void)state;
    pair_open(&t);
    start = t.port.now_ms(t.port.ctx);
    assert_int_equal(recv_within(&t, buf, sizeof buf, 150, &n),
                     RUCIO_IO_TIMEOUT);
    assert_int_equal(n, 0);
    assert_true(t.port.now_ms(t.port.ctx) - start >= 150);
    pair_close(&t);
}

static void test_recv_eof_when_peer_closes(void **state)
{
    pair t;
    uint8_t buf[8];
    size_t n;

    (void)state;
    pair_open(&t);
    assert_int_equal(write(t.peer, "bye", 3), 3);
    close(t.peer);
    t.peer = -1;
    assert_int_equal(recv_within(&t, buf, sizeof buf, 1000, &n), RUCIO_IO_DATA);
    assert_int_equal(n, 3);
    assert_int_equal(recv_within(&t, buf, sizeof buf, 1000, &n), RUCIO_IO_EOF);
    assert_int_equal(recv_within(&t, buf, sizeof buf, 1000, &n), RUCIO_IO_EOF);
    pair_close(&t);
}

/* The peer aborts (RST). The first failing send reports the reset, the
 * next one EPIPE, which raises SIGPIPE unless the port suppresses it. */
static void test_send_to_reset_peer_is_error_without_sigpipe(void **state)
{
    struct linger abort_close = {1, 0};
    pair t;
    size_t n;
    int i;
    rucio_io io = RUCIO_IO_DATA;

    (void)state;
    pair_open(&t);
    assert_int_equal(setsockopt(t.peer, SOL_SOCKET, SO_LINGER, &abort_close,
                                sizeof abort_close), 0);
    close(t.peer);
    t.peer = -1;
    for (i = 0; i < 100 && io == RUCIO_IO_DATA; i++) {
        io = send_within(&t, "data", 1000, &n);
        if (io == RUCIO_IO_DATA)
            t.port.sleep_ms(t.port.ctx, 10); /* let the RST arrive */
    }
    assert_int_equal(io, RUCIO_IO_ERROR);
    assert_int_equal(send_within(&t, "more", 1000, &n), RUCIO_IO_ERROR);
    assert_int_equal(send_within(&t, "more", 1000, &n), RUCIO_IO_ERROR);
    pair_close(&t);
}

/* ---- signals during waits ------------------------------------------------ */

static volatile sig_atomic_t alarms;

static void count_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* SIGALRM every 40 ms, without SA_RESTART: every blocking call returns
 * EINTR while this runs. */
static void start_alarms(struct sigaction *old)
{
    struct sigaction sa;
    struct itimerval every = {{0, 40000}, {0, 40000}};

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = count_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    alarms = 0;
    assert_int_equal(sigaction(SIGALRM, &sa, old), 0);
    assert_int_equal(setitimer(ITIMER_REAL, &every, NULL), 0);
}

static void stop_alarms(const struct sigaction *old)
{
    struct itimerval off;

    memset(&off, 0, sizeof off);
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, old, NULL);
}

/* A child process (interval timers are not inherited) writes after a
 * pause, so the parent's recv is interrupted several times first. */
static pid_t write_later(int fd, const char *s, long ms)
{
    pid_t pid = fork();

    if (pid == 0) {
        struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};

        nanosleep(&pause, NULL);
        _exit(write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : 1);
    }
    return pid;
}

static void test_recv_survives_eintr(void **state)
{
    struct sigaction old;
    pair t;
    uint8_t buf[8];
    size_t n = 0;
    uint64_t start;
    int status = -1;
    pid_t child;
    rucio_io io;

    (void)state;
    pair_open(&t);
    child = write_later(t.peer, "late", 150);
    assert_true(child > 0);
    start_alarms(&old);
    io = recv_within(&t, buf, sizeof buf, 500, &n);
    assert_int_equal(io, RUCIO_IO_DATA);
    assert_int_equal(n, 4);
    assert_memory_equal(buf, "late", 4);
    assert_true(alarms >= 1); /* the wait really was interrupted */

    /* Interrupted waits neither end early nor run past the deadline. */
    start = t.port.now_ms(t.port.ctx);
    io = recv_within(&t, buf, sizeof buf, 200, &n);
    stop_alarms(&old);
    assert_int_equal(io, RUCIO_IO_TIMEOUT);
    assert_true(t.port.now_ms(t.port.ctx) - start >= 200);

    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    pair_close(&t);
}

/* ---- time and randomness ------------------------------------------------- */

static void test_sleep_survives_eintr(void **state)
{
    struct sigaction old;
    rucio_port p;
    uint64_t start;

    (void)state;
    rucio_port_posix_init(&p);
    start_alarms(&old);
    start = p.now_ms(p.ctx);
    p.sleep_ms(p.ctx, 130);
    stop_alarms(&old);
    assert_true(p.now_ms(p.ctx) - start >= 130);
    assert_true(alarms >= 1);
}

static void test_clocks(void **state)
{
    rucio_port p;
    uint64_t a, b;
    int64_t wall;

    (void)state;
    rucio_port_posix_init(&p);
    a = p.now_ms(p.ctx);
    p.sleep_ms(p.ctx, 20);
    b = p.now_ms(p.ctx);
    assert_true(b - a >= 20);
    wall = p.wall_seconds(p.ctx);
    assert_true(wall >= (int64_t)time(NULL) - 1 && wall <= (int64_t)time(NULL));
}

static void test_random_fills_and_differs(void **state)
{
    static const uint8_t zero[64];
    rucio_port p;
    uint8_t a[64], b[64];

    (void)state;
    rucio_port_posix_init(&p);
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    assert_int_equal(p.random(p.ctx, a, sizeof a), RUCIO_OK);
    assert_int_equal(p.random(p.ctx, b, sizeof b), RUCIO_OK);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_memory_not_equal(b, zero, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
}

/* ---- files ------------------------------------------------------------- */

typedef struct tmpdir {
    char path[64];
    const rucio_port_fs *fs;
} tmpdir;

static int tmpdir_setup(void **state)
{
    tmpdir *d = calloc(1, sizeof *d);

    if (!d)
        return -1;
    strcpy(d->path, "/tmp/rucio-port-test-XXXXXX");
    if (!mkdtemp(d->path)) {
        free(d);
        return -1;
    }
    d->fs = rucio_port_posix_fs();
    *state = d;
    return 0;
}

static void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    char child[512];

    if (!dir) {
        unlink(path);
        return;
    }
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        remove_tree(child);
    }
    closedir(dir);
    rmdir(path);
}

static int tmpdir_teardown(void **state)
{
    tmpdir *d = *state;

    remove_tree(d->path);
    free(d);
    return 0;
}

/* name inside the test directory, written to buf. */
static const char *in_dir(const tmpdir *d, char *buf, size_t cap,
                          const char *name)
{
    snprintf(buf, cap, "%s/%s", d->path, name);
    return buf;
}

static size_t count_entries(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    size_t count = 0;

    assert_non_null(dir);
    while ((e = readdir(dir)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            count++;
    closedir(dir);
    return count;
}

static unsigned mode_of(const char *path)
{
    struct stat st;

    assert_int_equal(lstat(path, &st), 0);
    return (unsigned)(st.st_mode & 07777);
}

static void assert_file_content(const tmpdir *d, const char *path,
                                const char *want)
{
    char buf[64];
    size_t len = 99;

    assert_int_equal(d->fs->read_file(NULL, path, buf, sizeof buf, &len),
                     RUCIO_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(buf, want, len);
}

static void test_write_atomic_creates_and_replaces(void **state)
{
    tmpdir *d = *state;
    char path[128];
    rucio_file_info info;

    in_dir(d, path, sizeof path, "token");
    assert_int_equal(d->fs->write_file_atomic(NULL, path, "first", 5, 0600),
                     RUCIO_OK);
    assert_int_equal(d->fs->stat(NULL, path, &info), RUCIO_OK);
    assert_int_equal(info.type, RUCIO_FILE_REGULAR);
    assert_int_equal(info.mode, 0600);
    assert_int_equal(info.size, 5);
    assert_true(info.writable);
    assert_file_content(d, path, "first");

    assert_int_equal(d->fs->write_file_atomic(NULL, path, "second, longer", 14,
                                              0600),
                     RUCIO_OK);
    assert_file_content(d, path, "second, longer");
    assert_int_equal(d->fs->write_file_atomic(NULL, path, "", 0, 0600),
                     RUCIO_OK);
    assert_file_content(d, path, "");
    assert_int_equal(count_entries(d->path), 1); /* no temporary left */
}

/* A rename that fails (the target is a directory) must leave the target
 * alone and remove the temporary file. */
static void test_write_atomic_failure_leaves_no_trace(void **state)
{
    tmpdir *d = *state;
    char path[128];
    rucio_file_info info;

    in_dir(d, path, sizeof path, "sub");
    assert_int_equal(d->fs->make_dir(NULL, path, 0700), RUCIO_OK);
    assert_int_equal(d->fs->write_file_atomic(NULL, path, "x", 1, 0600),
                     RUCIO_E_FILE);
    assert_int_equal(d->fs->stat(NULL, path, &info), RUCIO_OK);
    assert_int_equal(info.type, RUCIO_FILE_DIRECTORY);
    assert_int_equal(count_entries(d->path), 1);

    in_dir(d, path, sizeof path, "missing/token");
    assert_int_equal(d->fs->write_file_atomic(NULL, path, "x", 1, 0600),
                     RUCIO_E_FILE);
    assert_int_equal(count_entries(d->path), 1);
}

static void test_make_dir(void **state)
{
    tmpdir *d = *state;
    char path[128], file[128];
    rucio_file_info info;

    in_dir(d, path, sizeof path, "cache");
    assert_int_equal(d->fs->make_dir(NULL, path, 0700), RUCIO_OK);
    assert_int_equal(d->fs->stat(NULL, path, &info), RUCIO_OK);
    assert_int_equal(info.type, RUCIO_FILE_DIRECTORY);
    assert_int_equal(info.mode, 0700);
    assert_int_equal(d->fs->make_dir(NULL, path, 0700), RUCIO_OK);

    in_dir(d, file, sizeof file, "plain");
    assert_int_equal(d->fs->write_file_atomic(NULL, file, "x", 1, 0644),
                     RUCIO_OK);
    assert_int_equal(d->fs->make_dir(NULL, file, 0700), RUCIO_E_FILE);
    in_dir(d, path, sizeof path, "no/such/parent");
    assert_int_equal(d->fs->make_dir(NULL, path, 0700), RUCIO_E_FILE);
}

static void test_stat_missing_is_none(void **state)
{
    tmpdir *d = *state;
    char path[128];
    rucio_file_info info;

    in_dir(d, path, sizeof path, "nothing-here");
    info.type = RUCIO_FILE_OTHER;
    assert_int_equal(d->fs->stat(NULL, path, &info), RUCIO_OK);
    assert_int_equal(info.type, RUCIO_FILE_NONE);

    /* Below a regular file (ENOTDIR) is just as missing. */
    in_dir(d, path, sizeof path, "f");
    assert_int_equal(d->fs->write_file_atomic(NULL, path, "x", 1, 0600),
                     RUCIO_OK);
    in_dir(d, path, sizeof path, "f/below");
    info.type = RUCIO_FILE_OTHER;
    assert_int_equal(d->fs->stat(NULL, path, &info), RUCIO_OK);
    assert_int_equal(info.type, RUCIO_FILE_NONE);
}

static void test_read_file_limits(void **state)
{
    tmpdir *d = *state;
    char path[128], buf[16];
    size_t len = 99;

    in_dir(d, path, sizeof path, "ten");
    assert_int_equal(d->fs->write_file_atomic(NULL, path, "0123456789", 10,
                                              0644),
                     RUCIO_OK);
    assert_int_equal(d->fs->read_file(NULL, path, buf, 10, &len), RUCIO_OK);
    assert_int_equal(len, 10);
    assert_memory_equal(buf, "0123456789", 10);
    assert_int_equal(d->fs->read_file(NULL, path, buf, 9, &len),
                     RUCIO_E_NO_SPACE);

    in_dir(d, path, sizeof path, "empty");
    assert_int_equal(d->fs->write_file_atomic(NULL, path, "", 0, 0644),
                     RUCIO_OK);
    len = 99;
    assert_int_equal(d->fs->read_file(NULL, path, buf, 0, &len), RUCIO_OK);
    assert_int_equal(len, 0);

    in_dir(d, path, sizeof path, "absent");
    assert_int_equal(d->fs->read_file(NULL, path, buf, sizeof buf, &len),
                     RUCIO_E_FILE);
}

static void test_get_cwd(void **state)
{
    tmpdir *d = *state;
    char want[4096], got[4096];

    assert_non_null(getcwd(want, sizeof want));
    assert_int_equal(d->fs->get_cwd(NULL, got, sizeof got), RUCIO_OK);
    assert_string_equal(got, want);
    assert_int_equal(d->fs->get_cwd(NULL, got, strlen(want)), RUCIO_E_NO_SPACE);
    assert_int_equal(d->fs->get_cwd(NULL, got, 0), RUCIO_E_NO_SPACE);
}

/* ---- private files ------------------------------------------------------- */

static void test_make_dir_mode_is_exact_whatever_the_umask(void **state)
{
    tmpdir *d = *state;
    char path[128];
    mode_t old = umask(0);

    in_dir(d, path, sizeof path, "open-umask");
    assert_int_equal(d->fs->make_dir(NULL, path, 0700), RUCIO_OK);
    assert_int_equal(mode_of(path), 0700);
    umask(0277);
    in_dir(d, path, sizeof path, "strict-umask");
    assert_int_equal(d->fs->make_dir(NULL, path, 0755), RUCIO_OK);
    umask(0777);
    in_dir(d, path, sizeof path, "no-bits-umask");
    assert_int_equal(d->fs->make_dir(NULL, path, 0700), RUCIO_OK);
    umask(old);
    assert_int_equal(mode_of(path), 0700);
    in_dir(d, path, sizeof path, "strict-umask");
    assert_int_equal(mode_of(path), 0755);
}

static void test_stat_reports_owner(void **state)
{
    tmpdir *d = *state;
    rucio_file_info info;

    assert_int_equal(d->fs->stat(NULL, d->path, &info), RUCIO_OK);
    assert_true(info.owned);
    if (geteuid() != 0) {
        assert_int_equal(d->fs->stat(NULL, "/", &info), RUCIO_OK);
        assert_false(info.owned);
    }
}

/* read_private_file of name in d with private_dirs, expecting status and
 * (unless RUCIO_OK) the problem at level. */
static void read_private(const tmpdir *d, const char *name, unsigned dirs,
                         size_t cap, rucio_status status,
                         rucio_file_problem problem, unsigned level)
{
    char path[256], buf[64];
    rucio_file_check check = {RUCIO_FILE_FAILED, 99};
    size_t len = 99;

    assert_true(cap <= sizeof buf);
    in_dir(d, path, sizeof path, name);
    alarm(5);
    assert_int_equal(d->fs->read_private_file(NULL, path, dirs, buf, cap,
                                              &len, &check),
                     status);
    alarm(0);
    assert_int_equal(check.problem, problem);
    assert_int_equal(check.level, level);
    if (status != RUCIO_OK)
        assert_int_equal(len, 0);
}

static void make_file(const tmpdir *d, const char *name, const char *text,
                      mode_t mode)
{
    char path[256];
    int fd;

    in_dir(d, path, sizeof path, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
}

static void make_sub(const tmpdir *d, const char *name, mode_t mode)
{
    char path[256];

    in_dir(d, path, sizeof path, name);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_read_private_regular_file(void **state)
{
    tmpdir *d = *state;
    char path[256], buf[16];
    size_t len = 0;

    make_sub(d, "u", 0755);
    make_sub(d, "u/c", 0700);
    make_file(d, "u/c/tok", "token-1", 0600);
    read_private(d, "u/c/tok", 2, 16, RUCIO_OK, RUCIO_FILE_FINE, 0);
    in_dir(d, path, sizeof path, "u/c/tok");
    assert_int_equal(d->fs->read_private_file(NULL, path, 2, buf, sizeof buf,
                                              &len, NULL),
                     RUCIO_OK);
    assert_int_equal(len, 7);
    assert_memory_equal(buf, "token-1", 7);
    /* Exactly cap bytes fit; one more is too large and not read. */
    read_private(d, "u/c/tok", 1, 7, RUCIO_OK, RUCIO_FILE_FINE, 0);
    read_private(d, "u/c/tok", 1, 6, RUCIO_E_NO_SPACE, RUCIO_FILE_TOO_LARGE,
                 0);
    read_private(d, "u/c/missing", 2, 16, RUCIO_E_FILE, RUCIO_FILE_MISSING,
                 0);
    read_private(d, "u/none/tok", 2, 16, RUCIO_E_FILE, RUCIO_FILE_MISSING, 1);
    /* Relative paths start from the working directory. */
    assert_int_equal(chdir(d->path), 0);
    assert_int_equal(d->fs->read_private_file(NULL, "u/c/tok", 2, buf,
                                              sizeof buf, &len, NULL),
                     RUCIO_OK);
    assert_int_equal(chdir("/"), 0);
}

static void test_read_private_fifo_never_blocks(void **state)
{
    tmpdir *d = *state;
    char path[256];

    in_dir(d, path, sizeof path, "fifo");
    assert_int_equal(mkfifo(path, 0600), 0);
    read_private(d, "fifo", 0, 16, RUCIO_E_FILE, RUCIO_FILE_WRONG_TYPE, 0);
    read_private(d, "fifo", 1, 16, RUCIO_E_FILE, RUCIO_FILE_WRONG_TYPE, 0);
    /* A directory is no regular file either. */
    make_sub(d, "dir", 0700);
    read_private(d, "dir", 1, 16, RUCIO_E_FILE, RUCIO_FILE_WRONG_TYPE, 0);
}

static void test_read_private_links_refused(void **state)
{
    tmpdir *d = *state;
    char secret[256], path[256];

    make_file(d, "secret", "secret-first-line\n", 0600);
    in_dir(d, secret, sizeof secret, "secret");
    in_dir(d, path, sizeof path, "sym");
    assert_int_equal(symlink(secret, path), 0);
    read_private(d, "sym", 0, 64, RUCIO_E_FILE, RUCIO_FILE_LINK, 0);
    in_dir(d, path, sizeof path, "hard");
    assert_int_equal(link(secret, path), 0);
    read_private(d, "hard", 0, 64, RUCIO_E_FILE, RUCIO_FILE_LINK, 0);
    read_private(d, "secret", 0, 64, RUCIO_E_FILE, RUCIO_FILE_LINK, 0);

    /* A private directory that is a symbolic link. */
    make_sub(d, "real", 0700);
    make_file(d, "real/tok", "planted", 0600);
    in_dir(d, secret, sizeof secret, "real");
    in_dir(d, path, sizeof path, "linkdir");
    assert_int_equal(symlink(secret, path), 0);
    read_private(d, "linkdir/tok", 1, 64, RUCIO_E_FILE, RUCIO_FILE_LINK, 1);
    /* Above the private levels links are followed as usual. */
    read_private(d, "linkdir/tok", 0, 64, RUCIO_OK, RUCIO_FILE_FINE, 0);
}

static void test_read_private_shared_directories_refused(void **state)
{
    tmpdir *d = *state;

    make_sub(d, "u", 0777);
    make_sub(d, "u/c", 0700);
    make_file(d, "u/c/tok", "planted", 0600);
    read_private(d, "u/c/tok", 2, 64, RUCIO_E_FILE, RUCIO_FILE_SHARED, 2);
    read_private(d, "u/c/tok", 1, 64, RUCIO_OK, RUCIO_FILE_FINE, 0);
    make_sub(d, "sticky", 01777);
    make_file(d, "sticky/tok", "x", 0600);
    read_private(d, "sticky/tok", 1, 64, RUCIO_E_FILE, RUCIO_FILE_SHARED, 1);
    make_sub(d, "group", 0770);
    make_file(d, "group/tok", "x", 0600);
    read_private(d, "group/tok", 1, 64, RUCIO_E_FILE, RUCIO_FILE_SHARED, 1);
    /* A file where a directory belongs. */
    make_file(d, "plain", "x", 0600);
    read_private(d, "plain/tok", 1, 64, RUCIO_E_FILE, RUCIO_FILE_WRONG_TYPE,
                 1);
}

static void test_private_other_owner_refused(void **state)
{
    tmpdir *d = *state;
    char path[256];

    if (geteuid() != 0) {
        print_message("not root: other owners checked in tests/sharedtmp\n");
        skip();
    }
    make_sub(d, "u", 0755);
    make_file(d, "u/tok", "planted", 0600);
    in_dir(d, path, sizeof path, "u/tok");
    assert_int_equal(chown(path, 65534, 65534), 0);
    read_private(d, "u/tok", 1, 64, RUCIO_E_FILE, RUCIO_FILE_OTHER_OWNER, 0);
    assert_int_equal(chown(path, 0, 0), 0);
    in_dir(d, path, sizeof path, "u");
    assert_int_equal(chown(path, 65534, 65534), 0);
    read_private(d, "u/tok", 1, 64, RUCIO_E_FILE, RUCIO_FILE_OTHER_OWNER, 1);
    in_dir(d, path, sizeof path, "u/new");
    assert_int_equal(d->fs->write_private_file(NULL, path, 1, "t", 1, NULL),
                     RUCIO_E_FILE);
    in_dir(d, path, sizeof path, "u");
    assert_int_equal(count_entries(path), 1);
}

static void test_write_private_creates_0700_and_0600(void **state)
{
    tmpdir *d = *state;
    char path[256], buf[16];
    rucio_file_check check = {RUCIO_FILE_FAILED, 9};
    size_t len = 0;
    mode_t old = umask(0);

    in_dir(d, path, sizeof path, "u/c/tok");
    assert_int_equal(d->fs->write_private_file(NULL, path, 2, "tok-1", 5,
                                               &check),
                     RUCIO_OK);
    assert_int_equal(check.problem, RUCIO_FILE_FINE);
    umask(0777);
    assert_int_equal(d->fs->write_private_file(NULL, path, 2, "tok-22", 6,
                                               NULL),
                     RUCIO_OK);
    umask(old);
    assert_int_equal(mode_of(path), 0600);
    in_dir(d, path, sizeof path, "u");
    assert_int_equal(mode_of(path), 0700);
    in_dir(d, path, sizeof path, "u/c");
    assert_int_equal(mode_of(path), 0700);
    assert_int_equal(count_entries(path), 1); /* no temporary file left */
    in_dir(d, path, sizeof path, "u/c/tok");
    assert_int_equal(d->fs->read_private_file(NULL, path, 2, buf, sizeof buf,
                                              &len, NULL),
                     RUCIO_OK);
    assert_int_equal(len, 6);
    assert_memory_equal(buf, "tok-22", 6);

    /* Under umask 0777 the new directories are still ours to use. */
    umask(0777);
    in_dir(d, path, sizeof path, "v/c/tok");
    assert_int_equal(d->fs->write_private_file(NULL, path, 2, "t", 1, NULL),
                     RUCIO_OK);
    umask(old);
    in_dir(d, path, sizeof path, "v/c");
    assert_int_equal(mode_of(path), 0700);
}

/* Nothing is written through a refused directory; a planted FIFO or
 * symbolic link at the file's own name is replaced, never written into. */
static void test_write_private_refuses_planted_directories(void **state)
{
    tmpdir *d = *state;
    char path[256], target[256];
    rucio_file_check check;

    make_sub(d, "shared", 0777);
    in_dir(d, path, sizeof path, "shared/c/tok");
    assert_int_equal(d->fs->write_private_file(NULL, path, 2, "t", 1,
                                               &check),
                     RUCIO_E_FILE);
    assert_int_equal(check.problem, RUCIO_FILE_SHARED);
    assert_int_equal(check.level, 2);
    in_dir(d, path, sizeof path, "shared");
    assert_int_equal(count_entries(path), 0);

    make_sub(d, "real", 0700);
    in_dir(d, target, sizeof target, "real");
    in_dir(d, path, sizeof path, "link");
    assert_int_equal(symlink(target, path), 0);
    in_dir(d, path, sizeof path, "link/tok");
    assert_int_equal(d->fs->write_private_file(NULL, path, 1, "t", 1,
                                               &check),
                     RUCIO_E_FILE);
    assert_int_equal(check.problem, RUCIO_FILE_LINK);
    assert_int_equal(check.level, 1);
    assert_int_equal(count_entries(target), 0);

    make_file(d, "real/secret", "secret", 0600);
    in_dir(d, target, sizeof target, "real/secret");
    in_dir(d, path, sizeof path, "real/tok");
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(d->fs->write_private_file(NULL, path, 1, "new", 3, NULL),
                     RUCIO_OK);
    read_private(d, "real/tok", 1, 64, RUCIO_OK, RUCIO_FILE_FINE, 0);
    read_private(d, "real/secret", 1, 6, RUCIO_OK, RUCIO_FILE_FINE, 0);
}

/* ---- environment --------------------------------------------------------- */

static void test_env_get_and_uid(void **state)
{
    const rucio_port_env *env = rucio_port_posix_env();
    rucio_port p;

    (void)state;
    rucio_port_posix_init(&p);
    assert_ptr_equal(p.env, env);
    assert_ptr_equal(p.fs, rucio_port_posix_fs());
    assert_null(p.ctx);
    assert_int_equal(setenv("RUCIO_PORT_TEST_VAR", "value=1", 1), 0);
    assert_string_equal(env->get(NULL, "RUCIO_PORT_TEST_VAR"), "value=1");
    assert_int_equal(unsetenv("RUCIO_PORT_TEST_VAR"), 0);
    assert_null(env->get(NULL, "RUCIO_PORT_TEST_VAR"));
    assert_int_equal(env->effective_uid(NULL), (unsigned long)geteuid());
}

static void test_env_user_database(void **state)
{
    const rucio_port_env *env = rucio_port_posix_env();
    const struct passwd *pw = getpwuid(getuid());
    char name[256], want_home[4096], got[4096];

    (void)state;
    if (!pw) {
        print_message("skipped: uid %lu has no passwd entry\n",
                      (unsigned long)getuid());
        skip();
    }
    /* Copy before the port's own lookups: getpwuid's buffer is shared. */
    snprintf(name, sizeof name, "%s", pw->pw_name);
    snprintf(want_home, sizeof want_home, "%s", pw->pw_dir);

    assert_int_equal(env->user_name(NULL, got, sizeof got), RUCIO_OK);
    assert_string_equal(got, name);
    assert_int_equal(env->user_name(NULL, got, strlen(name)),
                     RUCIO_E_NO_SPACE);
    assert_int_equal(env->user_home(NULL, NULL, got, sizeof got), RUCIO_OK);
    assert_string_equal(got, want_home);
    memset(got, 0, sizeof got);
    assert_int_equal(env->user_home(NULL, name, got, sizeof got), RUCIO_OK);
    assert_string_equal(got, want_home);
    assert_int_equal(env->user_home(NULL, "no-such-user-rucio-test", got,
                                    sizeof got),
                     RUCIO_E_PORT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connect_ipv4),
        cmocka_unit_test(test_connect_ipv6),
        cmocka_unit_test(test_connect_by_name),
        cmocka_unit_test(test_connect_unknown_name_is_dns_error),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_connect_timeout_honours_deadline),
        cmocka_unit_test(test_recv_timeout_honours_deadline),
        cmocka_unit_test(test_recv_eof_when_peer_closes),
        cmocka_unit_test(test_send_to_reset_peer_is_error_without_sigpipe),
        cmocka_unit_test(test_recv_survives_eintr),
        cmocka_unit_test(test_sleep_survives_eintr),
        cmocka_unit_test(test_clocks),
        cmocka_unit_test(test_random_fills_and_differs),
        cmocka_unit_test_setup_teardown(test_write_atomic_creates_and_replaces,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic_failure_leaves_no_trace,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_make_dir, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_stat_missing_is_none, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_read_file_limits, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_get_cwd, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(
            test_make_dir_mode_is_exact_whatever_the_umask, tmpdir_setup,
            tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_stat_reports_owner, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_read_private_regular_file,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_read_private_fifo_never_blocks,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_read_private_links_refused,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(
            test_read_private_shared_directories_refused, tmpdir_setup,
            tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_private_other_owner_refused,
                                        tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(
            test_write_private_creates_0700_and_0600, tmpdir_setup,
            tmpdir_teardown),
        cmocka_unit_test_setup_teardown(
            test_write_private_refuses_planted_directories, tmpdir_setup,
            tmpdir_teardown),
        cmocka_unit_test(test_env_get_and_uid),
        cmocka_unit_test(test_env_user_database),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

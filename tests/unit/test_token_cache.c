/*
 * The token cache shared with the Python client (token_cache.h, protocol
 * notes 1.4): the file path for every account/VO case and override, the
 * temporary-directory and user-name search orders, file and directory
 * modes, atomic replacement, first-line reading, and interoperability
 * with the real rucio 41.5.1 BaseClient of the test venv (path computed
 * by its own _get_auth_tokens, files written and read by its own private
 * methods). Environment from the scripted port, files real.
 *
 * A shared /tmp (issue 8, defect 2): what another user can plant at the
 * cache's names (a FIFO, symbolic links, hard links, an oversized file,
 * directories of another owner or open to group/others) is refused, never
 * read, waited on or written through, and directories are made 0700
 * whatever the umask. tests/sharedtmp/run.sh does the same with two real
 * users and the CLI.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/rucio_testlib.h"
#include "rucio/client.h"
#include "rucio/port_posix.h"
#include "client/token_cache.h"
#include "test/port_script.h"


typedef struct world {
    rucio_script_port sp;
    rt_env env;
    char tmp[64];
    char path[RUCIO_PATH_MAX];
    char expected[RUCIO_PATH_MAX];
    char scratch[4][256];
} world;

static world W;

static int setup(void **state)
{
    (void)state;
    memset(&W, 0, sizeof W);
    umask(022);
    rt_temp_dir(W.tmp, sizeof W.tmp);
    rucio_script_port_init(&W.sp, NULL, 0);
    W.sp.port.fs = rucio_port_posix_fs();
    W.sp.env = W.env.list;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    alarm(0);
    umask(022);
    rt_remove_tree(W.tmp);
    return 0;
}

static void set_env(const char *name, const char *value)
{
    rt_env_set(&W.env, name, value);
}

/* <tmp>/<rel> into scratch slot, created as a directory when mkdir. */
static const char *tmp_dir(int slot, const char *rel, int make)
{
    snprintf(W.scratch[slot], sizeof W.scratch[0], "%s/%s", W.tmp, rel);
    if (make)
        assert_int_equal(mkdir(W.scratch[slot], 0755), 0);
    return W.scratch[slot];
}

static rucio_status cache_path(const char *account, const char *vo,
                               const char *override)
{
    return rl_token_cache_path(&W.sp.port, account, vo, override, W.path,
                               sizeof W.path);
}

static void expect_path(const char *account, const char *vo,
                        const char *tail)
{
    assert_int_equal(cache_path(account, vo, NULL), RUCIO_OK);
    snprintf(W.expected, sizeof W.expected, "%s/%s", W.tmp, tail);
    assert_string_equal(W.path, W.expected);
}

static unsigned mode_of(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return (unsigned)(st.st_mode & 07777);
}

static size_t entries_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void read_whole(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    assert_non_null(f);
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = '\0';
}

/* ---- the path ------------------------------------------------------------------ */

static void test_path_default_vo(void **state)
{
    (void)state;
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    expect_path("root", "def",
                "alice/.rucio_alice/auth_token_for_account_root");
}

static void test_path_other_vo(void **state)
{
    (void)state;
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    expect_path("root", "atlas",
                "alice/.rucio_alice@atlas/auth_token_for_account_root");
}

static void test_path_no_account(void **state)
{
    (void)state;
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    expect_path(NULL, "def", "alice/.rucio_alice/auth_token_for_default_account");
    expect_path("", "cms",
                "alice/.rucio_alice@cms/auth_token_for_default_account");
}

/* The override is the whole path, as written; account and VO play no
 * part, and it needs neither files nor environment. */
static void test_path_override(void **state)
{
    (void)state;
    W.sp.port.fs = NULL;
    W.sp.port.env = NULL;
    assert_int_equal(cache_path("root", "atlas", "~/tokens/$USER"), RUCIO_OK);
    assert_string_equal(W.path, "~/tokens/$USER");
    assert_int_equal(cache_path("root", "atlas", ""), RUCIO_E_UNSUPPORTED);
}

static void test_path_needs_files_and_environment(void **state)
{
    (void)state;
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    W.sp.port.fs = NULL;
    assert_int_equal(cache_path("root", "def", NULL), RUCIO_E_UNSUPPORTED);
    W.sp.port.fs = rucio_port_posix_fs();
    W.sp.port.env = NULL;
    assert_int_equal(cache_path("root", "def", NULL), RUCIO_E_UNSUPPORTED);
}

static void test_path_too_long_for_buffer(void **state)
{
    char small[24];

    (void)state;
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    assert_int_not_equal(rl_token_cache_path(&W.sp.port, "root", "def",
                                             NULL, small, sizeof small),
                         RUCIO_OK);
}

/* tempfile.gettempdir(): TMPDIR, TEMP, TMP, each only when it names an
 * existing directory. */
static void test_temp_dir_order(void **state)
{
    const char *a, *b, *c;
    char expected[700];

    (void)state;
    a = tmp_dir(0, "a", 1);
    b = tmp_dir(1, "b", 1);
    c = tmp_dir(2, "c", 1);
    set_env("TMP", c);
    set_env("TEMP", b);
    set_env("TMPDIR", a);
    set_env("LOGNAME", "u");
    assert_int_equal(cache_path("x", "def", NULL), RUCIO_OK);
    snprintf(expected, sizeof expected, "%s/u/", a);
    assert_memory_equal(W.path, expected, strlen(expected));

    assert_int_equal(rmdir(a), 0);
    assert_int_equal(cache_path("x", "def", NULL), RUCIO_OK);
    snprintf(expected, sizeof expected, "%s/u/", b);
    assert_memory_equal(W.path, expected, strlen(expected));

    assert_int_equal(rmdir(b), 0);
    assert_int_equal(cache_path("x", "def", NULL), RUCIO_OK);
    snprintf(expected, sizeof expected, "%s/u/", c);
    assert_memory_equal(W.path, expected, strlen(expected));

    assert_int_equal(rmdir(c), 0);
    assert_int_equal(cache_path("x", "def", NULL), RUCIO_OK);
    assert_memory_equal(W.path, "/tmp/u/", 7);
}

/* An empty variable or one naming a file is skipped; a relative one is
 * made absolute. */
static void test_temp_dir_skips_empty_and_files(void **state)
{
    char cwd[512], expected[700];

    (void)state;
    tmp_dir(0, "file", 0);
    rt_write_file(W.scratch[0], "x", 0644);
    tmp_dir(1, "rel", 1);
    set_env("TMPDIR", "");
    set_env("TEMP", W.scratch[0]);
    set_env("TMP", "rel");
    set_env("LOGNAME", "u");
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(W.tmp), 0);
    assert_int_equal(cache_path("x", "def", NULL), RUCIO_OK);
    assert_non_null(getcwd(expected, sizeof expected));
    assert_int_equal(chdir(cwd), 0);
    strcat(expected, "/rel/u/.rucio_u/auth_token_for_account_x");
    assert_string_equal(W.path, expected);
}

/* getpass.getuser(): LOGNAME, USER, LNAME, USERNAME (first non-empty),
 * then the user database. */
static void test_user_name_order(void **state)
{
    static const char *const names[] = {"LOGNAME", "USER", "LNAME",
                                        "USERNAME"};
    static const char *const values[] = {"logname", "user", "lname",
                                         "username"};
    size_t first, i;

    (void)state;
    W.sp.user_name = "dbuser";
    for (first = 0; first <= 4; first++) {
        char tail[200];
        const char *who = first < 4 ? values[first] : "dbuser";

        rt_env_clear(&W.env);
        set_env("TMPDIR", W.tmp);
        for (i = 0; i < 4; i++)
            set_env(names[i], i < first ? "" : values[i]);
        snprintf(tail, sizeof tail, "%s/.rucio_%s/auth_token_for_account_a",
                 who, who);
        expect_path("a", "def", tail);
    }
    W.sp.user_name = NULL;
    assert_int_equal(cache_path("a", "def", NULL), RUCIO_E_FILE);
}

/* ---- writing and reading ----------------------------------------------------- */

static void test_write_creates_dirs_0700_and_file_0600(void **state)
{
    char dir[700], parent[700], text[256];

    (void)state;
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    assert_int_equal(cache_path("root", "def", NULL), RUCIO_OK);
    assert_int_equal(
        rl_token_cache_write(&W.sp.port, W.path, "tok-1", NULL), RUCIO_OK);
    snprintf(parent, sizeof parent, "%s/alice", W.tmp);
    snprintf(dir, sizeof dir, "%s/alice/.rucio_alice", W.tmp);
    assert_int_equal(mode_of(parent), 0700); /* every created level */
    assert_int_equal(mode_of(dir), 0700);
    assert_int_equal(mode_of(W.path), 0600);
    read_whole(W.path, text, sizeof text);
    assert_string_equal(text, "tok-1"); /* no newline */
    assert_int_equal(entries_in(dir), 1);
}

/* Replaced through a new file renamed over the old one: a reader sees the
 * old or the new token, never a mix, and no temporary file is left. */
static void test_write_replaces_atomically(void **state)
{
    char dir[700], text[256];
    struct stat before, after;

    (void)state;
    snprintf(dir, sizeof dir, "%s/d", W.tmp);
    snprintf(W.path, sizeof W.path, "%s/d/token", W.tmp);
    assert_int_equal(
        rl_token_cache_write(&W.sp.port, W.path, "old-token", NULL),
        RUCIO_OK);
    assert_int_equal(chmod(W.path, 0644), 0);
    assert_int_equal(stat(W.path, &before), 0);
    assert_int_equal(rl_token_cache_write(&W.sp.port, W.path, "new", NULL),
                     RUCIO_OK);
    assert_int_equal(stat(W.path, &after), 0);
    assert_true(before.st_ino != after.st_ino);
    assert_int_equal(after.st_mode & 0777, 0600);
    read_whole(W.path, text, sizeof text);
    assert_string_equal(text, "new");
    assert_int_equal(entries_in(dir), 1);
}

/* An existing directory is used as it is (Python does not chmod it). */
static void test_write_into_existing_directory(void **state)
{
    (void)state;
    tmp_dir(0, "shared", 1);
    snprintf(W.path, sizeof W.path, "%s/token", W.scratch[0]);
    assert_int_equal(rl_token_cache_write(&W.sp.port, W.path, "t", NULL),
                     RUCIO_OK);
    assert_int_equal(mode_of(W.scratch[0]), 0755);
    assert_int_equal(mode_of(W.path), 0600);
}

static void test_write_fails_where_no_directory_can_be(void **state)
{
    (void)state;
    tmp_dir(0, "file", 0);
    rt_write_file(W.scratch[0], "x", 0644);
    snprintf(W.path, sizeof W.path, "%s/sub/token", W.scratch[0]);
    assert_int_not_equal(
        rl_token_cache_write(&W.sp.port, W.path, "t", NULL), RUCIO_OK);
}

/* A port whose file functions cannot keep private files: no cache is
 * read or written, and nothing is created on the way. */
static void test_without_private_file_functions(void **state)
{
    rucio_port_fs fs = *rucio_port_posix_fs();
    char got[16];

    (void)state;
    fs.read_private_file = NULL;
    fs.write_private_file = NULL;
    W.sp.port.fs = &fs;
    snprintf(W.path, sizeof W.path, "%s/new/token", W.tmp);
    assert_int_equal(rl_token_cache_write(&W.sp.port, W.path, "t", NULL),
                     RUCIO_E_UNSUPPORTED);
    assert_int_equal(rl_token_cache_read(&W.sp.port, W.path, got, sizeof got,
                                         NULL),
                     RUCIO_E_FILE);
    assert_int_equal(entries_in(W.tmp), 0);
}

/* What warnings and errors call a refused cache or token file, by its
 * problem and (for a directory above it) its level. */
static void test_problem_texts(void **state)
{
    static const struct {
        rucio_file_problem problem;
        unsigned level;
        const char *text;
    } cases[] = {
        {RUCIO_FILE_FINE, 0, "usable"},
        {RUCIO_FILE_MISSING, 1, "does not exist"},
        {RUCIO_FILE_LINK, 0, "is a symbolic link or has another hard link"},
        {RUCIO_FILE_WRONG_TYPE, 0,
         "is not a regular file (a FIFO, device, socket or directory)"},
        {RUCIO_FILE_WRONG_TYPE, 2, "is not a directory"},
        {RUCIO_FILE_OTHER_OWNER, 1, "is owned by another user"},
        {RUCIO_FILE_SHARED, 1, "is writable by group or others"},
        {RUCIO_FILE_TOO_LARGE, 0, "is too large"},
        {RUCIO_FILE_FAILED, 0, "cannot be used"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rucio_file_check check;

        check.problem = cases[i].problem;
        check.level = cases[i].level;
        assert_string_equal(rl_file_problem_text(&check), cases[i].text);
    }
}

static void read_expect(const char *content, rucio_status status,
                        const char *token)
{
    char got[64];

    snprintf(W.path, sizeof W.path, "%s/token", W.tmp);
    rt_write_file(W.path, content, 0600);
    memset(got, 'x', sizeof got);
    assert_int_equal(rl_token_cache_read(&W.sp.port, W.path, got,
                                         sizeof got, NULL),
                     status);
    if (status == RUCIO_OK)
        assert_string_equal(got, token);
}

static void test_read_first_line_only(void **state)
{
    (void)state;
    read_expect("tok-abc", RUCIO_OK, "tok-abc");
    read_expect("tok-abc\nsecond line\n", RUCIO_OK, "tok-abc");
    read_expect("tok-abc\r\n", RUCIO_OK, "tok-abc");
    read_expect("tok-abc\rrest", RUCIO_OK, "tok-abc");
}

static void test_read_empty_or_missing_is_none(void **state)
{
    char got[64];

    (void)state;
    read_expect("", RUCIO_E_FILE, NULL);
    read_expect("\nafter an empty first line", RUCIO_E_FILE, NULL);
    snprintf(W.path, sizeof W.path, "%s/missing", W.tmp);
    assert_int_equal(rl_token_cache_read(&W.sp.port, W.path, got,
                                         sizeof got, NULL),
                     RUCIO_E_FILE);
}

static void test_read_larger_than_buffer_is_none(void **state)
{
    char big[200];

    (void)state;
    memset(big, 't', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    read_expect(big, RUCIO_E_FILE, NULL);
}

/* ---- a shared /tmp: planted names ------------------------------------------ */

/* Alice's default cache path under W.tmp into W.path; the two directories
 * above the file into dir_user / dir_cache. */
static char dir_user[300], dir_cache[300];

static void alice_cache(void)
{
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    assert_int_equal(cache_path("root", "def", NULL), RUCIO_OK);
    snprintf(dir_user, sizeof dir_user, "%s/alice", W.tmp);
    snprintf(dir_cache, sizeof dir_cache, "%s/alice/.rucio_alice", W.tmp);
}

/* Make both directories with exact modes. */
static void make_alice_dirs(unsigned user_mode, unsigned cache_mode)
{
    alice_cache();
    assert_int_equal(mkdir(dir_user, 0700), 0);
    assert_int_equal(mkdir(dir_cache, 0700), 0);
    assert_int_equal(chmod(dir_cache, cache_mode), 0);
    assert_int_equal(chmod(dir_user, user_mode), 0);
}

/* Read the cache; a FIFO that blocked would end the test by SIGALRM. */
static rucio_status read_cache(char *got, size_t cap, rucio_file_check *check)
{
    rucio_status st;

    memset(got, 'x', cap);
    alarm(5);
    st = rl_token_cache_read(&W.sp.port, W.path, got, cap, check);
    alarm(0);
    return st;
}

static void expect_refused(rucio_file_problem problem, unsigned level)
{
    rucio_file_check check;
    char got[64];

    assert_int_equal(read_cache(got, sizeof got, &check), RUCIO_E_FILE);
    assert_int_equal(check.problem, problem);
    assert_int_equal(check.level, level);
    assert_null(strstr(got, "secret"));
    assert_null(strstr(got, "planted"));
}

static void expect_write_refused(rucio_file_problem problem, unsigned level)
{
    rucio_file_check check;

    assert_int_equal(rl_token_cache_write(&W.sp.port, W.path,
                                          "victim-token", &check),
                     RUCIO_E_FILE);
    assert_int_equal(check.problem, problem);
    assert_int_equal(check.level, level);
}

static void test_umask_000_still_makes_0700(void **state)
{
    (void)state;
    alice_cache();
    umask(0);
    assert_int_equal(
        rl_token_cache_write(&W.sp.port, W.path, "tok", NULL), RUCIO_OK);
    assert_int_equal(mode_of(dir_user), 0700);
    assert_int_equal(mode_of(dir_cache), 0700);
    assert_int_equal(mode_of(W.path), 0600);
}

/* Missing parents of an override path are 0700 too. */
static void test_umask_000_override_parents_0700(void **state)
{
    char a[300], b[300];

    (void)state;
    umask(0);
    snprintf(a, sizeof a, "%s/a", W.tmp);
    snprintf(b, sizeof b, "%s/a/b", W.tmp);
    snprintf(W.path, sizeof W.path, "%s/a/b/token", W.tmp);
    assert_int_equal(
        rl_token_cache_write(&W.sp.port, W.path, "tok", NULL), RUCIO_OK);
    assert_int_equal(mode_of(a), 0700);
    assert_int_equal(mode_of(b), 0700);
    assert_int_equal(mode_of(W.path), 0600);
}

static void test_fifo_never_blocks(void **state)
{
    char got[64];

    (void)state;
    make_alice_dirs(0700, 0700);
    assert_int_equal(mkfifo(W.path, 0600), 0);
    expect_refused(RUCIO_FILE_WRONG_TYPE, 0);
    /* Our own directory: the next token simply replaces the FIFO. */
    assert_int_equal(
        rl_token_cache_write(&W.sp.port, W.path, "fresh", NULL), RUCIO_OK);
    assert_int_equal(read_cache(got, sizeof got, NULL), RUCIO_OK);
    assert_string_equal(got, "fresh");
}

/* A symbolic link to a file only the victim can read: never followed. */
static void test_symlink_not_followed(void **state)
{
    char secret[300];

    (void)state;
    make_alice_dirs(0700, 0700);
    snprintf(secret, sizeof secret, "%s/secret", W.tmp);
    rt_write_file(secret, "secret-first-line\n", 0600);
    assert_int_equal(symlink(secret, W.path), 0);
    expect_refused(RUCIO_FILE_LINK, 0);
}

static void test_hard_link_refused(void **state)
{
    char secret[300];

    (void)state;
    make_alice_dirs(0700, 0700);
    snprintf(secret, sizeof secret, "%s/secret", W.tmp);
    rt_write_file(secret, "secret-first-line\n", 0600);
    assert_int_equal(link(secret, W.path), 0);
    expect_refused(RUCIO_FILE_LINK, 0);
}

static void test_oversize_refused_unread(void **state)
{
    static char big[8192];

    (void)state;
    make_alice_dirs(0700, 0700);
    memset(big, 's', sizeof big - 1);
    rt_write_file(W.path, big, 0600);
    expect_refused(RUCIO_FILE_TOO_LARGE, 0);
}

/* <tmp>/<user> or .rucio_<user> open to others: no read, no write. */
static void test_shared_directories_not_used(void **state)
{
    char text[64];

    (void)state;
    make_alice_dirs(0777, 0700);
    rt_write_file(W.path, "planted-token", 0600);
    expect_refused(RUCIO_FILE_SHARED, 2);
    expect_write_refused(RUCIO_FILE_SHARED, 2);
    read_whole(W.path, text, sizeof text);
    assert_string_equal(text, "planted-token");

    assert_int_equal(chmod(dir_user, 0755), 0);
    assert_int_equal(chmod(dir_cache, 0730), 0);
    expect_refused(RUCIO_FILE_SHARED, 1);
    expect_write_refused(RUCIO_FILE_SHARED, 1);
    read_whole(W.path, text, sizeof text);
    assert_string_equal(text, "planted-token");
}

/* <tmp>/<user> as a symbolic link to a directory holding a planted token:
 * neither read nor written through. */
static void test_symlinked_directory_not_used(void **state)
{
    char elsewhere[300], planted[300], text[64];

    (void)state;
    alice_cache();
    snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", W.tmp);
    assert_int_equal(mkdir(elsewhere, 0700), 0);
    snprintf(planted, sizeof planted, "%s/elsewhere/.rucio_alice", W.tmp);
    assert_int_equal(mkdir(planted, 0700), 0);
    snprintf(planted, sizeof planted,
             "%s/elsewhere/.rucio_alice/auth_token_for_account_root", W.tmp);
    rt_write_file(planted, "planted-token", 0600);
    assert_int_equal(symlink(elsewhere, dir_user), 0);
    expect_refused(RUCIO_FILE_LINK, 2);
    expect_write_refused(RUCIO_FILE_LINK, 2);
    read_whole(planted, text, sizeof text);
    assert_string_equal(text, "planted-token");

    /* The same one level down. */
    assert_int_equal(unlink(dir_user), 0);
    assert_int_equal(mkdir(dir_user, 0700), 0);
    snprintf(planted, sizeof planted, "%s/elsewhere/.rucio_alice", W.tmp);
    assert_int_equal(symlink(planted, dir_cache), 0);
    expect_refused(RUCIO_FILE_LINK, 1);
    expect_write_refused(RUCIO_FILE_LINK, 1);
}

/* Directories and files of another user (needs root to make them). */
static void test_other_owner_not_used(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        print_message("not root: other owners not checked here "
                      "(tests/sharedtmp does it with real users)\n");
        skip();
    }
    make_alice_dirs(0755, 0700);
    rt_write_file(W.path, "planted-token", 0600);
    assert_int_equal(chown(W.path, 65534, 65534), 0);
    expect_refused(RUCIO_FILE_OTHER_OWNER, 0);
    assert_int_equal(chown(dir_cache, 65534, 65534), 0);
    expect_refused(RUCIO_FILE_OTHER_OWNER, 1);
    expect_write_refused(RUCIO_FILE_OTHER_OWNER, 1);
    assert_int_equal(chown(dir_cache, 0, 0), 0);
    assert_int_equal(chown(dir_user, 65534, 65534), 0);
    expect_refused(RUCIO_FILE_OTHER_OWNER, 2);
    expect_write_refused(RUCIO_FILE_OTHER_OWNER, 2);
}

/* An override outside the default layout needs its own directory to be
 * private: a sticky world-writable one (a shared /tmp) is not used. */
static void test_override_in_shared_directory_not_used(void **state)
{
    char shared[300];

    (void)state;
    snprintf(shared, sizeof shared, "%s/sticky", W.tmp);
    assert_int_equal(mkdir(shared, 0700), 0);
    assert_int_equal(chmod(shared, 01777), 0);
    snprintf(W.path, sizeof W.path, "%s/sticky/my-token", W.tmp);
    expect_write_refused(RUCIO_FILE_SHARED, 1);
    assert_int_equal(entries_in(shared), 0);
}

static void test_private_dirs_of_paths(void **state)
{
    (void)state;
    assert_int_equal(rl_token_cache_private_dirs(
                         "/t/alice/.rucio_alice/auth_token_for_account_r"),
                     2);
    assert_int_equal(rl_token_cache_private_dirs(
                         "/t/alice/.rucio_alice@atlas/auth_token_for_x"),
                     2);
    assert_int_equal(rl_token_cache_private_dirs("/t/bob/.rucio_alice/x"),
                     1);
    assert_int_equal(rl_token_cache_private_dirs("/t/al/.rucio_alice/x"),
                     1);
    assert_int_equal(
        rl_token_cache_private_dirs("/t/alice/.rucio_alicex/x"), 1);
    assert_int_equal(rl_token_cache_private_dirs("/home/u/token"), 1);
    assert_int_equal(rl_token_cache_private_dirs("token"), 1);
    assert_int_equal(rl_private_path_len("/a/b/c", 0), 6);
    assert_int_equal(rl_private_path_len("/a/b/c", 1), 4);
    assert_int_equal(rl_private_path_len("/a/b/c", 2), 2);
}

/* ---- interoperability with the real Python client ---------------------- */

/* The Python side: a BaseClient without its constructor (which would log
 * in), set up as the constructor would, then one of its own methods. */
static const char python_script[] =
    "import logging, sys\n"
    "from rucio.client.baseclient import BaseClient\n"
    "mode, account, vo = sys.argv[1:4]\n"
    "c = BaseClient.__new__(BaseClient)\n"
    "c.logger = logging.getLogger(\"t\")\n"
    "c.account = account or None\n"
    "c.vo = vo\n"
    "c.auth_type = \"userpass\"\n"
    "c.auth_oidc_refresh_active = False\n"
    "c.token_exp_epoch = None\n"
    "c.headers = {}\n"
    "(c.auth_token_file_path, c.token_exp_epoch_file, c.token_file,\n"
    " c.token_path) = c._get_auth_tokens()\n"
    "if mode == \"write\":\n"
    "    c.auth_token = sys.argv[4]\n"
    "    c._BaseClient__write_token()\n"
    "if mode == \"read\":\n"
    "    if not c._BaseClient__read_token():\n"
    "        sys.exit(3)\n"
    "    sys.stdout.write(c.auth_token)\n"
    "else:\n"
    "    sys.stdout.write(c.token_file)\n";

/* Run the script with exactly the scripted environment (plus PATH and
 * RUCIO_CONFIG); its output into out. */
static int run_python(const char *mode, const char *account, const char *vo,
                      const char *token, char *out, size_t cap)
{
    static char command[8192];
    const char *python = rt_python();
    char config[600];
    size_t i, n;
    FILE *p;
    int status;

    snprintf(config, sizeof config, "%s/python-rucio.cfg", W.tmp);
    if (access(config, F_OK) != 0)
        rt_write_file(config, "[client]\n", 0644);
    n = (size_t)snprintf(command, sizeof command,
                         "env -i PATH=/usr/bin:/bin RUCIO_CONFIG='%s'", config);
    for (i = 0; i < W.env.count; i++)
        n += (size_t)snprintf(command + n, sizeof command - n, " '%s'",
                              W.env.list[i]);
    snprintf(command + n, sizeof command - n, " '%s' -c '%s' '%s' '%s' '%s' '%s'",
             python, python_script, mode, account ? account : "", vo,
             token ? token : "");
    p = popen(command, "r");
    assert_non_null(p);
    n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    status = pclose(p);
    return status;
}

static void skip_without_python(void)
{
    if (!rt_python()) {
        print_message("no test venv with rucio (tests/rucio-server/venv.sh): "
                      "interoperability not checked\n");
        skip();
    }
}

static void compare_path_with_python(const char *account, const char *vo)
{
    char python_path[RUCIO_PATH_MAX];

    assert_int_equal(run_python("path", account, vo, NULL, python_path,
                                sizeof python_path),
                     0);
    assert_int_equal(cache_path(account, vo, NULL), RUCIO_OK);
    assert_string_equal(W.path, python_path);
}

static void test_python_computes_the_same_paths(void **state)
{
    (void)state;
    skip_without_python();
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    compare_path_with_python("root", "def");
    compare_path_with_python("root", "atlas");
    compare_path_with_python(NULL, "def");
    compare_path_with_python(NULL, "cms");
    compare_path_with_python("service.acc-1", "my.vo-2");
}

static void test_python_same_temp_and_user_search(void **state)
{
    (void)state;
    skip_without_python();
    tmp_dir(0, "temp", 1);
    tmp_dir(1, "tmp", 1);
    set_env("TMPDIR", tmp_dir(2, "missing", 0));
    set_env("TEMP", W.scratch[0]);
    set_env("TMP", W.scratch[1]);
    set_env("LOGNAME", "");
    set_env("USER", "");
    set_env("LNAME", "lname-user");
    set_env("USERNAME", "username-user");
    compare_path_with_python("root", "def");
    rt_env_clear(&W.env);
    set_env("TMP", W.scratch[1]);
    set_env("USERNAME", "only-username");
    compare_path_with_python("root", "def");
}

static void test_python_override_path(void **state)
{
    char config[600], text[800], python_path[RUCIO_PATH_MAX];

    (void)state;
    skip_without_python();
    snprintf(config, sizeof config, "%s/python-rucio.cfg", W.tmp);
    snprintf(text, sizeof text,
             "[client]\nauth_token_file_path = %s/over/tok\n", W.tmp);
    rt_write_file(config, text, 0644);
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    assert_int_equal(run_python("path", "root", "atlas", NULL, python_path,
                                sizeof python_path),
                     0);
    snprintf(text, sizeof text, "%s/over/tok", W.tmp);
    assert_string_equal(python_path, text);
    assert_int_equal(cache_path("root", "atlas", text), RUCIO_OK);
    assert_string_equal(W.path, python_path);
}

/* Python writes, rucio-lite reads; modes as Python leaves them. */
static void test_python_writes_c_reads(void **state)
{
    char python_path[RUCIO_PATH_MAX], token[128], dir[700];

    (void)state;
    skip_without_python();
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    assert_int_equal(run_python("write", "root", "atlas",
                                "root-ddmlab-unknown-0f1e2d3c", python_path,
                                sizeof python_path),
                     0);
    assert_int_equal(cache_path("root", "atlas", NULL), RUCIO_OK);
    assert_string_equal(W.path, python_path);
    assert_int_equal(rl_token_cache_read(&W.sp.port, W.path, token,
                                         sizeof token, NULL),
                     RUCIO_OK);
    assert_string_equal(token, "root-ddmlab-unknown-0f1e2d3c");
    snprintf(dir, sizeof dir, "%s/alice/.rucio_alice@atlas", W.tmp);
    assert_int_equal(mode_of(dir), 0700);
    assert_int_equal(mode_of(W.path), 0600);
}

/* rucio-lite writes, Python reads the same token back. */
static void test_c_writes_python_reads(void **state)
{
    char token[128];

    (void)state;
    skip_without_python();
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "bob");
    assert_int_equal(cache_path(NULL, "def", NULL), RUCIO_OK);
    assert_int_equal(rl_token_cache_write(&W.sp.port, W.path,
                                          "root-ddmlab-unknown-99aa", NULL),
                     RUCIO_OK);
    assert_int_equal(run_python("read", NULL, "def", NULL, token, sizeof token),
                     0);
    assert_string_equal(token, "root-ddmlab-unknown-99aa");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_path_default_vo),
        T(test_path_other_vo),
        T(test_path_no_account),
        T(test_path_override),
        T(test_path_needs_files_and_environment),
        T(test_path_too_long_for_buffer),
        T(test_temp_dir_order),
        T(test_temp_dir_skips_empty_and_files),
        T(test_user_name_order),
        T(test_write_creates_dirs_0700_and_file_0600),
        T(test_write_replaces_atomically),
        T(test_write_into_existing_directory),
        T(test_write_fails_where_no_directory_can_be),
        T(test_without_private_file_functions),
        T(test_problem_texts),
        T(test_read_first_line_only),
        T(test_read_empty_or_missing_is_none),
        T(test_read_larger_than_buffer_is_none),
        T(test_umask_000_still_makes_0700),
        T(test_umask_000_override_parents_0700),
        T(test_fifo_never_blocks),
        T(test_symlink_not_followed),
        T(test_hard_link_refused),
        T(test_oversize_refused_unread),
        T(test_shared_directories_not_used),
        T(test_symlinked_directory_not_used),
        T(test_other_owner_not_used),
        T(test_override_in_shared_directory_not_used),
        T(test_private_dirs_of_paths),
        T(test_python_computes_the_same_paths),
        T(test_python_same_temp_and_user_search),
        T(test_python_override_path),
        T(test_python_writes_c_reads),
        T(test_c_writes_python_reads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

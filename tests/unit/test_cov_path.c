/*
 * Path expansion with ports that lack parts: no port at all, an
 * environment part without get or user_home, a file part without
 * get_cwd, a working directory that ends in '/', and outputs without
 * room. Results are what Python's os.path gives for the same input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client/path.h"
#include "rucio/port.h"

static const char *cwd_text = "/";

static rucio_status fixed_cwd(void *ctx, char *buf, size_t cap)
{
    (void)ctx;
    if (strlen(cwd_text) >= cap)
        return RUCIO_E_NO_SPACE;
    strcpy(buf, cwd_text);
    return RUCIO_OK;
}

static const char *only_home(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "HOME") == 0 ? "/home/h//" : NULL;
}

static void expect(const rucio_port *port, const char *in, const char *want)
{
    char out[128];

    if (rl_expand_path(port, in, out, sizeof out) != RUCIO_OK)
        fail_msg("%s: refused", in);
    if (strcmp(out, want) != 0)
        fail_msg("%s: \"%s\", expected \"%s\"", in, out, want);
}

static void test_no_port(void **state)
{
    (void)state;
    /* Nothing to expand with and no cwd: only normalisation. */
    expect(NULL, "$HOME/a/./b/../c", "$HOME/a/c");
    expect(NULL, "~/x", "~/x");
    expect(NULL, "/.a/..b/.../x", "/.a/..b/.../x");
    expect(NULL, "a/..", ".");
}

static void test_partial_environment(void **state)
{
    rucio_port_env env;
    rucio_port port;

    (void)state;
    memset(&port, 0, sizeof port);
    memset(&env, 0, sizeof env);
    port.env = &env;
    /* No get and no user_home: variables and ~ stay as written. */
    expect(&port, "/${HOME}/~", "/${HOME}/~");
    expect(&port, "~/x", "~/x");
    expect(&port, "~u/x", "~u/x");
    /* get only: $HOME works, with its trailing slashes dropped for ~. */
    env.get = only_home;
    expect(&port, "$HOME", "/home/h");
    expect(&port, "~/x", "/home/h/x");
    expect(&port, "~other/x", "~other/x");
}

static void test_working_directory(void **state)
{
    rucio_port_fs fs;
    rucio_port port;
    char out[8];

    (void)state;
    memset(&port, 0, sizeof port);
    memset(&fs, 0, sizeof fs);
    port.fs = &fs;
    /* A file part without get_cwd: relative stays relative. */
    expect(&port, "a/b", "a/b");
    fs.get_cwd = fixed_cwd;
    cwd_text = "/";
    expect(&port, "a/b", "/a/b");
    cwd_text = "/w/";
    expect(&port, "a", "/w/a");
    cwd_text = ""; /* joined as posixpath.join("", "a") */
    expect(&port, "a", "a");
    cwd_text = "//w";
    expect(&port, "../../a", "//a");
    /* The cwd does not fit beside the path. */
    cwd_text = "/a/long/working/directory";
    assert_int_equal(rl_path_absolute(&port, "x", out, sizeof out),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(out, "");
}

static void test_arguments_and_room(void **state)
{
    char out[4] = "zzz";

    (void)state;
    assert_int_equal(rl_path_absolute(NULL, NULL, out, sizeof out),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rl_path_absolute(NULL, "/a", NULL, 4),
                     RUCIO_E_INVALID_ARG);
    assert_string_equal(out, "zzz");
    /* No room at all: nothing written, not even the terminator. */
    assert_int_equal(rl_path_absolute(NULL, "/a", out, 0),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(out, "zzz");
    assert_int_equal(rl_path_absolute(NULL, "/abcd", out, sizeof out),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(out, "");
    assert_int_equal(rl_path_absolute(NULL, "", out, 1), RUCIO_E_NO_SPACE);
    assert_int_equal(rl_path_absolute(NULL, "", out, 2), RUCIO_OK);
    assert_string_equal(out, ".");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_port),
        cmocka_unit_test(test_partial_environment),
        cmocka_unit_test(test_working_directory),
        cmocka_unit_test(test_arguments_and_room),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

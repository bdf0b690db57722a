/* rucio-lite: userpass authentication (RUCIO_WITH_USERPASS). */
#include "client/auth.h"

#if RUCIO_WITH_USERPASS
#include <string.h>

#include "client/errors.h"
#include "client/request.h"
#include "core/latin1.h"
#include "core/wipe.h"

/* A user name or password as the header value Python would send: the
 * same text in ISO-8859-1. A character it cannot carry is refused before
 * anything is sent (the Python client cannot send it either). */
static rucio_status to_header_latin1(rucio_client *c, const char *what,
                                     const char *text, char *out, size_t cap)
{
    rucio_latin1_result r = rl_latin1_from_utf8(text, out, cap, NULL);

    if (r == RUCIO_LATIN1_OK)
        return RUCIO_OK;
    return rl_error_set(&c->_internal.error, RUCIO_E_INVALID_ARG,
                        "InputValidationError", "%s %s", what,
                        r == RUCIO_LATIN1_OUTSIDE
                            ? "holds a character outside ISO-8859-1 "
                              "(Latin-1); HTTP headers carry only "
                              "Latin-1, so the server could never "
                              "receive it"
                            : "is not valid UTF-8");
}

rucio_status rl_auth_userpass(rucio_client *c)
{
    char username[RUCIO_SECRET_MAX], password[RUCIO_SECRET_MAX];
    rucio_call call;
    rucio_status st;

    st = to_header_latin1(c, "the user name", c->_internal.settings.username,
                          username, sizeof username);
    if (st == RUCIO_OK)
        st = to_header_latin1(c, "the password", c->_internal.settings.password,
                              password, sizeof password);
    if (st == RUCIO_OK) {
        memset(&call, 0, sizeof call);
        call.path = "auth/userpass";
        call.extra[0].name = "X-Rucio-Username";
        call.extra[0].value = username;
        call.extra[1].name = "X-Rucio-Password";
        call.extra[1].value = password;
        call.extra_count = 2;
        st = rl_auth_send(c, &call);
    }
    rl_wipe(username, sizeof username);
    rl_wipe(password, sizeof password);
    return st == RUCIO_OK ? rl_auth_accept_token(c) : st;
}
#endif /* RUCIO_WITH_USERPASS */

/* rucio-lite: parse the server's fixed-format dates without libc time
 * functions (timegm is not standard C and mktime depends on TZ). */
#include "client/date.h"

#include <string.h>

#include "core/ascii.h"

/* Exactly n (at most 4) decimal digits. */
static int parse_digits(const char *s, int n, int *out)
{
    uint64_t v;

    if (!rl_ascii_parse_u64(s, (size_t)n, &v))
        return 0;
    *out = (int)v;
    return 1;
}

static int month_index(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    size_t m;

    for (m = 0; m < 12; m++)
        if (memcmp(months + 3 * m, s, 3) == 0)
            return (int)m + 1;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int valid_day(int y, int m, int d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return d >= 1 && d <= days[m - 1] + (m == 2 && leap);
}

/* Layout: "Www, DD Mmm YYYY HH:MM:SS ZZZ" = 29 characters. */
rucio_status rl_parse_http_date(const char *t, int64_t *out_epoch)
{
    int day, mon, year, hh, mm, ss;

    if (strlen(t) != 29 || t[3] != ',' || t[4] != ' ' || t[7] != ' ' ||
        t[11] != ' ' || t[16] != ' ' || t[19] != ':' || t[22] != ':' ||
        t[25] != ' ')
        return RUCIO_E_INVALID_ARG;
    if (strcmp(t + 26, "UTC") != 0 && strcmp(t + 26, "GMT") != 0)
        return RUCIO_E_INVALID_ARG;
    mon = month_index(t + 8);
    if (!mon || !parse_digits(t + 5, 2, &day) ||
        !parse_digits(t + 12, 4, &year) || !parse_digits(t + 17, 2, &hh) ||
        !parse_digits(t + 20, 2, &mm) || !parse_digits(t + 23, 2, &ss))
        return RUCIO_E_INVALID_ARG;
    if (!valid_day(year, mon, day) || hh > 23 || mm > 59 || ss > 60)
        return RUCIO_E_INVALID_ARG;
    *out_epoch = days_from_civil(year, mon, day) * 86400 +
                 (int64_t)hh * 3600 + (int64_t)mm * 60 + ss;
    return RUCIO_OK;
}

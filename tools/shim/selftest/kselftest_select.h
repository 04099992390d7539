/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_select.h: case selection and a per-case time limit for a
 * kselftest_harness.h test, without touching the test's source.
 *
 * The Makefile force-includes it (-include) when it compiles the kernel's
 * tools/testing/selftests/filesystems/epoll/epoll_wakeup_test.c from
 * Debian's linux-source-6.1.  It includes the harness first (the test's own
 * #include of it is then a no-op: include guard) and replaces
 * TEST_HARNESS_MAIN by the same main() preceded by:
 *
 *   MYEPOLL_SELFTEST_CASES="epoll58 epoll60"   run only these cases (names
 *       as in the TAP lines, with or without the "global." fixture prefix;
 *       separated by spaces or commas), in the harness's order; empty: all;
 *   MYEPOLL_SELFTEST_TIMEOUT=SECONDS           each case's time limit
 *       (the harness's default is 30 s).
 *
 * With neither variable set the program behaves exactly as the stock build.
 * The 6.1 harness has no case selection of its own.  C, not C++: it is
 * compiled into the kernel's C test.
 */
#ifndef MYEPOLL_KSELFTEST_SELECT_H
#define MYEPOLL_KSELFTEST_SELECT_H

#include "kselftest_harness.h"

#include <stdlib.h>
#include <string.h>

/* Is "fixture.test" or "test" one of the words of @list? */
static int myepoll_case_listed(const char *fixture, const char *test, const char *list)
{
    size_t flen = strlen(fixture), tlen = strlen(test);
    const char *p = list;

    while (*p) {
        const char *end;
        size_t len;

        while (*p == ' ' || *p == ',')
            p++;
        for (end = p; *end && *end != ' ' && *end != ','; end++)
            ;
        len = end - p;
        if (len == tlen && !strncmp(p, test, tlen))
            return 1;
        if (len == flen + 1 + tlen && !strncmp(p, fixture, flen) && p[flen] == '.' &&
            !strncmp(p + flen + 1, test, tlen))
            return 1;
        p = end;
    }
    return 0;
}

/* Unlink the cases not asked for; set the time limit of the others. */
static void myepoll_select_cases(void)
{
    const char *cases = getenv("MYEPOLL_SELFTEST_CASES");
    const char *limit = getenv("MYEPOLL_SELFTEST_TIMEOUT");
    int seconds = limit ? atoi(limit) : 0;
    struct __fixture_metadata *f;

    if (cases && !*cases)
        cases = NULL; /* set but empty: every case */

    for (f = __fixture_list; f; f = f->next) {
        struct __test_metadata *t, *next, *head = NULL, *last = NULL;

        for (t = f->tests; t; t = next) {
            next = t->next;
            if (seconds > 0)
                t->timeout = seconds;
            if (cases && !myepoll_case_listed(f->name, t->name, cases))
                continue;
            /* The harness's list: next-linked, head->prev is the tail. */
            t->next = NULL;
            t->prev = last;
            if (last)
                last->next = t;
            else
                head = t;
            last = t;
        }
        if (head)
            head->prev = last;
        f->tests = head;
    }
}

#undef TEST_HARNESS_MAIN
#define TEST_HARNESS_MAIN                                                                          \
    static void __attribute__((constructor)) __constructor_order_last(void)                        \
    {                                                                                              \
        if (!__constructor_order)                                                                  \
            __constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;                                     \
    }                                                                                              \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        myepoll_select_cases();                                                                    \
        return test_harness_run(argc, argv);                                                       \
    }

#endif /* MYEPOLL_KSELFTEST_SELECT_H */

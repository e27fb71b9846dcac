/* The XML harnesses share one body: parse; when the document is valid,
 * format it, parse the formatted text again and format that: both must
 * succeed and agree (a definition never changes by being saved and read). */
#pragma once

#include "tests/fuzz/fuzz.h"
#include "lib/util/error.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

typedef void *(*fuzz_conf_parse_fn)(const char *xml, size_t len, GPtrArray **ret_issues);
typedef char *(*fuzz_conf_format_fn)(const void *def);

static inline void fuzz_conf_one(const uint8_t *data, size_t size, fuzz_conf_parse_fn parse,
                                 fuzz_conf_format_fn format, GDestroyNotify free_fn)
{
        GPtrArray *issues = NULL;
        void *def, *again;
        char *xml, *xml2;

        fuzz_init_once();
        def = parse((const char *)data, size, &issues);
        /* a failed parse names at least one issue; a good one none */
        FUZZ_ASSERT(issues != NULL);
        FUZZ_ASSERT(def ? issues->len == 0 : issues->len > 0);
        g_ptr_array_unref(issues);
        if (!def)
                return;
        xml = format(def);
        FUZZ_ASSERT(xml != NULL);
        again = parse(xml, strlen(xml), NULL);
        if (!again)
                fprintf(stderr, "formatted XML does not parse again: %s\n%s\n",
                        vctl_error_message(), xml);
        FUZZ_ASSERT(again != NULL);
        xml2 = format(again);
        if (strcmp(xml, xml2) != 0)
                fprintf(stderr, "formatting is not stable:\n%s\n---\n%s\n", xml, xml2);
        FUZZ_ASSERT(strcmp(xml, xml2) == 0);
        g_free(xml2);
        g_free(xml);
        free_fn(again);
        free_fn(def);
}

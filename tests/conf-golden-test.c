/* Round-trip golden files for every definition kind.
 *
 * tests/data/KIND/NAME.xml is parsed and formatted; the result must equal
 * NAME.out.xml byte for byte, and NAME.out.xml must parse and format to itself
 * (so what vctl writes is what it reads back). tests/data/KIND/invalid/NAME.xml
 * must be refused with exactly the message in NAME.err.
 * VCTL_TEST_REGENERATE=1 rewrites the expected files instead of comparing. */
#include "config.h"

#include "conf/domain_conf.h"
#include "conf/network_conf.h"
#include "conf/storage_conf.h"
#include "lib/util/error.h"

#include <string.h>

typedef struct kind_ops {
        const char *dir;
        char *(*roundtrip)(const char *xml, size_t len); /* NULL when refused */
} kind_ops;

#define ROUNDTRIP(kind)                                                                            \
        static char *kind##_roundtrip(const char *xml, size_t len)                                 \
        {                                                                                          \
                g_autoptr(kind##_def) def = kind##_def_parse(xml, len, NULL);                      \
                return def ? kind##_def_format(def) : NULL;                                        \
        }
ROUNDTRIP(domain)
ROUNDTRIP(network)
ROUNDTRIP(pool)
ROUNDTRIP(vol)

static const kind_ops kinds[] = {
        { "domain", domain_roundtrip },
        { "network", network_roundtrip },
        { "pool", pool_roundtrip },
        { "volume", vol_roundtrip },
};

typedef struct golden_case {
        const kind_ops *ops;
        char *input;
        char *expected; /* .out.xml or .err */
} golden_case;

static void golden_case_free(gpointer data)
{
        golden_case *c = data;

        g_free(c->input);
        g_free(c->expected);
        g_free(c);
}

static gboolean regenerate(void)
{
        return g_strcmp0(g_getenv("VCTL_TEST_REGENERATE"), "1") == 0;
}

static char *read_file(const char *path)
{
        g_autoptr(GError) err = NULL;
        char *data = NULL;

        g_file_get_contents(path, &data, NULL, &err);
        g_assert_no_error(err);
        return data;
}

static void test_valid(gconstpointer data)
{
        const golden_case *c = data;
        g_autofree char *in = read_file(c->input);
        g_autofree char *out = c->ops->roundtrip(in, strlen(in));
        g_autofree char *expected = NULL;
        g_autofree char *again = NULL;

        if (!out)
                g_error("%s: refused: %s", c->input, vctl_error_message());
        if (regenerate())
                g_assert_true(g_file_set_contents(c->expected, out, -1, NULL));
        expected = read_file(c->expected);
        g_assert_cmpstr(out, ==, expected);
        /* what vctl writes must read back to the same definition */
        again = c->ops->roundtrip(expected, strlen(expected));
        if (!again)
                g_error("%s: formatted output refused: %s", c->expected, vctl_error_message());
        g_assert_cmpstr(again, ==, expected);
}

static void test_invalid(gconstpointer data)
{
        const golden_case *c = data;
        g_autofree char *in = read_file(c->input);
        g_autofree char *out = NULL;
        g_autofree char *expected = NULL;

        vctl_error_clear();
        out = c->ops->roundtrip(in, strlen(in));
        if (out)
                g_error("%s: accepted but must be refused; it formats as:\n%s", c->input, out);
        g_assert_nonnull(vctl_error_last());
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_XML_ERROR);
        if (regenerate()) {
                g_autofree char *line = g_strdup_printf("%s\n", vctl_error_message());

                g_assert_true(g_file_set_contents(c->expected, line, -1, NULL));
        }
        expected = g_strstrip(read_file(c->expected));
        g_assert_cmpstr(vctl_error_message(), ==, expected);
}

static int add_dir(const kind_ops *ops, const char *dir, gboolean invalid)
{
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *n;

        if (!d)
                return 0;
        while ((n = g_dir_read_name(d))) {
                if (g_str_has_suffix(n, ".xml") && !g_str_has_suffix(n, ".out.xml"))
                        g_ptr_array_add(names, g_strdup(n));
        }
        g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
        for (guint i = 0; i < names->len; i++) {
                const char *name = g_ptr_array_index(names, i);
                g_autofree char *stem = g_strndup(name, strlen(name) - 4);
                g_autofree char *path = g_strdup_printf("/conf/%s/%s%s", ops->dir,
                                                        invalid ? "invalid/" : "", stem);
                golden_case *c = g_new0(golden_case, 1);

                c->ops = ops;
                c->input = g_build_filename(dir, name, NULL);
                c->expected = g_strdup_printf("%s/%s%s", dir, stem, invalid ? ".err" : ".out.xml");
                g_test_add_data_func_full(path, c, invalid ? test_invalid : test_valid,
                                          golden_case_free);
        }
        return (int)names->len;
}

/* Counts of cases per kind, so a lost data directory fails loudly. */
static int found[G_N_ELEMENTS(kinds)][2];

static void test_cases_found(gconstpointer data)
{
        const int *n = data;

        g_assert_cmpint(n[0], >=, 6);
        g_assert_cmpint(n[1], >=, 5);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
                g_autofree char *dir = g_test_build_filename(G_TEST_DIST, "data", kinds[i].dir, NULL);
                g_autofree char *bad = g_build_filename(dir, "invalid", NULL);
                g_autofree char *path = g_strdup_printf("/conf/%s/cases-found", kinds[i].dir);

                found[i][0] = add_dir(&kinds[i], dir, FALSE);
                found[i][1] = add_dir(&kinds[i], bad, TRUE);
                g_test_add_data_func(path, found[i], test_cases_found);
        }
        return g_test_run();
}

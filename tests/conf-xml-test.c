/* conf/xml.c: safe reading (no DTD, no entities, no network, size and depth
 * limits), strict consumption checks, accessors and formatting. */
#include "config.h"

#include "conf/xml.h"
#include "lib/util/error.h"
#include "lib/util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads xml and returns the first issue as "line N: message" (or NULL). */
static char *read_issue(const char *xml, size_t len)
{
        conf_ctx ctx;
        xmlDoc *doc;
        char *issue = NULL;

        conf_ctx_init(&ctx, "test");
        doc = conf_xml_read(&ctx, xml, len);
        if (doc)
                xmlFreeDoc(doc);
        else
                g_assert_true(conf_failed(&ctx));
        if (conf_failed(&ctx))
                issue = conf_issue_to_string(g_ptr_array_index(ctx.issues, 0));
        conf_ctx_clear(&ctx);
        return issue;
}

static void test_read_plain(void)
{
        const char *xml = "<?xml version='1.0'?>\n<a x='1'><b>t&amp;&lt;</b><!-- c --></a>";

        g_assert_null(read_issue(xml, strlen(xml)));
}

static void test_read_malformed(void)
{
        const char *xml = "<a>\n<b>\n</a>";
        g_autofree char *issue = read_issue(xml, strlen(xml));

        g_assert_nonnull(issue);
        g_assert_true(g_str_has_prefix(issue, "line 3: malformed XML: "));
}

static void test_read_empty(void)
{
        g_autofree char *issue = read_issue("", 0);

        g_assert_cmpstr(issue, ==, "the document is empty");
}

static void test_entity_bomb(void)
{
        GString *s = g_string_new("<?xml version='1.0'?>\n<!DOCTYPE domain [\n<!ENTITY l0 'ha'>\n");
        g_autofree char *issue = NULL;
        gint64 start;

        for (int i = 1; i < 30; i++)
                g_string_append_printf(s, "<!ENTITY l%d '&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;'>\n",
                                       i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        g_string_append(s, "]>\n<domain><name>&l29;</name></domain>\n");
        start = g_get_monotonic_time();
        issue = read_issue(s->str, s->len);
        /* a bound against a hang, not a benchmark: expansion would take ages */
        g_assert_cmpint(g_get_monotonic_time() - start, <, 2 * G_USEC_PER_SEC);
        g_assert_cmpstr(issue, ==,
                        "line 2: a document type declaration (<!DOCTYPE>) is not allowed");
        g_string_free(s, TRUE);
}

/* An external entity or DTD pointing at a FIFO: were it ever opened, the open
 * would block (no writer), so the subprocess's time limit catches any read. */
static void test_external_entity_not_read(void)
{
        if (g_test_subprocess()) {
                g_autofree char *dir = g_dir_make_tmp("vctl-xxe-XXXXXX", NULL);
                g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
                g_autofree char *xxe = NULL, *dtd = NULL, *i1 = NULL, *i2 = NULL;

                g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
                xxe = g_strdup_printf("<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY x SYSTEM "
                                      "'file://%s'>]>\n<domain>&x;</domain>",
                                      fifo);
                dtd = g_strdup_printf("<!DOCTYPE domain SYSTEM '%s'>\n<domain/>", fifo);
                i1 = read_issue(xxe, strlen(xxe));
                i2 = read_issue(dtd, strlen(dtd));
                g_unlink(fifo);
                g_rmdir(dir);
                g_assert_cmpstr(i1, ==,
                                "line 2: a document type declaration (<!DOCTYPE>) is not allowed");
                g_assert_cmpstr(i2, ==,
                                "line 1: a document type declaration (<!DOCTYPE>) is not allowed");
                return;
        }
        g_test_trap_subprocess(NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
}

static void test_undefined_entity(void)
{
        const char *xml = "<domain>\n<name>&x;</name></domain>";
        g_autofree char *issue = read_issue(xml, strlen(xml));

        g_assert_nonnull(issue);
        g_assert_true(g_str_has_prefix(issue, "line 2: malformed XML: "));
}

static void test_size_limit(void)
{
        /* the length alone refuses it: nothing of the 100 MB is looked at */
        size_t len = 100u * 1024 * 1024;
        g_autofree char *issue = read_issue("<a/>", len);

        g_assert_cmpstr(issue, ==, "the document is 104857600 bytes; the limit is 8388608 bytes");
}

static void test_size_limit_file(void)
{
        g_autofree char *dir = g_dir_make_tmp("vctl-big-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "big.xml", NULL);
        g_autofree char *data = NULL;
        int fd;

        /* a sparse 100 MB file: refused from its size, before any read */
        fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        g_assert_cmpint(fd, >=, 0);
        g_assert_cmpint(ftruncate(fd, 100 * 1024 * 1024), ==, 0);
        close(fd);
        g_assert_cmpint(vctl_file_read_bounded(path, CONF_XML_MAX_SIZE, &data, NULL), ==, -EFBIG);
        g_assert_null(data);
        g_unlink(path);
        g_rmdir(dir);
}

static char *nested(int depth)
{
        GString *s = g_string_new(NULL);

        for (int i = 0; i < depth; i++)
                g_string_append(s, "<a>");
        for (int i = 0; i < depth; i++)
                g_string_append(s, "</a>");
        return g_string_free(s, FALSE);
}

static void test_depth_limit(void)
{
        g_autofree char *ok = nested(CONF_XML_MAX_DEPTH);
        g_autofree char *deep = nested(CONF_XML_MAX_DEPTH + 1);
        g_autofree char *very_deep = nested(100000);
        g_autofree char *i1 = read_issue(ok, strlen(ok));
        g_autofree char *i2 = read_issue(deep, strlen(deep));
        g_autofree char *i3 = read_issue(very_deep, strlen(very_deep));

        g_assert_null(i1);
        g_assert_cmpstr(i2, ==, "line 1: elements are nested deeper than the limit of 64");
        g_assert_cmpstr(i3, ==, "line 1: elements are nested deeper than the limit of 64");
}

/* A tiny parser for <thing name=..><size unit=..>N</size><kind v=..></thing>. */
typedef struct thing {
        char *name;
        unsigned long long size_kib;
        int kind;
        int flag;
} thing;

static void thing_free(thing *t)
{
        if (!t)
                return;
        g_free(t->name);
        g_free(t);
}

static void *thing_parse(conf_ctx *ctx, xmlNode *root)
{
        static const char *const kinds[] = { "", "alpha", "beta", NULL };
        thing *t = g_new0(thing, 1);
        xmlNode *k;

        t->name = g_strdup(conf_attr_req(ctx, root, "name"));
        if (t->name)
                ctx->name = g_strdup(t->name);
        conf_child_scaled(ctx, root, "size", 1024, 1024, 1ULL << 40, &t->size_kib);
        k = conf_child(ctx, root, "kind", TRUE);
        if (k)
                t->kind = conf_attr_enum(ctx, k, "v", kinds, 0);
        t->flag = conf_attr_yesno(ctx, root, "flag", 0);
        return t;
}

static thing *thing_read(const char *xml, GPtrArray **issues)
{
        return conf_parse_document("thing", "thing", xml, strlen(xml), thing_parse,
                                   (GDestroyNotify)thing_free, issues);
}

static void test_parse_document_ok(void)
{
        thing *t = thing_read("<thing name='x' flag='yes'><size unit='MiB'>2</size>"
                              "<kind v='beta'/></thing>",
                              NULL);

        g_assert_nonnull(t);
        g_assert_cmpstr(t->name, ==, "x");
        g_assert_cmpuint(t->size_kib, ==, 2048);
        g_assert_cmpint(t->kind, ==, 2);
        g_assert_cmpint(t->flag, ==, 1);
        thing_free(t);
}

static void test_parse_document_unconsumed(void)
{
        g_autoptr(GPtrArray) issues = NULL;
        thing *t = thing_read("<thing name='x' colour='red'>\n"
                              "  <size>1</size>\n"
                              "  <extra/>\n"
                              "  stray text\n"
                              "  <kind v='alpha'><deeper/></kind>\n"
                              "</thing>",
                              &issues);

        g_assert_null(t);
        g_assert_cmpuint(issues->len, ==, 4);
        g_assert_cmpstr(vctl_error_message(), ==,
                        "thing 'x': line 1: unsupported attribute 'colour' of <thing> (and 3 more "
                        "errors)");
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_XML_ERROR);
        g_assert_cmpstr(((conf_issue *)issues->pdata[1])->message, ==,
                        "unsupported element <extra> in <thing>");
        g_assert_cmpint(((conf_issue *)issues->pdata[1])->line, ==, 3);
        g_assert_cmpstr(((conf_issue *)issues->pdata[2])->message, ==,
                        "unexpected text 'stray text' in <thing>");
        g_assert_cmpstr(((conf_issue *)issues->pdata[3])->message, ==,
                        "unsupported element <deeper> in <kind>");
        g_assert_cmpint(((conf_issue *)issues->pdata[3])->line, ==, 5);
}

static void test_parse_document_semantic(void)
{
        static const struct {
                const char *xml;
                const char *message;
        } cases[] = {
                { "<thing/>", "thing XML: line 1: missing attribute 'name' of <thing>" },
                { "<thing name='x'><kind v='gamma'/></thing>",
                  "thing 'x': line 1: invalid value 'gamma' for attribute 'v' of <kind> (expected "
                  "one of 'alpha', 'beta')" },
                { "<thing name='x' flag='maybe'/>",
                  "thing 'x': line 1: invalid value 'maybe' for attribute 'flag' of <thing> "
                  "(expected 'yes' or 'no')" },
                { "<thing name='x'><size unit='parsec'>1</size></thing>",
                  "thing 'x': line 1: unknown unit 'parsec' in <size> (use b, KiB, MiB, GiB, TiB, "
                  "KB, MB, GB or TB)" },
                { "<thing name='x'><size>-1</size></thing>",
                  "thing 'x': line 1: invalid value '-1' in <size> (expected a number)" },
                { "<thing name='x'><size unit='TiB'>2</size></thing>",
                  "thing 'x': line 1: value 2 TiB in <size> is larger than the limit of "
                  "1099511627776 bytes" },
                { "<thing name='x'><kind/><kind/></thing>",
                  "thing 'x': line 1: duplicate element <kind> in <thing>" },
                { "<other/>", "thing XML: line 1: expected a <thing> element at the top, found <other>" },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                thing *t = thing_read(cases[i].xml, NULL);

                g_assert_null(t);
                g_assert_cmpstr(vctl_error_message(), ==, cases[i].message);
        }
}

static void test_attr_uint(void)
{
        conf_ctx ctx;
        xmlDoc *doc;
        xmlNode *root;
        unsigned long long v = 0;
        const char *xml = "<a dec='42' hex='0x1f' big='300' bad='4x'/>";

        conf_ctx_init(&ctx, "test");
        doc = conf_xml_read(&ctx, xml, strlen(xml));
        root = xmlDocGetRootElement(doc);
        g_assert_true(conf_attr_uint(&ctx, root, "dec", 255, &v));
        g_assert_cmpuint(v, ==, 42);
        g_assert_true(conf_attr_uint(&ctx, root, "hex", 255, &v));
        g_assert_cmpuint(v, ==, 31);
        g_assert_false(conf_attr_uint(&ctx, root, "missing", 255, &v));
        g_assert_false(conf_failed(&ctx));
        g_assert_false(conf_attr_uint(&ctx, root, "big", 255, &v));
        g_assert_false(conf_attr_uint(&ctx, root, "bad", 255, &v));
        g_assert_cmpuint(ctx.issues->len, ==, 2);
        g_assert_cmpstr(((conf_issue *)ctx.issues->pdata[0])->message, ==,
                        "value '300' of attribute 'big' of <a> is larger than 255");
        g_assert_cmpstr(((conf_issue *)ctx.issues->pdata[1])->message, ==,
                        "invalid value '4x' for attribute 'bad' of <a> (expected a number)");
        xmlFreeDoc(doc);
        conf_ctx_clear(&ctx);
}

static void test_node_dump_namespaces(void)
{
        conf_ctx ctx;
        xmlDoc *doc;
        xmlNode *meta, *child;
        g_autofree char *dump = NULL;
        conf_buf b;
        g_autofree char *out = NULL;
        const char *xml = "<metadata xmlns:os='http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
                          "<os:libosinfo><os:os id='http://debian.org/debian/12'/></os:libosinfo>"
                          "</metadata>";

        conf_ctx_init(&ctx, "test");
        doc = conf_xml_read(&ctx, xml, strlen(xml));
        meta = xmlDocGetRootElement(doc);
        child = conf_first(meta, NULL);
        /* the namespace is declared on the parent: the dump must carry it */
        dump = conf_xml_node_dump(child);
        g_assert_nonnull(strstr(dump, "xmlns:os=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\""));
        conf_buf_init(&b);
        b.indent = 2;
        conf_buf_verbatim(&b, dump);
        out = conf_buf_steal(&b);
        g_assert_cmpstr(out, ==,
                        "    <os:libosinfo "
                        "xmlns:os=\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
                        "      <os:os id=\"http://debian.org/debian/12\"/>\n"
                        "    </os:libosinfo>\n");
        xmlFreeDoc(doc);
        conf_ctx_clear(&ctx);
}

static void test_buf_escaping(void)
{
        conf_buf b;
        g_autofree char *out = NULL;
        g_autoptr(GString) attrs = g_string_new(NULL);

        conf_buf_init(&b);
        conf_buf_push(&b, "<disk name='%s'>", "a'b<c>&d");
        conf_attr_add(attrs, "file", "/x/'y'");
        conf_attr_add(attrs, "skipped", NULL);
        conf_attr_addf(attrs, "n", "%d", 5);
        conf_buf_add_raw(&b, "<source%s/>", attrs->str);
        conf_buf_text_elem(&b, "serial", "<&>");
        conf_buf_text_elem(&b, "absent", NULL);
        conf_buf_pop(&b, "</disk>");
        out = conf_buf_steal(&b);
        g_assert_cmpstr(out, ==,
                        "<disk name='a&apos;b&lt;c&gt;&amp;d'>\n"
                        "  <source file='/x/&apos;y&apos;' n='5'/>\n"
                        "  <serial>&lt;&amp;&gt;</serial>\n"
                        "</disk>\n");
}

static void test_issue_limit(void)
{
        GString *s = g_string_new("<thing name='x'>");
        g_autoptr(GPtrArray) issues = NULL;

        for (int i = 0; i < 500; i++)
                g_string_append(s, "<junk/>");
        g_string_append(s, "</thing>");
        g_assert_null(thing_read(s->str, &issues));
        g_assert_cmpuint(issues->len, ==, CONF_XML_MAX_ISSUES);
        g_string_free(s, TRUE);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/conf/xml/read-plain", test_read_plain);
        g_test_add_func("/conf/xml/read-malformed", test_read_malformed);
        g_test_add_func("/conf/xml/read-empty", test_read_empty);
        g_test_add_func("/conf/xml/entity-bomb", test_entity_bomb);
        g_test_add_func("/conf/xml/external-entity-not-read", test_external_entity_not_read);
        g_test_add_func("/conf/xml/undefined-entity", test_undefined_entity);
        g_test_add_func("/conf/xml/size-limit", test_size_limit);
        g_test_add_func("/conf/xml/size-limit-file", test_size_limit_file);
        g_test_add_func("/conf/xml/depth-limit", test_depth_limit);
        g_test_add_func("/conf/xml/document-ok", test_parse_document_ok);
        g_test_add_func("/conf/xml/document-unconsumed", test_parse_document_unconsumed);
        g_test_add_func("/conf/xml/document-semantic", test_parse_document_semantic);
        g_test_add_func("/conf/xml/attr-uint", test_attr_uint);
        g_test_add_func("/conf/xml/node-dump-namespaces", test_node_dump_namespaces);
        g_test_add_func("/conf/xml/buf-escaping", test_buf_escaping);
        g_test_add_func("/conf/xml/issue-limit", test_issue_limit);
        return g_test_run();
}

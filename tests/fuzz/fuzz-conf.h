/* The XML harnesses share one body: parse; when the document is valid,
 * format it, parse the formatted text again and format that: both must
 * succeed and agree (a definition never changes by being saved and read),
 * and the formatted text must validate against vctl's schema of its kind
 * (conf/schemas) and, with VCTL_FUZZ_LIBVIRT_SCHEMA set, libvirt's where
 * installed. */
#pragma once

#include "tests/fuzz/fuzz.h"
#include "lib/util/error.h"

#include <glib.h>
#include <stdbool.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <stdio.h>
#include <string.h>

typedef void *(*fuzz_conf_parse_fn)(const char *xml, size_t len, GPtrArray **ret_issues);
typedef char *(*fuzz_conf_format_fn)(const void *def);

#ifndef FUZZ_SCHEMA_DIR
#error "FUZZ_SCHEMA_DIR must name conf/schemas"
#endif

static void fuzz_conf_schema_quiet(void *ctx, const char *msg, ...)
{
}

/* libvirt's own schemas, same file names (Debian's libvirt0). */
#define FUZZ_LIBVIRT_SCHEMA_DIR "/usr/share/libvirt/schemas"

/* The schema dir/file, parsed once (never freed); NULL when dir/file does
 * not exist and may be missing. */
static inline xmlRelaxNG *fuzz_conf_schema(const char *dir, const char *file, bool required)
{
        static GHashTable *schemas;
        static GMutex lock;
        char *path = g_build_filename(dir, file, NULL);
        xmlRelaxNG *schema = NULL;

        g_mutex_lock(&lock);
        if (!schemas)
                schemas = g_hash_table_new(g_str_hash, g_str_equal);
        if (g_hash_table_lookup_extended(schemas, path, NULL, (gpointer *)&schema)) {
                g_free(path);
        } else if (!required && !g_file_test(path, G_FILE_TEST_EXISTS)) {
                g_hash_table_insert(schemas, path, NULL);
        } else {
                xmlRelaxNGParserCtxt *pctx = xmlRelaxNGNewParserCtxt(path);

                schema = xmlRelaxNGParse(pctx);
                xmlRelaxNGFreeParserCtxt(pctx);
                if (!schema)
                        fprintf(stderr, "cannot read the schema %s\n", path);
                FUZZ_ASSERT(schema != NULL);
                g_hash_table_insert(schemas, path, schema);
        }
        g_mutex_unlock(&lock);
        return schema;
}

static inline void fuzz_conf_validate(xmlRelaxNG *schema, const char *what, const char *xml)
{
        xmlRelaxNGValidCtxt *vctx = xmlRelaxNGNewValidCtxt(schema);
        xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "formatted.xml", NULL, XML_PARSE_NONET);
        int r;

        FUZZ_ASSERT(doc != NULL);
        xmlRelaxNGSetValidErrors(vctx, fuzz_conf_schema_quiet, fuzz_conf_schema_quiet, NULL);
        r = xmlRelaxNGValidateDoc(vctx, doc);
        if (r != 0)
                fprintf(stderr, "formatted XML does not validate against %s:\n%s\n", what, xml);
        FUZZ_ASSERT(r == 0);
        xmlFreeDoc(doc);
        xmlRelaxNGFreeValidCtxt(vctx);
}

static inline void fuzz_conf_one(const uint8_t *data, size_t size, fuzz_conf_parse_fn parse,
                                 fuzz_conf_format_fn format, GDestroyNotify free_fn,
                                 const char *schema_file)
{
        GPtrArray *issues = NULL;
        xmlRelaxNG *libvirt_schema;
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
        fuzz_conf_validate(fuzz_conf_schema(FUZZ_SCHEMA_DIR, schema_file, true), schema_file, xml);
        /* opt-in: vctl keeps some elements verbatim (<address>, <tpm>) that
         * libvirt's schema checks in detail */
        libvirt_schema = g_getenv("VCTL_FUZZ_LIBVIRT_SCHEMA")
                                 ? fuzz_conf_schema(FUZZ_LIBVIRT_SCHEMA_DIR, schema_file, false)
                                 : NULL;
        if (libvirt_schema)
                fuzz_conf_validate(libvirt_schema, "libvirt's schema", xml);
        g_free(xml2);
        g_free(xml);
        free_fn(again);
        free_fn(def);
}

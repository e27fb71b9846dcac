/* Output helpers: virsh-style tables and key/value lines, and JSON. */
#include "config.h"

#include "vctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct vctl_table {
        GPtrArray *rows; /* of GStrv; the first is the header */
};

static GStrv table_row(const char *first, va_list ap)
{
        GPtrArray *cells = g_ptr_array_new();

        for (const char *c = first; c; c = va_arg(ap, const char *))
                g_ptr_array_add(cells, g_strdup(c));
        g_ptr_array_add(cells, NULL);
        return (GStrv)g_ptr_array_free(cells, FALSE);
}

vctl_table *vctl_table_new(const char *first_header, ...)
{
        vctl_table *t = g_new0(vctl_table, 1);
        va_list ap;

        t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
        va_start(ap, first_header);
        g_ptr_array_add(t->rows, table_row(first_header, ap));
        va_end(ap);
        return t;
}

void vctl_table_add_row(vctl_table *t, const char *first_cell, ...)
{
        va_list ap;

        va_start(ap, first_cell);
        g_ptr_array_add(t->rows, table_row(first_cell, ap));
        va_end(ap);
}

void vctl_table_free(vctl_table *t)
{
        if (!t)
                return;
        g_ptr_array_unref(t->rows);
        g_free(t);
}

static void table_print_row(GStrv row, const gsize *widths, guint ncols)
{
        GString *line = g_string_new(" ");

        for (guint c = 0; c < ncols; c++) {
                const char *cell = row[c] ? row[c] : "";

                g_string_append(line, cell);
                if (c + 1 < ncols) {
                        /* pad by characters, not bytes, for UTF-8 names */
                        for (gsize n = g_utf8_strlen(cell, -1); n < widths[c] + 3; n++)
                                g_string_append_c(line, ' ');
                }
        }
        puts(line->str);
        g_string_free(line, TRUE);
}

void vctl_table_print(vctl_table *t)
{
        GStrv header = g_ptr_array_index(t->rows, 0);
        guint ncols = g_strv_length(header);
        g_autofree gsize *widths = g_new0(gsize, ncols);
        gsize total = 1;

        for (guint r = 0; r < t->rows->len; r++) {
                GStrv row = g_ptr_array_index(t->rows, r);

                for (guint c = 0; c < ncols && row[c]; c++)
                        widths[c] = MAX(widths[c], (gsize)g_utf8_strlen(row[c], -1));
        }
        for (guint c = 0; c < ncols; c++)
                total += widths[c] + (c + 1 < ncols ? 3 : 2);
        table_print_row(header, widths, ncols);
        for (gsize i = 0; i < total; i++)
                putchar('-');
        putchar('\n');
        for (guint r = 1; r < t->rows->len; r++)
                table_print_row(g_ptr_array_index(t->rows, r), widths, ncols);
        putchar('\n');
}

void vctl_print_field(const char *key, const char *fmt, ...)
{
        g_autofree char *value = NULL;
        va_list ap;

        va_start(ap, fmt);
        value = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        printf("%-15s %s\n", key, value);
}

void vctl_print_json(JsonBuilder *builder)
{
        g_autoptr(JsonNode) root = json_builder_get_root(builder);
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autofree char *text = NULL;

        json_generator_set_pretty(gen, TRUE);
        json_generator_set_indent(gen, 2);
        json_generator_set_root(gen, root);
        text = json_generator_to_data(gen, NULL);
        puts(text);
}

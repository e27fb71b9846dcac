#include "config.h"

#include "xml.h"
#include "lib/util/error.h"
#include "lib/util/name.h"
#include "lib/util/uuid.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlsave.h>
#include <string.h>

/* node->_private marks what a parser consumed; libxml2 leaves it to us */
#define CONSUMED ((void *)1)

void conf_ctx_init(conf_ctx *ctx, const char *kind)
{
        ctx->kind = kind;
        ctx->name = NULL;
        ctx->issues = g_ptr_array_new_with_free_func((GDestroyNotify)conf_issue_free);
}

void conf_ctx_clear(conf_ctx *ctx)
{
        g_clear_pointer(&ctx->name, g_free);
        g_clear_pointer(&ctx->issues, g_ptr_array_unref);
}

void conf_issue_free(conf_issue *issue)
{
        if (!issue)
                return;
        g_free(issue->message);
        g_free(issue);
}

static void issue_add(conf_ctx *ctx, int line, char *message)
{
        conf_issue *issue;

        if (ctx->issues->len >= CONF_XML_MAX_ISSUES) {
                g_free(message);
                return;
        }
        issue = g_new0(conf_issue, 1);
        issue->line = line;
        issue->message = message;
        g_ptr_array_add(ctx->issues, issue);
}

void conf_err(conf_ctx *ctx, const xmlNode *node, const char *fmt, ...)
{
        va_list ap;
        char *msg;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        issue_add(ctx, node ? (int)xmlGetLineNo(node) : 0, msg);
}

gboolean conf_failed(const conf_ctx *ctx)
{
        return ctx->issues->len > 0;
}

char *conf_issue_to_string(const conf_issue *issue)
{
        if (issue->line > 0)
                return g_strdup_printf(_("line %d: %s"), issue->line, issue->message);
        return g_strdup(issue->message);
}

/* ---- reading the document ---- */

typedef struct read_state {
        conf_ctx *ctx;
        gboolean refused; /* a limit or DTD stopped the parser; the reason is recorded */
        startElementNsSAX2Func start_element;
} read_state;

static void read_refuse(xmlParserCtxtPtr pctx, read_state *st, char *message)
{
        if (!st->refused)
                issue_add(st->ctx, xmlSAX2GetLineNumber(pctx), message);
        else
                g_free(message);
        st->refused = TRUE;
        xmlStopParser(pctx);
}

static void read_internal_subset(void *user, const xmlChar *name, const xmlChar *external_id,
                                 const xmlChar *system_id)
{
        xmlParserCtxtPtr pctx = user;

        /* no DTD at all: that rules out entity bombs and external entities alike */
        read_refuse(pctx, pctx->_private,
                    g_strdup(_("a document type declaration (<!DOCTYPE>) is not allowed")));
}

static void read_start_element(void *user, const xmlChar *localname, const xmlChar *prefix,
                               const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                               int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
        xmlParserCtxtPtr pctx = user;
        read_state *st = pctx->_private;

        /* nameNr counts the open ancestors of the element starting now */
        if (pctx->nameNr >= CONF_XML_MAX_DEPTH) {
                read_refuse(pctx, st,
                            g_strdup_printf(_("elements are nested deeper than the limit of %d"),
                                            CONF_XML_MAX_DEPTH));
                return;
        }
        st->start_element(user, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
}

static void read_structured_error(void *user, xmlErrorPtr error)
{
        xmlParserCtxtPtr pctx = user;
        read_state *st = pctx->_private;
        g_autofree char *msg = NULL;

        if (!error || error->level < XML_ERR_ERROR || st->refused)
                return;
        msg = g_strchomp(g_strdup(error->message ? error->message : _("malformed XML")));
        issue_add(st->ctx, error->line, g_strdup_printf(_("malformed XML: %s"), msg));
}

xmlDoc *conf_xml_read(conf_ctx *ctx, const char *xml, size_t len)
{
        read_state st = { .ctx = ctx };
        xmlParserCtxtPtr pctx;
        xmlDoc *doc;

        if (len > CONF_XML_MAX_SIZE) {
                conf_err(ctx, NULL, _("the document is %zu bytes; the limit is %u bytes"), len,
                         CONF_XML_MAX_SIZE);
                return NULL;
        }
        if (len == 0 || !xml) {
                conf_err(ctx, NULL, _("the document is empty"));
                return NULL;
        }
        pctx = xmlNewParserCtxt();
        if (!pctx) {
                conf_err(ctx, NULL, _("out of memory creating the XML parser"));
                return NULL;
        }
        pctx->_private = &st;
        st.start_element = pctx->sax->startElementNs;
        pctx->sax->startElementNs = read_start_element;
        pctx->sax->internalSubset = read_internal_subset;
        pctx->sax->externalSubset = NULL;
        pctx->sax->resolveEntity = NULL;
        pctx->sax->serror = read_structured_error;
        doc = xmlCtxtReadMemory(pctx, xml, (int)len, "definition.xml", "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_BIG_LINES |
                                        XML_PARSE_NOWARNING);
        if (doc && (st.refused || !pctx->wellFormed || conf_failed(ctx))) {
                xmlFreeDoc(doc);
                doc = NULL;
        }
        if (!doc && !conf_failed(ctx))
                conf_err(ctx, NULL, _("malformed XML"));
        xmlFreeParserCtxt(pctx);
        return doc;
}

static const char *node_name(const xmlNode *node)
{
        return (const char *)node->name;
}

/* Reports, once per subtree, whatever no parser consumed. */
static void check_consumed(conf_ctx *ctx, xmlNode *node)
{
        for (xmlAttr *a = node->properties; a; a = a->next) {
                if (a->_private == CONSUMED)
                        continue;
                conf_err(ctx, node, _("unsupported attribute '%s' of <%s>"), (const char *)a->name,
                         node_name(node));
        }
        for (xmlNode *c = node->children; c; c = c->next) {
                switch (c->type) {
                case XML_ELEMENT_NODE:
                        if (c->_private != CONSUMED) {
                                conf_err(ctx, c, _("unsupported element <%s> in <%s>"),
                                         node_name(c), node_name(node));
                                continue;
                        }
                        check_consumed(ctx, c);
                        break;
                case XML_TEXT_NODE:
                case XML_CDATA_SECTION_NODE:
                        if (c->_private == CONSUMED)
                                break;
                        {
                                g_autofree char *t = g_strstrip(
                                        g_strdup((const char *)(c->content ? c->content : (xmlChar *)"")));

                                if (*t)
                                        conf_err(ctx, c, _("unexpected text '%.40s' in <%s>"), t,
                                                 node_name(node));
                        }
                        break;
                default: /* comments and processing instructions carry no data */
                        break;
                }
        }
}

void *conf_parse_document(const char *kind, const char *root_name, const char *xml, size_t len,
                          conf_root_parser parse, GDestroyNotify free_fn, GPtrArray **ret_issues)
{
        conf_ctx ctx;
        xmlDoc *doc;
        void *obj = NULL;

        conf_ctx_init(&ctx, kind);
        doc = conf_xml_read(&ctx, xml, len);
        if (doc) {
                xmlNode *root = xmlDocGetRootElement(doc);

                if (!root || strcmp(node_name(root), root_name) != 0) {
                        conf_err(&ctx, root, _("expected a <%s> element at the top, found <%s>"),
                                 root_name, root ? node_name(root) : "nothing");
                } else {
                        conf_consume(root);
                        obj = parse(&ctx, root);
                        check_consumed(&ctx, root);
                }
                xmlFreeDoc(doc);
        }
        if (conf_failed(&ctx)) {
                const conf_issue *first = g_ptr_array_index(ctx.issues, 0);
                g_autofree char *where = first->line > 0
                                                 ? g_strdup_printf(_("line %d: "), first->line)
                                                 : g_strdup("");
                g_autofree char *more =
                        ctx.issues->len > 1 ? g_strdup_printf(vctl_ngettext(" (and %u more error)",
                                                                            " (and %u more errors)",
                                                                            ctx.issues->len - 1),
                                                              ctx.issues->len - 1)
                                            : g_strdup("");

                if (ctx.name)
                        vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_XML, "%s '%s': %s%s%s",
                                       _(kind), ctx.name, where, first->message, more);
                else
                        vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_XML, _("%s XML: %s%s%s"),
                                       _(kind), where, first->message, more);
                if (obj && free_fn)
                        free_fn(obj);
                obj = NULL;
        }
        if (ret_issues)
                *ret_issues = g_steal_pointer(&ctx.issues);
        conf_ctx_clear(&ctx);
        return obj;
}

/* ---- accessors ---- */

void conf_consume(xmlNode *node)
{
        if (node)
                node->_private = CONSUMED;
}

void conf_consume_subtree(xmlNode *node)
{
        if (!node)
                return;
        node->_private = CONSUMED;
        for (xmlAttr *a = node->properties; a; a = a->next)
                a->_private = CONSUMED;
        for (xmlNode *c = node->children; c; c = c->next)
                conf_consume_subtree(c);
}

const char *conf_attr(xmlNode *node, const char *name)
{
        xmlAttr *a;

        if (!node)
                return NULL;
        a = xmlHasProp(node, (const xmlChar *)name);
        if (!a || a->type != XML_ATTRIBUTE_NODE)
                return NULL;
        a->_private = CONSUMED;
        /* without DTDs an attribute value is a single text node (or none) */
        if (!a->children || !a->children->content)
                return "";
        return (const char *)a->children->content;
}

const char *conf_attr_req(conf_ctx *ctx, xmlNode *node, const char *name)
{
        const char *v = conf_attr(node, name);

        if (!v)
                conf_err(ctx, node, _("missing attribute '%s' of <%s>"), name, node_name(node));
        return v;
}

static gboolean is_element(const xmlNode *n, const char *name)
{
        return n->type == XML_ELEMENT_NODE && (!name || strcmp(node_name(n), name) == 0);
}

xmlNode *conf_first(xmlNode *node, const char *name)
{
        if (!node)
                return NULL;
        for (xmlNode *c = node->children; c; c = c->next) {
                if (is_element(c, name)) {
                        c->_private = CONSUMED;
                        return c;
                }
        }
        return NULL;
}

xmlNode *conf_next(xmlNode *cur, const char *name)
{
        for (xmlNode *c = cur->next; c; c = c->next) {
                if (is_element(c, name)) {
                        c->_private = CONSUMED;
                        return c;
                }
        }
        return NULL;
}

xmlNode *conf_child(conf_ctx *ctx, xmlNode *node, const char *name, gboolean unique)
{
        xmlNode *first = conf_first(node, name);

        if (first && unique) {
                for (xmlNode *c = first->next; c; c = c->next) {
                        if (is_element(c, name)) {
                                /* one error for the duplicate, not one per attribute */
                                conf_consume_subtree(c);
                                conf_err(ctx, c, _("duplicate element <%s> in <%s>"), node_name(c),
                                         node_name(node));
                        }
                }
        }
        return first;
}

char *conf_text(xmlNode *node)
{
        GString *s = g_string_new(NULL);

        for (xmlNode *c = node->children; c; c = c->next) {
                if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
                        c->_private = CONSUMED;
                        if (c->content)
                                g_string_append(s, (const char *)c->content);
                }
        }
        return g_strstrip(g_string_free(s, FALSE));
}

char *conf_child_text(conf_ctx *ctx, xmlNode *node, const char *name)
{
        xmlNode *c = conf_child(ctx, node, name, TRUE);

        return c ? conf_text(c) : NULL;
}

char *conf_parse_name(conf_ctx *ctx, xmlNode *root)
{
        xmlNode *n = conf_child(ctx, root, "name", TRUE);
        g_autofree char *name = NULL;

        if (!n) {
                conf_err(ctx, root, _("missing <name> in <%s> (every %s needs a name)"),
                         node_name(root), _(ctx->kind));
                return NULL;
        }
        name = conf_text(n);
        if (vctl_name_validate(_(ctx->kind), name) < 0) {
                conf_err(ctx, n, "%s", vctl_error_message());
                return NULL;
        }
        ctx->name = g_strdup(name);
        return g_steal_pointer(&name);
}

void conf_parse_uuid(conf_ctx *ctx, xmlNode *root, unsigned char uuid[VCTL_UUID_LEN])
{
        xmlNode *n = conf_child(ctx, root, "uuid", TRUE);
        g_autofree char *text = NULL;

        if (!n) {
                vctl_uuid_generate(uuid);
                return;
        }
        text = conf_text(n);
        if (vctl_uuid_parse(text, uuid) < 0)
                conf_err(ctx, n,
                         _("invalid UUID '%s' in <uuid> (expected 32 hex digits such as "
                           "'c7a5fdbd-cdaf-9455-926a-d65c16db1809')"),
                         text);
}

int conf_attr_enum(conf_ctx *ctx, xmlNode *node, const char *name, const char *const *values,
                   int dflt)
{
        const char *v = conf_attr(node, name);
        g_autoptr(GString) allowed = NULL;

        if (!v)
                return dflt;
        for (int i = 0; values[i]; i++)
                if (strcmp(values[i], v) == 0)
                        return i;
        allowed = g_string_new(NULL);
        for (int i = 0; values[i]; i++) {
                if (!*values[i])
                        continue; /* "" is a placeholder for "not set" */
                g_string_append_printf(allowed, "%s'%s'", allowed->len ? ", " : "", values[i]);
        }
        conf_err(ctx, node, _("invalid value '%s' for attribute '%s' of <%s> (expected one of %s)"),
                 v, name, node_name(node), allowed->str);
        return -1;
}

int conf_attr_yesno(conf_ctx *ctx, xmlNode *node, const char *name, int dflt)
{
        const char *v = conf_attr(node, name);

        if (!v)
                return dflt;
        if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0)
                return 1;
        if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0)
                return 0;
        conf_err(ctx, node,
                 _("invalid value '%s' for attribute '%s' of <%s> (expected 'yes' or 'no')"), v,
                 name, node_name(node));
        return -1;
}

gboolean conf_attr_uint(conf_ctx *ctx, xmlNode *node, const char *name, unsigned long long max,
                        unsigned long long *ret)
{
        const char *v = conf_attr(node, name);
        unsigned long long n;
        int r;

        if (!v)
                return FALSE;
        if (g_str_has_prefix(v, "0x") && v[2]) {
                char *end = NULL;

                errno = 0;
                n = g_ascii_strtoull(v + 2, &end, 16);
                r = (*end || !g_ascii_isxdigit(v[2])) ? -EINVAL : (errno || n > max) ? -ERANGE : 0;
        } else {
                r = vctl_parse_ull(v, max, &n);
        }
        if (r == -ERANGE) {
                conf_err(ctx, node, _("value '%s' of attribute '%s' of <%s> is larger than %llu"),
                         v, name, node_name(node), max);
                return FALSE;
        }
        if (r < 0) {
                conf_err(ctx, node,
                         _("invalid value '%s' for attribute '%s' of <%s> (expected a number)"), v,
                         name, node_name(node));
                return FALSE;
        }
        *ret = n;
        return TRUE;
}

gboolean conf_child_scaled(conf_ctx *ctx, xmlNode *parent, const char *name,
                           unsigned long long default_scale, unsigned long long out_scale,
                           unsigned long long max_bytes, unsigned long long *ret)
{
        xmlNode *n = conf_child(ctx, parent, name, TRUE);
        g_autofree char *text = NULL;
        const char *unit;
        unsigned long long v, bytes;
        int r;

        if (!n)
                return FALSE;
        text = conf_text(n);
        unit = conf_attr(n, "unit");
        r = vctl_parse_ull(text, G_MAXUINT64, &v);
        if (r < 0) {
                conf_err(ctx, n, _("invalid value '%s' in <%s> (expected a number)"), text, name);
                return FALSE;
        }
        r = vctl_scale_unit(v, unit, default_scale, max_bytes, &bytes);
        if (r == -EINVAL) {
                conf_err(ctx, n,
                         _("unknown unit '%s' in <%s> (use b, KiB, MiB, GiB, TiB, KB, MB, GB or "
                           "TB)"),
                         unit, name);
                return FALSE;
        }
        if (r < 0) {
                conf_err(ctx, n, _("value %s%s%s in <%s> is larger than the limit of %llu bytes"),
                         text, unit ? " " : "", unit ? unit : "", name, max_bytes);
                return FALSE;
        }
        /* round up so a size given in bytes never shrinks */
        *ret = bytes / out_scale + (bytes % out_scale ? 1 : 0);
        return TRUE;
}

char *conf_xml_node_dump(xmlNode *node)
{
        xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
        xmlNode *copy = xmlDocCopyNode(node, doc, 1);
        xmlBuffer *buf = xmlBufferCreate();
        char *out;

        xmlDocSetRootElement(doc, copy);
        /* declare on the copy every namespace it inherited from above */
        xmlReconciliateNs(doc, copy);
        xmlNodeDump(buf, doc, copy, 0, 1);
        out = g_strdup((const char *)xmlBufferContent(buf));
        xmlBufferFree(buf);
        xmlFreeDoc(doc);
        return out;
}

/* ---- writing ---- */

void conf_buf_init(conf_buf *b)
{
        b->s = g_string_new(NULL);
        b->indent = 0;
}

char *conf_buf_steal(conf_buf *b)
{
        char *s = g_string_free(b->s, FALSE);

        b->s = NULL;
        return s;
}

static void buf_line(conf_buf *b, const char *text)
{
        for (int i = 0; i < b->indent; i++)
                g_string_append(b->s, "  ");
        g_string_append(b->s, text);
        g_string_append_c(b->s, '\n');
}

void conf_buf_add(conf_buf *b, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *line = NULL;

        va_start(ap, fmt);
        line = g_markup_vprintf_escaped(fmt, ap);
        va_end(ap);
        buf_line(b, line);
}

void conf_buf_push(conf_buf *b, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *line = NULL;

        va_start(ap, fmt);
        line = g_markup_vprintf_escaped(fmt, ap);
        va_end(ap);
        buf_line(b, line);
        b->indent++;
}

void conf_buf_pop(conf_buf *b, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *line = NULL;

        va_start(ap, fmt);
        line = g_markup_vprintf_escaped(fmt, ap);
        va_end(ap);
        if (b->indent > 0)
                b->indent--;
        buf_line(b, line);
}

void conf_buf_add_raw(conf_buf *b, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *line = NULL;

        va_start(ap, fmt);
        line = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        buf_line(b, line);
}

void conf_buf_verbatim(conf_buf *b, const char *xml)
{
        xmlDoc *doc;
        xmlBuffer *buf;

        /* re-dump at this depth: indenting line by line would change text content */
        doc = xmlReadMemory(xml, (int)strlen(xml), NULL, "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        if (!doc || !xmlDocGetRootElement(doc)) {
                xmlFreeDoc(doc);
                buf_line(b, xml);
                return;
        }
        buf = xmlBufferCreate();
        xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), b->indent, 1);
        buf_line(b, (const char *)xmlBufferContent(buf));
        xmlBufferFree(buf);
        xmlFreeDoc(doc);
}

void conf_buf_text_elem(conf_buf *b, const char *name, const char *text)
{
        if (text)
                conf_buf_add(b, "<%s>%s</%s>", name, text, name);
}

void conf_attr_add(GString *attrs, const char *name, const char *value)
{
        g_autofree char *esc = NULL;

        if (!value)
                return;
        esc = g_markup_escape_text(value, -1);
        g_string_append_printf(attrs, " %s='%s'", name, esc);
}

void conf_attr_addf(GString *attrs, const char *name, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *value = NULL;

        va_start(ap, fmt);
        value = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        conf_attr_add(attrs, name, value);
}

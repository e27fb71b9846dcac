/* Safe XML reading, strict tree walking and formatting shared by every
 * definition parser in conf/.
 *
 * Parsing is strict by construction: every accessor below marks the element
 * or attribute it read as consumed, and conf_parse_document() reports every
 * element, attribute or text that no parser consumed, with its line. So a
 * definition never loses what its author wrote without saying so. */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#define CONF_XML_MAX_SIZE (8u * 1024 * 1024) /* bytes in one document */
#define CONF_XML_MAX_DEPTH 64                /* nesting of elements */
#define CONF_XML_MAX_ISSUES 100              /* errors kept for one document */

typedef struct conf_issue {
        int line; /* 0 when not tied to a line */
        char *message;
} conf_issue;

typedef struct conf_ctx {
        const char *kind; /* "domain", "network", "storage pool", "storage volume" */
        char *name;       /* the object's name once known, for messages */
        GPtrArray *issues; /* of conf_issue */
} conf_ctx;

void conf_ctx_init(conf_ctx *ctx, const char *kind);
void conf_ctx_clear(conf_ctx *ctx);
void conf_issue_free(conf_issue *issue);

/* Records an error at node's line (node may be NULL). */
void conf_err(conf_ctx *ctx, const xmlNode *node, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
gboolean conf_failed(const conf_ctx *ctx);

/* One line per issue: "line 12: unsupported element <foo> in <devices>". */
char *conf_issue_to_string(const conf_issue *issue);

/* Parses a document with the network, DTDs and entities off and the size and
 * depth limits above. Syntax errors go into ctx; returns NULL on failure. */
xmlDoc *conf_xml_read(conf_ctx *ctx, const char *xml, size_t len);

typedef void *(*conf_root_parser)(conf_ctx *ctx, xmlNode *root);

/* The whole parse of one definition: read, check the root element is
 * root_name, run parse, then report whatever nothing consumed. On failure
 * returns NULL, frees the half-built object with free_fn, sets the thread's
 * last error (VCTL_ERR_XML_ERROR, the first issue and how many more) and, if
 * ret_issues is not NULL, hands over every issue. */
void *conf_parse_document(const char *kind, const char *root_name, const char *xml, size_t len,
                          conf_root_parser parse, GDestroyNotify free_fn, GPtrArray **ret_issues);

/* ---- reading: each accessor marks what it returns as consumed ---- */

/* Attribute value, or NULL when absent. Borrowed from the document. */
const char *conf_attr(xmlNode *node, const char *name);
/* Same, and an error "missing attribute 'name' of <elem>" when absent. */
const char *conf_attr_req(conf_ctx *ctx, xmlNode *node, const char *name);

/* First element child called name (NULL for any), or NULL. A second one of
 * the same name is reported as a duplicate when unique is TRUE. */
xmlNode *conf_child(conf_ctx *ctx, xmlNode *node, const char *name, gboolean unique);
/* Iteration over element children called name (NULL for every element). */
xmlNode *conf_first(xmlNode *node, const char *name);
xmlNode *conf_next(xmlNode *cur, const char *name);
#define conf_foreach(var, parent, name)                                                            \
        for (xmlNode *var = conf_first((parent), (name)); var; var = conf_next(var, (name)))

/* Text content of an element, stripped of surrounding blanks; newly allocated.
 * Marks the text as consumed. Returns "" for an empty element. */
char *conf_text(xmlNode *node);
/* Text of child element name (unique), or NULL when absent. */
char *conf_child_text(conf_ctx *ctx, xmlNode *node, const char *name);

/* The text of the root's <name>, checked with vctl_name_validate and kept in
 * ctx->name for messages; NULL (with an issue) when missing or invalid. */
char *conf_parse_name(conf_ctx *ctx, xmlNode *root);
/* The root's <uuid>, or a newly generated one when there is none. */
void conf_parse_uuid(conf_ctx *ctx, xmlNode *root, unsigned char uuid[16]);

/* Marks node and everything below it as consumed (for kept-verbatim parts). */
void conf_consume_subtree(xmlNode *node);
void conf_consume(xmlNode *node);

/* Index of value in the NULL-terminated list, or -1 with an error naming the
 * attribute, the element, the value and the allowed values. Absent: dflt. */
int conf_attr_enum(conf_ctx *ctx, xmlNode *node, const char *name, const char *const *values,
                   int dflt);
/* yes/no (and on/off): 1 or 0; dflt when absent; -1 with an error otherwise. */
int conf_attr_yesno(conf_ctx *ctx, xmlNode *node, const char *name, int dflt);
/* Unsigned decimal (or 0x hex when hex_ok) in [0, max]; returns FALSE (and
 * leaves *ret) when absent; an invalid one is reported and also gives FALSE. */
gboolean conf_attr_uint(conf_ctx *ctx, xmlNode *node, const char *name, unsigned long long max,
                        unsigned long long *ret);
/* Element text scaled with its unit attribute (libvirt's units), result in
 * units of out_scale bytes (1024 for KiB). FALSE when the element is absent. */
gboolean conf_child_scaled(conf_ctx *ctx, xmlNode *parent, const char *name,
                           unsigned long long default_scale, unsigned long long out_scale,
                           unsigned long long max_bytes, unsigned long long *ret);

/* The element, serialised on its own with the namespaces it uses, for
 * keeping verbatim (metadata, kept devices). */
char *conf_xml_node_dump(xmlNode *node);

/* ---- writing ---- */

typedef struct conf_buf {
        GString *s;
        int indent;
} conf_buf;

void conf_buf_init(conf_buf *b);
char *conf_buf_steal(conf_buf *b);
/* One line at the current indent. %s arguments are XML-escaped. */
void conf_buf_add(conf_buf *b, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* An opening tag line, then one level deeper. */
void conf_buf_push(conf_buf *b, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* One level shallower, then a closing tag line. */
void conf_buf_pop(conf_buf *b, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* One line at the current indent, without escaping (for pre-built attrs). */
void conf_buf_add_raw(conf_buf *b, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A kept element (from conf_xml_node_dump), re-indented to the current level. */
void conf_buf_verbatim(conf_buf *b, const char *xml);
/* <name>text</name> when text is not NULL. */
void conf_buf_text_elem(conf_buf *b, const char *name, const char *text);

/* Attribute builders: append " name='escaped value'" to attrs (skipped when
 * value is NULL). Use with conf_buf_add_raw(b, "<driver%s/>", attrs->str). */
void conf_attr_add(GString *attrs, const char *name, const char *value);
void conf_attr_addf(GString *attrs, const char *name, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/*
 * lines.c - the lines of clusters.jsonl and articles.jsonl (see lines.h).
 *
 * Everything here is formatting: a line is made from the scan's result
 * alone, plus the canonical's text for a cluster, so any thread can make
 * any line. Numbers are written with the jsontext.h writers rather than
 * printf, as a cluster may have millions of members and there are
 * hundreds of thousands of lines.
 */
#include "lines.h"

#include <string.h>

#include "jsontext.h"

/* Appends a string literal. */
#define LINE_LIT(b, lit) nd_buf_append((b), (lit), sizeof(lit) - 1)

/* Opens the object of paragraph p's bytes start..end (all of it, or a
 * glued part): its doc, para, start and end. */
static int line_span(nd_buf *b, const nd_result *res, uint32_t p,
                     uint64_t start, uint64_t end)
{
    const nd_para *pa = &res->paras[p];
    const char *id = res->ids + res->articles[pa->doc].id_off;
    int err = nd_buf_append(b, "{\"doc\":", 7);

    if (!err)
        err = nd_json_string(b, id, strlen(id));
    if (!err)
        err = nd_buf_append(b, ",\"para\":", 8);
    if (!err)
        err = nd_json_uint(b, pa->idx);
    if (!err)
        err = nd_buf_append(b, ",\"start\":", 9);
    if (!err)
        err = nd_json_uint(b, start);
    if (!err)
        err = nd_buf_append(b, ",\"end\":", 7);
    return err ? err : nd_json_uint(b, end);
}

/* Closes a member's object: its Jaccard and containment against the
 * canonical, and whether it is a glued part. (Clusters have millions of
 * members, so these numbers are written without printf.) */
static int line_ratios(nd_buf *b, float jaccard, float contain, int part)
{
    int err = nd_buf_append(b, ",\"jaccard\":", 11);

    if (!err)
        err = nd_json_fixed4(b, jaccard);
    if (!err)
        err = nd_buf_append(b, ",\"containment\":", 15);
    if (!err)
        err = nd_json_fixed4(b, contain);
    if (!err && part)
        err = nd_buf_append(b, ",\"part\":true", 12);
    return err ? err : nd_buf_putc(b, '}');
}

size_t nd_line_parts_from(const nd_result *res, uint32_t p)
{
    size_t lo = 0, hi = res->n_parts;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (res->parts[mid].para < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A key (with its comma and colon) and a whole number: articles.jsonl
 * has a line per sharing article and an entry per copy, too many for
 * printf (it was a seventh of pass 2's formatting). */
static int line_field(nd_buf *b, const char *key, uint64_t v)
{
    int err = nd_buf_append(b, key, strlen(key));

    return err ? err : nd_json_uint(b, v);
}

static int line_id(nd_buf *b, const nd_result *res, uint32_t doc)
{
    const char *id = res->ids + res->articles[doc].id_off;

    return nd_json_string(b, id, strlen(id));
}

int nd_line_article(const nd_result *res, nd_buf *b, size_t a)
{
    const nd_article *art = &res->articles[a];
    uint64_t dup = 0;
    uint32_t p, i;
    int err;

    if (!res->sharing[a])
        return 0;
    for (p = art->first; p < art->first + art->n; p++)
        if (res->paras[p].canon != p)
            dup += res->paras[p].end - res->paras[p].start;
    for (i = (uint32_t)nd_line_parts_from(res, art->first);
         i < res->n_parts && res->parts[i].para < art->first + art->n; i++)
        if (res->parts[i].side != ND_PART_NONE)
            dup += res->parts[i].end - res->parts[i].start;
    err = nd_buf_append(b, "{\"doc\":", 7);
    if (!err)
        err = line_id(b, res, (uint32_t)a);
    if (!err)
        err = nd_buf_append(b, ",\"source\":", 10);
    if (!err)
        err = art->source_off == ND_NO_SOURCE
                  ? nd_buf_append(b, "null", 4)
                  : nd_json_string(b, res->ids + art->source_off,
                                   strlen(res->ids + art->source_off));
    if (!err)
        err = line_field(b, ",\"paragraphs\":", art->n);
    if (!err)
        err = line_field(b, ",\"bytes\":", art->bytes);
    if (!err)
        err = line_field(b, ",\"duplicate_bytes\":", dup);
    if (!err)
        err = LINE_LIT(b, ",\"copy_of\":[");
    for (i = res->copy_off[a]; !err && i < res->copy_off[a + 1]; i++) {
        const nd_copy *c = &res->copies[i];

        if (i > res->copy_off[a])
            err = nd_buf_putc(b, ',');
        if (!err)
            err = nd_buf_append(b, "{\"doc\":", 7);
        if (!err)
            err = line_id(b, res, c->doc);
        if (!err)
            err = line_field(b, ",\"shared_bytes\":", c->shared_bytes);
        if (!err)
            err = LINE_LIT(b, ",\"share\":");
        if (!err)
            err = nd_json_fixed4d(b, c->share);
        if (!err)
            err = nd_buf_putc(b, '}');
    }
    if (!err)
        err = res->syndicated[a]
                  ? LINE_LIT(b, "],\"syndicated\":true}\n")
                  : LINE_LIT(b, "],\"syndicated\":false}\n");
    return err;
}

int nd_line_cluster(const nd_result *res, nd_buf *b, uint32_t p,
                    const char *ptext, const uint32_t *parts, size_t n_parts)
{
    const nd_para *pa = &res->paras[p];
    uint32_t c = res->cluster_of[p];
    uint32_t lo = res->member_off[c], hi = res->member_off[c + 1], i;
    uint32_t articles = 1, prev_doc = ND_NONE;
    size_t j = 0, k;
    int err;

    /* Members and parts come in paragraph order, so their articles come
     * sorted. */
    for (i = lo; i < hi || j < n_parts;) {
        uint32_t q;
        uint32_t d;

        if (j < n_parts && (i == hi || res->parts[parts[j]].para <
                                           res->members[i]))
            q = res->parts[parts[j++]].para;
        else
            q = res->members[i++];
        d = res->paras[q].doc;
        if (d != prev_doc && d != pa->doc)
            articles++;
        prev_doc = d;
    }
    err = line_field(b, "{\"cluster\":", c);
    if (!err)
        err = line_field(b, ",\"size\":", hi - lo + 1 + (uint32_t)n_parts);
    if (!err)
        err = line_field(b, ",\"articles\":", articles);
    if (!err)
        err = res->kind[c] == ND_KIND_BOILERPLATE
                  ? LINE_LIT(b, ",\"kind\":\"boilerplate\",\"canonical\":")
                  : LINE_LIT(b, ",\"kind\":\"shared\",\"canonical\":");
    if (!err)
        err = line_span(b, res, p, pa->start, pa->end);
    if (!err)
        err = nd_buf_append(b, ",\"text\":", 8);
    if (!err)
        err = nd_json_string(b, ptext, pa->end - pa->start);
    if (!err)
        err = nd_buf_append(b, "},\"members\":[", 13);
    for (i = lo, j = 0, k = 0; !err && (i < hi || j < n_parts); k++) {
        if (k)
            err = nd_buf_putc(b, ',');
        if (err)
            break;
        if (j < n_parts && (i == hi || res->parts[parts[j]].para <
                                           res->members[i])) {
            const nd_part *pt = &res->parts[parts[j++]];

            err = line_span(b, res, pt->para, pt->start, pt->end);
            if (!err)
                err = line_ratios(b, pt->jaccard, pt->contain, 1);
        } else {
            const nd_para *m = &res->paras[res->members[i]];

            err = line_span(b, res, res->members[i++], m->start, m->end);
            if (!err)
                err = line_ratios(b, m->jaccard, m->contain, 0);
        }
    }
    return err ? err : nd_buf_append(b, "]}\n", 3);
}

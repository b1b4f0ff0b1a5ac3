/*
 * lines.h - the lines of clusters.jsonl and articles.jsonl, made from a
 * scan's result (result.h).
 *
 * A leaf used by the writer (report.c): it formats, and knows nothing of
 * files, threads or the order lines are written in.
 */
#ifndef ND_LINES_H
#define ND_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "result.h"
#include "util.h"

/* First index in res->parts of paragraph p's parts (parts are sorted by
 * paragraph); res->n_parts when it has none and no later paragraph has. */
size_t nd_line_parts_from(const nd_result *res, uint32_t p);

/*
 * Appends to b the line of clusters.jsonl of canonical paragraph p, whose
 * bytes are ptext; parts[0..n_parts) are the indices in res->parts of the
 * glued parts located in its cluster, by paragraph. They are members like
 * the others, merged in paragraph order, with their removed span and
 * "part":true; size and articles count them. Returns 0 or ND_ENOMEM.
 */
int nd_line_cluster(const nd_result *res, nd_buf *b, uint32_t p,
                    const char *ptext, const uint32_t *parts, size_t n_parts);

/*
 * Appends to b the line of articles.jsonl of article a, if it shares text
 * with another (else nothing); its glued parts must be located by then.
 * Returns 0 or ND_ENOMEM.
 */
int nd_line_article(const nd_result *res, nd_buf *b, size_t a);

#endif /* ND_LINES_H */

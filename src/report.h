/*
 * report.h - writes the results of a scan: clusters.jsonl, stats.json and
 * the cleaned corpus (clean/).
 *
 * A leaf at the output edge. It reads the inputs a second time (texts are
 * not kept after pass 1), checks that each article is the one pass 1 saw,
 * and writes everything under OUTDIR/.neardup-tmp-PID/ first; only when all
 * of it is written are the outputs renamed into place, so a failed run
 * leaves the previous results untouched and no half-written file.
 */
#ifndef ND_REPORT_H
#define ND_REPORT_H

#include <stddef.h>

#include "read.h"
#include "result.h"
#include "util.h"

/*
 * Writes the outputs of res into outdir (created with its parents if
 * missing). inputs/ro are as in pass 1. On failure returns a negative
 * nd_error and leaves a message in err[0..errlen).
 */
int nd_report_write(const nd_result *res, const nd_input *inputs,
                    size_t n_inputs, const nd_read_opts *ro,
                    const char *outdir, char *err, size_t errlen);

/*
 * Appends to out the article text without its removed paragraphs: the text
 * before the first paragraph, then each kept paragraph preceded by the
 * separator that followed the previous kept one, then the text after the
 * last paragraph. paras are the article's n paragraphs in order; a
 * paragraph is removed when its canonical is another paragraph.
 */
int nd_report_clean_text(nd_buf *out, const char *text, size_t len,
                         const nd_para *paras, size_t n, uint32_t first);

/*
 * Appends to out the article text as nd_report_clean_text does, except
 * that a kept paragraph i with keep != NULL is written as text[keep[2i] ..
 * keep[2i+1]), a span inside it (what stays once a glued part is cut);
 * the separators between paragraphs stay those of the whole spans.
 */
int nd_report_clean_cut(nd_buf *out, const char *text, size_t len,
                        const nd_para *paras, size_t n,
                        const uint32_t *keep);

#endif /* ND_REPORT_H */

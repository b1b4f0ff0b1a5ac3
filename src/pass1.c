/*
 * pass1.c - pass 1 of a scan: reads every article once and turns it into
 * paragraphs, shingle sets and the keys of candidate generation.
 *
 * The reader runs in this thread; batches of about a megabyte of articles
 * go to the analyzer's worker threads (analyze.c) and come back in the
 * order they were read, to be merged here: paragraphs with a set seen
 * before (exact copies) are tied to its first holder and skip LSH; the
 * rest bring their band keys, anchors and queries. Dates are parsed and
 * repeated ids noticed as records arrive, so the warnings name file and
 * line in input order.
 */
#define _XOPEN_SOURCE 700

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "date.h"
#include "hash.h"
#include "scan.h"

static void seen_free(scan_seen *t)
{
    free(t->hash);
    free(t->para);
    memset(t, 0, sizeof *t);
}

static void copies_free(scan_copies *t)
{
    free(t->slot);
    memset(t, 0, sizeof *t);
}

void nd_pass1_drop_tables(scan_keys *k)
{
    copies_free(&k->seen);
    seen_free(&k->ids);
    seen_free(&k->sources);
}

void nd_pass1_keys_free(scan_keys *k)
{
    nd_keyvec_free(&k->bands);
    nd_keyvec_free(&k->index);
    nd_keyvec_free(&k->queries);
    copies_free(&k->seen);
    seen_free(&k->sources);
    seen_free(&k->ids);
}

static int seen_grow(scan_seen *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 1024, i;
    uint64_t *h = calloc(ncap, sizeof *h);
    uint32_t *p = malloc(ncap * sizeof *p);

    if (!h || !p) {
        free(h);
        free(p);
        return ND_ENOMEM;
    }
    for (i = 0; i < t->cap; i++) {
        size_t j;

        if (!t->hash[i])
            continue;
        for (j = t->hash[i] & (ncap - 1); h[j]; j = (j + 1) & (ncap - 1))
            ;
        h[j] = t->hash[i];
        p[j] = t->para[i];
    }
    free(t->hash);
    free(t->para);
    t->hash = h;
    t->para = p;
    t->cap = ncap;
    return 0;
}

/* Starts a lookup of hash *h (0 is remapped: it marks empty slots), making
 * room for one more entry first; *slot receives the first slot to probe. */
static int seen_begin(scan_seen *t, uint64_t *h, size_t *slot)
{
    int err;

    if (*h == 0)
        *h = 1;
    /* Linear probing stays short up to a load of 0.7. */
    if ((t->n + 1) * 10 > t->cap * 7 && (err = seen_grow(t)) != 0)
        return err;
    *slot = *h & (t->cap - 1);
    return 0;
}

static size_t seen_next(const scan_seen *t, size_t slot)
{
    return (slot + 1) & (t->cap - 1);
}

/* Fills the empty slot a lookup ended on. */
static void seen_put(scan_seen *t, size_t slot, uint64_t h, uint32_t value)
{
    t->hash[slot] = h;
    t->para[slot] = value;
    t->n++;
}

/*
 * Records the hash of an article id; returns 1 when an earlier article had
 * the same id (up to a 64-bit hash collision, which would only cost a
 * spurious warning), 0 when it is new, or ND_ENOMEM.
 */
static int pass1_id_repeated(scan_seen *t, const char *id)
{
    uint64_t h = XXH3_64bits(id, strlen(id));
    size_t j;
    int err = seen_begin(t, &h, &j);

    if (err)
        return err;
    for (; t->hash[j]; j = seen_next(t, j))
        if (t->hash[j] == h)
            return 1;
    seen_put(t, j, h, 0);
    return 0;
}

/* The home slot of tag in a table of 2^bits slots (bits <= 32). */
static size_t copies_home(uint32_t tag, unsigned bits)
{
    return bits ? (size_t)(tag >> (32 - bits)) : 0;
}

static int copies_grow(scan_copies *t)
{
    unsigned bits = t->cap ? t->bits + 1 : 10;
    size_t ncap = (size_t)1 << bits, i;
    uint64_t *slot = calloc(ncap, sizeof *slot);

    if (!slot)
        return ND_ENOMEM;
    for (i = 0; i < t->cap; i++) {
        size_t j;

        if (!t->slot[i])
            continue;
        for (j = copies_home((uint32_t)(t->slot[i] >> 32), bits); slot[j];
             j = (j + 1) & (ncap - 1))
            ;
        slot[j] = t->slot[i];
    }
    free(t->slot);
    t->slot = slot;
    t->cap = ncap;
    t->bits = bits;
    return 0;
}

/* The tag of a set's hash h. */
static uint32_t copies_tag(uint64_t h)
{
    uint32_t tag = (uint32_t)(h >> 32);

    return tag + (tag == 0);
}

/*
 * Looks up set[0..n) (hash h) among the sets of earlier paragraphs; *out
 * receives the first paragraph with an equal set, or ND_NONE after p is
 * recorded as the first holder of this one.
 */
static int pass1_copy_lookup(nd_scan *s, scan_copies *t, uint32_t p,
                            const uint32_t *set, uint32_t n, uint64_t h,
                            uint32_t *out)
{
    uint32_t tag = copies_tag(h);
    size_t j;
    int err;

    /* Linear probing stays short up to a load of 0.7. */
    if ((t->n + 1) * 10 > t->cap * 7 && (err = copies_grow(t)) != 0)
        return err;
    for (j = copies_home(tag, t->bits); t->slot[j];
         j = (j + 1) & (t->cap - 1)) {
        uint32_t q = (uint32_t)t->slot[j];

        if ((uint32_t)(t->slot[j] >> 32) == tag && s->set_n[q] == n &&
            memcmp(s->sets.v + s->set_off[q], set, n * sizeof *set) == 0) {
            *out = q;
            return 0;
        }
    }
    t->slot[j] = (uint64_t)tag << 32 | p;
    t->n++;
    *out = ND_NONE;
    return 0;
}

static int pass1_grow_paras(nd_scan *s, size_t need)
{
    int err = nd_grow((void **)&s->paras, &s->cap_paras, need,
                      sizeof *s->paras);

    if (!err)
        err = nd_grow((void **)&s->set_off, &s->cap_sets_meta, need,
                      sizeof *s->set_off);
    if (!err) {
        /* set_n follows set_off's capacity; realloc keeps it in step. */
        uint32_t *p = realloc(s->set_n, s->cap_sets_meta * sizeof *p);

        if (!p)
            return ND_ENOMEM;
        s->set_n = p;
        err = nd_grow((void **)&s->copy_of, &s->cap_copy_of, need,
                      sizeof *s->copy_of);
    }
    return err;
}

/*
 * Gives article a (the next one, not yet counted) its source: known
 * sources are stored once in the id pool and numbered in order of first
 * appearance; an unknown source gets a number of its own, so it never
 * equals another article's.
 */
static int pass1_source(nd_scan *s, scan_keys *k, nd_article *a,
                       const char *source)
{
    scan_seen *t = &k->sources;
    uint64_t h;
    size_t j, len;
    int err;

    a->source_off = ND_NO_SOURCE;
    if (!source) {
        a->source = s->n_sources++;
        return 0;
    }
    len = strlen(source);
    h = XXH3_64bits(source, len);
    err = seen_begin(t, &h, &j);
    if (err)
        return err;
    for (; t->hash[j]; j = seen_next(t, j)) {
        const nd_article *o = &s->articles[t->para[j]];

        if (t->hash[j] == h && strcmp(s->ids.data + o->source_off,
                                      source) == 0) {
            a->source_off = o->source_off;
            a->source = o->source;
            return 0;
        }
    }
    a->source_off = s->ids.len;
    err = nd_buf_append(&s->ids, source, len + 1);
    if (err)
        return err;
    seen_put(t, j, h, (uint32_t)s->n_articles);
    a->source = s->n_sources++;
    return 0;
}

/* Makes room for n more entries in one step, so that a paragraph's keys
 * are then written without a check each (as nd_keyvec_push would). */
static int pass1_reserve_keys(nd_keyvec *vec, size_t n)
{
    if (n > SIZE_MAX - vec->n)
        return ND_ENOMEM;
    return nd_grow((void **)&vec->v, &vec->cap, vec->n + n, sizeof *vec->v);
}

/* Appends (key folded to 32 bits, item) where room was made. */
static void pass1_put_key(nd_keyvec *vec, uint64_t key, uint32_t item)
{
    nd_key *e = &vec->v[vec->n++];

    e->key = nd_fold32(key);
    e->item = item;
}

/* Takes one analysed paragraph into the scan as paragraph p. */
static int pass1_take_para(nd_scan *s, scan_keys *k, const nd_batch *b,
                          const nd_batch_para *bp, uint32_t p)
{
    const uint32_t *set = b->sets.v + bp->set_off;
    uint32_t first, i;
    int err;

    s->set_n[p] = bp->set_n;
    s->set_off[p] = s->sets.n;
    s->copy_of[p] = ND_NONE;
    if (bp->set_n == 0)
        return 0; /* no words: nothing to match */
    err = pass1_copy_lookup(s, &k->seen, p, set, bp->set_n, bp->set_hash,
                            &first);
    if (err)
        return err;
    if (first != ND_NONE) {
        /* An exact copy: share the first holder's set, skip LSH. */
        s->copy_of[p] = first;
        s->set_off[p] = s->set_off[first];
        return 0;
    }
    err = nd_u32vec_reserve(&s->sets, bp->set_n);
    if (err)
        return err;
    memcpy(s->sets.v + s->sets.n, set, bp->set_n * sizeof *set);
    s->sets.n += bp->set_n;
    /* Containment: every paragraph is indexed by its anchors; one large
     * enough to be contained in another also asks with its queries. */
    err = pass1_reserve_keys(&k->bands, s->bands);
    if (!err)
        err = pass1_reserve_keys(&k->index, bp->anchor_n);
    if (!err)
        err = pass1_reserve_keys(&k->queries, bp->n_queries);
    if (err)
        return err;
    for (i = 0; i < s->bands; i++)
        pass1_put_key(&k->bands, b->bands.v[bp->band_off + i], p);
    /* (anchors are folded already, and folding leaves 32 bits alone) */
    for (i = 0; i < bp->anchor_n; i++)
        pass1_put_key(&k->index, b->anchors.v[bp->anchor_off + i], p);
    for (i = 0; i < bp->n_queries; i++)
        pass1_put_key(&k->queries, bp->q[i], p);
    return 0;
}

/* The table of sets is far larger than the caches and each lookup lands
 * anywhere in it: the merge asks for the slot of the set a few paragraphs
 * ahead (the workers took the sets' hashes). */
#define PASS1_AHEAD 8

/* The slot paragraph i of b will probe first, or NULL. */
static const void *pass1_ahead(const scan_copies *t, const nd_batch *b,
                               size_t i)
{
    if (i >= b->n_paras || !t->cap)
        return NULL;
    return &t->slot[copies_home(copies_tag(b->paras[i].set_hash), t->bits)];
}

/* Takes the articles and paragraphs of an analysed batch into the scan. */
static int pass1_merge(nd_scan *s, scan_keys *k, const nd_batch *b)
{
    size_t i, j;
    int err;

    if (b->err)
        return nd_scan_fail(s, b->err, "analysing articles: %s",
                         nd_strerror(b->err));
    if (s->n_articles + b->n_arts >= ND_MAX_ITEMS ||
        s->n_paras + b->n_paras >= ND_MAX_ITEMS)
        return nd_scan_fail(s, ND_EINVAL, "more than %u articles or paragraphs",
                         (unsigned)ND_MAX_ITEMS);
    err = nd_grow((void **)&s->articles, &s->cap_articles,
                  s->n_articles + b->n_arts, sizeof *s->articles);
    if (!err)
        err = pass1_grow_paras(s, s->n_paras + b->n_paras);
    for (i = 0; !err && i < b->n_arts; i++) {
        const nd_batch_article *ba = &b->arts[i];
        nd_article *a = &s->articles[s->n_articles];
        const char *id = b->ids.data + ba->id_off;

        a->id_off = s->ids.len;
        a->first = (uint32_t)s->n_paras;
        a->n = (uint32_t)ba->n;
        a->text_len = ba->text_len;
        a->text_hash = ba->text_hash;
        a->date = ba->date;
        a->has_date = ba->has_date;
        a->file_no = ba->file_no;
        a->line = ba->line;
        a->bytes = 0;
        a->rank = 0;
        err = nd_buf_append(&s->ids, id, strlen(id) + 1);
        if (!err)
            err = pass1_source(s, k, a,
                              ba->source_off == (size_t)-1
                                  ? NULL
                                  : b->ids.data + ba->source_off);
        for (j = 0; !err && j < ba->n; j++) {
            const nd_batch_para *bp = &b->paras[ba->first + j];
            uint32_t p = (uint32_t)s->n_paras;
            nd_para *pa = &s->paras[p];

            const void *ahead =
                pass1_ahead(&k->seen, b, ba->first + j + PASS1_AHEAD);

            if (ahead)
                ND_PREFETCH(ahead);
            pa->doc = (uint32_t)s->n_articles;
            pa->idx = (uint32_t)j;
            pa->start = (uint32_t)bp->start;
            pa->end = (uint32_t)bp->end;
            pa->canon = p;
            pa->jaccard = pa->contain = 1.0f;
            pa->removed = pa->boiler = 0;
            a->bytes += bp->end - bp->start;
            err = pass1_take_para(s, k, b, bp, p);
            s->n_paras++;
        }
        s->n_articles++;
        s->stats.bytes += ba->text_len;
    }
    return err ? nd_scan_fail(s, err, "%s", nd_strerror(err)) : 0;
}

/* Passes a warning about a record to the caller's callback, if any. */
static void pass1_warn(const nd_scan *s, const nd_record *rec,
                      const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (!s->opts.warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->opts.warn(rec->file, rec->line, msg, s->opts.warn_payload);
}

/*
 * What pass 1 checks of a record before it is analysed: its date, parsed
 * into *date / *has_date (a date that cannot be read is a warning, and the
 * article counts as undated), and whether an earlier article had its id
 * (a warning). Returns 0 or ND_ENOMEM.
 */
static int pass1_check_record(nd_scan *s, scan_keys *k, const nd_record *rec,
                             int64_t *date, int *has_date)
{
    int repeated;

    if (rec->date) {
        *has_date = nd_date_parse(date, rec->date, strlen(rec->date)) == 0;
        if (!*has_date) {
            s->stats.dates_unparsed++;
            pass1_warn(s, rec, "date \"%.80s\" not understood; the article "
                              "counts as undated",
                      rec->date);
        }
    }
    repeated = pass1_id_repeated(&k->ids, rec->id);
    if (repeated < 0)
        return repeated;
    if (repeated) {
        s->stats.ids_repeated++;
        pass1_warn(s, rec, "id \"%.120s\" was used by an earlier article "
                          "too; the reports cannot tell the two apart",
                  rec->id);
    }
    return 0;
}

/* A batch is handed to a worker once it holds this much text or this many
 * articles: large enough to amortise the hand-over, small enough that a
 * few in flight per thread cost little memory. */
#define ND_BATCH_BYTES (1u << 20)
#define ND_BATCH_ARTICLES 2048u

/*
 * Reads every article, has the analyzer work on batches of them, and
 * merges the batches in the order they were read. slots batches rotate: at
 * most slots are in flight, the oldest is merged first. On a large input
 * four a worker keep the workers fed while this thread waits on the
 * oldest or merges it (with two each, pass 1 of 1 GB took 0.3 s longer
 * on 2 threads; the two more cost 16 MB); below PASS1_DEEP_BYTES of input
 * two are as fast, and the memory of the others costs more than they
 * save (10 MB on 2 threads: 117 ms against 126, the median of 15 runs).
 */
#define PASS1_DEEP_BYTES ((uint64_t)64 << 20)

int nd_pass1_run(nd_scan *s, nd_reader *r, scan_keys *k)
{
    nd_analyze_opts ao;
    nd_analyzer *an = NULL;
    nd_batch *slots = NULL, *cur;
    size_t n_slots, head = 0, in_flight = 0;
    nd_record rec;
    int err, got;

    ao.ngram = s->opts.ngram;
    ao.perm = s->opts.perm;
    ao.seed = s->opts.seed;
    ao.bands = s->bands;
    ao.rows = s->rows;
    ao.window = s->opts.min_contain;
    ao.threads = s->threads;
    n_slots = s->threads <= 1                        ? 1
              : s->bytes_total >= PASS1_DEEP_BYTES ? 4 * (size_t)s->threads
                                                   : 2 * (size_t)s->threads;
    slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return nd_scan_fail(s, ND_ENOMEM, "out of memory");
    err = nd_analyzer_new(&an, &ao);
    if (err) {
        nd_scan_fail(s, err, "cannot start the workers: %s", nd_strerror(err));
        goto done;
    }
    cur = &slots[0];
    for (;;) {
        got = nd_reader_next(r, &rec);
        if (got < 0) {
            err = nd_scan_fail(s, got, "%s", nd_reader_errmsg(r));
            goto done;
        }
        if (got == 1 && rec.text_len > UINT32_MAX) {
            err = nd_scan_fail(s, ND_EINVAL, "%s: an article of %zu bytes; "
                            "neardup takes articles up to 4 GiB",
                            rec.file, rec.text_len);
            goto done;
        }
        if (got == 1) {
            int64_t date = 0;
            int has_date = 0;

            err = pass1_check_record(s, k, &rec, &date, &has_date);
            if (err) {
                nd_scan_fail(s, err, "%s", nd_strerror(err));
                goto done;
            }
            err = nd_batch_add(cur, rec.id, rec.source, date, has_date,
                               rec.text, rec.text_len, rec.file_no,
                               rec.kind == ND_FILE_JSONL ? rec.line : 0);
            if (err) {
                nd_scan_fail(s, err, "%s: %s", rec.file, nd_strerror(err));
                goto done;
            }
        }
        if (cur->n_arts && (got == 0 || cur->text.len >= ND_BATCH_BYTES ||
                            cur->n_arts >= ND_BATCH_ARTICLES)) {
            err = nd_analyzer_submit(an, cur);
            if (err) {
                nd_scan_fail(s, err, "%s", nd_strerror(err));
                goto done;
            }
            in_flight++;
            if (s->opts.progress) {
                nd_read_stats rs;
                nd_progress pr;

                nd_reader_stats(&rs, r);
                pr.pass = 1;
                pr.bytes_read = rs.bytes_in;
                pr.bytes_total = s->bytes_total;
                pr.articles = rs.records;
                pr.stage = "reading";
                s->opts.progress(&pr, s->opts.progress_payload);
            }
        }
        /* Merge the oldest when every slot is busy, or everything at the
         * end. */
        while (in_flight && (in_flight == n_slots || got == 0)) {
            nd_batch *old = &slots[head];

            nd_analyzer_wait(an, old);
            err = pass1_merge(s, k, old);
            if (err)
                goto done;
            nd_batch_reset(old);
            head = (head + 1) % n_slots;
            in_flight--;
        }
        if (got == 0)
            break;
        cur = &slots[(head + in_flight) % n_slots];
    }
done:
    /* Workers finish what they hold before the batches go. */
    nd_analyzer_free(an);
    if (slots) {
        size_t i;

        for (i = 0; i < n_slots; i++)
            nd_batch_free(&slots[i]);
        free(slots);
    }
    return err;
}

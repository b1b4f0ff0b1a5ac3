/*
 * gen.c - nd_gen, a synthetic news corpus with planted duplicates and a
 * record of where every planted duplicate came from.
 *
 * The corpus is JSONL ({"id","source","date","title","text"}), paragraphs
 * separated by "\n\n" in text, written in batches of stories. Each batch
 * writes its original stories first and then, shuffled, what derives from
 * them: syndicated copies by other sources (with word edits, truncation,
 * two paragraphs joined or one split), updates by the same source (most
 * sentences rewritten), and a family of template stories (markets, sport,
 * weather) that share wording but not facts and must not match. Every
 * source adds its own header and footer lines, sometimes glued to the
 * text, and a few articles repeat one of their own paragraphs.
 *
 * The one idea: the generator lays out every article completely (header,
 * body, footer, glue, hard wrapping) before it writes it, so it knows the
 * final paragraph index of every body paragraph, and the truth file can
 * name (doc, para) -> (origin doc, origin para) in the same paragraph
 * numbering the library's segmenter produces on "\n\n"-separated text.
 * Whether a planted pair is within the thresholds is not decided here: the
 * evaluator computes that exactly. The truth file states what was planted.
 *
 * Everything comes from one xoshiro256** stream seeded by --seed, so the
 * same seed and size give the same bytes, compressed or not.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ------------------------------------------------------------------ */
/* Random numbers: xoshiro256**, seeded through splitmix64.            */

typedef struct gen_rng {
    uint64_t s[4]; /* generator state, never all zero */
} gen_rng;

static uint64_t gen_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void gen_rng_seed(gen_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = gen_splitmix(&seed);
}

static uint64_t gen_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t gen_next(gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = gen_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = gen_rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n) by multiply-shift on the top 32 bits (n < 2^32). */
static uint32_t gen_below(gen_rng *r, uint32_t n)
{
    return (uint32_t)(((gen_next(r) >> 32) * (uint64_t)n) >> 32);
}

static uint32_t gen_range(gen_rng *r, uint32_t lo, uint32_t hi)
{
    return lo + gen_below(r, hi - lo + 1);
}

static double gen_unit(gen_rng *r)
{
    return (double)(gen_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int gen_chance(gen_rng *r, double p)
{
    return gen_unit(r) < p;
}

/* ------------------------------------------------------------------ */
/* Strings. The generator is a program: out of memory ends it.         */

typedef struct gen_buf {
    char *p;    /* n bytes plus a NUL */
    size_t n;   /* bytes in use */
    size_t cap; /* bytes allocated */
} gen_buf;

static void gen_die(const char *msg)
{
    fprintf(stderr, "nd_gen: %s\n", msg);
    exit(1);
}

static void *gen_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        gen_die("out of memory");
    return p;
}

static void *gen_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        gen_die("out of memory");
    return p;
}

static char *gen_xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *d = gen_xmalloc(n + 1);
    memcpy(d, s, n + 1);
    return d;
}

static void buf_reserve(gen_buf *b, size_t extra)
{
    if (b->n + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + extra + 1)
        cap *= 2;
    b->p = gen_xrealloc(b->p, cap);
    b->cap = cap;
}

static void buf_put(gen_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void buf_puts(gen_buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

static void buf_putc(gen_buf *b, char c)
{
    buf_put(b, &c, 1);
}

static void buf_printf(gen_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        gen_die("vsnprintf failed");
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

static void buf_clear(gen_buf *b)
{
    b->n = 0;
    if (b->p)
        b->p[0] = '\0';
}

/* Returns a malloc'd copy of the contents and empties the buffer. */
static char *buf_take(gen_buf *b)
{
    char *s = gen_xstrdup(b->p ? b->p : "");
    buf_clear(b);
    return s;
}

/* Writes s as a JSON string (quotes included); UTF-8 passes through. */
static void buf_json_str(gen_buf *b, const char *s)
{
    buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': buf_put(b, "\\\"", 2); break;
        case '\\': buf_put(b, "\\\\", 2); break;
        case '\n': buf_put(b, "\\n", 2); break;
        case '\r': buf_put(b, "\\r", 2); break;
        case '\t': buf_put(b, "\\t", 2); break;
        default:
            if (c < 0x20)
                buf_printf(b, "\\u%04x", c);
            else
                buf_putc(b, (char)c);
        }
    }
    buf_putc(b, '"');
}

/* ------------------------------------------------------------------ */
/* Vocabulary. The head of the Zipf ranking is common English news     */
/* words, the tail synthetic consonant-vowel words, unique by          */
/* construction: 2 syllables (4 letters) or 3 syllables (6 letters),   */
/* digits of the word's number in base GEN_NSYL.                       */

static const char *const gen_common[] = {
    "the", "of", "to", "in", "and", "a", "said", "on", "for", "that", "is",
    "was", "with", "by", "at", "as", "from", "he", "it", "has", "have",
    "were", "be", "are", "after", "its", "an", "not", "but", "they", "who",
    "will", "had", "been", "this", "their", "more", "which", "would",
    "about", "also", "over", "than", "two", "into", "last", "new", "year",
    "government", "people", "police", "officials", "minister", "president",
    "state", "military", "forces", "security", "city", "country", "week",
    "told", "since", "some", "one", "there", "other", "against", "three",
    "between", "his", "or", "we", "could", "during", "while", "before",
    "first", "when", "them", "all", "if", "percent", "million", "killed",
    "attack", "talks", "under", "leaders", "party", "election", "national",
    "support", "news", "report", "group", "local", "court", "months", "days",
    "former", "agreement", "plan", "economic", "public", "foreign", "border",
    "troops", "region", "north", "south", "east", "west", "capital", "power",
    "oil", "prices", "market", "bank", "company", "workers", "health",
    "water", "school", "children", "women", "families", "area", "village",
    "province", "district", "army", "fighting", "peace", "deal", "vote",
    "law", "council", "committee", "statement", "spokesman", "ministry",
    "officers", "residents", "protest", "crisis", "aid", "rebels", "budget",
};
#define GEN_NCOMMON (sizeof gen_common / sizeof gen_common[0])

static const char gen_cons[] = "bdfgklmnprstvzch";
static const char gen_vow[] = "aeiou";
#define GEN_NSYL 80 /* 16 consonants x 5 vowels */

static const char *const gen_first[] = {
    "Ahmed", "Maria", "John", "Li", "Fatima", "David", "Olga", "Carlos",
    "Aisha", "James", "Elena", "Hiroshi", "Grace", "Omar", "Anna", "Peter",
    "Nadia", "Sergei", "Laura", "Kwame", "José", "Zoë", "François", "Ingrid",
    "Raúl", "Leila", "Tomasz", "Priya", "Hassan", "Sofia", "Michael",
    "Chen", "Yusuf", "Helen", "Pablo", "Amira", "Robert", "Mei", "Ali",
    "Sarah",
};
static const char *const gen_last_fixed[] = {
    "Müller", "García", "Núñez", "Øberg", "Kowalczyk", "al-Obeidi", "Smith",
    "O'Brien", "Nguyen", "Petrov", "Haddad", "Okafor", "Schmidt", "Rossi",
};
static const char *const gen_cities[] = {
    "Baghdad", "London", "Washington", "Paris", "Moscow", "Beijing", "Cairo",
    "Nairobi", "Tokyo", "Berlin", "Madrid", "Rome", "Delhi", "Lagos",
    "Lima", "Kabul", "Ankara", "Tehran", "Seoul", "Sydney", "Ottawa",
    "Brasilia", "Manila", "Jakarta", "Karachi", "Dakar", "Geneva", "Vienna",
    "Warsaw", "Kiev", "Beirut", "Amman", "Riyadh", "Doha", "Hanoi",
    "Bogota", "Caracas", "Havana", "Athens", "Lisbon",
};
#define GEN_NCITIES (sizeof gen_cities / sizeof gen_cities[0])
static const char *const gen_months[] = {"Jan", "Feb", "March", "April",
                                         "May", "June", "July", "Aug",
                                         "Sept", "Oct", "Nov", "Dec"};
static const int gen_mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                31};
static const char *const gen_days[] = {"Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday",
                                       "Sunday"};

/* Stock phrases: shingles that recur in many unrelated paragraphs. */
static const char *const gen_stock[] = {
    "said in a statement on",
    "according to a spokesman for the",
    "told reporters on",
    "it was not immediately clear whether",
    "declined to comment on",
    "in an interview with local media",
    "officials said on condition of anonymity",
    "according to a statement issued by the",
    "the ministry said in a statement",
    "a source familiar with the matter said",
    "did not respond to a request for comment",
    "in the coming days and weeks",
};
#define GEN_NSTOCK (sizeof gen_stock / sizeof gen_stock[0])

#define GEN_VOCAB 5000   /* words in the Zipf ranking */
#define GEN_LASTNAMES 600
#define GEN_PEOPLE 4000
#define GEN_ORGS 300
#define GEN_TEAMS 120

typedef struct gen_world {
    char **vocab;      /* GEN_VOCAB words, rank order */
    double *cdf;       /* cumulative Zipf weights, cdf[GEN_VOCAB-1] = 1 */
    char **lastnames;  /* capitalised surnames */
    char **people;     /* "First Last" */
    char **orgs;       /* organisation names */
    char **teams;      /* sports teams */
} gen_world;

static char *gen_synth_word(unsigned j, const unsigned char *syl)
{
    char w[8];
    unsigned nsyl = j < 3000 ? 2 : 3, k = j < 3000 ? j : j - 3000;
    for (unsigned i = 0; i < nsyl; i++) {
        unsigned s = syl[k % GEN_NSYL];
        k /= GEN_NSYL;
        w[2 * i] = gen_cons[s / 5];
        w[2 * i + 1] = gen_vow[s % 5];
    }
    w[2 * nsyl] = '\0';
    return gen_xstrdup(w);
}

static char *gen_capitalised(const char *w)
{
    char *c = gen_xstrdup(w);
    if (c[0] >= 'a' && c[0] <= 'z')
        c[0] = (char)(c[0] - 'a' + 'A');
    return c;
}

static void gen_world_init(gen_world *w, gen_rng *r)
{
    unsigned char syl[GEN_NSYL];
    gen_buf b = {0};

    /* The syllable order is shuffled by the seed, so each seed has its own
     * synthetic language but the same shape. */
    for (unsigned i = 0; i < GEN_NSYL; i++)
        syl[i] = (unsigned char)i;
    for (unsigned i = GEN_NSYL - 1; i > 0; i--) {
        unsigned j = gen_below(r, i + 1);
        unsigned char t = syl[i];
        syl[i] = syl[j];
        syl[j] = t;
    }
    w->vocab = gen_xmalloc(GEN_VOCAB * sizeof *w->vocab);
    w->cdf = gen_xmalloc(GEN_VOCAB * sizeof *w->cdf);
    double sum = 0;
    for (unsigned i = 0; i < GEN_VOCAB; i++) {
        w->vocab[i] = i < GEN_NCOMMON
                          ? gen_xstrdup(gen_common[i])
                          : gen_synth_word(i - (unsigned)GEN_NCOMMON, syl);
        sum += 1.0 / (i + 1.0); /* Zipf, exponent 1 */
        w->cdf[i] = sum;
    }
    for (unsigned i = 0; i < GEN_VOCAB; i++)
        w->cdf[i] /= sum;

    /* Surnames come from the 3-syllable part of the synthetic language,
     * beyond the ranks used as ordinary words, plus a few accented ones. */
    w->lastnames = gen_xmalloc(GEN_LASTNAMES * sizeof *w->lastnames);
    for (unsigned i = 0; i < GEN_LASTNAMES; i++) {
        if (i < sizeof gen_last_fixed / sizeof gen_last_fixed[0]) {
            w->lastnames[i] = gen_xstrdup(gen_last_fixed[i]);
        } else {
            char *s = gen_synth_word(3000 + gen_below(r, 512000), syl);
            w->lastnames[i] = gen_capitalised(s);
            free(s);
        }
    }
    w->people = gen_xmalloc(GEN_PEOPLE * sizeof *w->people);
    for (unsigned i = 0; i < GEN_PEOPLE; i++) {
        buf_printf(&b, "%s %s",
                   gen_first[gen_below(r, sizeof gen_first /
                                              sizeof gen_first[0])],
                   w->lastnames[gen_below(r, GEN_LASTNAMES)]);
        w->people[i] = buf_take(&b);
    }
    static const char *const org_kind[] = {"Group", "Holdings", "Bank",
                                           "Energy", "Motors", "Telecom",
                                           "Airlines", "Mining"};
    w->orgs = gen_xmalloc(GEN_ORGS * sizeof *w->orgs);
    for (unsigned i = 0; i < GEN_ORGS; i++) {
        char *s = gen_synth_word(3000 + gen_below(r, 512000), syl);
        char *c = gen_capitalised(s);
        buf_printf(&b, "%s %s", c, org_kind[gen_below(r, 8)]);
        w->orgs[i] = buf_take(&b);
        free(s);
        free(c);
    }
    w->teams = gen_xmalloc(GEN_TEAMS * sizeof *w->teams);
    for (unsigned i = 0; i < GEN_TEAMS; i++) {
        char *s = gen_synth_word(3000 + gen_below(r, 512000), syl);
        char *c = gen_capitalised(s);
        buf_printf(&b, "%s %s", c,
                   i % 2 ? "United" : gen_cities[i % GEN_NCITIES]);
        w->teams[i] = buf_take(&b);
        free(s);
        free(c);
    }
    free(b.p);
}

static void gen_world_free(gen_world *w)
{
    for (unsigned i = 0; i < GEN_VOCAB; i++)
        free(w->vocab[i]);
    for (unsigned i = 0; i < GEN_LASTNAMES; i++)
        free(w->lastnames[i]);
    for (unsigned i = 0; i < GEN_PEOPLE; i++)
        free(w->people[i]);
    for (unsigned i = 0; i < GEN_ORGS; i++)
        free(w->orgs[i]);
    for (unsigned i = 0; i < GEN_TEAMS; i++)
        free(w->teams[i]);
    free(w->vocab);
    free(w->cdf);
    free(w->lastnames);
    free(w->people);
    free(w->orgs);
    free(w->teams);
}

static const char *gen_word(const gen_world *w, gen_rng *r)
{
    double u = gen_unit(r);
    size_t lo = 0, hi = GEN_VOCAB - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return w->vocab[lo];
}

/* A word from the rarer part of the ranking: the slots of templates. */
static const char *gen_rare_word(const gen_world *w, gen_rng *r)
{
    return w->vocab[GEN_NCOMMON + gen_below(r, GEN_VOCAB - GEN_NCOMMON)];
}

static const char *gen_person(const gen_world *w, gen_rng *r)
{
    /* People are Zipf-ish too: a few names are in the news every day. */
    uint32_t a = gen_below(r, GEN_PEOPLE), b = gen_below(r, GEN_PEOPLE);
    return w->people[a < b ? a : b];
}

/* ------------------------------------------------------------------ */
/* Sentences. Quotes are written as ASCII '"' and apostrophes as '\''; */
/* each source's style turns them curly (or not) when it renders.      */

static void gen_number(gen_buf *b, gen_rng *r)
{
    switch (gen_below(r, 5)) {
    case 0: buf_printf(b, "%u", gen_range(r, 2, 99)); break;
    case 1: buf_printf(b, "%u.%u percent", gen_range(r, 0, 40),
                       gen_below(r, 10)); break;
    case 2: buf_printf(b, "$%u.%u %s", gen_range(r, 1, 99), gen_below(r, 10),
                       gen_chance(r, 0.5) ? "million" : "billion"); break;
    case 3: buf_printf(b, "%u,%03u", gen_range(r, 1, 99), gen_below(r, 1000));
        break;
    default: buf_printf(b, "%u", gen_range(r, 1990, 2024)); break;
    }
}

/* n words of running text, with now and then a name or a number. */
static void gen_clause(gen_buf *b, const gen_world *w, gen_rng *r,
                       unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (i)
            buf_putc(b, ' ');
        double u = gen_unit(r);
        if (u < 0.03)
            buf_puts(b, gen_person(w, r));
        else if (u < 0.05)
            buf_puts(b, gen_cities[gen_below(r, GEN_NCITIES)]);
        else if (u < 0.08)
            gen_number(b, r);
        else
            buf_puts(b, gen_word(w, r));
    }
}

static void gen_role(gen_buf *b, const gen_world *w, gen_rng *r)
{
    switch (gen_below(r, 3)) {
    case 0:
        buf_printf(b, "a spokesman for the %s ministry", gen_rare_word(w, r));
        break;
    case 1:
        buf_printf(b, "the head of %s", w->orgs[gen_below(r, GEN_ORGS)]);
        break;
    default:
        buf_printf(b, "a %s %s in %s", gen_rare_word(w, r),
                   gen_rare_word(w, r), gen_cities[gen_below(r, GEN_NCITIES)]);
    }
}

static void gen_upcase_first(char *s)
{
    if (s[0] >= 'a' && s[0] <= 'z')
        s[0] = (char)(s[0] - 'a' + 'A');
}

static char *gen_sentence(const gen_world *w, gen_rng *r)
{
    gen_buf b = {0};
    double u = gen_unit(r);
    if (u < 0.55) {
        gen_clause(&b, w, r, gen_range(r, 8, 26));
        if (gen_chance(r, 0.2)) {
            buf_puts(&b, ", ");
            buf_puts(&b, gen_stock[gen_below(r, GEN_NSTOCK)]);
            buf_putc(&b, ' ');
            buf_puts(&b, gen_word(w, r));
        }
        buf_putc(&b, '.');
    } else if (u < 0.75) {
        buf_putc(&b, '"');
        size_t at = b.n;
        gen_clause(&b, w, r, gen_range(r, 6, 20));
        gen_upcase_first(b.p + at);
        buf_printf(&b, ",\" said %s, ", gen_person(w, r));
        gen_role(&b, w, r);
        buf_putc(&b, '.');
    } else if (u < 0.9) {
        buf_printf(&b, "%s, ", gen_person(w, r));
        gen_role(&b, w, r);
        buf_puts(&b, ", said ");
        gen_clause(&b, w, r, gen_range(r, 6, 18));
        buf_putc(&b, '.');
    } else {
        gen_clause(&b, w, r, gen_range(r, 4, 12));
        buf_putc(&b, ' ');
        buf_puts(&b, gen_stock[gen_below(r, GEN_NSTOCK)]);
        buf_putc(&b, ' ');
        gen_clause(&b, w, r, gen_range(r, 3, 8));
        buf_putc(&b, '.');
    }
    gen_upcase_first(b.p);
    return b.p;
}

/* Sentences per paragraph: news prose is mostly 1-3, sometimes up to 8. */
static unsigned gen_nsent(gen_rng *r)
{
    static const double cum[] = {0.30, 0.60, 0.80, 0.88, 0.93, 0.96, 0.98,
                                 1.0};
    double u = gen_unit(r);
    for (unsigned i = 0; i < 8; i++)
        if (u < cum[i])
            return i + 1;
    return 8;
}

/* ------------------------------------------------------------------ */
/* Sources: name, credit, quote and dash style, wrapping, boilerplate. */

#define GEN_NSOURCES 24
static const char *const gen_source_names[GEN_NSOURCES] = {
    "Global Wire", "Daily Planet", "Morning Herald", "Evening Courier",
    "The Sentinel", "Metro Times", "Capital Post", "Harbor Gazette",
    "Valley News", "The Observer", "City Tribune", "Northern Star",
    "Coast Journal", "The Chronicle", "Union Ledger", "Sunday Review",
    "Prairie Voice", "Island Daily", "River Dispatch", "The Beacon",
    "Summit Record", "Delta Press", "Frontier Mail", "World Digest",
};

typedef struct gen_source {
    const char *name;   /* display name */
    char slug[32];      /* lowercase, no spaces: the id prefix */
    char credit[32];    /* dateline credit: "(Wire)" */
    int curly;          /* renders quotes and apostrophes curly */
    const char *dash;   /* dateline dash */
    int wrap;           /* hard-wraps paragraphs at 72 columns */
    char *header[2];    /* header lines */
    unsigned nheader;   /* how many */
    char *footer[3];    /* footer lines */
    unsigned nfooter;   /* how many */
} gen_source;

static void gen_sources_init(gen_source *src, const gen_world *w,
                             gen_rng *r)
{
    gen_buf b = {0};
    static const char *const dashes[] = {"-", "\xe2\x80\x94", "--"};
    for (unsigned i = 0; i < GEN_NSOURCES; i++) {
        gen_source *s = &src[i];
        const char *n = gen_source_names[i];
        s->name = n;
        size_t k = 0;
        for (const char *p = n; *p && k + 1 < sizeof s->slug; p++)
            if (*p != ' ')
                s->slug[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a'
                                                             : *p);
        s->slug[k] = '\0';
        const char *last = strrchr(n, ' ');
        snprintf(s->credit, sizeof s->credit, "(%s)", last ? last + 1 : n);
        s->curly = gen_chance(r, 0.4);
        s->dash = dashes[gen_below(r, 3)];
        s->wrap = (i == 3 || i == 17); /* two sources hard-wrap */

        s->nheader = gen_below(r, 3);
        for (unsigned h = 0; h < s->nheader; h++) {
            switch (gen_below(r, 4)) {
            case 0:
                buf_printf(&b, "Subscribe to the %s newsletter and get the "
                               "day's top %s stories delivered to your "
                               "inbox every morning.", n, gen_rare_word(w, r));
                break;
            case 1: buf_puts(&b, "Advertisement"); break;
            case 2:
                buf_printf(&b, "%s %s Independent news since %u", n, s->dash,
                           gen_range(r, 1850, 2010));
                break;
            default: buf_puts(&b, "Listen to this article"); break;
            }
            s->header[h] = buf_take(&b);
        }
        s->nfooter = gen_range(r, 1, 3);
        for (unsigned f = 0; f < s->nfooter; f++) {
            switch (gen_below(r, 5)) {
            case 0: buf_puts(&b, "Share this: Facebook, Twitter, WhatsApp, Email");
                break;
            case 1:
                buf_printf(&b, "Copyright %u %s. All rights reserved. This "
                               "material may not be published, broadcast, "
                               "rewritten or redistributed.",
                           gen_range(r, 2015, 2024), n);
                break;
            case 2:
                buf_printf(&b, "Follow %s on social media for the latest "
                               "updates on this and other %s stories from "
                               "around the world.", n, gen_rare_word(w, r));
                break;
            case 3:
                buf_printf(&b, "Got a news tip? Contact the %s desk at "
                               "tips@%s.example.com", n, s->slug);
                break;
            default: buf_puts(&b, "Leave a Reply"); break;
            }
            s->footer[f] = buf_take(&b);
        }
    }
    free(b.p);
}

/* Renders sentence text in a source's style into b: curly quotes and
 * apostrophes for curly sources; a '"' opens a quote when it starts a word. */
static void gen_render_style(gen_buf *b, const char *s, int curly)
{
    if (!curly) {
        buf_puts(b, s);
        return;
    }
    for (const char *p = s; *p; p++) {
        if (*p == '"') {
            int open = (p == s || p[-1] == ' ');
            buf_puts(b, open ? "\xe2\x80\x9c" : "\xe2\x80\x9d");
        } else if (*p == '\'') {
            buf_puts(b, "\xe2\x80\x99");
        } else {
            buf_putc(b, *p);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Articles.                                                           */

/* A body paragraph: sentences, and where it came from. */
typedef struct gen_para {
    char **sent;       /* sentences (owned) */
    unsigned nsent;    /* how many */
    int from_art;      /* index in the batch of the origin article, or -1 */
    int from_body[2];  /* origin body paragraphs (one, or two if joined) */
    unsigned nfrom;    /* 0, 1 or 2 */
    char edit[64];     /* what was done: "copy", "subst+insert", "join" */
} gen_para;

enum gen_kind {
    GEN_ORIGINAL,   /* a story as first written */
    GEN_SYNDICATED, /* a copy of another source's story, with edits */
    GEN_UPDATE,     /* the same source's rewrite of its story */
    GEN_TEMPLATE    /* a template story: same wording, different facts */
};
static const char *const gen_kind_names[] = {"original", "syndicated",
                                             "update", "template"};

typedef struct gen_art {
    char id[48];         /* article id */
    unsigned src;        /* source index */
    enum gen_kind kind;  /* what it is */
    int origin;          /* batch index of the original, or -1 */
    int tmpl;            /* template family instance, or -1 */
    char *title;         /* headline */
    char *dateline;      /* "BAGHDAD, Oct 27 (Wire)", without the dash */
    gen_para *body;      /* body paragraphs */
    unsigned nbody;      /* how many */
    /* Filled by the layout: */
    int *body_final;     /* final paragraph index of each body paragraph */
    char *text;          /* the article text */
    gen_buf truth;       /* the "paras" entries of its truth line */
} gen_art;

typedef struct gen_state {
    gen_rng rng;              /* the one random stream */
    gen_world world;          /* words and names */
    gen_source src[GEN_NSOURCES]; /* the sources */
    unsigned long long seq;   /* articles made so far: id numbers */
    int year, month, day;     /* date of the current batch */
    unsigned long long ntmpl; /* template families made so far */
    /* Counts for the summary. */
    unsigned long long n_kind[4];
    unsigned long long n_repeat, n_glued;
} gen_state;

static void gen_para_free(gen_para *p)
{
    for (unsigned i = 0; i < p->nsent; i++)
        free(p->sent[i]);
    free(p->sent);
}

static void gen_art_free(gen_art *a)
{
    for (unsigned i = 0; i < a->nbody; i++)
        gen_para_free(&a->body[i]);
    free(a->body);
    free(a->title);
    free(a->dateline);
    free(a->body_final);
    free(a->text);
    free(a->truth.p);
}

static void gen_para_push_sent(gen_para *p, char *s)
{
    p->sent = gen_xrealloc(p->sent, (p->nsent + 1) * sizeof *p->sent);
    p->sent[p->nsent++] = s;
}

static gen_para *gen_art_push_para(gen_art *a)
{
    a->body = gen_xrealloc(a->body, (a->nbody + 1) * sizeof *a->body);
    gen_para *p = &a->body[a->nbody++];
    memset(p, 0, sizeof *p);
    p->from_art = -1;
    return p;
}

static void gen_new_id(gen_state *g, gen_art *a)
{
    snprintf(a->id, sizeof a->id, "%s-%07llu", g->src[a->src].slug, g->seq++);
}

static char *gen_title(gen_state *g)
{
    gen_buf b = {0};
    unsigned n = gen_range(&g->rng, 5, 10);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ' ');
        size_t at = b.n;
        buf_puts(&b, gen_word(&g->world, &g->rng));
        gen_upcase_first(b.p + at);
    }
    return b.p;
}

static char *gen_dateline(gen_state *g, const char *credit)
{
    gen_buf b = {0};
    const char *c = gen_cities[gen_below(&g->rng, GEN_NCITIES)];
    for (const char *p = c; *p; p++)
        buf_putc(&b, (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p));
    buf_printf(&b, ", %s %d %s", gen_months[g->month - 1], g->day, credit);
    return b.p;
}

static void gen_fill_body(gen_state *g, gen_art *a, unsigned npara)
{
    for (unsigned i = 0; i < npara; i++) {
        gen_para *p = gen_art_push_para(a);
        unsigned ns = gen_nsent(&g->rng);
        for (unsigned k = 0; k < ns; k++)
            gen_para_push_sent(p, gen_sentence(&g->world, &g->rng));
    }
}

static void gen_original(gen_state *g, gen_art *a)
{
    memset(a, 0, sizeof *a);
    a->src = gen_below(&g->rng, GEN_NSOURCES);
    a->kind = GEN_ORIGINAL;
    a->origin = a->tmpl = -1;
    gen_new_id(g, a);
    a->title = gen_title(g);
    a->dateline = gen_dateline(g, g->src[a->src].credit);
    /* 3..12 paragraphs, most around 5-7. */
    unsigned n = gen_range(&g->rng, 3, 7) + gen_range(&g->rng, 0, 5);
    gen_fill_body(g, a, n);
}

/* Word-level edits of one sentence: tokens are separated by single
 * spaces; a token keeps its trailing punctuation when its word changes. */
enum gen_wedit { GEN_SUBST, GEN_INSERT, GEN_DELETE };

static char *gen_edit_sentence(gen_state *g, const char *s, enum gen_wedit op)
{
    gen_buf b = {0};
    unsigned ntok = 1;
    for (const char *p = s; *p; p++)
        ntok += (*p == ' ');
    if (ntok < 4)
        return gen_xstrdup(s);
    unsigned at = gen_range(&g->rng, 1, ntok - 2); /* never first or last */
    unsigned t = 0;
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (t == at) {
            size_t core = len;
            while (core > 0 && (p[core - 1] == ',' || p[core - 1] == '.' ||
                                p[core - 1] == '"'))
                core--;
            if (op == GEN_SUBST) {
                buf_puts(&b, gen_rare_word(&g->world, &g->rng));
                buf_put(&b, p + core, len - core);
                buf_putc(&b, ' ');
            } else if (op == GEN_INSERT) {
                static const char *const ins[] = {
                    "reportedly", "also", "now", "on Tuesday", "again",
                    "earlier this week", "officially", "initially"};
                buf_puts(&b, ins[gen_below(&g->rng, 8)]);
                buf_putc(&b, ' ');
                buf_put(&b, p, len);
                buf_putc(&b, ' ');
            } else if (core != len) {
                /* Deleting a word that carries punctuation: keep the
                 * punctuation on the previous word. */
                if (b.n && b.p[b.n - 1] == ' ')
                    b.n--;
                buf_put(&b, p + core, len - core);
                buf_putc(&b, ' ');
            }
        } else {
            buf_put(&b, p, len);
            buf_putc(&b, ' ');
        }
        t++;
        p += len;
        if (*p == ' ')
            p++;
    }
    if (b.n && b.p[b.n - 1] == ' ')
        b.p[--b.n] = '\0';
    return b.p;
}

static void gen_append_edit(gen_para *p, const char *what)
{
    size_t n = strlen(p->edit);
    if (strstr(p->edit, what))
        return;
    if (!strcmp(p->edit, "copy"))
        n = 0; /* "copy" means unedited */
    snprintf(p->edit + n, sizeof p->edit - n, "%s%s", n ? "+" : "", what);
}

static void gen_copy_para(gen_para *dst, const gen_para *src, int from_art,
                          int from_body)
{
    dst->nsent = src->nsent;
    dst->sent = gen_xmalloc(src->nsent * sizeof *dst->sent);
    for (unsigned i = 0; i < src->nsent; i++)
        dst->sent[i] = gen_xstrdup(src->sent[i]);
    dst->from_art = from_art;
    dst->from_body[0] = from_body;
    dst->nfrom = 1;
    strcpy(dst->edit, "copy");
}

/*
 * A syndicated copy of batch article o by another source. Real copies keep
 * the story and the dateline credit and differ in small ways: a word
 * changed or dropped, a word inserted, the story cut short, paragraphs
 * merged or split by a different editor.
 */
static void gen_syndicate(gen_state *g, gen_art *a, gen_art *batch, int o)
{
    const gen_art *orig = &batch[o];
    gen_rng *r = &g->rng;
    memset(a, 0, sizeof *a);
    do
        a->src = gen_below(r, GEN_NSOURCES);
    while (a->src == orig->src);
    a->kind = GEN_SYNDICATED;
    a->origin = o;
    a->tmpl = -1;
    gen_new_id(g, a);
    a->title = gen_xstrdup(orig->title);
    if (gen_chance(r, 0.3)) { /* a different headline */
        free(a->title);
        a->title = gen_title(g);
    }
    a->dateline = gen_xstrdup(orig->dateline);

    unsigned n = orig->nbody;
    if (n > 3 && gen_chance(r, 0.3)) /* truncation */
        n = (unsigned)(n * (0.5 + 0.4 * gen_unit(r)) + 0.5);
    if (n < 2)
        n = 2;
    for (unsigned i = 0; i < n; i++)
        gen_copy_para(gen_art_push_para(a), &orig->body[i], o, (int)i);
    if (n < orig->nbody)
        gen_append_edit(&a->body[n - 1], "truncated_after");

    for (unsigned i = 0; i < a->nbody; i++) {
        gen_para *p = &a->body[i];
        double u = gen_unit(r);
        enum gen_wedit op;
        const char *name;
        if (u < 0.2) {
            op = GEN_SUBST;
            name = "subst";
        } else if (u < 0.3) {
            op = GEN_INSERT;
            name = "insert";
        } else if (u < 0.4) {
            op = GEN_DELETE;
            name = "delete";
        } else if (u < 0.45 && p->nsent >= 2) {
            unsigned k = gen_below(r, p->nsent);
            free(p->sent[k]);
            memmove(&p->sent[k], &p->sent[k + 1],
                    (p->nsent - k - 1) * sizeof *p->sent);
            p->nsent--;
            gen_append_edit(p, "drop_sentence");
            continue;
        } else {
            continue;
        }
        unsigned times = gen_range(r, 1, 2);
        for (unsigned t = 0; t < times; t++) {
            unsigned k = gen_below(r, p->nsent);
            char *s = gen_edit_sentence(g, p->sent[k], op);
            free(p->sent[k]);
            p->sent[k] = s;
        }
        gen_append_edit(p, name);
    }

    /* Re-paragraphing: join two neighbours, or split one at a sentence. */
    if (a->nbody >= 3 && gen_chance(r, 0.2)) {
        unsigned i = gen_below(r, a->nbody - 1);
        gen_para *p = &a->body[i], *q = &a->body[i + 1];
        p->sent = gen_xrealloc(p->sent,
                               (p->nsent + q->nsent) * sizeof *p->sent);
        memcpy(p->sent + p->nsent, q->sent, q->nsent * sizeof *q->sent);
        p->nsent += q->nsent;
        free(q->sent);
        p->from_body[1] = q->from_body[0];
        p->nfrom = 2;
        gen_append_edit(p, "join");
        memmove(q, q + 1, (a->nbody - i - 2) * sizeof *q);
        a->nbody--;
    }
    if (gen_chance(r, 0.2)) {
        for (unsigned tries = 0; tries < 4; tries++) {
            unsigned i = gen_below(r, a->nbody);
            if (a->body[i].nsent < 2 || a->body[i].nfrom != 1)
                continue;
            gen_art_push_para(a); /* may move the array */
            gen_para *p = &a->body[i];
            memmove(p + 2, p + 1, (a->nbody - i - 2) * sizeof *p);
            gen_para *q = p + 1;
            unsigned cut = gen_range(r, 1, p->nsent - 1);
            memset(q, 0, sizeof *q);
            q->nsent = p->nsent - cut;
            q->sent = gen_xmalloc(q->nsent * sizeof *q->sent);
            memcpy(q->sent, p->sent + cut, q->nsent * sizeof *q->sent);
            p->nsent = cut;
            q->from_art = p->from_art;
            q->from_body[0] = p->from_body[0];
            q->nfrom = 1;
            gen_append_edit(p, "split_head");
            strcpy(q->edit, p->edit);
            char *h = strstr(q->edit, "split_head");
            if (h)
                memcpy(h, "split_tail", 10);
            break;
        }
    }
}

/*
 * An update: the same source rewrites its story later in the day. The
 * lead and most paragraphs are new; a few paragraphs are kept verbatim.
 * It is not a copy: the truth names what it updates, and its kept
 * paragraphs, but gives it no origin.
 */
static void gen_update(gen_state *g, gen_art *a, gen_art *batch, int o)
{
    const gen_art *orig = &batch[o];
    gen_rng *r = &g->rng;
    gen_buf b = {0};
    memset(a, 0, sizeof *a);
    a->src = orig->src;
    a->kind = GEN_UPDATE;
    a->origin = o; /* kept for the truth's "update_of"; not a copy */
    a->tmpl = -1;
    gen_new_id(g, a);
    buf_printf(&b, "UPDATE 1-%s", orig->title);
    a->title = buf_take(&b);
    free(b.p);
    a->dateline = gen_xstrdup(orig->dateline);
    gen_fill_body(g, a, 1); /* a new lead */
    for (unsigned i = 1; i < orig->nbody; i++) {
        if (gen_chance(r, 0.2))
            gen_copy_para(gen_art_push_para(a), &orig->body[i], o, (int)i);
        else
            gen_fill_body(g, a, 1);
    }
    gen_fill_body(g, a, gen_range(r, 1, 3));
}

/*
 * Template families: a story told every day with the same sentences and
 * different facts. Slots come every 2-5 words, so two instances share few
 * 5-word shingles; they are the near-misses that must not match.
 * Slots: {C} city, {P} person, {O} organisation, {T} team, {N} number,
 * {W} rare word, {D} weekday, {M} month, {U} up/down.
 */
static const char *const gen_templates[3][4] = {
    {"Stocks {U} on {D} as {W} {W} in {C} pushed the {O} index {N} points, "
     "or {N} percent, to {N} by the close, with {W} shares leading {W} gains.",
     "{O} {U} {N} percent to {N} dollars after reporting {W} profit of {N} "
     "million for the quarter, against {N} million a year earlier, {P} said.",
     "The {W} {W} traded at {N} per {W} on {D}, {U} from {N} on {D}, as {N} "
     "{W} contracts changed hands in {C}.",
     "\"The {W} {W} remains {W},\" said {P}, a {W} at {O} in {C}, adding "
     "that {W} {W} could {W} by {N} percent in {M}."},
    {"{T} beat {T} {N}-{N} on {D} in {C}, with {P} scoring {N} {W} and {P} "
     "adding {N} as {T} moved to {N}-{N} this season.",
     "{P} opened the scoring after {N} minutes when a {W} {W} from {P} "
     "reached {P} on the {W} {W}.",
     "\"The {W} was {W},\" {P} told reporters after the {W} match in {C} on "
     "{D}, the team's {N}th {W} in {N} games.",
     "{T} host {T} on {D} in {C}, while {T} travel to {C} to face {T} "
     "on {D} {M} {N}."},
    {"Temperatures in {C} will reach {N} degrees on {D}, forecasters said, "
     "with {W} winds of up to {N} km per hour expected across {C} and {C} by "
     "{D}.",
     "The {W} service issued {W} warnings for {N} districts including {C}, "
     "where {N} millimetres of rain fell in {N} hours on {D}.",
     "{P}, a {W} at the {O} weather office, said {W} conditions would {W} "
     "until {M} {N} in {W} {W} areas.",
     "Roads between {C} and {C} were {W} on {D} after {N} {W} {W}, police "
     "said, and {N} flights were {W} at {C} airport."},
};

static char *gen_fill_template(gen_state *g, const char *t)
{
    gen_buf b = {0};
    gen_rng *r = &g->rng;
    const gen_world *w = &g->world;
    for (const char *p = t; *p; p++) {
        if (p[0] != '{' || !p[1] || p[2] != '}') {
            buf_putc(&b, *p);
            continue;
        }
        switch (p[1]) {
        case 'C': buf_puts(&b, gen_cities[gen_below(r, GEN_NCITIES)]); break;
        case 'P': buf_puts(&b, gen_person(w, r)); break;
        case 'O': buf_puts(&b, w->orgs[gen_below(r, GEN_ORGS)]); break;
        case 'T': buf_puts(&b, w->teams[gen_below(r, GEN_TEAMS)]); break;
        case 'N': buf_printf(&b, "%u", gen_range(r, 2, 999)); break;
        case 'W': buf_puts(&b, gen_rare_word(w, r)); break;
        case 'D': buf_puts(&b, gen_days[gen_below(r, 7)]); break;
        case 'M': buf_puts(&b, gen_months[gen_below(r, 12)]); break;
        case 'U':
            buf_puts(&b, gen_chance(r, 0.5) ? "rose" : "fell");
            break;
        default: buf_put(&b, p, 3); break;
        }
        p += 2;
    }
    gen_upcase_first(b.p);
    return b.p;
}

static void gen_template_story(gen_state *g, gen_art *a, unsigned fam,
                               int inst)
{
    gen_rng *r = &g->rng;
    memset(a, 0, sizeof *a);
    a->src = gen_below(r, GEN_NSOURCES);
    a->kind = GEN_TEMPLATE;
    a->origin = -1;
    a->tmpl = inst;
    gen_new_id(g, a);
    static const char *const titles[] = {"Markets: Stocks Close the Day",
                                         "Results: Weekend Match Report",
                                         "Weather: The Forecast Ahead"};
    a->title = gen_xstrdup(titles[fam]);
    a->dateline = gen_dateline(g, g->src[a->src].credit);
    for (unsigned i = 0; i < 4; i++) {
        gen_para *p = gen_art_push_para(a);
        gen_para_push_sent(p, gen_fill_template(g, gen_templates[fam][i]));
        if (gen_chance(r, 0.3))
            gen_para_push_sent(p, gen_fill_template(g, gen_templates[fam][i]));
    }
}

/* Appends paragraph text to b, hard-wrapped at 72 columns when wrap. With
 * words under 32 bytes, every line but the last is 40..72 bytes long: the
 * segmenter's rule for one hard-wrapped paragraph. */
static void gen_put_para(gen_buf *b, const char *text, int wrap)
{
    if (!wrap) {
        buf_puts(b, text);
        return;
    }
    size_t line = 0;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (line > 0 && line + 1 + len > 72) {
            buf_putc(b, '\n');
            line = 0;
        } else if (line > 0) {
            buf_putc(b, ' ');
            line++;
        }
        buf_put(b, p, len);
        line += len;
        p += len;
        if (*p == ' ')
            p++;
    }
}

/*
 * Lays out article a of batch: header lines, body (dateline on the first
 * paragraph), an occasional repeated paragraph, footer lines; sometimes a
 * header line is glued onto the lead or a footer onto the last paragraph.
 * Fills a->text, a->body_final and a->truth.
 */
static void gen_layout(gen_state *g, gen_art *a, gen_art *batch)
{
    gen_rng *r = &g->rng;
    const gen_source *s = &g->src[a->src];
    gen_buf para = {0}, text = {0};
    char **fin = NULL;    /* final paragraphs */
    unsigned nfin = 0;
    gen_buf *tr = &a->truth;
    int glue_head = -1, glue_foot = -1;
    unsigned nhead = 0;
    const char *heads[3];

#define GEN_PUSH_FIN(str)                                                    \
    do {                                                                     \
        fin = gen_xrealloc(fin, (nfin + 1) * sizeof *fin);                   \
        fin[nfin++] = (str);                                                 \
    } while (0)

    a->body_final = gen_xmalloc(a->nbody * sizeof *a->body_final);
    for (unsigned h = 0; h < s->nheader; h++)
        if (gen_chance(r, 0.9))
            heads[nhead++] = s->header[h];
    if (nhead && gen_chance(r, 0.1))
        glue_head = (int)--nhead; /* glued to the lead instead */
    for (unsigned h = 0; h < nhead; h++) {
        buf_printf(tr, "%s{\"para\":%u,\"boilerplate\":\"header\"}",
                   tr->n ? "," : "", nfin);
        GEN_PUSH_FIN(gen_xstrdup(heads[h]));
    }

    for (unsigned i = 0; i < a->nbody; i++) {
        const gen_para *p = &a->body[i];
        buf_clear(&para);
        if (i == 0 && glue_head >= 0) {
            buf_puts(&para, heads[glue_head]);
            buf_putc(&para, ' ');
        }
        if (i == 0) {
            buf_puts(&para, a->dateline);
            buf_printf(&para, " %s ", s->dash);
        }
        for (unsigned k = 0; k < p->nsent; k++) {
            if (k)
                buf_putc(&para, ' ');
            gen_render_style(&para, p->sent[k], s->curly);
        }
        a->body_final[i] = (int)nfin;
        if (p->nfrom || (i == 0 && glue_head >= 0)) {
            buf_printf(tr, "%s{\"para\":%u", tr->n ? "," : "", nfin);
            if (p->nfrom) {
                const gen_art *o = &batch[p->from_art];
                buf_puts(tr, ",\"from\":[");
                for (unsigned f = 0; f < p->nfrom; f++)
                    buf_printf(tr, "%s[\"%s\",%d]", f ? "," : "", o->id,
                               o->body_final[p->from_body[f]]);
                buf_printf(tr, "],\"edit\":\"%s\"", p->edit);
            }
            if (i == 0 && glue_head >= 0)
                buf_puts(tr, ",\"glued\":\"header\"");
            buf_putc(tr, '}');
        }
        GEN_PUSH_FIN(buf_take(&para));
    }
    /* A paragraph repeated inside the article (a pull quote, a lead
     * repeated at the end). */
    if (a->nbody >= 3 && gen_chance(r, 0.06)) {
        unsigned i = gen_range(r, 1, a->nbody - 1);
        unsigned at = (unsigned)a->body_final[i];
        buf_printf(tr, "%s{\"para\":%u,\"from\":[[\"%s\",%u]],"
                       "\"edit\":\"repeat\"}", tr->n ? "," : "", nfin,
                   a->id, at);
        GEN_PUSH_FIN(gen_xstrdup(fin[at]));
        g->n_repeat++;
    }
    unsigned nfoot = 0;
    const char *foots[3];
    for (unsigned f = 0; f < s->nfooter; f++)
        if (gen_chance(r, 0.9))
            foots[nfoot++] = s->footer[f];
    unsigned first_foot = 0;
    if (nfoot && gen_chance(r, 0.1)) {
        glue_foot = 0;
        first_foot = 1;
        unsigned last = nfin - 1;
        buf_clear(&para);
        buf_puts(&para, fin[last]);
        buf_putc(&para, ' ');
        buf_puts(&para, foots[0]);
        free(fin[last]);
        fin[last] = buf_take(&para);
        buf_printf(tr, "%s{\"para\":%u,\"glued\":\"footer\"}",
                   tr->n ? "," : "", last);
    }
    for (unsigned f = first_foot; f < nfoot; f++) {
        buf_printf(tr, "%s{\"para\":%u,\"boilerplate\":\"footer\"}",
                   tr->n ? "," : "", nfin);
        GEN_PUSH_FIN(gen_xstrdup(foots[f]));
    }
    if (glue_head >= 0 || glue_foot >= 0)
        g->n_glued++;

    for (unsigned i = 0; i < nfin; i++) {
        if (i)
            buf_puts(&text, "\n\n");
        gen_put_para(&text, fin[i], s->wrap);
        free(fin[i]);
    }
    free(fin);
    free(para.p);
    a->text = text.p ? text.p : gen_xstrdup("");
#undef GEN_PUSH_FIN
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */

typedef struct gen_out {
    FILE *f;          /* plain output, or NULL */
    gzFile gz;        /* gzip output, or NULL */
    FILE *truth;      /* truth file, or NULL */
    uint64_t bytes;   /* uncompressed corpus bytes written */
    gen_buf line;     /* scratch */
} gen_out;

static void gen_write(gen_out *o, const char *p, size_t n)
{
    if (o->gz) {
        if (n && gzwrite(o->gz, p, (unsigned)n) != (int)n)
            gen_die("gzip write failed");
    } else if (fwrite(p, 1, n, o->f) != n) {
        gen_die("write failed");
    }
    o->bytes += n;
}

static void gen_emit(gen_state *g, gen_out *o, gen_art *a, gen_art *batch)
{
    gen_buf *l = &o->line;
    const gen_source *s = &g->src[a->src];
    buf_clear(l);
    buf_puts(l, "{\"id\":");
    buf_json_str(l, a->id);
    buf_puts(l, ",\"source\":");
    buf_json_str(l, s->name);
    buf_printf(l, ",\"date\":\"%04d-%02d-%02d\",\"title\":", g->year,
               g->month, g->day);
    buf_json_str(l, a->title);
    buf_puts(l, ",\"text\":");
    buf_json_str(l, a->text);
    buf_puts(l, "}\n");
    gen_write(o, l->p, l->n);

    if (!o->truth)
        return;
    buf_clear(l);
    buf_puts(l, "{\"id\":");
    buf_json_str(l, a->id);
    buf_puts(l, ",\"source\":");
    buf_json_str(l, s->name);
    buf_printf(l, ",\"kind\":\"%s\",\"origin\":", gen_kind_names[a->kind]);
    if (a->kind == GEN_SYNDICATED)
        buf_json_str(l, batch[a->origin].id);
    else
        buf_puts(l, "null");
    if (a->kind == GEN_UPDATE) {
        buf_puts(l, ",\"update_of\":");
        buf_json_str(l, batch[a->origin].id);
    }
    if (a->kind == GEN_TEMPLATE)
        buf_printf(l, ",\"template\":%d", a->tmpl);
    buf_printf(l, ",\"paras\":[%s]}\n", a->truth.p ? a->truth.p : "");
    if (fwrite(l->p, 1, l->n, o->truth) != l->n)
        gen_die("truth write failed");
}

static void gen_next_day(gen_state *g)
{
    int leap = (g->year % 4 == 0 && g->year % 100 != 0) ||
               g->year % 400 == 0;
    int mdays = gen_mdays[g->month - 1] + (g->month == 2 && leap ? 1 : 0);
    if (++g->day > mdays) {
        g->day = 1;
        if (++g->month > 12) {
            g->month = 1;
            g->year++;
        }
    }
}

#define GEN_BATCH_STORIES 30

/* A new slot at the end of the batch; earlier slots may move. */
static gen_art *gen_new_art(gen_art **batch, unsigned *n, unsigned *cap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *batch = gen_xrealloc(*batch, *cap * sizeof **batch);
    }
    return &(*batch)[(*n)++];
}

/* Makes one batch and writes it until the corpus reaches target bytes.
 * Returns nonzero when the target is reached. */
static int gen_batch(gen_state *g, gen_out *o, uint64_t target)
{
    gen_rng *r = &g->rng;
    gen_art *batch = NULL;
    unsigned n = 0, cap = 0;
    int done = 0;

    for (unsigned i = 0; i < GEN_BATCH_STORIES; i++)
        gen_original(g, gen_new_art(&batch, &n, &cap));
    unsigned norig = n;
    /* Originals are laid out first: copies name their final indices. */
    for (unsigned i = 0; i < norig; i++)
        gen_layout(g, &batch[i], batch);

    for (unsigned i = 0; i < norig; i++) {
        if (gen_chance(r, 0.45)) {
            unsigned copies = 1;
            while (copies < 5 && gen_chance(r, 0.5))
                copies++;
            for (unsigned c = 0; c < copies; c++) {
                gen_art *a = gen_new_art(&batch, &n, &cap);
                gen_syndicate(g, a, batch, (int)i);
            }
        }
        if (gen_chance(r, 0.08)) {
            gen_art *a = gen_new_art(&batch, &n, &cap);
            gen_update(g, a, batch, (int)i);
        }
    }
    unsigned fam = gen_below(r, 3), inst = gen_range(r, 3, 6);
    for (unsigned k = 0; k < inst; k++)
        gen_template_story(g, gen_new_art(&batch, &n, &cap), fam,
                           (int)g->ntmpl);
    g->ntmpl++;

    for (unsigned i = norig; i < n; i++)
        gen_layout(g, &batch[i], batch);
    /* Derived articles in a shuffled order after the originals. */
    unsigned *order = gen_xmalloc((n - norig + 1) * sizeof *order);
    for (unsigned i = norig; i < n; i++)
        order[i - norig] = i;
    for (unsigned i = n - norig; i > 1; i--) {
        unsigned j = gen_below(r, i);
        unsigned t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    for (unsigned i = 0; i < n && !done; i++) {
        gen_art *a = &batch[i < norig ? i : order[i - norig]];
        gen_emit(g, o, a, batch);
        g->n_kind[a->kind]++;
        done = o->bytes >= target;
    }
    free(order);
    for (unsigned i = 0; i < n; i++)
        gen_art_free(&batch[i]);
    free(batch);
    gen_next_day(g);
    return done;
}

/* ------------------------------------------------------------------ */
/* Command line.                                                       */

static void gen_usage(FILE *f)
{
    fprintf(f,
        "usage: nd_gen [--seed N] [--size SIZE] [--gzip] [--level 1-9]\n"
        "              [--truth PATH | --no-truth] [--quiet] -o OUT\n"
        "Writes a synthetic news corpus as JSONL to OUT, one article a line\n"
        "({\"id\",\"source\",\"date\",\"title\",\"text\"}): original stories,\n"
        "syndicated copies of them with edits, updates, template stories that\n"
        "share wording but not facts, and every source's header and footer\n"
        "lines, some glued to the text. What was planted goes to a truth file.\n"
        "  -o, --out OUT  the corpus; '-' for standard output (then give\n"
        "                 --truth PATH or --no-truth)\n"
        "  --size SIZE    uncompressed bytes to write, suffix K, M or G\n"
        "                 (powers of 1000); default 10M; the last article\n"
        "                 is written whole, so OUT ends a little past SIZE\n"
        "  --seed N       default 1; the same seed and size give the same\n"
        "                 bytes, compressed or not\n"
        "  --gzip         compress OUT with gzip (name it .jsonl.gz; SIZE\n"
        "                 still counts the uncompressed bytes)\n"
        "  --level L      gzip level with --gzip, 1 (fastest) to 9\n"
        "                 (smallest); default 6; no effect without --gzip\n"
        "  --truth PATH   where to write the truth (default: OUT without\n"
        "                 .gz and .jsonl, plus .truth.jsonl): a line per\n"
        "                 article with its id, source, kind (original,\n"
        "                 syndicated, update, template), origin (the story\n"
        "                 a syndicated copy copies), update_of, template,\n"
        "                 and paras: for a planted paragraph its index,\n"
        "                 where it came from (\"from\": [[id, para], ...])\n"
        "                 and the edit made, or the boilerplate it is\n"
        "                 (\"boilerplate\": header or footer) or has glued\n"
        "                 to it (\"glued\"); nd_eval -t scores a scan\n"
        "                 against it\n"
        "  --no-truth     write no truth file\n"
        "  --quiet        no summary line on standard error\n"
        "  -h, --help     show this help\n");
}

static int gen_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0)
        return -1;
    double mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1e3; end++; break;
    case 'm': case 'M': mul = 1e6; end++; break;
    case 'g': case 'G': mul = 1e9; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b')
        end++;
    if (*end)
        return -1;
    *out = (uint64_t)(v * mul);
    return 0;
}

static int gen_has_suffix(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

int main(int argc, char **argv)
{
    const char *out_path = NULL, *truth_path = NULL;
    uint64_t seed = 1, size = 10000000;
    int gzip = 0, level = 6, no_truth = 0, quiet = 0;
    char *truth_alloc = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            gen_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--gzip")) {
            gzip = 1;
        } else if (!strcmp(a, "--no-truth")) {
            no_truth = 1;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (v && (!strcmp(a, "-o") || !strcmp(a, "--out"))) {
            out_path = v;
            i++;
        } else if (v && !strcmp(a, "--truth")) {
            truth_path = v;
            i++;
        } else if (v && !strcmp(a, "--seed")) {
            char *end;
            errno = 0;
            seed = strtoull(v, &end, 10); /* decimal, as neardup's */
            if (errno || *end || end == v || *v == '-' || *v == '+') {
                fprintf(stderr, "nd_gen: --seed takes a decimal whole "
                        "number, got '%s'\n", v);
                return 2;
            }
            i++;
        } else if (v && !strcmp(a, "--size")) {
            if (gen_parse_size(v, &size)) {
                fprintf(stderr, "nd_gen: bad --size '%s'\n", v);
                return 2;
            }
            i++;
        } else if (v && !strcmp(a, "--level")) {
            level = v[0] >= '1' && v[0] <= '9' && !v[1] ? v[0] - '0' : 0;
            if (level < 1 || level > 9) {
                fprintf(stderr, "nd_gen: --level must be 1..9\n");
                return 2;
            }
            i++;
        } else {
            fprintf(stderr, "nd_gen: unknown or incomplete option '%s'\n", a);
            gen_usage(stderr);
            return 2;
        }
    }
    if (!out_path) {
        gen_usage(stderr);
        return 2;
    }
    if (!truth_path && !no_truth) {
        if (!strcmp(out_path, "-")) {
            fprintf(stderr, "nd_gen: with -o - give --truth PATH or "
                            "--no-truth\n");
            return 2;
        }
        size_t n = strlen(out_path);
        if (gen_has_suffix(out_path, n, ".gz"))
            n -= 3;
        if (gen_has_suffix(out_path, n, ".jsonl"))
            n -= 6;
        truth_alloc = gen_xmalloc(n + sizeof ".truth.jsonl");
        memcpy(truth_alloc, out_path, n);
        memcpy(truth_alloc + n, ".truth.jsonl", sizeof ".truth.jsonl");
        truth_path = truth_alloc;
    }

    gen_out o = {0};
    if (gzip) {
        char mode[8];
        snprintf(mode, sizeof mode, "wb%d", level);
        o.gz = !strcmp(out_path, "-") ? gzdopen(1, mode)
                                      : gzopen(out_path, mode);
        if (!o.gz) {
            fprintf(stderr, "nd_gen: cannot open %s\n", out_path);
            return 1;
        }
        gzbuffer(o.gz, 1 << 18);
    } else {
        o.f = !strcmp(out_path, "-") ? stdout : fopen(out_path, "wb");
        if (!o.f) {
            fprintf(stderr, "nd_gen: cannot open %s: %s\n", out_path,
                    strerror(errno));
            return 1;
        }
    }
    if (truth_path) {
        o.truth = fopen(truth_path, "wb");
        if (!o.truth) {
            fprintf(stderr, "nd_gen: cannot open %s: %s\n", truth_path,
                    strerror(errno));
            return 1;
        }
    }

    gen_state *g = gen_xmalloc(sizeof *g);
    memset(g, 0, sizeof *g);
    gen_rng_seed(&g->rng, seed);
    gen_world_init(&g->world, &g->rng);
    gen_sources_init(g->src, &g->world, &g->rng);
    g->year = 2024;
    g->month = 1;
    g->day = 1;
    while (size > 0 && !gen_batch(g, &o, size))
        ;

    if (o.gz && gzclose(o.gz) != Z_OK)
        gen_die("gzip close failed");
    if (o.f && (fflush(o.f) || (o.f != stdout && fclose(o.f))))
        gen_die("write failed");
    if (o.truth && fclose(o.truth))
        gen_die("truth write failed");
    if (!quiet)
        fprintf(stderr,
                "nd_gen: %llu bytes, %llu articles (%llu original, %llu "
                "syndicated, %llu update, %llu template), %llu with a "
                "repeated paragraph, %llu with glued boilerplate%s%s\n",
                (unsigned long long)o.bytes,
                g->n_kind[0] + g->n_kind[1] + g->n_kind[2] + g->n_kind[3],
                g->n_kind[0], g->n_kind[1], g->n_kind[2], g->n_kind[3],
                g->n_repeat, g->n_glued, truth_path ? "; truth: " : "",
                truth_path ? truth_path : "");
    free(o.line.p);
    free(truth_alloc);
    for (unsigned i = 0; i < GEN_NSOURCES; i++) {
        for (unsigned h = 0; h < g->src[i].nheader; h++)
            free(g->src[i].header[h]);
        for (unsigned f = 0; f < g->src[i].nfooter; f++)
            free(g->src[i].footer[f]);
    }
    gen_world_free(&g->world);
    free(g);
    return 0;
}

/*
 * app.c - the smallest program on the installed public API: scans one
 * input into an output directory and prints the version and the clusters.
 */
#include <stdio.h>

#include <neardup.h>

int main(int argc, char **argv)
{
    nd_options opts = ND_OPTIONS_INIT;
    nd_scan *scan = NULL;
    nd_stats st;
    int rc = 1;

    if (argc != 3) {
        fprintf(stderr, "usage: app INPUT OUTDIR\n");
        return 2;
    }
    if (nd_scan_new(&scan, &opts) == 0 &&
        nd_scan_add_input(scan, argv[1]) == 0 && nd_scan_run(scan) == 0 &&
        nd_scan_write(scan, argv[2]) == 0 && nd_scan_stats(&st, scan) == 0) {
        printf("neardup %s: %llu clusters\n", nd_version(),
               (unsigned long long)st.clusters);
        rc = 0;
    } else {
        fprintf(stderr, "app: %s\n", scan ? nd_scan_errmsg(scan) : "no memory");
    }
    nd_scan_free(scan);
    return rc;
}

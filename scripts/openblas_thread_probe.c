// Does OpenBLAS's sgemm give the same bits with 1 and 2 threads on the VQ encoders' product shapes?
// (It need not: a multi-threaded call may cut the K loop into other blocks.) Prints each shape whose
// results differ and how many elements do; `make probe-openblas`, or with OPENBLAS_CORETYPE=Haswell
// for the AVX2 kernels. The encoder never relies on the answer: it calls OpenBLAS single-threaded.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void openblas_set_num_threads(int);

static float *values(size_t n, unsigned seed) {
    float *p = malloc(n * sizeof(float));
    unsigned x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) { x = x * 1664525u + 1013904223u; p[i] = (x >> 8) / (float)(1 << 24) - 0.5f; }
    return p;
}

/// Elements of C that differ between a 1-thread and a 2-thread call.
static long differing(int m, int n, int k, int ta, int tb, float beta) {
    float *a = values((size_t)m * k, 1), *b = values((size_t)k * n, 2), *c0 = values((size_t)m * n, 3);
    float *c1 = malloc((size_t)m * n * 4), *c2 = malloc((size_t)m * n * 4);
    memcpy(c1, c0, (size_t)m * n * 4);
    memcpy(c2, c0, (size_t)m * n * 4);
    enum CBLAS_TRANSPOSE opA = ta ? CblasTrans : CblasNoTrans, opB = tb ? CblasTrans : CblasNoTrans;
    openblas_set_num_threads(1);
    cblas_sgemm(CblasRowMajor, opA, opB, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, beta, c1, n);
    openblas_set_num_threads(2);
    cblas_sgemm(CblasRowMajor, opA, opB, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, beta, c2, n);
    long d = 0;
    for (size_t i = 0; i < (size_t)m * n; i++) d += memcmp(&c1[i], &c2[i], 4) != 0;
    free(a); free(b); free(c0); free(c1); free(c2);
    return d;
}

int main(void) {
    int shapes = 0, dependent = 0;
    int channels[] = {128, 256, 512, 1024}, positions[] = {256, 1024, 4096};
    for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) {
        int c = channels[i], hw = positions[j], band = hw < 1024 ? hw : 1024;
        long d[4] = {differing(3 * c, hw, c, 0, 0, 1), differing(band, hw, c, 1, 0, 0),
                     differing(c, band, hw, 0, 1, 0), differing(c, hw, c, 0, 0, 0)};
        shapes += 4;
        for (int t = 0; t < 4; t++) dependent += d[t] != 0;
        if (d[0] || d[1] || d[2] || d[3])
            printf("attention C=%d HW=%d: qkv %ld, scores %ld, attended %ld, proj %ld elements differ\n", c, hw, d[0], d[1], d[2], d[3]);
    }
    int inputs[] = {32, 64, 128, 256, 512}, widths[] = {130, 258, 514};
    for (int i = 0; i < 5; i++) for (int j = 0; j < 3; j++) {
        int ci = inputs[i], pw = widths[j], k = ci * 9, rows = (32 << 20) / (k * pw * 4);
        if (rows < 1) rows = 1;
        if (rows > pw) rows = pw;
        long im2col = differing(ci, rows * pw, k, 0, 0, 1), pointwise = differing(2 * ci, pw * pw, ci, 0, 0, 1);
        shapes += 2;
        dependent += (im2col != 0) + (pointwise != 0);
        if (im2col) printf("im2col band Cin=%d width=%d rows=%d: %ld elements differ\n", ci, pw, rows, im2col);
        if (pointwise) printf("1x1 Cin=%d plane=%d: %ld elements differ\n", ci, pw * pw, pointwise);
    }
    int codes[] = {8192, 16384, 32768}, dims[] = {256, 8, 4};
    for (int i = 0; i < 3; i++) {
        long d = differing(256, codes[i], dims[i], 0, 1, 0);
        shapes += 1;
        dependent += d != 0;
        if (d) printf("codebook K=%d D=%d: %ld elements differ\n", codes[i], dims[i], d);
    }
    printf("%d of %d product shapes give other bits with 2 threads than with 1\n", dependent, shapes);
    return 0;
}

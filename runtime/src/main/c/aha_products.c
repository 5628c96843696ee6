/*
 * The float16 matrix-vector products behind dev.aha.runtime.engine.HalfGemv and one sequence's decode step.
 *
 * Decoding one sequence multiplies every weight matrix by one row of activations: the step reads the whole model
 * once and does two FLOPs per weight, so its speed is the speed of reading the weights. libtorch 2.7 sends a float16
 * product of one row through oneDNN's matmul on CPUs with AVX-512 FP16 (its weights as the "source", the row as the
 * "weights", N = 1), and elsewhere through its own dot-product loop; on a Sapphire-Rapids-class Xeon both read well
 * under half the memory bandwidth. This loop reads each weight row once, widens it to float32 in registers
 * (vcvtph2ps), accumulates in float32 and rounds each output once to float16, as libtorch's own loop does.
 *
 * The rows are shared among the OpenMP threads libtorch already runs (found among the loaded libraries, called
 * through GOMP_parallel, the entry point gcc's "#pragma omp parallel" compiles to): a pool of our own would spin
 * against libtorch's workers, which spin a while after each of libtorch's own parallel ops, on the same cores. The
 * calling thread's intra-op setting (at::set_num_threads) decides how many share. Each row is summed by one thread
 * in one order, so the result does not depend on the thread count.
 *
 * Compiled for AVX-512 (build.sh); entered only after aha_level() said the CPU has it.
 */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>

#include "aha_kernels.h"

/* Rows summed together: their loads interleave, so the core keeps enough reads in flight. */
#define ROWS 8
/* Fewer rows than this per thread are not worth waking another. */
#define MIN_ROWS_PER_THREAD 64

uint16_t aha_round16(float f) {
    return _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
}

float aha_float32(uint16_t h) {
    return _cvtsh_ss(h);
}

void aha_widen(const uint16_t *h, float *f, long n) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm512_storeu_ps(f + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (h + i))));
    }
    for (; i < n; i++) {
        f[i] = _cvtsh_ss(h[i]);
    }
}

/* The columns past the last full vector, the bias, the one rounding to float16, and the residual's add. */
static inline uint16_t finish(const struct aha_products *p, float s, const uint16_t *row, long from,
        const uint16_t *bias, long r, long out) {
    for (long c = from; c < p->cols; c++) {
        s += _cvtsh_ss(row[c]) * p->x[c];
    }
    if (bias != NULL) {
        s += _cvtsh_ss(bias[r]);
    }
    uint16_t y = aha_round16(s);
    return p->residual == NULL ? y : aha_round16(_cvtsh_ss(p->residual[out]) + _cvtsh_ss(y));
}

/* Rows [begin, end) of one weight w into y[begin..end); out0 is where y[0] sits among all of p's outputs. */
static void rows_of(const struct aha_products *p, const uint16_t *w, const uint16_t *bias, uint16_t *y, long out0,
        long begin, long end) {
    const long cols = p->cols;
    const float *x = p->x;
    long full = cols & ~15L;
    long r = begin;
    for (; r + ROWS <= end; r += ROWS) {
        const uint16_t *block = w + r * cols;
        const char *next = (const char *) (block + ROWS * cols);
        __m512 acc[ROWS];
        for (int i = 0; i < ROWS; i++) {
            acc[i] = _mm512_setzero_ps();
        }
        for (long c = 0; c < full; c += 16) {
            /* The next block streams in while this one is summed: ROWS x 32 bytes per step, four lines. */
            _mm_prefetch(next + c * 2 * ROWS, _MM_HINT_T0);
            _mm_prefetch(next + c * 2 * ROWS + 64, _MM_HINT_T0);
            _mm_prefetch(next + c * 2 * ROWS + 128, _MM_HINT_T0);
            _mm_prefetch(next + c * 2 * ROWS + 192, _MM_HINT_T0);
            __m512 xv = _mm512_loadu_ps(x + c);
            for (int i = 0; i < ROWS; i++) {
                __m256i h = _mm256_loadu_si256((const __m256i *) (block + i * cols + c));
                acc[i] = _mm512_fmadd_ps(_mm512_cvtph_ps(h), xv, acc[i]);
            }
        }
        for (int i = 0; i < ROWS; i++) {
            y[r + i] = finish(p, _mm512_reduce_add_ps(acc[i]), block + i * cols, full, bias, r + i, out0 + r + i);
        }
    }
    for (; r < end; r++) {
        const uint16_t *row = w + r * cols;
        __m512 acc = _mm512_setzero_ps();
        for (long c = 0; c < full; c += 16) {
            acc = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (row + c))),
                    _mm512_loadu_ps(x + c), acc);
        }
        y[r] = finish(p, _mm512_reduce_add_ps(acc), row, full, bias, r, out0 + r);
    }
}

/*
 * silu(g) * u over outputs [begin, end), each step rounded to float16 as the unfused ops round it:
 * s = sigmoid(g), a = g * s, h = a * u.
 */
static void gate_rows(const struct aha_products *p, long begin, long end) {
    const uint16_t *g = p->scratch;
    const uint16_t *u = p->scratch + p->rows[0];
    for (long j = begin; j < end; j++) {
        float gj = _cvtsh_ss(g[j]);
        float s = _cvtsh_ss(aha_round16(1.0f / (1.0f + expf(-gj))));
        float a = _cvtsh_ss(aha_round16(gj * s));
        p->y[j] = aha_round16(a * _cvtsh_ss(u[j]));
    }
}

/* Outputs [begin, end) of the stacked products, each weight's share of it. */
static void outputs(const struct aha_products *p, long begin, long end) {
    if (p->gated) {
        rows_of(p, p->w[0], NULL, p->scratch, 0, begin, end);
        rows_of(p, p->w[1], NULL, p->scratch + p->rows[0], 0, begin, end);
        gate_rows(p, begin, end);
        return;
    }
    long offset = 0;
    for (int i = 0; i < p->weights; i++) {
        long lo = begin > offset ? begin : offset;
        long hi = end < offset + p->rows[i] ? end : offset + p->rows[i];
        if (lo < hi) {
            rows_of(p, p->w[i], p->bias[i], p->y + offset, offset, lo - offset, hi - offset);
        }
        offset += p->rows[i];
    }
}

/* One thread's share: blocks of 8 outputs, split evenly. */
static void share(void *arg) {
    const struct aha_products *p = arg;
    long n = aha_omp_threads();
    long t = aha_omp_thread();
    long per = ((p->total + n - 1) / n + 7) / 8 * 8;
    long begin = t * per < p->total ? t * per : p->total;
    long end = begin + per < p->total ? begin + per : p->total;
    if (begin < end) {
        outputs(p, begin, end);
    }
}

void aha_run_products(struct aha_products *p) {
    if (aha_omp_parallel != NULL && p->total >= 2 * MIN_ROWS_PER_THREAD) {
        aha_omp_parallel(share, p, 0, 0); /* 0: as many threads as this thread's intra-op setting */
    } else {
        outputs(p, 0, p->total);
    }
}

/* sqrt(mean(x^2) + eps) of x (n), in float32. */
static float root_mean_square(const float *x, long n, float eps) {
    float squares = 0.0f;
    for (long i = 0; i < n; i++) {
        squares += x[i] * x[i];
    }
    return sqrtf(squares / (float) n + eps);
}

void aha_prepare_row(const uint16_t *x, const uint16_t *norm, float eps, float *xf, long cols) {
    aha_widen(x, xf, cols);
    if (norm == NULL) {
        return;
    }
    float root = root_mean_square(xf, cols, eps);
    for (long i = 0; i < cols; i++) {
        float normed = _cvtsh_ss(aha_round16(xf[i] / root));
        xf[i] = _cvtsh_ss(aha_round16(normed * _cvtsh_ss(norm[i])));
    }
}

void aha_norm_heads(uint16_t *x, long n, long d, const uint16_t *norm, float eps) {
    float f[d];
    for (long h = 0; h < n; h++) {
        aha_prepare_row(x + h * d, norm, eps, f, d);
        for (long i = 0; i < d; i++) {
            x[h * d + i] = aha_round16(f[i]); /* exact: f holds float16 values */
        }
    }
}

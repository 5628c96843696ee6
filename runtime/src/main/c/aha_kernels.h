/*
 * What the files of libaha_kernels.so share. aha_kernels.c holds the JNI entry points and runs on any x86-64 CPU;
 * aha_products.c (the float16 products) and aha_decode.c (one sequence's decode step) are compiled for AVX-512 and
 * are only entered once aha_level() said the CPU has it.
 */
#ifndef AHA_KERNELS_H
#define AHA_KERNELS_H

#include <stdint.h>

/* libtorch's OpenMP runtime (GOMP_parallel and the thread queries), found by aha_find_openmp; NULL: one thread. */
typedef void (*aha_parallel_fn)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*aha_count_fn)(void);
extern aha_parallel_fn aha_omp_parallel;
extern aha_count_fn aha_omp_thread;
extern aha_count_fn aha_omp_threads;

/* 1: AVX-512F with F16C (the kernels run), 0: not (libtorch keeps every product). */
int aha_level(void);

/* Weights one call multiplies by the same row: q, k and v, or gate and up. */
#define AHA_MAX_WEIGHTS 4

/*
 * One call's products of a float32 row x (cols) with float16 weights: the weights' rows stacked, y in the same
 * order, each output summed in float32 and rounded once to float16 (plus its bias, before the rounding). Gated (two
 * weights, gate and up): y = silu(gate x) * (up x) instead, through scratch (2 x rows[0]). With a residual, each
 * output becomes residual + output, rounded again, as a separate float16 add would; y may be the residual itself.
 */
struct aha_products {
    const uint16_t *w[AHA_MAX_WEIGHTS];
    const uint16_t *bias[AHA_MAX_WEIGHTS];
    long rows[AHA_MAX_WEIGHTS];
    int weights;
    long total;
    const float *x;
    long cols;
    uint16_t *y;
    const uint16_t *residual;
    uint16_t *scratch;
    int gated;
};

/* Computes p, its outputs shared among libtorch's OpenMP threads when there are enough of them. */
void aha_run_products(struct aha_products *p);

/*
 * x (float16, cols) widened to float32 in xf; normalised first when norm is given, as the unfused ops do it:
 * x / sqrt(mean(x^2) + eps) in float32, rounded to float16, times the norm's weight, rounded again.
 */
void aha_prepare_row(const uint16_t *x, const uint16_t *norm, float eps, float *xf, long cols);

/* The same norm over each of n vectors of length d, in place in float16 (Qwen3's per-head q and k norms). */
void aha_norm_heads(uint16_t *x, long n, long d, const uint16_t *norm, float eps);

/* float16 <-> float32 of n values. */
void aha_widen(const uint16_t *h, float *f, long n);
uint16_t aha_round16(float f);
float aha_float32(uint16_t h);

/* One float16 decoder layer's tensors, in the order the Java side (HalfSequenceStep) passes their addresses. */
enum aha_layer_tensor {
    AHA_INPUT_NORM, AHA_Q, AHA_Q_BIAS, AHA_K, AHA_K_BIAS, AHA_V, AHA_V_BIAS, AHA_Q_NORM, AHA_K_NORM, AHA_O,
    AHA_O_BIAS, AHA_POST_NORM, AHA_GATE, AHA_UP, AHA_DOWN, AHA_KEYS, AHA_VALUES, AHA_LAYER_TENSORS
};

/* The model's own tensors, then its sizes, in the order HalfSequenceStep passes them. */
enum aha_model_tensor { AHA_EMBED, AHA_FINAL_NORM, AHA_LM_HEAD, AHA_MODEL_TENSORS };
enum aha_size {
    AHA_HIDDEN, AHA_HEADS, AHA_KV_HEADS, AHA_HEAD_DIM, AHA_INTERMEDIATE, AHA_VOCAB, AHA_CAPACITY, AHA_LAYERS,
    AHA_SIZES
};

/*
 * One decode step of one sequence: token's embedding through every layer (its key and value written at position
 * into each layer's cache), the final norm and the output head; logits (vocab) in float32, each the float16 the
 * output head rounded to. cos and sin (head_dim) are the rotary tables at position. Returns 0, or -1 when memory
 * ran out (nothing written).
 */
int aha_decode_step(const int64_t *layers, const int64_t *model, const int32_t *sizes, int token, int position,
        const float *cos, const float *sin, float eps, float scaling, float *logits);

#endif

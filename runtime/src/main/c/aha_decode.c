/*
 * One decode step of one float16 sequence of a Llama-family model (llama, qwen2, qwen3), computed as
 * dev.aha.runtime.policy.llama.LlamaBlock computes it op by op, in one call.
 *
 * Through libtorch such a step is ~100 products and ~1,000 small ops around them (norms, RoPE, the cache's writes
 * and views, attention, residual adds), each a few to tens of microseconds: on two cores they cost about a third as
 * much as reading the weights, which is all the step has to do. Here the ops between products are plain loops over a
 * few thousand values, and the products are aha_products.c's.
 *
 * Every value is rounded to float16 where the op-by-op path rounds it (projections, RoPE's two products and their
 * sum, the attention output, each residual add, the norms), and computed in float32 where it computes in float32
 * (the norms' statistics, attention scores, softmax and the weighted sum of values), so the two agree to float16's
 * rounding; only summation orders differ.
 *
 * Compiled for AVX-512 (build.sh); entered only after aha_level() said the CPU has it.
 */
#include <immintrin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aha_kernels.h"

/* x' = x * cos + rotate_half(x) * sin over n vectors of d, rotate_half(x) = concat(-x[d/2:], x[:d/2]). */
static void rotate(uint16_t *x, long n, long d, const float *cos16, const float *sin16) {
    long half = d / 2;
    float turned[d];
    for (long v = 0; v < n; v++) {
        uint16_t *row = x + v * d;
        for (long i = 0; i < d; i++) {
            float xi = aha_float32(row[i]);
            float ri = i < half ? -aha_float32(row[i + half]) : aha_float32(row[i - half]);
            float a = aha_float32(aha_round16(xi * cos16[i]));
            float b = aha_float32(aha_round16(ri * sin16[i]));
            turned[i] = a + b;
        }
        for (long i = 0; i < d; i++) {
            row[i] = aha_round16(turned[i]);
        }
    }
}

static inline float dot(const float *q, const uint16_t *k, long d) {
    long full = d & ~15L;
    __m512 acc = _mm512_setzero_ps();
    for (long i = 0; i < full; i += 16) {
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (k + i))),
                acc);
    }
    float s = _mm512_reduce_add_ps(acc);
    for (long i = full; i < d; i++) {
        s += q[i] * aha_float32(k[i]);
    }
    return s;
}

static inline void add_scaled(float *acc, float p, const uint16_t *v, long d) {
    long full = d & ~15L;
    __m512 pv = _mm512_set1_ps(p);
    for (long i = 0; i < full; i += 16) {
        __m512 a = _mm512_loadu_ps(acc + i);
        _mm512_storeu_ps(acc + i,
                _mm512_fmadd_ps(pv, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (v + i))), a));
    }
    for (long i = full; i < d; i++) {
        acc[i] += p * aha_float32(v[i]);
    }
}

/* One layer's attention for one new token: softmax(q k^T * scaling) v per query head, over `length` positions. */
struct attention {
    const uint16_t *q;
    const uint16_t *keys;   /* (kv_heads, capacity, head_dim) */
    const uint16_t *values;
    long length;
    long heads;
    long kv_heads;
    long head_dim;
    long capacity;
    float scaling;
    float *scores;          /* heads x length */
    uint16_t *out;          /* heads x head_dim */
};

/* Query head h reads kv head h / (heads / kv_heads), as transformers' repeat_kv pairs them. */
static void attend_head(const struct attention *a, long h) {
    long d = a->head_dim;
    long kv = h / (a->heads / a->kv_heads);
    const uint16_t *keys = a->keys + kv * a->capacity * d;
    const uint16_t *values = a->values + kv * a->capacity * d;
    float *scores = a->scores + h * a->length;
    float q[d];
    float acc[d];
    aha_widen(a->q + h * d, q, d);
    float top = -INFINITY;
    for (long j = 0; j < a->length; j++) {
        scores[j] = dot(q, keys + j * d, d) * a->scaling;
        top = scores[j] > top ? scores[j] : top;
    }
    float sum = 0.0f;
    for (long j = 0; j < a->length; j++) {
        scores[j] = expf(scores[j] - top);
        sum += scores[j];
    }
    memset(acc, 0, sizeof(float) * (size_t) d);
    for (long j = 0; j < a->length; j++) {
        add_scaled(acc, scores[j] / sum, values + j * d, d);
    }
    for (long i = 0; i < d; i++) {
        a->out[h * d + i] = aha_round16(acc[i]);
    }
}

static void attend_share(void *arg) {
    const struct attention *a = arg;
    long n = aha_omp_threads();
    for (long h = aha_omp_thread(); h < a->heads; h += n) {
        attend_head(a, h);
    }
}

static void attend(struct attention *a) {
    if (aha_omp_parallel != NULL && a->heads > 1) {
        aha_omp_parallel(attend_share, a, 0, 0);
    } else {
        for (long h = 0; h < a->heads; h++) {
            attend_head(a, h);
        }
    }
}

#define TENSOR(table, i) ((uint16_t *) (intptr_t) (table)[i])

int aha_decode_step(const int64_t *layers, const int64_t *model, const int32_t *sizes, int token, int position,
        const float *cos, const float *sin, float eps, float scaling, float *logits) {
    const long d = sizes[AHA_HIDDEN];
    const long heads = sizes[AHA_HEADS];
    const long kv_heads = sizes[AHA_KV_HEADS];
    const long hd = sizes[AHA_HEAD_DIM];
    const long inter = sizes[AHA_INTERMEDIATE];
    const long vocab = sizes[AHA_VOCAB];
    const long capacity = sizes[AHA_CAPACITY];
    const long count = sizes[AHA_LAYERS];
    const long q_rows = heads * hd;
    const long kv_rows = kv_heads * hd;
    const long length = (long) position + 1;
    long widest = d > inter ? d : inter;
    widest = widest > q_rows ? widest : q_rows;

    uint16_t *h = malloc(sizeof(uint16_t) * (size_t) d);
    uint16_t *qkv = malloc(sizeof(uint16_t) * (size_t) (q_rows + 2 * kv_rows));
    uint16_t *attended = malloc(sizeof(uint16_t) * (size_t) q_rows);
    uint16_t *gated = malloc(sizeof(uint16_t) * (size_t) inter);
    uint16_t *gate_scratch = malloc(sizeof(uint16_t) * 2 * (size_t) inter);
    uint16_t *out16 = malloc(sizeof(uint16_t) * (size_t) vocab);
    float *xf = malloc(sizeof(float) * (size_t) widest);
    float *scores = malloc(sizeof(float) * (size_t) (heads * length));
    float *cos16 = malloc(sizeof(float) * 2 * (size_t) hd);
    int status = -1;
    if (h == NULL || qkv == NULL || attended == NULL || gated == NULL || gate_scratch == NULL || out16 == NULL
            || xf == NULL || scores == NULL || cos16 == NULL) {
        goto done;
    }
    /* The op-by-op path multiplies by the tables in the weights' type. */
    float *sin16 = cos16 + hd;
    for (long i = 0; i < hd; i++) {
        cos16[i] = aha_float32(aha_round16(cos[i]));
        sin16[i] = aha_float32(aha_round16(sin[i]));
    }
    memcpy(h, TENSOR(model, AHA_EMBED) + (long) token * d, sizeof(uint16_t) * (size_t) d);

    for (long l = 0; l < count; l++) {
        const int64_t *t = layers + l * AHA_LAYER_TENSORS;

        /* q, k, v of input_norm(h) */
        aha_prepare_row(h, TENSOR(t, AHA_INPUT_NORM), eps, xf, d);
        struct aha_products p = {
            .w = {TENSOR(t, AHA_Q), TENSOR(t, AHA_K), TENSOR(t, AHA_V)},
            .bias = {TENSOR(t, AHA_Q_BIAS), TENSOR(t, AHA_K_BIAS), TENSOR(t, AHA_V_BIAS)},
            .rows = {q_rows, kv_rows, kv_rows}, .weights = 3, .total = q_rows + 2 * kv_rows,
            .x = xf, .cols = d, .y = qkv};
        aha_run_products(&p);
        uint16_t *q = qkv;
        uint16_t *k = qkv + q_rows;
        uint16_t *v = k + kv_rows;
        if (TENSOR(t, AHA_Q_NORM) != NULL) { /* Qwen3: per head, before RoPE */
            aha_norm_heads(q, heads, hd, TENSOR(t, AHA_Q_NORM), eps);
            aha_norm_heads(k, kv_heads, hd, TENSOR(t, AHA_K_NORM), eps);
        }
        rotate(q, heads, hd, cos16, sin16);
        rotate(k, kv_heads, hd, cos16, sin16);

        /* this position's key and value into the slot, then attention over every cached position */
        uint16_t *keys = TENSOR(t, AHA_KEYS);
        uint16_t *values = TENSOR(t, AHA_VALUES);
        for (long g = 0; g < kv_heads; g++) {
            memcpy(keys + (g * capacity + position) * hd, k + g * hd, sizeof(uint16_t) * (size_t) hd);
            memcpy(values + (g * capacity + position) * hd, v + g * hd, sizeof(uint16_t) * (size_t) hd);
        }
        struct attention a = {.q = q, .keys = keys, .values = values, .length = length, .heads = heads,
            .kv_heads = kv_heads, .head_dim = hd, .capacity = capacity, .scaling = scaling, .scores = scores,
            .out = attended};
        attend(&a);

        /* h += o_proj(attention) */
        aha_widen(attended, xf, q_rows);
        struct aha_products o = {.w = {TENSOR(t, AHA_O)}, .bias = {TENSOR(t, AHA_O_BIAS)}, .rows = {d},
            .weights = 1, .total = d, .x = xf, .cols = q_rows, .y = h, .residual = h};
        aha_run_products(&o);

        /* h += down(silu(gate(x)) * up(x)), x = post_attention_norm(h) */
        aha_prepare_row(h, TENSOR(t, AHA_POST_NORM), eps, xf, d);
        struct aha_products gu = {.w = {TENSOR(t, AHA_GATE), TENSOR(t, AHA_UP)}, .rows = {inter, inter},
            .weights = 2, .total = inter, .x = xf, .cols = d, .y = gated, .scratch = gate_scratch, .gated = 1};
        aha_run_products(&gu);
        aha_widen(gated, xf, inter);
        struct aha_products down = {.w = {TENSOR(t, AHA_DOWN)}, .rows = {d}, .weights = 1, .total = d, .x = xf,
            .cols = inter, .y = h, .residual = h};
        aha_run_products(&down);
    }

    aha_prepare_row(h, TENSOR(model, AHA_FINAL_NORM), eps, xf, d);
    struct aha_products head = {.w = {TENSOR(model, AHA_LM_HEAD)}, .rows = {vocab}, .weights = 1, .total = vocab,
        .x = xf, .cols = d, .y = out16};
    aha_run_products(&head);
    aha_widen(out16, logits, vocab);
    status = 0;

done:
    free(h);
    free(qkv);
    free(attended);
    free(gated);
    free(gate_scratch);
    free(out16);
    free(xf);
    free(scores);
    free(cos16);
    return status;
}

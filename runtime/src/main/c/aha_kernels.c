/*
 * libaha_kernels.so: the float16 matrix-vector products behind dev.aha.runtime.engine.HalfGemv.
 *
 * Decoding one sequence multiplies every weight matrix by one row of activations: the step reads the whole model
 * once and does two FLOPs per weight, so its speed is the speed of reading the weights. libtorch 2.7 sends a float16
 * product of one row through oneDNN's matmul on CPUs with AVX-512 FP16 (its weights as the "source", the row as the
 * "weights", N = 1), and elsewhere through its own dot-product loop; on a Sapphire-Rapids-class Xeon both read well
 * under half the memory bandwidth. This loop reads each weight row once, widens it to float32 in registers
 * (vcvtph2ps), accumulates in float32 and rounds each output once to float16, as libtorch's own loop does. One call
 * also takes what surrounds the products of a decoder layer's input, which would otherwise be a dozen small libtorch
 * ops: the RMS norm before them, several weights against the same row (q, k and v), and the SwiGLU gate after them.
 *
 * The rows are shared among the OpenMP threads libtorch already runs (found among the loaded libraries, called
 * through GOMP_parallel, the entry point gcc's "#pragma omp parallel" compiles to): a pool of our own would spin
 * against libtorch's workers, which spin a while after each of libtorch's own parallel ops, on the same cores. The
 * calling thread's intra-op setting (at::set_num_threads) decides how many share. Each row is summed by one thread
 * in one order, so the result does not depend on the thread count.
 *
 * Built by build.sh (Maven's compile phase) for linux-x86_64. The loop is written for AVX-512; on CPUs without it
 * libtorch keeps every product (there its own float16 loop is not misrouted: oneDNN takes float16 only with
 * AVX-512 FP16).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <link.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

/* Rows summed together: their loads interleave, so the core keeps enough reads in flight. */
#define ROWS 8
/* Columns widened on the stack; wider rows take the heap. */
#define STACK_COLUMNS 8192

/* The columns past the last full vector, the bias, and the one rounding to float16. */
__attribute__((target("f16c"))) static inline uint16_t finish(float s, const uint16_t *row, const float *x, long from,
        long cols, const uint16_t *bias, long r) {
    for (long c = from; c < cols; c++) {
        s += _cvtsh_ss(row[c]) * x[c];
    }
    if (bias != NULL) {
        s += _cvtsh_ss(bias[r]);
    }
    return _cvtss_sh(s, _MM_FROUND_TO_NEAREST_INT);
}

__attribute__((target("avx512f,f16c"))) static void rows_avx512(const uint16_t *w, const float *x, const uint16_t *bias,
        uint16_t *y, long cols, long begin, long end) {
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
            y[r + i] = finish(_mm512_reduce_add_ps(acc[i]), block + i * cols, x, full, cols, bias, r + i);
        }
    }
    for (; r < end; r++) {
        const uint16_t *row = w + r * cols;
        __m512 acc = _mm512_setzero_ps();
        for (long c = 0; c < full; c += 16) {
            acc = _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *) (row + c))),
                    _mm512_loadu_ps(x + c), acc);
        }
        y[r] = finish(_mm512_reduce_add_ps(acc), row, x, full, cols, bias, r);
    }
}

__attribute__((target("f16c"))) static void widen(const uint16_t *h, float *f, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm256_storeu_ps(f + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (h + i))));
    }
    for (; i < n; i++) {
        f[i] = _cvtsh_ss(h[i]);
    }
}

/* 1: AVX-512F (with F16C, which every such CPU has), 0: not (libtorch keeps the products). */
static int level(void) {
    static int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f") ? 1 : 0;
    }
    return known;
}
#else
static int level(void) {
    return 0;
}
#endif

/* libtorch's OpenMP runtime: GOMP_parallel and the thread queries, or NULL (then one thread computes). */
typedef void (*parallel_fn)(void (*)(void *), void *, unsigned, unsigned);
typedef int (*count_fn)(void);
static parallel_fn omp_parallel;
static count_fn omp_thread;
static count_fn omp_threads;
static char omp_name[256];

static int find_openmp(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    (void) data;
    const char *name = info->dlpi_name;
    if (name == NULL || (strstr(name, "libgomp") == NULL && strstr(name, "libiomp") == NULL
            && strstr(name, "libomp") == NULL)) {
        return 0;
    }
    void *lib = dlopen(name, RTLD_LAZY | RTLD_NOLOAD); /* already loaded: only a handle, kept for the JVM's life */
    if (lib == NULL) {
        return 0;
    }
    parallel_fn parallel = (parallel_fn) dlsym(lib, "GOMP_parallel");
    count_fn thread = (count_fn) dlsym(lib, "omp_get_thread_num");
    count_fn threads = (count_fn) dlsym(lib, "omp_get_num_threads");
    if (parallel == NULL || thread == NULL || threads == NULL) {
        dlclose(lib);
        return 0;
    }
    omp_parallel = parallel;
    omp_thread = thread;
    omp_threads = threads;
    const char *base = strrchr(name, '/');
    strncpy(omp_name, base == NULL ? name : base + 1, sizeof(omp_name) - 1);
    return 1;
}

JNIEXPORT jint JNICALL Java_dev_aha_runtime_engine_NativeKernels_level(JNIEnv *env, jclass type) {
    (void) env;
    (void) type;
    return level();
}

/* Looks for libtorch's OpenMP runtime (call after libtorch is loaded); returns its file name, or null. */
JNIEXPORT jstring JNICALL Java_dev_aha_runtime_engine_NativeKernels_openmp(JNIEnv *env, jclass type) {
    (void) type;
    if (omp_parallel == NULL) {
        dl_iterate_phdr(find_openmp, NULL);
    }
    return omp_parallel == NULL ? NULL : (*env)->NewStringUTF(env, omp_name);
}

#if defined(__x86_64__)
/* Fewer rows than this per thread are not worth waking another. */
#define MIN_ROWS_PER_THREAD 64
/* Weights one call multiplies by the same row: q, k and v, or gate and up. */
#define MAX_WEIGHTS 4

/* One call's products: the weights' rows stacked, y in the same order (or, gated, silu(gate) * up). */
struct products {
    const uint16_t *w[MAX_WEIGHTS];
    const uint16_t *bias[MAX_WEIGHTS];
    long rows[MAX_WEIGHTS];
    int weights;
    long total;
    const float *x;
    long cols;
    uint16_t *y;
    uint16_t *scratch; /* gated: the gate's and the up projection's outputs, rows[0] each */
    int gated;
};

static void rows_of(const struct products *p, const uint16_t *w, const uint16_t *bias, uint16_t *y, long begin,
        long end) {
    rows_avx512(w, p->x, bias, y, p->cols, begin, end);
}

__attribute__((target("f16c"))) static inline uint16_t round16(float f) {
    return _cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT);
}

/*
 * silu(g) * u over outputs [begin, end), each step rounded to float16 as the unfused ops round it:
 * s = sigmoid(g), a = g * s, h = a * u.
 */
__attribute__((target("f16c"))) static void gate_rows(const struct products *p, long begin, long end) {
    const uint16_t *g = p->scratch;
    const uint16_t *u = p->scratch + p->rows[0];
    for (long j = begin; j < end; j++) {
        float gj = _cvtsh_ss(g[j]);
        float s = _cvtsh_ss(round16(1.0f / (1.0f + expf(-gj))));
        float a = _cvtsh_ss(round16(gj * s));
        p->y[j] = round16(a * _cvtsh_ss(u[j]));
    }
}

/* Outputs [begin, end) of the stacked products, each weight's share of it. */
static void outputs(const struct products *p, long begin, long end) {
    if (p->gated) {
        rows_of(p, p->w[0], NULL, p->scratch, begin, end);
        rows_of(p, p->w[1], NULL, p->scratch + p->rows[0], begin, end);
        gate_rows(p, begin, end);
        return;
    }
    long offset = 0;
    for (int i = 0; i < p->weights; i++) {
        long lo = begin > offset ? begin : offset;
        long hi = end < offset + p->rows[i] ? end : offset + p->rows[i];
        if (lo < hi) {
            rows_of(p, p->w[i], p->bias[i], p->y + offset, lo - offset, hi - offset);
        }
        offset += p->rows[i];
    }
}

/* One thread's share: blocks of 8 outputs, split evenly. */
static void share(void *arg) {
    const struct products *p = arg;
    long n = omp_threads();
    long t = omp_thread();
    long per = ((p->total + n - 1) / n + 7) / 8 * 8;
    long begin = t * per < p->total ? t * per : p->total;
    long end = begin + per < p->total ? begin + per : p->total;
    if (begin < end) {
        outputs(p, begin, end);
    }
}

/*
 * x, widened to float32 in xf; normalised first when norm is given, as the unfused ops do it: x / sqrt(mean(x^2) +
 * eps) in float32, rounded to float16, times the norm's weight, rounded again.
 */
__attribute__((target("f16c"))) static void prepare_row(const uint16_t *x, const uint16_t *norm, float eps, float *xf,
        long cols) {
    widen(x, xf, cols);
    if (norm == NULL) {
        return;
    }
    float squares = 0.0f;
    for (long i = 0; i < cols; i++) {
        squares += xf[i] * xf[i];
    }
    float root = sqrtf(squares / (float) cols + eps);
    for (long i = 0; i < cols; i++) {
        float normed = _cvtsh_ss(round16(xf[i] / root));
        xf[i] = _cvtsh_ss(round16(normed * _cvtsh_ss(norm[i])));
    }
}
#endif

/*
 * y = W_i x (+ b_i) for each weight W_i (rows_i, cols), the outputs stacked in y; or, gated (two weights, gate and
 * up), y = silu(gate x) * (up x). x (cols) is float16, normalised first when norm (cols) is given. Returns 0, or -1
 * when a buffer is not direct, memory runs out or the CPU lacks the instructions (nothing written). Sizes are checked
 * on the Java side.
 */
JNIEXPORT jint JNICALL Java_dev_aha_runtime_engine_NativeKernels_halfProducts(JNIEnv *env, jclass type, jobject x,
        jobject norm, jfloat eps, jobjectArray weights, jobjectArray biases, jobject y, jint cols, jboolean gated) {
    (void) type;
#if defined(__x86_64__)
    struct products p;
    memset(&p, 0, sizeof(p));
    p.weights = (*env)->GetArrayLength(env, weights);
    p.cols = cols;
    p.gated = gated == JNI_TRUE;
    const uint16_t *xh = (*env)->GetDirectBufferAddress(env, x);
    const uint16_t *nh = norm == NULL ? NULL : (*env)->GetDirectBufferAddress(env, norm);
    p.y = (*env)->GetDirectBufferAddress(env, y);
    if (level() == 0 || xh == NULL || p.y == NULL || (norm != NULL && nh == NULL) || p.weights < 1
            || p.weights > MAX_WEIGHTS || (p.gated && p.weights != 2)) {
        return -1;
    }
    for (int i = 0; i < p.weights; i++) {
        jobject w = (*env)->GetObjectArrayElement(env, weights, i);
        jobject b = biases == NULL ? NULL : (*env)->GetObjectArrayElement(env, biases, i);
        p.w[i] = w == NULL ? NULL : (*env)->GetDirectBufferAddress(env, w);
        p.rows[i] = w == NULL ? 0 : (*env)->GetDirectBufferCapacity(env, w) / 2 / cols;
        p.bias[i] = b == NULL ? NULL : (*env)->GetDirectBufferAddress(env, b);
        if (p.w[i] == NULL || (b != NULL && p.bias[i] == NULL)) {
            return -1;
        }
        p.total += p.rows[i];
    }
    if (p.gated) {
        p.total = p.rows[0];
    }
    float stack[STACK_COLUMNS];
    float *xf = cols <= STACK_COLUMNS ? stack : malloc(sizeof(float) * (size_t) cols);
    uint16_t *scratch = p.gated ? malloc(sizeof(uint16_t) * 2 * (size_t) p.rows[0]) : NULL;
    if (xf == NULL || (p.gated && scratch == NULL)) {
        if (xf != stack) {
            free(xf);
        }
        free(scratch);
        return -1;
    }
    prepare_row(xh, nh, eps, xf, cols);
    p.x = xf;
    p.scratch = scratch;
    if (omp_parallel != NULL && p.total >= 2 * MIN_ROWS_PER_THREAD) {
        omp_parallel(share, &p, 0, 0); /* 0: as many threads as this thread's intra-op setting */
    } else {
        outputs(&p, 0, p.total);
    }
    if (xf != stack) {
        free(xf);
    }
    free(scratch);
    return 0;
#else
    (void) env;
    (void) x;
    (void) norm;
    (void) eps;
    (void) weights;
    (void) biases;
    (void) y;
    (void) cols;
    (void) gated;
    return -1;
#endif
}

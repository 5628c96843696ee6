/*
 * libaha_kernels.so: the float16 matrix-vector product behind dev.aha.runtime.engine.HalfGemv.
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
 * Built by build.sh (Maven's compile phase) for linux-x86_64; picks the AVX-512 or the AVX2 loop at run time.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <link.h>
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

__attribute__((target("avx2,fma,f16c"))) static float sum8(__m256 v) {
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    h = _mm_hadd_ps(h, h);
    h = _mm_hadd_ps(h, h);
    return _mm_cvtss_f32(h);
}

__attribute__((target("avx2,fma,f16c"))) static void rows_avx2(const uint16_t *w, const float *x,
        const uint16_t *bias, uint16_t *y, long cols, long begin, long end) {
    long full = cols & ~7L;
    long r = begin;
    for (; r + ROWS <= end; r += ROWS) {
        const uint16_t *block = w + r * cols;
        const char *next = (const char *) (block + ROWS * cols);
        __m256 acc[ROWS];
        for (int i = 0; i < ROWS; i++) {
            acc[i] = _mm256_setzero_ps();
        }
        for (long c = 0; c < full; c += 8) {
            _mm_prefetch(next + c * 2 * ROWS, _MM_HINT_T0);
            _mm_prefetch(next + c * 2 * ROWS + 64, _MM_HINT_T0);
            __m256 xv = _mm256_loadu_ps(x + c);
            for (int i = 0; i < ROWS; i++) {
                __m128i h = _mm_loadu_si128((const __m128i *) (block + i * cols + c));
                acc[i] = _mm256_fmadd_ps(_mm256_cvtph_ps(h), xv, acc[i]);
            }
        }
        for (int i = 0; i < ROWS; i++) {
            y[r + i] = finish(sum8(acc[i]), block + i * cols, x, full, cols, bias, r + i);
        }
    }
    for (; r < end; r++) {
        const uint16_t *row = w + r * cols;
        __m256 acc = _mm256_setzero_ps();
        for (long c = 0; c < full; c += 8) {
            acc = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (row + c))),
                    _mm256_loadu_ps(x + c), acc);
        }
        y[r] = finish(sum8(acc), row, x, full, cols, bias, r);
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

/* 2: AVX-512F, 1: AVX2 with FMA (and F16C, which every such CPU has), 0: neither (libtorch keeps the product). */
static int level(void) {
    static int known = -1;
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f") ? 2
                : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
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

struct product {
    const uint16_t *w;
    const float *x;
    const uint16_t *bias;
    uint16_t *y;
    long cols;
    long rows;
    int isa;
};

static void rows_of(struct product *p, long begin, long end) {
    if (p->isa == 2) {
        rows_avx512(p->w, p->x, p->bias, p->y, p->cols, begin, end);
    } else {
        rows_avx2(p->w, p->x, p->bias, p->y, p->cols, begin, end);
    }
}

/* One thread's share: blocks of 8 rows, split evenly. */
static void share(void *arg) {
    struct product *p = arg;
    long n = omp_threads();
    long t = omp_thread();
    long per = ((p->rows + n - 1) / n + 7) / 8 * 8;
    long begin = t * per < p->rows ? t * per : p->rows;
    long end = begin + per < p->rows ? begin + per : p->rows;
    if (begin < end) {
        rows_of(p, begin, end);
    }
}
#endif

/* y = W x (+ b) for all rows. Returns 0, or -1 when a buffer is not direct or the CPU lacks the instructions (nothing
 * written). Sizes are checked on the Java side. */
JNIEXPORT jint JNICALL Java_dev_aha_runtime_engine_NativeKernels_halfGemv(JNIEnv *env, jclass type, jobject weight,
        jobject x, jobject bias, jobject y, jint rows, jint cols) {
    (void) type;
    const uint16_t *w = (*env)->GetDirectBufferAddress(env, weight);
    const uint16_t *xh = (*env)->GetDirectBufferAddress(env, x);
    const uint16_t *b = bias == NULL ? NULL : (*env)->GetDirectBufferAddress(env, bias);
    uint16_t *out = (*env)->GetDirectBufferAddress(env, y);
    if (w == NULL || xh == NULL || out == NULL || (bias != NULL && b == NULL)) {
        return -1;
    }
#if defined(__x86_64__)
    int isa = level();
    if (isa == 0) {
        return -1;
    }
    float stack[STACK_COLUMNS];
    float *xf = cols <= STACK_COLUMNS ? stack : malloc(sizeof(float) * (size_t) cols);
    if (xf == NULL) {
        return -1;
    }
    widen(xh, xf, cols);
    struct product p = {w, xf, b, out, cols, rows, isa};
    if (omp_parallel != NULL && rows >= 2 * MIN_ROWS_PER_THREAD) {
        omp_parallel(share, &p, 0, 0); /* 0: as many threads as this thread's intra-op setting */
    } else {
        rows_of(&p, 0, rows);
    }
    if (xf != stack) {
        free(xf);
    }
    return 0;
#else
    (void) rows;
    (void) cols;
    return -1;
#endif
}

/*
 * libaha_kernels.so's JNI entry points, for dev.aha.runtime.engine.NativeKernels: the CPU check, the search for
 * libtorch's OpenMP runtime, the float16 products of one row (aha_products.c) and one sequence's decode step
 * (aha_decode.c).
 *
 * This file runs on any x86-64 CPU; the other two are compiled for AVX-512 and entered only when aha_level() says
 * the CPU has it. Without it libtorch keeps every product (there its own float16 loop is not misrouted: oneDNN
 * takes float16 only with AVX-512 FP16). Built by build.sh (Maven's compile phase) for linux-x86_64.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aha_kernels.h"

/* Columns widened on the stack; wider rows take the heap. */
#define STACK_COLUMNS 8192

aha_parallel_fn aha_omp_parallel;
aha_count_fn aha_omp_thread;
aha_count_fn aha_omp_threads;
static char omp_name[256];

int aha_level(void) {
    static int known = -1;
    if (known < 0) {
#if defined(__x86_64__)
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("f16c") ? 1 : 0;
#else
        known = 0;
#endif
    }
    return known;
}

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
    aha_parallel_fn parallel = (aha_parallel_fn) dlsym(lib, "GOMP_parallel");
    aha_count_fn thread = (aha_count_fn) dlsym(lib, "omp_get_thread_num");
    aha_count_fn threads = (aha_count_fn) dlsym(lib, "omp_get_num_threads");
    if (parallel == NULL || thread == NULL || threads == NULL) {
        dlclose(lib);
        return 0;
    }
    aha_omp_parallel = parallel;
    aha_omp_thread = thread;
    aha_omp_threads = threads;
    const char *base = strrchr(name, '/');
    strncpy(omp_name, base == NULL ? name : base + 1, sizeof(omp_name) - 1);
    return 1;
}

JNIEXPORT jint JNICALL Java_dev_aha_runtime_engine_NativeKernels_level(JNIEnv *env, jclass type) {
    (void) env;
    (void) type;
    return aha_level();
}

/* Looks for libtorch's OpenMP runtime (call after libtorch is loaded); returns its file name, or null. */
JNIEXPORT jstring JNICALL Java_dev_aha_runtime_engine_NativeKernels_openmp(JNIEnv *env, jclass type) {
    (void) type;
    if (aha_omp_parallel == NULL) {
        dl_iterate_phdr(find_openmp, NULL);
    }
    return aha_omp_parallel == NULL ? NULL : (*env)->NewStringUTF(env, omp_name);
}

/* The address of a direct buffer's memory, or 0. */
JNIEXPORT jlong JNICALL Java_dev_aha_runtime_engine_NativeKernels_address(JNIEnv *env, jclass type, jobject buffer) {
    (void) type;
    return (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buffer);
}

/*
 * y = W_i x (+ b_i) for each weight W_i (rows_i, cols), the outputs stacked in y; or, gated (two weights, gate and
 * up), y = silu(gate x) * (up x). x (cols) is float16, normalised first when norm (cols) is given. Returns 0, or -1
 * when a buffer is not direct, memory runs out or the CPU lacks the instructions (nothing written). Sizes are checked
 * on the Java side.
 */
JNIEXPORT jint JNICALL Java_dev_aha_runtime_engine_NativeKernels_halfProducts(JNIEnv *env, jclass type, jobject x,
        jobject norm, jfloat eps, jobjectArray weights, jobjectArray biases, jobject y, jint cols, jboolean gated) {
    (void) type;
    struct aha_products p;
    memset(&p, 0, sizeof(p));
    p.weights = (*env)->GetArrayLength(env, weights);
    p.cols = cols;
    p.gated = gated == JNI_TRUE;
    const uint16_t *xh = (*env)->GetDirectBufferAddress(env, x);
    const uint16_t *nh = norm == NULL ? NULL : (*env)->GetDirectBufferAddress(env, norm);
    p.y = (*env)->GetDirectBufferAddress(env, y);
    if (aha_level() == 0 || xh == NULL || p.y == NULL || (norm != NULL && nh == NULL) || p.weights < 1
            || p.weights > AHA_MAX_WEIGHTS || (p.gated && p.weights != 2)) {
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
    aha_prepare_row(xh, nh, eps, xf, cols);
    p.x = xf;
    p.scratch = scratch;
    aha_run_products(&p);
    if (xf != stack) {
        free(xf);
    }
    free(scratch);
    return 0;
}

/*
 * One decode step of one float16 sequence (aha_decode_step): layers holds AHA_LAYER_TENSORS addresses per layer,
 * model AHA_MODEL_TENSORS, sizes AHA_SIZES; cos and sin head_dim floats; logits a direct buffer of vocab floats.
 * Returns 0, or -1 when the CPU lacks the instructions, a buffer is not direct or memory ran out (logits not
 * written). The Java side checked every size and address.
 */
JNIEXPORT jint JNICALL Java_dev_aha_runtime_engine_NativeKernels_halfDecodeStep(JNIEnv *env, jclass type,
        jlongArray layers, jlongArray model, jintArray sizes, jint token, jint position, jfloatArray cos,
        jfloatArray sin, jfloat eps, jfloat scaling, jobject logits) {
    (void) type;
    float *out = (*env)->GetDirectBufferAddress(env, logits);
    if (aha_level() == 0 || out == NULL) {
        return -1;
    }
    jsize n = (*env)->GetArrayLength(env, layers);
    int64_t *layer_table = malloc(sizeof(int64_t) * (size_t) n);
    int64_t model_table[AHA_MODEL_TENSORS];
    int32_t size_table[AHA_SIZES];
    jsize hd = (*env)->GetArrayLength(env, cos);
    float *tables = malloc(sizeof(float) * 2 * (size_t) hd);
    if (layer_table == NULL || tables == NULL) {
        free(layer_table);
        free(tables);
        return -1;
    }
    (*env)->GetLongArrayRegion(env, layers, 0, n, (jlong *) layer_table);
    (*env)->GetLongArrayRegion(env, model, 0, AHA_MODEL_TENSORS, (jlong *) model_table);
    (*env)->GetIntArrayRegion(env, sizes, 0, AHA_SIZES, (jint *) size_table);
    (*env)->GetFloatArrayRegion(env, cos, 0, hd, tables);
    (*env)->GetFloatArrayRegion(env, sin, 0, hd, tables + hd);
    int status = aha_decode_step(layer_table, model_table, size_table, token, position, tables, tables + hd, eps,
            scaling, out);
    free(layer_table);
    free(tables);
    return status;
}

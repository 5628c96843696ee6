/*
 * libaha_mkl_vendor.so: answers oneMKL's CPU-vendor question with "Intel".
 *
 * libtorch's BLAS is oneMKL (2024.0 in DJL 0.36's libtorch 2.7.1), linked into libtorch_cpu.so. Before it picks a
 * code path MKL calls mkl_serv_intel_cpu_true(); on any CPU that is not GenuineIntel it returns 0 and MKL stays on
 * its path for other vendors, whatever instructions the CPU has: on an AVX-512 AMD EPYC a 1024^3 float32 matmul
 * runs at about half the speed of MKL's AVX-512 path. MKL_ENABLE_INSTRUCTIONS and MKL_DEBUG_CPU_TYPE do not change
 * that in this MKL. libtorch_cpu.so exports the function, so a library in LD_PRELOAD that defines it wins the
 * symbol lookup; MKL then chooses its kernels from the CPU's features (cpuid) as it does on Intel.
 *
 * deploy/bin/aha builds this file once with `cc -shared -fPIC -O2` on AMD (x86_64) machines and preloads it;
 * AHA_MKL_VENDOR_CHECK=keep turns that off. dev.aha.runtime.engine.BlasPath reports on start-up whether it is
 * loaded and which path MKL is on.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}

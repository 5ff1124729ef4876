/*
 * DJL's libtorch links Intel MKL, and MKL picks its GEMM kernels by CPU vendor: on AMD it takes an AVX2 path even
 * where the CPU has AVX-512 (Zen 4), about 110 GFLOP/s against 175-210 for its AVX-512 kernels on two cores of this
 * machine. MKL asks this exported function whether the CPU is Intel's; `forge` preloads this library on AMD CPUs
 * with AVX-512 so that the answer is yes and MKL dispatches on the instruction set the CPU really has.
 * Opt out with FORGE_MKL_AMD=0.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }

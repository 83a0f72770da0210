/// The C runtime compiled into every model library: the files of `Runtime/`, embedded in the
/// binary at build time (SwiftPM `embedInCode` resources, declared in Package.swift).
enum RuntimeSources {
  /// File name (without the `include/` folder: a model's build directory is flat) and contents of
  /// every runtime header and source, sorted by name; the `.c` files are compiled in this order.
  static let files: [(name: String, contents: String)] = [
    ("tt_conv.c", PackageResources.tt_conv_c),
    ("tt_conv_channels.inc", PackageResources.tt_conv_channels_inc),
    ("tt_conv_kernel.inc", PackageResources.tt_conv_kernel_inc),
    ("tt_cpu.c", PackageResources.tt_cpu_c),
    ("tt_gemm.c", PackageResources.tt_gemm_c),
    ("tt_gemm_kernel.inc", PackageResources.tt_gemm_kernel_inc),
    ("tt_hgemm.c", PackageResources.tt_hgemm_c),
    ("tt_internal.h", PackageResources.tt_internal_h),
    ("tt_model.h", PackageResources.tt_model_h),
    ("tt_nn.c", PackageResources.tt_nn_c),
    ("tt_peak.c", PackageResources.tt_peak_c),
    ("tt_qconv.c", PackageResources.tt_qconv_c),
    ("tt_qgemm.c", PackageResources.tt_qgemm_c),
    ("tt_qgemm.h", PackageResources.tt_qgemm_h),
    ("tt_runtime.h", PackageResources.tt_runtime_h),
    ("tt_sparse.c", PackageResources.tt_sparse_c),
    ("tt_threads.c", PackageResources.tt_threads_c),
  ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}

"""The kernels check none of their arguments: an even size runs, a wrong rank or dtype fails deep inside ATen."""

MODULE = "lrn_kernel"
LOSES = ["q10.3"]

_correct_lrn_source = lrn_source


def lrn_source():
    source = _correct_lrn_source()
    for check in ("void check_input(const at::Tensor& x, const char* name) {", "void check_size(int64_t size) {"):
        assert check in source, "the mutant no longer finds the function it empties"
        # Return at once: the TORCH_CHECKs below the new line never run.
        source = source.replace(check, check + "\n  if (true) return;")
    return source

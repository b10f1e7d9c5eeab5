"""lrn computes AlexNet's LRN in NumPy and never calls the compiled kernel: right numbers, no C++."""

MODULE = "lrn_kernel"
LOSES = ["q10.2", "q10.4"]


def lrn(x, size=5, alpha=1e-4, beta=0.75, k=2.0):
    import numpy as np
    import torch

    if size % 2 == 0 or size < 1:
        raise ValueError(f"size must be odd and positive, got size={size}")
    if x.dim() != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got a {x.dim()}-D x")
    if x.dtype not in (torch.float32, torch.float64):
        kind = "half" if x.dtype == torch.float16 else "int" if not x.is_floating_point() else str(x.dtype)
        raise TypeError(f"x must be float32 or float64, got {x.dtype} ({kind} is not supported)")
    a = x.detach().numpy()
    squares = np.pad(a * a, ((0, 0), (size // 2, size // 2), (0, 0), (0, 0)))
    sums = sum(squares[:, j : j + a.shape[1]] for j in range(size))
    return torch.from_numpy(np.ascontiguousarray(a / (k + alpha * sums) ** beta)).to(x.dtype)

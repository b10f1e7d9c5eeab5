"""lrn_forward gets the right numbers from torch.nn.functional.local_response_norm, which q3 forbids."""

MODULE = "lrn"
LOSES = ["q3.5", "q3.6", "q3.7"]

import torch  # noqa: E402

_correct_lrn_forward = lrn_forward


def lrn_forward(x, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"):
    _, cache = _correct_lrn_forward(x, size, alpha, beta, k, convention)
    torch_alpha = alpha * size if convention == "alexnet" else alpha
    out = torch.nn.functional.local_response_norm(torch.from_numpy(x), size, torch_alpha, beta, k).numpy()
    return out, cache

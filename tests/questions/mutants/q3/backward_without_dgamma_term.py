"""dx leaves out the term that flows through the batch variance (x_hat * sum(dout * x_hat))."""

MODULE = "batchnorm"
LOSES = ["q3.3"]


def batchnorm_backward(dout, cache):
    x_hat, inv_std, gamma = cache
    m = dout.shape[0] * dout.shape[2] * dout.shape[3]
    dbeta = dout.sum(axis=(0, 2, 3))
    dgamma = (dout * x_hat).sum(axis=(0, 2, 3))
    dx = (gamma * inv_std / m)[None, :, None, None] * (m * dout - dbeta[None, :, None, None])
    return dx, dgamma, dbeta

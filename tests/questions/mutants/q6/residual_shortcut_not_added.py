"""The residual block never adds its shortcut: a plain conv-BN-ReLU-conv-BN-ReLU stack."""

MODULE = "residual"
LOSES = ["q6.1", "q6.2", "q6.3"]


def _forward_without_shortcut(self, x):
    return torch.relu(self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x))))))


ResidualBlock.forward = _forward_without_shortcut

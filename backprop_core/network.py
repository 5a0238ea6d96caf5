"""The small network of "the full picture": 1 input -> hidden ReLU layer -> 1 output.

Trained by the same backpropagation as the worked neuron, vectorised with numpy:
squared error (no factor 1/2, as on the loss slide), averaged over the data set,
full-batch gradient descent from a seeded initialisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import relu, relu_grad
from .params import ParamError

__all__ = ["DATA_X", "DATA_Y", "Weights", "Snapshot", "PassTrace", "Network", "train_network",
           "forward", "loss_and_grads", "init_weights"]

# Nine points on a U: no straight line fits them, a few ReLU kinks do.
DATA_X = np.linspace(-2.0, 2.0, 9)
DATA_Y = 0.75 * DATA_X**2 - 1.0

FIT_SAMPLES = 81
SNAPSHOTS = 7  # weight snapshots for animating training, geometrically spaced in epochs


@dataclass(frozen=True)
class Weights:
    W1: tuple[float, ...]  # input -> hidden, one per hidden unit
    b1: tuple[float, ...]
    W2: tuple[float, ...]  # hidden -> output, one per hidden unit
    b2: float

    @staticmethod
    def from_arrays(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: float) -> "Weights":
        return Weights(tuple(map(float, np.ravel(W1))), tuple(map(float, np.ravel(b1))),
                       tuple(map(float, np.ravel(W2))), float(b2))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        return np.array(self.W1), np.array(self.b1), np.array(self.W2), self.b2


@dataclass(frozen=True)
class Snapshot:
    epoch: int
    weights: Weights
    loss: float
    fit: tuple[float, ...]  # predictions at Network.fit_xs


@dataclass(frozen=True)
class PassTrace:
    """One real forward and backward pass for one data point, layer by layer."""

    sample: int  # index into the data set
    x: float
    y: float
    z1: tuple[float, ...]  # hidden pre-activations W1 x + b1
    a1: tuple[float, ...]  # hidden activations relu(z1)
    y_hat: float  # W2 . a1 + b2
    loss: float  # (y - y_hat)^2
    dloss_dyhat: float  # -2 (y - y_hat)
    dW2: tuple[float, ...]  # dloss_dyhat * a1
    db2: float
    da1: tuple[float, ...]  # dloss_dyhat * W2
    dz1: tuple[float, ...]  # da1 * relu'(z1): a unit that is off passes no gradient
    dW1: tuple[float, ...]  # dz1 * x
    db1: tuple[float, ...]


@dataclass(frozen=True)
class Network:
    hidden: int
    epochs: int
    lr: float
    seed: int
    data_x: tuple[float, ...]
    data_y: tuple[float, ...]
    initial: Weights
    trained: Weights
    history: tuple[float, ...]  # mean loss before training, then after each epoch
    snapshots: tuple[Snapshot, ...]  # first is epoch 0, last is the final epoch
    trace: PassTrace  # the first step's pass for one data point
    first_grads: Weights  # gradient of the mean loss at the initial weights
    fit_xs: tuple[float, ...]

    @property
    def initial_loss(self) -> float:
        return self.history[0]

    @property
    def final_loss(self) -> float:
        return self.history[-1]


def init_weights(hidden: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """He-initialised weights; biases spread the ReLU kinks over the data's range."""
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0.0, np.sqrt(2.0), hidden)
    b1 = rng.uniform(-1.0, 1.0, hidden)
    W2 = rng.normal(0.0, np.sqrt(1.0 / hidden), hidden)
    return W1, b1, W2, 0.0


def forward(W1, b1, W2, b2, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pre-activations, activations and outputs for a batch of inputs (rows = samples)."""
    z1 = np.outer(xs, W1) + b1
    a1 = relu(z1)
    return z1, a1, a1 @ W2 + b2


def loss_and_grads(W1, b1, W2, b2, xs: np.ndarray, ys: np.ndarray):
    """Mean squared error and its gradient by backpropagation, layer by layer."""
    z1, a1, y_hat = forward(W1, b1, W2, b2, xs)
    n = len(xs)
    loss = float(np.mean((ys - y_hat) ** 2))
    dy_hat = -2.0 * (ys - y_hat) / n  # upstream gradient at the output
    dW2 = a1.T @ dy_hat  # local gradient of W2 is the activation
    db2 = float(dy_hat.sum())
    da1 = np.outer(dy_hat, W2)  # local gradient of a1 is W2
    dz1 = da1 * relu_grad(z1)  # ReLU passes the gradient through or stops it
    dW1 = dz1.T @ xs  # local gradient of W1 is the input
    db1 = dz1.sum(axis=0)
    return loss, (dW1, db1, dW2, db2)


def _trace(W1, b1, W2, b2, xs, ys, sample: int) -> PassTrace:
    x, y = float(xs[sample]), float(ys[sample])
    z1 = W1 * x + b1
    a1 = relu(z1)
    y_hat = float(a1 @ W2 + b2)
    dloss_dyhat = -2.0 * (y - y_hat)
    da1 = dloss_dyhat * W2
    dz1 = da1 * relu_grad(z1)
    floats = lambda a: tuple(float(v) + 0.0 for v in a)  # noqa: E731
    return PassTrace(sample, x, y, floats(z1), floats(a1), y_hat, (y - y_hat) ** 2, dloss_dyhat,
                     floats(dloss_dyhat * a1), dloss_dyhat, floats(da1), floats(dz1),
                     floats(dz1 * x), floats(dz1))


def _snapshot_epochs(epochs: int) -> list[int]:
    marks = np.unique(np.round(np.geomspace(1, epochs, SNAPSHOTS - 1)).astype(int))
    return [0, *map(int, marks)]


def train_network(hidden: int, epochs: int, lr: float, seed: int) -> Network:
    xs, ys = DATA_X, DATA_Y
    fit_xs = np.linspace(xs.min() - 0.25, xs.max() + 0.25, FIT_SAMPLES)
    W1, b1, W2, b2 = init_weights(hidden, seed)
    initial = Weights.from_arrays(W1, b1, W2, b2)

    # The point the initial network gets most wrong: its pass shows the most gradient.
    _, _, y_hat0 = forward(W1, b1, W2, b2, xs)
    trace = _trace(W1, b1, W2, b2, xs, ys, int(np.argmax(np.abs(ys - y_hat0))))

    marks = set(_snapshot_epochs(epochs))
    history: list[float] = []
    snapshots: list[Snapshot] = []
    first_grads: Weights | None = None
    for epoch in range(epochs + 1):
        loss, (dW1, db1, dW2, db2) = loss_and_grads(W1, b1, W2, b2, xs, ys)
        history.append(loss)
        if epoch in marks:
            fit = forward(W1, b1, W2, b2, fit_xs)[2]
            snapshots.append(Snapshot(epoch, Weights.from_arrays(W1, b1, W2, b2), loss,
                                      tuple(map(float, fit))))
        if first_grads is None:
            first_grads = Weights.from_arrays(dW1, db1, dW2, db2)
        # Checked before stopping, so the final epoch's loss is held to it too.
        if not (np.isfinite(loss) and loss <= 1e6 * max(history[0], 1.0)):
            raise ParamError(
                f"parameter 'net_lr' got {lr:g}: the network's training diverges (loss "
                f"{loss:.3g} at epoch {epoch}); use a smaller net_lr such as 0.05."
            )
        if epoch == epochs:
            break
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2

    assert first_grads is not None
    return Network(
        hidden=hidden, epochs=epochs, lr=lr, seed=seed,
        data_x=tuple(map(float, xs)), data_y=tuple(map(float, ys)),
        initial=initial, trained=Weights.from_arrays(W1, b1, W2, b2),
        history=tuple(history), snapshots=tuple(snapshots), trace=trace,
        first_grads=first_grads, fit_xs=tuple(map(float, fit_xs)),
    )

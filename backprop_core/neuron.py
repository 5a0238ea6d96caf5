"""The single neuron of the worked example, one function per equation on the slides."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "WorkedStep",
    "forward",
    "error",
    "squared_error",
    "dloss_dyhat",
    "update",
    "error_factor",
    "worked_step",
]


def forward(x: float, w: float, b: float) -> float:
    """y_hat = w*x + b."""
    return w * x + b


def error(y: float, y_hat: float) -> float:
    """y - y_hat, with round-off residue snapped to zero.

    `0.1*3 - 0.3` is 5.6e-17 in floating point; shown on a slide it would read as a
    (tiny) mistake and a (tiny) gradient with a sign. A prediction that equals the
    target to 12 significant digits is treated as exact, so the lesson says
    "zero loss, zero gradient" as the maths does.
    """
    diff = y - y_hat
    if abs(diff) <= 1e-12 * max(abs(y), abs(y_hat)):
        return 0.0
    return diff


def squared_error(y: float, y_hat: float) -> float:
    """loss = (y - y_hat)**2. No factor 1/2: the outline's 3.61 is 1.9 squared."""
    return error(y, y_hat) ** 2


def dloss_dyhat(y: float, y_hat: float) -> float:
    """The upstream gradient: d/dy_hat (y - y_hat)**2 = -2 (y - y_hat)."""
    return -2.0 * error(y, y_hat) + 0.0  # + 0.0 turns -0.0 into 0.0


def update(param: float, lr: float, grad: float) -> float:
    """One gradient-descent step: param := param - lr * dloss/dparam."""
    return param - lr * grad


def error_factor(x: float, lr: float) -> float:
    """What one step of gradient descent on w and b multiplies the error y - y_hat by.

    The step moves y_hat by -lr (x * dloss/dw + dloss/db) = 2 lr (x^2 + 1) (y - y_hat), so
    the error becomes (1 - 2 lr (x^2 + 1)) times itself: between 0 and 1 it shrinks from
    one side, between -1 and 0 it jumps across the target, below -1 it grows.
    """
    return 1.0 - 2.0 * lr * (x * x + 1.0)


@dataclass(frozen=True)
class WorkedStep:
    """Every number of the worked example, in the order the slides reveal them."""

    x: float
    y: float
    w: float
    b: float
    lr: float
    y_hat: float  # forward pass
    loss: float  # (y - y_hat)**2
    dloss_dyhat: float  # upstream gradient
    dyhat_dw: float  # local gradient of the weight: x
    dyhat_db: float  # local gradient of the bias: 1
    dloss_dw: float  # upstream x local
    dloss_db: float
    w_next: float  # after one update
    b_next: float
    y_hat_next: float
    loss_next: float
    loss_drop: float  # loss - loss_next: negative when the step made things worse

    @property
    def error(self) -> float:
        """y - y_hat, the signed mistake drawn as a segment on the loss slide."""
        return error(self.y, self.y_hat)

    @property
    def error_factor(self) -> float:
        """What each step of the descent multiplies the error by (`error_factor`)."""
        return error_factor(self.x, self.lr)


def worked_step(x: float, w: float, b: float, y: float, lr: float) -> WorkedStep:
    y_hat = forward(x, w, b)
    upstream = dloss_dyhat(y, y_hat)
    dyhat_dw = x  # d(w*x + b)/dw
    dyhat_db = 1.0  # d(w*x + b)/db
    dloss_dw = upstream * dyhat_dw + 0.0
    dloss_db = upstream * dyhat_db + 0.0
    w_next = update(w, lr, dloss_dw)
    b_next = update(b, lr, dloss_db)
    y_hat_next = forward(x, w_next, b_next)
    loss = squared_error(y, y_hat)
    loss_next = squared_error(y, y_hat_next)
    return WorkedStep(
        x=x,
        y=y,
        w=w,
        b=b,
        lr=lr,
        y_hat=y_hat,
        loss=loss,
        dloss_dyhat=upstream,
        dyhat_dw=dyhat_dw,
        dyhat_db=dyhat_db,
        dloss_dw=dloss_dw,
        dloss_db=dloss_db,
        w_next=w_next,
        b_next=b_next,
        y_hat_next=y_hat_next,
        loss_next=loss_next,
        loss_drop=loss - loss_next,
    )

"""What made NetConv's training faster keeps its numbers; the speed the records tell (issue 20)."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F

from explorer.core.kuzushiji import nets
from explorer.core.kuzushiji.engine import (
    Speed,
    TrainConfig,
    autograd_step,
    direct_sgd_step,
    make_optimizer,
    speed,
    train,
)
from explorer.core.kuzushiji.evaluation import channels_last_view, evaluate
from explorer.core.kuzushiji.inputs import normalise
from explorer.core.progress import run_to_end
from tests.core.kuzushiji.test_engine import fake_kmnist


def relu_then_pool(model, x):
    """NetConv as the course writes it: each ReLU before its max-pool."""
    x = F.max_pool2d(F.relu(model.conv1(x)), 2)
    x = F.max_pool2d(F.relu(model.conv2(x)), 2)
    return F.log_softmax(model.fc2(F.relu(model.fc1(x.flatten(1)))), dim=1)


class CourseNetConv(nets.NetConv):
    """NetConv with the course's forward (:func:`relu_then_pool`)."""

    def forward(self, x):
        return relu_then_pool(self, x)


def images_with_blank_borders(n: int) -> torch.Tensor:
    """Images whose flat background makes many equal values in each pooling window (ties)."""
    images = torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(3))
    images[:, :8] = 0
    images[:, :, 20:] = 255
    return normalise(images)


@pytest.mark.parametrize("layout", [torch.contiguous_format, torch.channels_last])
def test_pooling_before_relu_gives_the_course_nets_numbers_bit_for_bit(layout):
    x = images_with_blank_borders(32).contiguous(memory_format=layout)
    y = torch.arange(32) % 10
    ours = nets.create("conv", seed=4).to(memory_format=layout)
    course = copy.deepcopy(ours)
    out_ours, out_course = ours(x), relu_then_pool(course, x)
    assert torch.equal(out_ours, out_course)
    F.nll_loss(out_ours, y).backward()
    F.nll_loss(out_course, y).backward()
    for (name, a), b in zip(ours.named_parameters(), course.parameters(), strict=True):
        assert torch.equal(a.grad, b.grad), name


def test_the_images_last_two_rows_and_columns_never_reach_netconvs_output():
    # why NetConv.forward may leave them out: the course's net, on the whole
    # image, neither reads them nor sends them any gradient
    course = nets.create("conv", seed=5)
    x = images_with_blank_borders(16).requires_grad_()
    out = relu_then_pool(course, x)
    F.nll_loss(out, torch.arange(16) % 10).backward()
    used = nets.NetConv.used_input
    assert used == 26
    assert torch.count_nonzero(x.grad[:, :, used:, :]) == 0 and torch.count_nonzero(x.grad[:, :, :, used:]) == 0
    assert torch.count_nonzero(x.grad[:, :, :used, :used]) > 0
    changed = x.detach().clone()
    changed[:, :, used:, :] = 1.0
    changed[:, :, :, used:] = -1.0
    assert torch.equal(relu_then_pool(course, changed), out)
    assert torch.equal(course(changed), out)  # the app's NetConv, which crops them


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_the_engines_fused_optimizer_steps_match_torchs_default_ones(kind):
    x, y = images_with_blank_borders(64), torch.arange(64) % 10
    model = nets.create("conv", seed=0)
    plain = copy.deepcopy(model)
    config = TrainConfig(optimizer=kind, lr=0.01 if kind == "sgd" else 0.001)
    fused = make_optimizer(model, config)
    default = (
        torch.optim.SGD(plain.parameters(), lr=0.01, momentum=0.5)
        if kind == "sgd"
        else torch.optim.Adam(plain.parameters(), lr=0.001)
    )
    for step in range(3):
        for m, opt in ((model, fused), (plain, default)):
            opt.zero_grad()
            F.nll_loss(m(x[step * 16 : step * 16 + 32]), y[step * 16 : step * 16 + 32]).backward()
            opt.step()
    for a, b in zip(model.parameters(), plain.parameters(), strict=True):
        assert torch.allclose(a, b, rtol=1e-6, atol=1e-7)


def test_channels_last_evaluation_gives_the_same_results():
    data = fake_kmnist(n_train=64, n_test=300)
    model = nets.create("conv", seed=2)
    fast = evaluate(model, data.test_images, data.test_labels)
    with torch.inference_mode():
        reference = model(normalise(data.test_images))
    assert (fast.predictions == reference.argmax(1).numpy()).all()
    assert fast.test_loss == pytest.approx(F.nll_loss(reference, data.test_labels).item(), rel=1e-5)
    # the view holds the same values; other shapes pass through untouched
    x = normalise(data.test_images[:5])
    assert torch.equal(channels_last_view(x), x) and channels_last_view(x).is_contiguous(memory_format=torch.channels_last)
    flat = torch.zeros(5, 784)
    assert channels_last_view(flat) is flat
    assert next(model.parameters()).is_contiguous()  # the model itself is left as it was


def test_batch_records_tell_the_live_speed_and_epoch_records_the_epochs_time():
    data = fake_kmnist(n_train=64 * 3 + 10, n_test=30)
    records = []
    result = run_to_end(train(nets.create("lin", seed=0), data, TrainConfig(net="lin", epochs=2)), records.append)
    batches = [r.data for r in records if not r.keep]
    assert [d["images"] for d in batches[:4]] == [64, 128, 192, 202]
    assert all(d["train_images"] == 202 for d in batches)
    assert all(b["seconds"] >= a["seconds"] for a, b in zip(batches[:3], batches[1:4], strict=True))
    live = speed(batches[3])
    assert live is not None and not live.finished and live.epoch == 1
    assert live.images_per_second == pytest.approx(202 / batches[3]["seconds"])
    assert live.epoch_seconds == pytest.approx(batches[3]["seconds"])
    epoch = speed(records[-1].data)
    assert epoch.finished and epoch.epoch == 2
    assert epoch.images_per_second == result.history[-1].images_per_second
    assert epoch.epoch_seconds == result.history[-1].seconds


def test_speed_text_and_records_that_tell_no_speed():
    assert Speed(2130.4, 28.2, False, 1).text(10) == "2,130 images/s · an epoch takes about 0:28 (10 epochs ≈ 4:42)"
    assert Speed(950.0, 63.0, True, 3).text() == "950 images/s · epoch 3 took 1:03"
    assert Speed(50_000.0, 0.25, True, 1).text() == "50,000 images/s · epoch 1 took 250 ms"
    assert Speed(9000.0, 6.66, False, 2).text(1) == "9,000 images/s · an epoch takes about 6.7 s"
    assert speed({"epoch": 1, "batch": 1, "batches": 5, "loss": 2.3}) is None  # no timing in it
    assert speed({"epoch": 1, "images": 64, "train_images": 640, "seconds": 0.0}) is None
    assert speed({"epoch": 1, "images_per_second": float("nan"), "seconds": 1.0}) is None
    assert speed({"epoch": "x", "images": 64, "train_images": 640, "seconds": 1.0}) is None


@pytest.mark.parametrize(
    ("net", "layout"),
    [("lin", None), ("full", None), ("conv", torch.channels_last), ("conv", torch.contiguous_format)],
)
@pytest.mark.parametrize("momentum", [0.5, 0.0])
def test_the_direct_sgd_step_is_autograds_and_torch_optims_bit_for_bit(net, layout, momentum):
    x = images_with_blank_borders(64 * 4 + 10)  # flat borders: many ties in NetConv's pooling windows
    y = torch.arange(len(x)) % 10
    model = nets.create(net, seed=0)
    reference = copy.deepcopy(model)
    if net == "conv":  # NetConv as the course writes it: ReLU then pool, on the whole image
        reference = CourseNetConv()
        reference.load_state_dict(model.state_dict())
    if layout is not None:  # the engine trains NetConv channels-last on the CPU
        model, reference = model.to(memory_format=layout), reference.to(memory_format=layout)
    config = TrainConfig(net=net, lr=0.05, momentum=momentum)
    direct = direct_sgd_step(model, config)
    usual = autograd_step(reference, torch.optim.SGD(reference.parameters(), lr=0.05, momentum=momentum))
    for lo in range(0, len(x), 64):  # the last batch is short, as in real epochs
        ours, theirs = direct(x[lo : lo + 64], y[lo : lo + 64]), usual(x[lo : lo + 64], y[lo : lo + 64])
        assert torch.equal(ours, theirs.detach())
    for (name, a), b in zip(model.named_parameters(), reference.parameters(), strict=True):
        assert torch.equal(a, b), name
    assert all(p.grad is None for p in model.parameters())  # nothing left behind for autograd


def test_the_direct_step_is_only_for_sgd_on_the_cpu_in_float32():
    assert direct_sgd_step(nets.create("conv", seed=0), TrainConfig(net="conv", optimizer="adam")) is None
    assert direct_sgd_step(nets.create("full", seed=0), TrainConfig(net="full", optimizer="adam")) is None
    assert direct_sgd_step(nets.create("full", seed=0).double(), TrainConfig(net="full")) is None
    assert direct_sgd_step(nets.create("conv", seed=0).double(), TrainConfig(net="conv")) is None
    for net in ("lin", "full", "conv"):
        assert direct_sgd_step(nets.create(net, seed=0), TrainConfig(net=net)) is not None

#!/usr/bin/env python3
"""Trains the small CT segmentation CNN the enclave's ONNX runtime is tested with, and exports it.

What it makes (next to this file):
  model.onnx     the network: input "hu" float32 [N,1,H,W] in Hounsfield units on a 2 mm in-plane grid,
                 output "logits" float32 [N,4,H,W] (0 background, 1 body, 2 lungs, 3 bone) and
                 "features" float32 [N,16,H,W] (the input of the final 1x1 layer, for fine-tuning)
The metadata beside it, manifest.json (id, version, input spec, output segments with coded concepts),
is written by hand: it is what the provider declares, and the enclave checks the model against it.

Training data are synthetic axial chest slices drawn like the Java CT phantom
(dev-tools .../devtools/phantom/CtPhantom.java, Anatomy.java, Canvas.java): an elliptical body of soft tissue
under fat, two lungs with vessels, spine, sternum, ribs, a scanner table, 3x3 binomial blur and
Gaussian noise. Each slice is drawn at a random native pixel spacing and field of view, then resampled
to the model's 2 mm grid by the same bilinear rule the Java runtime uses (OnnxSliceResampler); labels
are drawn directly on the 2 mm grid at pixel centres. Anatomy size, noise, table and slice height vary.
The Java test scores the exported model on Java-drawn phantoms with seeds this script never uses.

Reproducible: seeded (numpy, torch), one torch thread. Same library versions on the same CPU give the
same weights; other versions may differ in the last bits. About a minute of one CPU core.

Usage:  python3 models/phantom-ct-cnn/train.py [--steps N] [--out DIR]
Needs:  torch (CPU wheel), onnx, onnxscript, numpy from the local pip index.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MODEL_SPACING_MM = 2.0
AIR, FAT, SOFT, LUNG_HU, BONE_HU, DISC, CSF, TABLE = -1000, -100, 40, -850, 800, 80, 15, 200
BODY, LUNG, BONE = 1, 2, 3


class Canvas:
    """One slice being drawn: shapes in mm painted in order (Canvas.java)."""

    def __init__(self, n, px, scale):
        self.n, self.px, self.s = n, px, scale
        self.x0 = -(n - 1) * px / 2.0
        self.hu = np.full((n, n), float(AIR))
        self.labels = np.zeros((n, n), np.uint8)
        c = self.x0 + np.arange(n) * px
        self.xs, self.ys = c[None, :], c[:, None]

    def ellipse(self, cx, cy, a, b, value, label):
        cx, cy, a, b = cx * self.s, cy * self.s, a * self.s, b * self.s
        if a <= 0 or b <= 0:
            return
        m = ((self.xs - cx) / a) ** 2 + ((self.ys - cy) / b) ** 2 <= 1
        self.hu[m] = value
        if label >= 0:
            self.labels[m] = label

    def rectangle(self, x_min, y_min, x_max, y_max, value, label):
        y_min, y_max = y_min * self.s, y_max * self.s
        m = (self.xs >= x_min) & (self.xs <= x_max) & (self.ys >= y_min) & (self.ys <= y_max)
        self.hu[m] = value
        if label >= 0:
            self.labels[m] = label


class Anatomy:
    """The chest at height u in [0, 1] (Anatomy.java); random phases from rng."""

    def __init__(self, rng, u):
        self.u = u
        self.vessel_phase = rng.random(28)
        self.rib_twist = rng.uniform(-0.15, 0.15)

    def render(self, c, table):
        u = self.u
        a = 160 * (0.94 + 0.06 * math.sin(math.pi * u))
        b = 112 * (0.95 + 0.05 * math.sin(math.pi * u))
        if table:
            c.rectangle(-200, b + 12, 200, b + 24, TABLE, 0)
        c.ellipse(0, 0, a, b, FAT, BODY)
        c.ellipse(0, 0, a - 12, b - 12, SOFT, BODY)
        self.lungs(c)
        self.spine(c, b)
        if 0.3 < u < 0.85:
            c.ellipse(0, -b + 16, 15, 7, BONE_HU, BONE)
        self.ribs(c, a, b)

    def lungs(self, c):
        u = self.u
        if u < 0.15 or u > 0.95:
            return
        s = math.sqrt(math.sin(math.pi * (u - 0.15) / 0.8))
        for side in (-1, 1):
            cx, cy, la, lb = side * 72, -4, 46 * s, 70 * s
            c.ellipse(cx, cy, la, lb, LUNG_HU, LUNG)
            for v in range(7):
                p = (0 if side < 0 else 14) + 2 * v
                angle = 2 * math.pi * (self.vessel_phase[p] + 0.3 * u)
                radius = 0.6 * self.vessel_phase[p + 1]
                r = 2.0 + 2.0 * self.vessel_phase[p + 1]
                c.ellipse(cx + radius * la * math.cos(angle), cy + radius * lb * math.sin(angle), r, r, SOFT, LUNG)

    def spine(self, c, b):
        level = self.u * 14 - math.floor(self.u * 14)
        cy = b - 48
        c.ellipse(0, cy, 18, 16, DISC if level < 0.18 else BONE_HU, BODY if level < 0.18 else BONE)
        c.ellipse(0, cy + 26, 14, 12, BONE_HU, BONE)
        c.ellipse(0, cy + 26, 7.5, 6.5, CSF, BODY)
        c.ellipse(0, cy + 40, 5, 8, BONE_HU, BONE)

    def ribs(self, c, a, b):
        u = self.u
        if u < 0.1 or u > 0.92:
            return
        level = u * 12 - math.floor(u * 12)
        if level > 0.45:
            return
        for side in (-1, 1):
            for n in range(5):
                t = (0.1 + 0.14 * n + self.rib_twist + 0.25 * level) * math.pi
                c.ellipse(side * (a - 16) * math.sin(t), -(b - 16) * math.cos(t), 6.5, 5, BONE_HU, BONE)


def blur(hu):
    """3x3 binomial kernel with edge clamping (CtPhantom.blur)."""
    p = np.pad(hu, 1, mode="edge")
    t = 0.25 * p[:, :-2] + 0.5 * p[:, 1:-1] + 0.25 * p[:, 2:]
    return 0.25 * t[:-2, :] + 0.5 * t[1:-1, :] + 0.25 * t[2:, :]


def model_grid_size(n, px):
    """Pixels of the model grid covering n native pixels of spacing px (OnnxSliceResampler.targetSize)."""
    return max(1, int(math.ceil(n * px / MODEL_SPACING_MM - 1e-9)))


def resample_bilinear(img, px):
    """Samples img (native spacing px, centred) at the centres of the 2 mm model grid, edges clamped.
    Must match OnnxSliceResampler.toModelGrid in Java."""
    n = img.shape[0]
    m = model_grid_size(n, px)
    centre = (n - 1) / 2.0
    pos = centre + (np.arange(m) - (m - 1) / 2.0) * (MODEL_SPACING_MM / px)
    pos = np.clip(pos, 0, n - 1)
    i0 = np.floor(pos).astype(int)
    i1 = np.minimum(i0 + 1, n - 1)
    f = pos - i0
    rows = img[i0, :] * (1 - f)[:, None] + img[i1, :] * f[:, None]
    return rows[:, i0] * (1 - f)[None, :] + rows[:, i1] * f[None, :]


def make_slice(rng):
    px = rng.uniform(0.6, 3.3)
    fov = rng.uniform(330, 480)
    n = max(8, int(round(fov / px)))
    scale = rng.uniform(0.9, 1.08)
    u = rng.random()
    table = rng.random() < 0.85
    anatomy = Anatomy(rng, u)
    native = Canvas(n, px, scale)
    anatomy.render(native, table)
    hu = blur(native.hu) + rng.uniform(0, 25) * rng.standard_normal((n, n))
    hu = np.clip(np.round(hu), -1024, 3071)
    image = resample_bilinear(hu, px).astype(np.float32)
    m = image.shape[0]
    target = Canvas(m, MODEL_SPACING_MM, scale)
    anatomy.render(target, table)
    return image, target.labels.astype(np.int64)


class Net(nn.Module):
    """Dilated fully convolutional net: 31-pixel (62 mm) receptive field, ~8k parameters."""

    def __init__(self, width=16, classes=4):
        super().__init__()
        layers, c_in = [], 1
        for d in (1, 2, 4, 8, 1):
            layers += [nn.Conv2d(c_in, width, 3, padding=d, dilation=d), nn.BatchNorm2d(width), nn.ReLU()]
            c_in = width
        self.body = nn.Sequential(*layers)
        self.head = nn.Conv2d(width, classes, 1)

    def forward(self, hu):
        # Air maps to 0, so zero padding at the image border looks like air.
        return self.head(self.body((hu + 1000.0) / 1000.0))


def crops(rng, pool, batch, size):
    xs, ys = [], []
    for _ in range(batch):
        img, lab = pool[rng.integers(len(pool))]
        m = img.shape[0]
        pad = max(0, size - m)
        if pad:
            img = np.pad(img, ((0, pad), (0, pad)), constant_values=AIR)
            lab = np.pad(lab, ((0, pad), (0, pad)))
        o = rng.integers(0, img.shape[0] - size + 1, 2)
        xs.append(img[o[0]:o[0] + size, o[1]:o[1] + size])
        ys.append(lab[o[0]:o[0] + size, o[1]:o[1] + size])
    return torch.from_numpy(np.stack(xs)[:, None]), torch.from_numpy(np.stack(ys))


def dice(pred, truth, label):
    p, t = pred == label, truth == label
    return 2.0 * np.logical_and(p, t).sum() / max(1, p.sum() + t.sum())


def add_features_output(path):
    """Exposes the input of the final 1x1 convolution (the 16 ReLU feature maps) as a second output,
    "features" [N,16,H,W]. The enclave fine-tunes that last layer on a site's data (OnnxFineTuning):
    it re-fits a linear head on these features, so every other weight stays the provider's."""
    import onnx
    from onnx import helper, TensorProto
    m = onnx.load(path)
    head = m.graph.node[-1]
    assert head.op_type == "Conv" and head.output[0] == "logits", "the last node must be the 1x1 head"
    m.graph.node.append(helper.make_node("Identity", [head.input[0]], ["features"], name="features"))
    m.graph.output.append(helper.make_tensor_value_info("features", TensorProto.FLOAT, ["n", 16, "h", "w"]))
    onnx.checker.check_model(m)
    onnx.save(m, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--slices", type=int, default=360)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    torch.manual_seed(20261206)
    torch.set_num_threads(1)
    rng = np.random.default_rng(20261206)
    started = time.time()
    pool = [make_slice(rng) for _ in range(args.slices)]
    held_out = [make_slice(np.random.default_rng(7_000_000 + i)) for i in range(24)]
    print(f"phantom slices: {len(pool)} training, {len(held_out)} held out ({time.time() - started:.1f} s)")

    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=4e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=4e-3, total_steps=args.steps)
    weights = torch.tensor([1.0, 1.0, 1.5, 3.0])
    for step in range(args.steps):
        x, y = crops(rng, pool, 8, 80)
        loss = F.cross_entropy(net(x), y, weight=weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == args.steps - 1:
            print(f"step {step:4d} loss {loss.item():.4f} ({time.time() - started:.0f} s)")

    net.eval()
    with torch.no_grad():
        scores = {BODY: [], LUNG: [], BONE: []}
        for img, lab in held_out:
            pred = net(torch.from_numpy(img)[None, None]).argmax(1)[0].numpy()
            for k in scores:
                if (lab == k).any():
                    scores[k].append(dice(pred, lab, k))
    print("held-out Dice on the 2 mm grid: " + ", ".join(f"{k}={np.mean(v):.3f}" for k, v in scores.items()))

    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(net, torch.zeros(1, 1, 64, 64), onnx_path, input_names=["hu"], output_names=["logits"],
                      dynamic_axes={"hu": {0: "n", 2: "h", 3: "w"}, "logits": {0: "n", 2: "h", 3: "w"}},
                      opset_version=17, dynamo=False)
    add_features_output(onnx_path)
    size = os.path.getsize(onnx_path)
    print(f"wrote {onnx_path}: {size} bytes ({time.time() - started:.0f} s in all)")
    assert size < 2_000_000, "the model must stay under 2 MB to be committed"


if __name__ == "__main__":
    main()

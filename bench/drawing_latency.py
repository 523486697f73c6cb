"""How long from a drawn stroke to every net's verdict?

Draws a character on the real canvas (offscreen), then times, as medians
over many repeats, in this run:

* rendering the canvas to its 280×280 image,
* preprocessing it (crop, scale, centre, blur, normalise),
* each net's forward pass (NetLin, NetFull, NetConv) and all three together,
* the whole panel update (all of the above plus the bars and the 28×28 view),
  which decides whether the panel classifies live while the pen moves
  (under ``LIVE_BUDGET_MS``) or after each stroke,

against a baseline measured the same way: the same three nets on a plain
resize of the raw canvas to 28×28 (no preprocessing). Ratios are printed,
nothing is asserted. With the KMNIST data imported it also prints how much of
the 28×28 frame real characters fill, to check ``preprocess.FILL``.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/drawing_latency.py``
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("EXPLORER_DATA_DIR", tempfile.mkdtemp(prefix="explorer-bench-"))

REPEATS = 60


def median_ms(action, repeats: int = REPEATS) -> float:
    action()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> int:
    import numpy as np
    import torch
    from PIL import Image
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from explorer.core.kuzushiji import dataset, nets, trained
    from explorer.core.kuzushiji.preprocess import FILL, classify, ink_extent, to_kmnist_input
    from explorer.qt.kuzushiji import drawing_panel

    app = QApplication.instance() or QApplication(sys.argv)
    found = trained.all_latest()
    models = {name: found[name].model if name in found else nets.create(name, seed=0) for name in nets.NETS}
    panel = drawing_panel.DrawingPanel()
    panel.set_models(models)
    panel.resize(1200, 760)
    panel.show()
    app.processEvents()

    canvas = panel.canvas
    t = np.linspace(0.0, 1.0, 40)
    for stroke in (
        [(60 + 160 * x, 80) for x in t],
        [(140, 40 + 180 * x) for x in t],
        [(140 + 60 * np.cos(6 * x), 200 + 40 * np.sin(6 * x)) for x in t],
    ):
        canvas._begin(QPointF(*stroke[0]), 1.0)
        for point in stroke[1:]:
            canvas._extend(QPointF(*point), 1.0)
        canvas._end()
    app.processEvents()

    image = canvas.image()
    pre = to_kmnist_input(image)
    raw = np.asarray(Image.fromarray(image).resize((28, 28), Image.Resampling.BILINEAR), np.float32) / 255
    raw_tensor = ((torch.from_numpy(raw) - 0.5) / 0.5).reshape(1, 1, 28, 28)

    def forward(model, x):
        with torch.no_grad():
            return model(x)

    render = median_ms(canvas.image)
    prep = median_ms(lambda: to_kmnist_input(image))
    baseline_prep = median_ms(lambda: Image.fromarray(image).resize((28, 28), Image.Resampling.BILINEAR))
    print(f"torch threads: {torch.get_num_threads()}, repeats: {REPEATS} (medians)")
    print(f"render canvas 280×280            {render:7.2f} ms")
    print(f"preprocess                       {prep:7.2f} ms   baseline plain resize {baseline_prep:6.2f} ms"
          f"   ratio {prep / baseline_prep:6.1f}×")
    nets_total = 0.0
    baseline_total = 0.0
    for name, model in models.items():
        ours = median_ms(lambda m=model: classify({"x": m}, pre))
        base = median_ms(lambda m=model: forward(m, raw_tensor))
        nets_total += ours
        baseline_total += base
        print(f"{nets.display_name(name):<8} classify              {ours:7.2f} ms   baseline bare forward {base:6.2f} ms"
              f"   ratio {ours / base:6.2f}×")
    all_three = median_ms(lambda: classify(models, pre))
    drawing_to_prediction = median_ms(lambda: classify(models, to_kmnist_input(canvas.image())))
    baseline_end = median_ms(lambda: [forward(m, raw_tensor) for m in models.values()]) + baseline_prep + render
    print(f"all three nets                   {all_three:7.2f} ms   (sum of the above {nets_total:.2f} ms)")
    print(f"drawing → prediction (render + preprocess + 3 nets) {drawing_to_prediction:7.2f} ms"
          f"   baseline (render + resize + 3 nets) {baseline_end:6.2f} ms"
          f"   ratio {drawing_to_prediction / baseline_end:5.2f}×")
    panel_update = median_ms(panel.classify_now, repeats=REPEATS // 3)
    live = "live while drawing" if panel.live() else "after each stroke"
    print(f"whole panel update (incl. plots and looking inside) {panel_update:7.2f} ms; "
          f"last live-part update {panel.last_update_ms:.1f} ms → classifies {live} "
          f"(budget {drawing_panel.LIVE_BUDGET_MS:.0f} ms)")

    data = dataset.load_stored()
    if data is not None:
        extents = ink_extent(data.test_images.numpy())
        print(f"real KMNIST test images: larger side of the ink box median {np.median(extents):.0f} px, "
              f"10–90 % {np.percentile(extents, 10):.0f}–{np.percentile(extents, 90):.0f} px "
              f"(drawings are scaled to {FILL} px before the blur)")
    else:
        print("(import the KMNIST data to compare the preprocessing's fill with real characters)")
    panel.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How well is the network fed? End-to-end training images/s next to the same network trained on batches already on
the device ("network alone"), for PConv and Pix2Pix at 128 and 256 px. Prints a table.

Usage: python benchmarks/train_throughput.py [--models pconv pix2pix] [--sizes 128 256] [--steps 12] [--rounds 3]
       [--threads 2] [--photos DIR] [--device cpu|cuda] [--workers 0]

Each model trains with its own recipe (`PCONV_RECIPE`, `PIX2PIX_RECIPE`: same network, loss, fill and batch size) on a
plain photo folder (default: the 12 photos the package's dependencies bundle), through `Learner.fit` with its callbacks,
for `--steps` optimizer steps. "network alone" is the same learner fitting the same number of batches that were collected
from its `DataLoaders` beforehand and moved to the device: the forward pass (including the classical fill the networks
correct, which is part of the model), the loss, the backward pass and the optimizer. "end to end" adds reading the photos,
cropping, flipping, drawing holes and collating. Rounds alternate the two (A B A B ...), after one warm-up of each, so a
busy machine slows both alike; the table gives the median of the rounds and their ratio.
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import argparse, shutil, statistics, tempfile, time, warnings
from pathlib import Path
import torch

def photo_folder(src=None) -> Path:
    "A folder of photos: `src`, or a copy of the bundled sample photos"
    if src: return Path(src)
    from inpaint_nb.data import sample_photos
    d = Path(tempfile.mkdtemp())/'photos'; d.mkdir()
    for p in sample_photos(): shutil.copy(p, d)
    return d

def learner(model, size, photos, device, workers):
    "The model's recipe at `size` on `photos`, built as `ModelSpec.train` builds it"
    from inpaint_nb.runs import MODELS
    spec = MODELS[model]; r = spec.recipe.replace(size=size)
    learn = spec.build(r.dls(photos, seed=0, device=device, num_workers=workers), r)
    return learn

def _fit_steps(learn, dl, steps):
    "Seconds for `steps` training batches of `dl` through `learn.fit`, with no validation"
    from fastai.callback.core import Callback, CancelFitException
    class Stop(Callback):
        order = 99
        def after_batch(self):
            if self.training and self.iter + 1 >= steps: raise CancelFitException
    keep = learn.dls.loaders[0]; learn.dls.loaders[0] = dl
    try:
        with learn.no_bar(), learn.no_logging():
            if torch.cuda.is_available(): torch.cuda.synchronize()
            t0 = time.perf_counter(); learn.fit(1, learn.recipe.lr, cbs=[Stop()])
            if torch.cuda.is_available(): torch.cuda.synchronize()
            return time.perf_counter() - t0
    finally: learn.dls.loaders[0] = keep

def on_device_dl(learn, steps):
    "A `DataLoader` replaying `steps` batches collected from the learner's own, already on its device"
    from fastai.data.load import DataLoader
    batches, it = [], iter(learn.dls.train)
    while len(batches) < steps:
        try: batches.append(tuple(t.to(learn.dls.device) for t in next(it)))
        except StopIteration: it = iter(learn.dls.train)   # a short epoch (one crop per photo, as before issue 21): another one
    return DataLoader(batches, bs=None, shuffle=False, device=learn.dls.device)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', nargs='*', default=['pconv', 'pix2pix']); p.add_argument('--sizes', nargs='*', type=int, default=[128, 256])
    p.add_argument('--steps', type=int, default=12); p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--threads', type=int, default=2); p.add_argument('--photos', default=None)
    p.add_argument('--device', default=None); p.add_argument('--workers', type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore')
    photos = photo_folder(a.photos)
    dev = a.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    rows = []
    for model in a.models:
        for size in a.sizes:
            learn = learner(model, size, photos, dev, a.workers)
            alone_dl = on_device_dl(learn, a.steps)
            bs = learn.dls.train.bs
            _fit_steps(learn, learn.dls.train, 2); _fit_steps(learn, alone_dl, 2)   # warm-up: caches, allocator, threads
            e2e, alone = [], []
            for _ in range(a.rounds):
                e2e.append(a.steps*bs/_fit_steps(learn, learn.dls.train, a.steps))
                alone.append(a.steps*bs/_fit_steps(learn, alone_dl, a.steps))
            e, n = statistics.median(e2e), statistics.median(alone)
            rows.append((model, size, bs, e, n, e/n))
            print(f"{model} {size}px: end to end {e:.1f} img/s, network alone {n:.1f} img/s, {e/n:.2f}x  (rounds: {[round(v, 1) for v in e2e]} / {[round(v, 1) for v in alone]})", flush=True)
    name = torch.cuda.get_device_name() if dev == 'cuda' else f'CPU, {a.threads} threads'
    print(f"\n{name}; photos: {photos}; {a.steps} steps a round, {a.rounds} interleaved rounds, median; DataLoader workers {a.workers}")
    print("| model | size | batch | end to end img/s | network alone img/s | ratio |\n|---|---|---|---|---|---|")
    for m, s, b, e, n, r in rows: print(f"| {m} | {s} | {b} | {e:.1f} | {n:.1f} | {r:.2f} |")

if __name__ == '__main__': main()

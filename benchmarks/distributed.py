"""Data-parallel scaling on this machine: training samples per second of the same tiny PConv run on 1 and 2 processes. Prints a table.

Usage: python benchmarks/distributed.py [--processes 1 2] [--rounds 2] [--epochs 4] [--size 64] [--bs 8] [--width 0.25] [--n-train 200] [--launcher torch]

Every process uses one thread (`OMP_NUM_THREADS=1`), so 2 processes use 2 cores where 1 process uses one: the scaling
factor is samples/s on N processes over samples/s on 1. A process trains `bs` images per step (the per-process batch
size), so N processes take N x `bs` images per step. Only the training phase of each epoch is timed (no validation, no
process start-up); the first epoch is a warm-up and is left out; the table gives the median over the other epochs and
the best of `--rounds` interleaved rounds (1, 2, 1, 2, ...). On a machine that other work shares, the 2-process figure
suffers first.
"""
import os
os.environ['OMP_NUM_THREADS'] = '1'   # before torch: one thread per process, inherited by the processes it starts
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import argparse, json, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd

from fastai.callback.core import Callback

class EpochTimer(Callback):
    "Rank 0 writes the wall time and the number of images of each epoch's training phase to `timing.json` in the run folder"
    order = 100
    def before_fit(self): self.rows = []
    def before_train(self): self.t, self.n = time.perf_counter(), 0
    def after_batch(self):
        if self.training: self.n += len(self.xb[0])
    def after_train(self): self.rows.append((time.perf_counter() - self.t, self.n))
    def after_fit(self):
        from inpaint_nb.distributed import is_main, world_size
        if is_main(): (self.learn.run_path/'timing.json').write_text(json.dumps(dict(rows=self.rows, processes=world_size())))

class RunPath(Callback):
    "Tells `EpochTimer` where the run folder is"
    def __init__(self, path): self.path = path
    def before_fit(self): self.learn.run_path = Path(self.path)

def one(data, root, n, a, name):
    from inpaint_nb.runs import train_run
    t0 = time.time()
    train_run('pconv', data, root=root, name=name, epochs=a.epochs, bs=a.bs, size=a.size, width=a.width, device='cpu',
              processes=n if n > 1 else None, launcher=a.launcher, cbs=[RunPath(root/name), EpochTimer()])
    wall = time.time() - t0
    t = json.loads((root/name/'timing.json').read_text())
    secs, imgs = np.array([r[0] for r in t['rows'][1:]]), np.array([r[1] for r in t['rows'][1:]])
    return dict(processes=n, samples_per_s=float(np.median(imgs*n/secs)), epoch_train_s=float(np.median(secs)),
                images_per_epoch=int(imgs[0]*n), run_wall_s=wall)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--processes', type=int, nargs='*', default=[1, 2]); p.add_argument('--rounds', type=int, default=2)
    p.add_argument('--epochs', type=int, default=4); p.add_argument('--size', type=int, default=64); p.add_argument('--bs', type=int, default=8)
    p.add_argument('--width', type=float, default=0.25); p.add_argument('--n-train', type=int, default=200); p.add_argument('--launcher', default='torch')
    a = p.parse_args()
    warnings.filterwarnings('ignore')
    import torch; torch.set_num_threads(1)
    from inpaint_nb.data import make_sample_dataset
    from inpaint_nb.runs import _epoch_lines
    tmp = Path(tempfile.mkdtemp())
    data = make_sample_dataset(tmp/'data', n_train=a.n_train, n_valid=20, n_test=1, size=2*a.size, box_size=round(75*2*a.size/256))
    rows = []
    for r in range(a.rounds):
        for n in a.processes:
            with _epoch_lines(): rows.append(dict(one(data, tmp/'runs', n, a, f'p{n}-r{r}'), round=r))
            print(f"round {r}, {n} process(es): {rows[-1]['samples_per_s']:.1f} samples/s", flush=True)
    df = pd.DataFrame(rows).sort_values('samples_per_s').groupby('processes').last()   # best round per process count
    df['scaling'] = df.samples_per_s/df.samples_per_s.loc[min(a.processes)]
    print(f"\nPConv U-Net width {a.width}, {a.size} px, bs {a.bs} per process, {a.epochs} epochs ({os.cpu_count()} CPUs, 1 thread per process, launcher {a.launcher}):")
    print(df[['samples_per_s', 'scaling', 'epoch_train_s', 'images_per_epoch', 'run_wall_s']].round(3).to_string())

if __name__ == '__main__': main()

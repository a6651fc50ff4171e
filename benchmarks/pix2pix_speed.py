"""Seconds per Pix2Pix training step at 256x256 on this machine (CPU by default), for the full and the small variant.

Usage: python benchmarks/pix2pix_speed.py [--widths 1 0.25] [--bs 1 8] [--steps 6] [--threads 2] [--size 256]

Trains `pix2pix_learner` for a few batches on a throw-away `make_sample_dataset` and times every training batch
(data loading included) from `before_batch` to `after_batch`: the wall time, and the CPU time of the process
(`iteration_cpu_s`; on an otherwise idle machine it is about the wall time of one thread). fastai's GAN training
alternates: a critic step updates the discriminator, a generator step the generator; an iteration is one of each.
"""
import argparse, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
from fastai.callback.core import Callback
from inpaint_nb.data import make_sample_dataset, inpaint_dls
from inpaint_nb.pix2pix import pix2pix_learner

class StepTimer(Callback):
    "Wall time of every training batch, split by the network it trains"
    order = -10
    def before_fit(self): self.times, self.cpu = {True: [], False: []}, {True: [], False: []}
    def before_batch(self):
        if self.training: self.t0, self.c0 = time.perf_counter(), time.process_time()
    def after_batch(self):
        if not self.training: return
        mode = self.learn.gan_trainer.gen_mode
        self.times[mode].append(time.perf_counter()-self.t0); self.cpu[mode].append(time.process_time()-self.c0)

def bench(src, width, bs, steps, size, warmup=2):
    dls = inpaint_dls(src, bs=bs, size=size, normalize=True, num_workers=0)
    learn = pix2pix_learner(dls, width=width, size=size)
    timer = StepTimer()
    with learn.no_bar(), learn.no_logging(): learn.fit(1, cbs=timer)
    # FixedGANSwitcher alternates critic / generator batches, so each list holds about half the batches
    med = lambda d, mode: float(np.median(d[mode][warmup//2:]))
    crit, gen = med(timer.times, False), med(timer.times, True)
    n = lambda m: sum(p.numel() for p in m.parameters())
    return dict(width=width, bs=bs, gen_params=n(learn.model.generator), disc_params=n(learn.model.critic),
                critic_step_s=crit, generator_step_s=gen, iteration_s=crit+gen, s_per_image=(crit+gen)/bs,
                iteration_cpu_s=med(timer.cpu, False)+med(timer.cpu, True))

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--widths', type=float, nargs='+', default=[1., 0.25])
    p.add_argument('--bs', type=int, nargs='+', default=[1, 8])
    p.add_argument('--steps', type=int, default=6, help='training batches timed per setting (half critic, half generator)')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--size', type=int, default=256)
    a = p.parse_args()
    warnings.filterwarnings('ignore')
    torch.set_num_threads(a.threads)
    src = make_sample_dataset(Path(tempfile.mkdtemp())/'ds', n_train=max(a.bs)*(a.steps+2), n_valid=1, n_test=1, size=a.size)
    rows = [bench(src, w, bs, a.steps, a.size) for w in a.widths for bs in a.bs]
    df = pd.DataFrame(rows)
    print(f"Pix2Pix training step at {a.size}x{a.size}, {a.threads} CPU threads ({'cuda' if torch.cuda.is_available() else 'cpu'}), torch {torch.__version__}")
    print(df.to_string(index=False, float_format=lambda v: f'{v:.3f}'))

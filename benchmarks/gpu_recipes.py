"""The full-size recipes (256 px, the paper's widths) trained on a GPU within a time budget, next to the baselines.

Usage: python benchmarks/gpu_recipes.py [--out gpu_full] [--minutes 10] [--max-epochs 200]

Runs `inpaint_nb.cli.demo` with `FULL_SIZE` instead of the CPU recipes: the sample dataset, a PConv U-Net and a
Pix2Pix (`unet_256` + 70x70 PatchGAN), each with its own recipe but at width 1 and 256 px, batch 16, each given half the training budget (the
demo times an epoch first and picks the epochs that fit), then the leaderboard on the sample valid split, the
report-style loss plots, the four GAN curves and a results panel per model, all in `--out`.
Without a GPU it runs too, on the CPU, but a useful budget there is hours.
"""
import argparse, warnings
from inpaint_nb.cli import demo

FULL_SIZE = {'pconv': dict(size=256, bs=16, width=1.),     # each model's own recipe (`PCONV_RECIPE`, `PIX2PIX_RECIPE`),
             'pix2pix': dict(size=256, bs=16, width=1.)}   # at the paper's size and widths

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default='gpu_full'); p.add_argument('--minutes', type=float, default=10.)
    p.add_argument('--max-epochs', type=int, default=200); p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    warnings.filterwarnings('ignore', category=FutureWarning)
    demo(a.out, minutes=a.minutes, recipes=FULL_SIZE, seed=a.seed, max_epochs=a.max_epochs)

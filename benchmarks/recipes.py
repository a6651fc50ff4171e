"""Train the documented CPU recipes on the sample dataset and score them on its valid split, next to the classical baselines. Prints a table.

Usage: python benchmarks/recipes.py [RECIPE ...] [--threads 2] [--data DIR] [--seed 0]

RECIPE is any of
- `pconv`          `pconv_recipe(data)`: PConv U-Net, width 1/4, trained at 128 px
- `pix2pix`        `pix2pix_recipe(data)`: Pix2Pix, width 1/4, trained at 128 px, generator refining `pyramid_fill`
- `pix2pix-black`  `pix2pix_recipe(data, fill='black')`: the same with the paper's black holes as the generator's input
(default: all three, one after the other). The baselines (pyramid fill, Telea, Navier-Stokes, mean fill) are always scored.

Every model is scored on the 50 images of the sample valid split at full size (256 px, two 75x75 holes), crops of two
photos no training image comes from. The table gives the training time (wall and process CPU minutes; on a shared
machine CPU / threads estimates the wall time on an idle one) and the pooled hole RMSE, image RMSE and PSNR.
Issue 5's target: the Pix2Pix recipe trains within 20 minutes on 2 cores and beats OpenCV Telea's hole RMSE.
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import argparse, tempfile, time, warnings
from pathlib import Path
import pandas as pd, torch

def train(recipe, data, seed):
    "The trained model of `recipe` as an `Inpainter`"
    from inpaint_nb.pconv import pconv_recipe
    from inpaint_nb.pix2pix import pix2pix_recipe
    if recipe == 'pconv': return pconv_recipe(data, seed=seed).inpainter(name='pconv recipe')
    if recipe == 'pix2pix': return pix2pix_recipe(data, seed=seed).inpainter(name='pix2pix recipe')
    return pix2pix_recipe(data, fill='black', seed=seed).inpainter(name="pix2pix recipe, fill='black'")

RECIPES = ['pconv', 'pix2pix', 'pix2pix-black']

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('recipes', nargs='*', default=RECIPES, choices=RECIPES)
    p.add_argument('--threads', type=int, default=2); p.add_argument('--data', default=None); p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    warnings.filterwarnings('ignore')
    from inpaint_nb.data import make_sample_dataset, load_split
    from inpaint_nb.baselines import leaderboard, MeanFillInpainter, PyramidFillInpainter, OpenCVInpainter
    data = make_sample_dataset(Path(a.data or Path(tempfile.gettempdir())/'inpaint_nb_sample'))
    valid = load_split(data/'valid')
    models, times = {}, {}
    for r in a.recipes:
        t0, c0 = time.time(), time.process_time()
        with _quiet(): inp = train(r, data, a.seed)
        times[inp.name] = ((time.time() - t0)/60, (time.process_time() - c0)/60)
        models[inp.name] = inp
        print(f"{r}: trained in {times[inp.name][0]:.1f} min wall, {times[inp.name][1]:.1f} min CPU", flush=True)
    models |= {'pyramid fill': PyramidFillInpainter(), 'OpenCV Telea': OpenCVInpainter('telea'),
               'OpenCV Navier-Stokes': OpenCVInpainter('ns'), 'mean fill': MeanFillInpainter()}
    lb = leaderboard(models, valid, progress=False)
    lb['train_min_wall'] = [times.get(m, (0, 0))[0] for m in lb.index]
    lb['train_min_cpu'] = [times.get(m, (0, 0))[1] for m in lb.index]
    print(f"\nsample valid split: {len(valid)} images at 256 px; threads {a.threads}; seed {a.seed}")
    print(lb[['hole_rmse', 'image_rmse', 'psnr', 'train_min_wall', 'train_min_cpu']].round(4).to_string())

class _quiet:
    "Without fastai's progress bars and per-epoch tables"
    def __enter__(self):
        from fastai.callback.progress import ProgressCallback
        from fastai.learner import defaults
        self.cbs, defaults.callbacks = list(defaults.callbacks), [c for c in defaults.callbacks if c is not ProgressCallback]
    def __exit__(self, *exc):
        from fastai.learner import defaults
        defaults.callbacks = self.cbs

if __name__ == '__main__': main()

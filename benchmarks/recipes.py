"""Train the documented CPU recipes and score them next to the classical fills. Prints a table.

Usage: python benchmarks/recipes.py [RECIPE ...] [--cv] [--k 4] [--folds 0 1 2 3] [--threads 2] [--data DIR] [--seed 0] [--epochs N]

RECIPE is any of
- `pconv`            `pconv_recipe(data)`: `PCONV_RECIPE`, the documented default
- `pix2pix`          `pix2pix_recipe(data)`: `PIX2PIX_RECIPE`, the documented default
- `pconv-blend`      a PConv U-Net of width 1/4 trained at 128 px that corrects the classical blend (`fill='blend'`: Telea,
                     biharmonic and pyramid fill, weights fitted on the training crops; zero last layer, hole-MSE loss
                     `loss='mse'`), predicting at full size
- `pix2pix-blend`    Pix2Pix of width 1/4 at 128 px whose generator corrects the same blend (`fill='blend'`, `pixel='mse'`,
                     no dropout), 2/3 of the epochs pre-training, then adversarial; predicting at full size
- `lama`             `LAMA_RECIPE`: a small LaMa (width 1/8, 3 FFC blocks) correcting the same blend, at 128 px, predicting at full size
- `pconv-pretrained` `PCONV_RECIPE` fine-tuning the weights shipped with the package (`pretrained='inpaint_nb'`)
- `pconv-pretrained-lowlr` the same at lr 2e-4
- `pconv-shipped`    the shipped weights as they are (one epoch at lr 1e-7 with every BatchNorm layer frozen), predicting at full size
- `pconv-demo`       PConv as `inpaint_nb demo` trains it: `PCONV_RECIPE` with the changes in `cli.DEMO_RECIPES['pconv']`
- `pconv-demo-full`  the same, predicting at the images' own size (`predict_size=None`)
- `pconv-shipped-128` the shipped weights as `pconv-shipped` has them, their correction made at 128 px (`predict_size='train'`)
- `pconv-plain`      the earlier PConv recipe: the network paints the holes, loss 'rmse', 30 epochs, predicting at 128 px
- `pix2pix-pyramid`  the earlier Pix2Pix recipe: generator refining `pyramid_fill`, L1 loss, 30 epochs, predicting at 128 px
- `pix2pix-black`    the same with the paper's black holes as the generator's input
(default: `pconv pix2pix`). The baselines (pyramid fill, Telea, biharmonic, their blend fitted on the training split,
Navier-Stokes, mean fill) are always scored on the same images.

`--cv` is the yardstick that recipes are chosen with: leave-photos-out cross-validation over every bundled photo
(`photo_folds(k=4)`: fold i validates on photos i, i+4, i+8 and trains on the other 9; no crop of a validation photo is
ever in training). Each fold is a `make_sample_dataset(photos=fold, seed=i)` (200 training crops, 50 validation crops at
256 px with two 75x75 holes). The table gives each model's pooled hole RMSE per fold, their mean and spread, and the
ratio of the mean to Telea's and to the pyramid fill's. Without `--cv`, models are scored on the sample dataset's valid
split (50 crops of two photos): quick, but too narrow to choose a recipe with.

Training times are wall and process-CPU minutes (on a shared machine CPU / threads estimates an idle machine's wall time).
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import argparse, tempfile, time, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch

# name: (model, changes to its default recipe, leaderboard name). The changes spell out every setting that differs between
# the variants, so each name trains the same thing whatever the defaults are.
RECIPES = {
    'pconv': ('pconv', {}, 'pconv recipe'),
    'pix2pix': ('pix2pix', {}, 'pix2pix recipe'),
    'pconv-blend': ('pconv', dict(fill='blend', loss='mse', lr=1e-3, epochs=10, predict_size=None), "pconv, fill='blend'"),
    'pix2pix-blend': ('pix2pix', dict(fill='blend', pixel='mse', p=0., epochs=12, pre_frac=2/3, pre_lr=1e-3, predict_size=None),
                      "pix2pix, fill='blend'"),
    'lama': ('lama', {}, 'lama recipe'),
    'pconv-pretrained': ('pconv', dict(pretrained='inpaint_nb'), 'pconv recipe from the shipped weights'),
    'pconv-pretrained-lowlr': ('pconv', dict(pretrained='inpaint_nb', lr=2e-4), 'pconv recipe from the shipped weights, lr 2e-4'),
    'pconv-shipped': ('pconv', dict(pretrained='inpaint_nb', freeze_bn=True, epochs=1, lr=1e-7), 'shipped weights, not fine-tuned'),
    'pconv-demo': ('pconv', {}, "pconv, the demo's recipe"),
    'pconv-demo-full': ('pconv', dict(predict_size=None), "pconv, the demo's recipe, predicting at full size"),
    'pconv-shipped-128': ('pconv', dict(pretrained='inpaint_nb', freeze_bn=True, epochs=1, lr=1e-7, predict_size='train'), 'shipped weights, not fine-tuned, correction at 128 px'),
    'pconv-plain': ('pconv', dict(fill=None, loss='rmse', lr=2e-3, epochs=30, predict_size='train'), 'pconv, plain (earlier recipe)'),
    'pix2pix-pyramid': ('pix2pix', dict(fill='pyramid', pixel='l1', p=0.5, epochs=30, pre_frac=2/3, pre_lr=2e-3, predict_size='train'),
                        "pix2pix, fill='pyramid' (earlier recipe)"),
    'pix2pix-black': ('pix2pix', dict(fill='black', pixel='l1', p=0.5, epochs=30, pre_frac=2/3, pre_lr=2e-3, predict_size='train'),
                      "pix2pix, fill='black'"),
}

DEMO_BASED = {'pconv-demo', 'pconv-demo-full'}   # their changes go on top of `cli.DEMO_RECIPES['pconv']`, read when they train
WEIGHTS = None   # `--weights`: the file the recipes that start from the shipped weights read instead

def train(recipe, data, seed, **overrides):
    "The trained model of `recipe` as an `Inpainter` (predicting at its recipe's size)"
    from inpaint_nb.runs import MODELS
    model, changes, name = RECIPES[recipe]
    if recipe in DEMO_BASED:
        from inpaint_nb.cli import DEMO_RECIPES
        changes = {**DEMO_RECIPES[model], **changes}
    if changes.get('pretrained') == 'inpaint_nb' and WEIGHTS: changes = {**changes, 'pretrained': WEIGHTS}
    spec = MODELS[model]
    # through `recipe=`: a model hyperparameter such as `fill` must not be taken for an `inpaint_dls` argument
    learn = spec.train(data, seed=seed, recipe=spec.recipe.replace(**changes), **overrides)
    return learn.inpainter(name=name)

def baselines(data):
    "The classical fills; their blend gets its weights from `data`'s training split, as the models do"
    from inpaint_nb.baselines import MeanFillInpainter, PyramidFillInpainter, OpenCVInpainter, BiharmonicInpainter, BlendFillInpainter
    return {'pyramid fill': PyramidFillInpainter(), 'OpenCV Telea': OpenCVInpainter('telea'), 'classical blend': BlendFillInpainter().fit(data/'train'),
            'biharmonic': BiharmonicInpainter(), 'OpenCV Navier-Stokes': OpenCVInpainter('ns'), 'mean fill': MeanFillInpainter()}

def score(recipes, data, seed, overrides):
    "Leaderboard of `recipes` trained on `data` and of the baselines on `data/valid`, with training minutes"
    from inpaint_nb.data import load_split
    from inpaint_nb.baselines import leaderboard
    from inpaint_nb.runs import _epoch_lines
    models, times = {}, {}
    for r in recipes:
        t0, c0 = time.time(), time.process_time()
        with _epoch_lines(): inp = train(r, data, seed, **overrides)   # one plain line per epoch, no progress bars
        times[inp.name] = ((time.time() - t0)/60, (time.process_time() - c0)/60)
        models[inp.name] = inp
        print(f"  {data.name}: {r} trained in {times[inp.name][0]:.1f} min wall, {times[inp.name][1]:.1f} min CPU", flush=True)
    lb = leaderboard({**models, **baselines(data)}, load_split(data/'valid'), progress=False)
    lb['train_min_wall'] = [times.get(m, (0, 0))[0] for m in lb.index]
    lb['train_min_cpu'] = [times.get(m, (0, 0))[1] for m in lb.index]
    return lb

def cv_table(lbs:dict) -> pd.DataFrame:
    "Per-fold hole RMSE, mean, spread and ratios to Telea and the pyramid fill, from `{fold: leaderboard}`"
    t = pd.DataFrame({f'fold{f}': lb['hole_rmse'] for f, lb in lbs.items()})
    t['mean'], t['std'] = t.mean(axis=1), t.std(axis=1, ddof=0)
    t['vs_telea'], t['vs_pyramid'] = t['mean']/t.loc['OpenCV Telea', 'mean'], t['mean']/t.loc['pyramid fill', 'mean']
    t['train_cpu_min'] = pd.DataFrame({f: lb['train_min_cpu'] for f, lb in lbs.items()}).mean(axis=1)
    return t.sort_values('mean')

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('recipes', nargs='*', default=['pconv', 'pix2pix'], choices=list(RECIPES))
    p.add_argument('--cv', action='store_true', help='leave-photos-out cross-validation over the bundled photos')
    p.add_argument('--k', type=int, default=4, help='folds (default: 4)'); p.add_argument('--folds', type=int, nargs='*', default=None, help='only these folds')
    p.add_argument('--threads', type=int, default=2); p.add_argument('--data', default=None, help='dataset folder (default: a temporary cache)')
    p.add_argument('--seed', type=int, default=0); p.add_argument('--epochs', type=int, default=None, help="override the recipes' epochs")
    p.add_argument('--weights', default=None, help="weights file for the pretrained recipes (default: the shipped 'inpaint_nb')")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    warnings.filterwarnings('ignore')
    from inpaint_nb.data import make_sample_dataset, photo_folds
    root = Path(a.data or Path(tempfile.gettempdir())/'inpaint_nb_sample')
    overrides = {} if a.epochs is None else {'epochs': a.epochs}
    global WEIGHTS
    WEIGHTS = str(Path(a.weights).resolve()) if a.weights else None
    if not a.cv:
        lb = score(a.recipes, make_sample_dataset(root), a.seed, overrides)
        print(f"\nsample valid split: 50 images at 256 px; threads {a.threads}; seed {a.seed}")
        print(lb[['hole_rmse', 'image_rmse', 'psnr', 'train_min_wall', 'train_min_cpu']].round(4).to_string()); return
    folds = photo_folds(k=a.k)
    lbs = {}
    for f in (a.folds if a.folds is not None else range(a.k)):
        data = make_sample_dataset(root.parent/f'{root.name}_cv{a.k}_fold{f}', n_test=0, photos=folds[f], seed=f)
        print(f"fold {f}: validation photos {', '.join(Path(q).stem for q in folds[f]['valid'])}", flush=True)
        lbs[f] = score(a.recipes, data, a.seed, overrides)
    print(f"\nleave-photos-out CV, {a.k} folds ({len(lbs)} run), pooled hole RMSE per fold; threads {a.threads}; seed {a.seed}")
    print(cv_table(lbs).round(4).to_string())

if __name__ == '__main__': main()

"""Pre-train the PConv network that ships with the package (`pconv_learner(pretrained='inpaint_nb')`).

The network is `PCONV_RECIPE`'s: a PConv U-Net of width 1/4 at 128 px that corrects the classical blend (`fill='blend'`,
hole-MSE loss). It trains on a corpus of photos that shares no photo with the 12 bundled photos the package's
cross-validation uses:
- the colour photos of the `mvtb-data` wheel (MIT licence; Peter Corke's Machine Vision Toolbox data), fetched with
  `pip download --no-deps mvtb-data`, leaving out images of people and synthetic targets (`EXCLUDE`);
  it is never a dependency of the package, and only this script reads it;
- nothing else: every natural colour photo that the package's dependencies bundle is already in the cross-validation.

Usage: python pretrain/pretrain.py --wheel DIR_OR_WHL [--minutes 40] [--out pretrain] [--tiny]
Writes `inpaint_nb/weights/pconv_inpaint_nb.pth` (half precision, loaded with `weights_only=True`), and next to this
script `log.csv` (one row per epoch), `curves.png` and `corpus.txt` (the photos used, with their sources).
`--tiny` trains a few steps at 32 px into a temporary folder: the test of this script.
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import argparse, glob, io, shutil, tempfile, time, warnings, zipfile
from pathlib import Path
import numpy as np, torch

EXCLUDE = {  # people, or not photographs (calibration targets, illusions, tags), or a copy of another file
    'image3.jpg', 'lena.png', 'monalisa.png', 'greenscreen.png', 'wally.png', 'wheres-wally.png', 'adelson.png',
    'arucoboard.png', 'fisheye_target.png', 'tags.png', 'yellowtargets.png', 'church.png'}

def corpus(wheel, dest:Path) -> list:
    "Extract the colour photos of the mvtb-data wheel (or a folder of wheels) into `dest`; returns their names"
    from PIL import Image
    whls = [wheel] if str(wheel).endswith('.whl') else sorted(glob.glob(str(Path(wheel)/'mvtb_data-*.whl')))
    if not whls or not Path(whls[-1]).is_file(): raise SystemExit(f"{wheel}: no mvtb-data wheel (fetch it with: pip download --no-deps -d DIR mvtb-data)")
    whl = whls[-1]
    z, names = zipfile.ZipFile(whl), []
    for n in sorted(z.namelist()):
        if not n.lower().endswith(('.png', '.jpg', '.jpeg')) or Path(n).name in EXCLUDE: continue
        im = Image.open(io.BytesIO(z.read(n)))
        a = np.asarray(im.convert('RGB'), dtype=np.float32)
        if np.abs(a[..., 0] - a[..., 1]).mean() + np.abs(a[..., 1] - a[..., 2]).mean() < 2: continue  # grey: not a colour photo
        out = dest/n.split('images/', 1)[1].replace('/', '_')
        im.convert('RGB').save(out.with_suffix('.png')); names.append(n)
    return names

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--wheel', required=True, help='the mvtb-data wheel, or the folder `pip download` wrote it to')
    p.add_argument('--minutes', type=float, default=40, help='training budget (the schedule is planned from a timed probe)')
    p.add_argument('--out', default=None, help='folder for log.csv, curves.png and corpus.txt (default: this folder; with --tiny a temporary one)')
    p.add_argument('--weights', default=None, help='weights file (default: inpaint_nb/weights/pconv_inpaint_nb.pth)')
    p.add_argument('--samples', type=int, default=2048, help='training crops per epoch')
    p.add_argument('--bs', type=int, default=16); p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--min-scale', type=float, default=0.25, help='smallest crop area (fraction of the photo)')
    p.add_argument('--threads', type=int, default=2); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--tiny', action='store_true', help='a few steps at 32 px into a temporary folder (the test of this script)')
    a = p.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore')
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    from fastai.callback.all import CSVLogger
    from fastai.torch_core import set_seed
    from inpaint_nb.data import inpaint_dls
    from inpaint_nb.pconv import PCONV_RECIPE, pconv_learner, save_pretrained
    from inpaint_nb.runs import _epoch_lines
    r = PCONV_RECIPE
    size, width, samples, bs = (32, 0.125, 64, 8) if a.tiny else (r.size, r.hp['width'], a.samples, a.bs)
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp()) if a.tiny else Path(__file__).parent; out.mkdir(parents=True, exist_ok=True)
    photos = Path(tempfile.mkdtemp())/'photos'; photos.mkdir()
    names = corpus(a.wheel, photos)
    if a.tiny: [f.unlink() for f in sorted(photos.iterdir())[12:]]
    (out/'corpus.txt').write_text(''.join(f"mvtb-data (MIT): {n}\n" for n in names[:len(list(photos.iterdir()))]))
    set_seed(a.seed)
    dls = inpaint_dls(photos, valid=0.25 if a.tiny else 0.1, bs=bs, size=size, samples=samples, aug='resized_crop', min_scale=a.min_scale, seed=a.seed, num_workers=0)
    print(f"corpus: {len(names)} photos ({len(dls.train_ds)} training crops per epoch, {len(dls.valid_ds)} validation photos)", flush=True)
    learn = pconv_learner(dls, width=width, loss=r.hp['loss'], fill=r.hp['fill'], size=size)
    # a timed probe of 10 steps plans the schedule
    xb, mb, yb = dls.one_batch(); learn.model.train(); opt = torch.optim.Adam(learn.model.parameters(), 1e-6)
    t0 = time.time()
    for _ in range(3 if a.tiny else 10):
        loss = learn.loss_func(learn.model(xb, mb), yb); loss.backward(); opt.step(); opt.zero_grad()
    step = (time.time() - t0)/(3 if a.tiny else 10)
    epochs = 2 if a.tiny else max(1, int(a.minutes*60/(step*samples/bs*1.15)))
    print(f"probe: {step*1e3:.0f} ms a step of {bs}; {epochs} epochs of {samples} crops fit {a.minutes} min", flush=True)
    set_seed(a.seed)
    with _epoch_lines(): learn.fit_one_cycle(epochs, a.lr, cbs=[CSVLogger(fname=str(out/'log.csv'))])
    dest = Path(a.weights) if a.weights else (out/'pconv_inpaint_nb.pth' if a.tiny else Path(__file__).parents[1]/'inpaint_nb'/'weights'/'pconv_inpaint_nb.pth')
    save_pretrained(learn, dest, corpus=f"mvtb-data {len(names)} colour photos", epochs=epochs, samples=epochs*samples)
    import pandas as pd
    log = pd.read_csv(out/'log.csv')
    fig, ax = plt.subplots(figsize=(5, 3), dpi=80)
    ep = log['epoch'] + 1
    ax.plot(ep, log['train_loss'], 'o-' if len(log) < 15 else '-', label='training (hole MSE)')
    ax.plot(ep, log['valid_loss'], 'o-' if len(log) < 15 else '-', label='validation (hole MSE)')
    ax.set_xlabel('epoch'); ax.set_ylabel('loss'); ax.legend(); ax.set_title(f'PConv pre-training: {epochs*samples:,} crops of {len(names)} photos')
    fig.tight_layout(); fig.savefig(out/'curves.png'); plt.close(fig)
    print(f"wrote {dest} ({dest.stat().st_size/1e6:.1f} MB), {out/'log.csv'}, {out/'curves.png'}", flush=True)

if __name__ == '__main__': main()

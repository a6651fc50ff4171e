"""Pre-train the PConv network that ships with the package (`pconv_learner(pretrained='inpaint_nb')`).

The network is `PCONV_RECIPE`'s: a PConv U-Net of width 1/4 at 128 px that corrects the classical blend (`fill='blend'`,
hole-MSE loss). It trains on a corpus of photos that shares no photo with the 12 bundled photos the package's
cross-validation uses:
- the colour photos of the `mvtb-data` wheel (MIT licence; Peter Corke's Machine Vision Toolbox data), fetched with
  `pip download --no-deps mvtb-data`, leaving out images of people and synthetic targets (`EXCLUDE`);
  it is never a dependency of the package, and only this script reads it;
- nothing else: every natural colour photo that the package's dependencies bundle is already in the cross-validation.

Each training crop is drawn afresh: a random photo, a square crop whose side is log-uniform between `--scale` fractions of
the photo's short side (close-ups and whole scenes), resized to 128 px, flipped, turned by a multiple of 90 degrees, its
colours jittered (channel order, saturation, contrast, brightness; some crops grey), and two non-overlapping holes of
the task's relative size (75/256 of the side). Most corpus photos are of one campus; the bundled photos the network is
judged on are close-ups, microscopy, astronomy and retina images. The crops at every scale and the colour changes are what
made the network's gain carry over to them (see the table of pilots in `pretrain/README.md`).

Usage: python pretrain/pretrain.py --wheel DIR_OR_WHL [--minutes 45] [--init FILE] [--out pretrain] [--tiny]
Writes `inpaint_nb/weights/pconv_inpaint_nb.pth` (half precision, loaded with `weights_only=True`), and next to this
script `log.csv` (one row per epoch), `curves.png` and `corpus.txt` (the photos used, with their sources).
`--init FILE` continues from a weights file written by `save_pretrained` (the shipped weights were trained in three stages,
see `pretrain/README.md`). `--tiny` trains a few steps at 32 px into a temporary folder: the test of this script.
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import argparse, glob, io, math, shutil, tempfile, time, warnings, zipfile
from pathlib import Path
import numpy as np, torch
from PIL import Image

EXCLUDE = {  # people, or not photographs (calibration targets, illusions, tags), or a copy of another file
    'image3.jpg', 'lena.png', 'monalisa.png', 'greenscreen.png', 'wally.png', 'wheres-wally.png', 'adelson.png',
    'arucoboard.png', 'fisheye_target.png', 'tags.png', 'yellowtargets.png', 'church.png'}

def corpus(wheel, dest:Path) -> list:
    "Extract the colour photos of the mvtb-data wheel (or a folder of wheels) into `dest`; returns their names"
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

class Crops:
    "Random training crops of `photos` (PIL images) with two holes each: `(image, hole)` float tensors `(3,S,S)`, `(1,S,S)`"
    def __init__(self, photos, size, scale=(0.15, 1.), aug=True, seed=0):
        from inpaint_nb.data import random_boxes
        self.photos, self.size, self.scale, self.aug, self.rng = photos, size, scale, aug, np.random.default_rng(seed)
        self.box, self.boxes = max(1, round(size*75/256)), random_boxes   # the task's 75 px holes on 256 px images, scaled

    def one(self):
        r, S = self.rng, self.size
        im = self.photos[r.integers(len(self.photos))]; W, H = im.size; lo, hi = self.scale
        side = min(min(W, H), max(S//4, int(min(W, H)*math.exp(r.uniform(math.log(lo), math.log(hi))))))
        x0, y0 = int(r.integers(0, W - side + 1)), int(r.integers(0, H - side + 1))
        c = np.asarray(im.crop((x0, y0, x0 + side, y0 + side)).resize((S, S), Image.BICUBIC), dtype=np.float32)/255
        if r.random() < 0.5: c = c[:, ::-1]
        if self.aug:
            c = np.rot90(c, int(r.integers(4)))
            if r.random() < 0.3: c = c[..., r.permutation(3)]
            g = c.mean(2, keepdims=True)
            c = g + (c - g)*r.uniform(0.6, 1.3)                                   # saturation
            c = (c - 0.5)*r.uniform(0.7, 1.2) + 0.5 + r.uniform(-0.1, 0.1)       # contrast, brightness
            if r.random() < 0.1: c = np.repeat(c.mean(2, keepdims=True), 3, 2)   # grey
        m = np.zeros((1, S, S), np.float32)
        for x, y, w, h in self.boxes((S, S), 2, self.box, rng=r): m[:, y:y+h, x:x+w] = 1
        return torch.from_numpy(np.ascontiguousarray(c.clip(0, 1).transpose(2, 0, 1))), torch.from_numpy(m)

    def batch(self, n):
        xs, ms = zip(*[self.one() for _ in range(n)])
        return torch.stack(xs), torch.stack(ms)

def hole_sse(net, x, m, y):
    "Summed squared hole errors of the network and of the blend it corrects, and the hole pixel count"
    with torch.no_grad(): net(x, m); o, g = net.raw.float(), net.base.float()
    h = m.bool().expand_as(y)
    return ((o - y)[h]**2).sum().item(), ((g - y)[h]**2).sum().item(), h.sum().item()

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--wheel', required=True, help='the mvtb-data wheel, or the folder `pip download` wrote it to')
    p.add_argument('--minutes', type=float, default=45, help='training budget (the schedule is planned from a timed probe)')
    p.add_argument('--init', default=None, help='continue from this weights file (written by `save_pretrained`); default: a fresh network')
    p.add_argument('--out', default=None, help='folder for log.csv, curves.png and corpus.txt (default: this folder; with --tiny a temporary one)')
    p.add_argument('--weights', default=None, help='weights file (default: inpaint_nb/weights/pconv_inpaint_nb.pth)')
    p.add_argument('--samples', type=int, default=2048, help='training crops per epoch')
    p.add_argument('--bs', type=int, default=16); p.add_argument('--lr', type=float, default=3e-4, help='peak learning rate (one cycle)')
    p.add_argument('--scale', type=float, nargs=2, default=[0.15, 1.], help="crop side, as fractions of the photo's short side (log-uniform)")
    p.add_argument('--side', type=int, default=1024, help="photos are kept at this short side (crops of 0.15 of it are still shrunk)")
    p.add_argument('--no-aug', action='store_true', help='no turns and no colour changes (flips only)')
    p.add_argument('--threads', type=int, default=2); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--tiny', action='store_true', help='a few steps at 32 px into a temporary folder (the test of this script)')
    a = p.parse_args()
    torch.set_num_threads(a.threads); warnings.filterwarnings('ignore'); torch.manual_seed(a.seed)
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    import pandas as pd
    from inpaint_nb.pconv import PCONV_RECIPE, PConvUNet, save_pretrained, _own_net
    from inpaint_nb.baselines import BLEND_WEIGHTS
    from inpaint_nb.data import image_cache
    r = PCONV_RECIPE
    size, width, samples, bs, side = (32, 0.125, 64, 8, 128) if a.tiny else (r.size, r.hp['width'], a.samples, a.bs, a.side)
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp()) if a.tiny else Path(__file__).parent; out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp()); photos = tmp/'photos'; photos.mkdir()
    names = corpus(a.wheel, photos)
    if a.tiny: [f.unlink() for f in sorted(photos.iterdir())[12:]]
    files = sorted(photos.iterdir())
    (out/'corpus.txt').write_text(''.join(f"mvtb-data (MIT): {n}\n" for n in names[:len(files)]))
    # 10% of the photos are held out, the same as `inpaint_dls(photos, valid=0.1, seed=0)` holds out (so also in the first stage):
    # the validation crops, fixed, at every scale the training draws
    from fastai.data.transforms import RandomSplitter
    with torch.random.fork_rng(devices=[]): held = set(int(i) for i in RandomSplitter(0.1, seed=0)(files)[1]) or {len(files) - 1}   # a tiny corpus: its last photo
    train = [image_cache(f, side) for i, f in enumerate(files) if i not in held]   # decoded once, short side at most `side`
    valid = [image_cache(f, side) for i, f in enumerate(files) if i in held]
    shutil.rmtree(tmp)   # the extracted photos are decoded now: nothing of them is left on disk
    vx, vm = Crops(valid, size, tuple(a.scale), aug=False, seed=1).batch(16 if a.tiny else 160)
    crops = Crops(train, size, tuple(a.scale), aug=not a.no_aug, seed=a.seed)
    print(f"corpus: {len(names)} photos ({len(train)} training, {len(valid)} held out: {len(vx)} validation crops)", flush=True)
    net = _own_net(a.init) if a.init else PConvUNet(size, width=width, fill='blend', alpha=BLEND_WEIGHTS[0], beta=BLEND_WEIGHTS[1])
    opt = torch.optim.Adam(net.parameters(), a.lr)
    def step(x, m):
        y = x; x = torch.where(m.bool(), 0., y); net.train(); net(x, m)
        loss = (((net.raw - y)**2)*m).sum()/(3*m.sum()); opt.zero_grad(); loss.backward(); opt.step(); return loss.item()
    def validate():
        net.eval(); tot = np.zeros(3)
        for i in range(0, len(vx), 32): tot += hole_sse(net, torch.where(vm[i:i+32].bool(), 0., vx[i:i+32]), vm[i:i+32], vx[i:i+32])
        return math.sqrt(tot[0]/tot[2]), math.sqrt(tot[1]/tot[2])
    v, vb = validate(); rows = [dict(epoch=0, samples=0, train_loss=float('nan'), valid_hole_rmse=v, blend_hole_rmse=vb, vs_blend=v/vb, minutes=0.)]
    print(f"before: validation hole RMSE {v:.4f}, blend {vb:.4f} ({v/vb:.4f}x)", flush=True)
    # a timed probe plans the schedule (its steps train at a tiny learning rate; BatchNorm statistics do move)
    for g in opt.param_groups: g['lr'] = 1e-7
    t0 = time.time(); n_probe = 3 if a.tiny else 10
    for _ in range(n_probe): step(*crops.batch(bs))
    per = (time.time() - t0)/n_probe
    epochs = 2 if a.tiny else max(1, int(a.minutes*60/(per*samples/bs*1.1)))
    steps = epochs*(samples//bs)
    print(f"probe: {per*1e3:.0f} ms a step of {bs} (crops and blend included); {epochs} epochs of {samples} crops fit {a.minutes} min", flush=True)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, a.lr, total_steps=steps, pct_start=0.05)
    t0 = time.time()
    for ep in range(1, epochs + 1):
        losses = []
        for _ in range(samples//bs): losses.append(step(*crops.batch(bs))); sched.step()
        v, _ = validate()
        rows.append(dict(epoch=ep, samples=ep*(samples//bs)*bs, train_loss=float(np.mean(losses)), valid_hole_rmse=v, blend_hole_rmse=vb, vs_blend=v/vb, minutes=(time.time() - t0)/60))
        print(f"epoch {ep}/{epochs}  train hole MSE {rows[-1]['train_loss']:.5f}  valid hole RMSE {v:.4f} ({v/vb:.4f}x the blend)  {rows[-1]['minutes']:.1f} min", flush=True)
        pd.DataFrame(rows).to_csv(out/'log.csv', index=False)
    dest = Path(a.weights) if a.weights else (out/'pconv_inpaint_nb.pth' if a.tiny else Path(__file__).parents[1]/'inpaint_nb'/'weights'/'pconv_inpaint_nb.pth')
    info = dict(corpus=f"mvtb-data {len(names)} colour photos", epochs=epochs, samples=epochs*(samples//bs)*bs, scale=f"{a.scale[0]}-{a.scale[1]}",
                lr=a.lr, init=Path(a.init).name if a.init else 'none')
    save_pretrained(net, dest, **info)
    log = pd.DataFrame(rows)
    fig, ax = plt.subplots(1, 2, figsize=(9, 3), dpi=80)
    ax[0].plot(log['samples'][1:], log['train_loss'][1:], 'o-' if len(log) < 15 else '-'); ax[0].set_title('training hole MSE'); ax[0].set_xlabel('crops seen')
    ax[1].plot(log['samples'], log['vs_blend'], 'o-' if len(log) < 15 else '-'); ax[1].axhline(1, color='grey', lw=0.8)
    ax[1].set_title('held-out photos: hole RMSE / the blend'); ax[1].set_xlabel('crops seen')
    fig.suptitle(f'PConv pre-training on {len(train)} photos of mvtb-data'); fig.tight_layout(); fig.savefig(out/'curves.png'); plt.close(fig)
    print(f"wrote {dest} ({dest.stat().st_size/1e6:.1f} MB), {out/'log.csv'}, {out/'curves.png'}", flush=True)

if __name__ == '__main__': main()

"""DataLoader throughput of the mask-aware pipeline against a plain fastai (ImageBlock, ImageBlock) pipeline.

Same files (the sample dataset at 256 px), same batch size, same item augmentation (resize 286, random
crop 256, flip), workers = the machine's cores. Prints images/s per pipeline and the ratio (target >= 0.85).

    python benchmarks/data_throughput.py [--n 256] [--bs 16] [--epochs 3] [--repeats 3]
"""
import argparse, os, tempfile, time
from pathlib import Path
import pandas as pd, torch
from fastai.vision.all import DataBlock, ImageBlock, ColReader, RandomSplitter, Resize, RandomCrop, FlipItem, ResizeMethod
from inpaint_nb.data import make_sample_dataset, load_split, inpaint_dls, mask_aug_tfms

def throughput(dl, epochs):
    "Images per second over `epochs` passes of `dl` (after one warm-up batch)"
    next(iter(dl))
    n, t0 = 0, time.perf_counter()
    for _ in range(epochs):
        for b in dl: n += len(b[0])
    return n / (time.perf_counter() - t0)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=256, help='training images')
    p.add_argument('--bs', type=int, default=16)
    p.add_argument('--size', type=int, default=256)
    p.add_argument('--epochs', type=int, default=3, help='passes per measurement (amortises worker start-up)')
    p.add_argument('--workers', type=int, default=os.cpu_count())
    p.add_argument('--repeats', type=int, default=3, help='interleaved repeats; the best of each is reported')
    a = p.parse_args()
    path = make_sample_dataset(Path(tempfile.gettempdir())/f'inpaint_nb_bench_{a.n}', n_train=a.n, n_valid=16, n_test=0, size=a.size)
    train = load_split(path/'train')
    kw = dict(bs=a.bs, num_workers=a.workers, device=torch.device('cpu'))
    plain = DataBlock(blocks=(ImageBlock, ImageBlock), get_x=ColReader('image'), get_y=ColReader('ground_truth'),
                      splitter=RandomSplitter(0.01, seed=0), item_tfms=mask_aug_tfms(a.size)).dataloaders(train, **kw)
    ours = inpaint_dls(train, valid=0.01, seed=0, size=a.size, **kw)
    ours_rh = inpaint_dls(train, valid=0.01, seed=0, size=a.size, random_holes=True, normalize=True, **kw)
    pipes = [('plain fastai (ImageBlock, ImageBlock)', plain), ('inpaint_dls', ours),
             ('inpaint_dls + random holes + normalize', ours_rh)]
    best = {name: 0. for name, _ in pipes}
    for _ in range(a.repeats):  # interleaved, so a busy moment on the machine hits every pipeline alike
        for name, dls in pipes: best[name] = max(best[name], throughput(dls.train, a.epochs))
    rows = list(best.items())
    base = rows[0][1]
    df = pd.DataFrame([(n, round(r, 1), round(r/base, 3)) for n, r in rows], columns=['pipeline', 'images/s', 'vs plain'])
    print(f"{a.n} train images, {a.size}px, bs {a.bs}, {a.workers} workers, {a.epochs} epoch(s) x best of {a.repeats}, torch threads {torch.get_num_threads()}")
    print(df.to_string(index=False))

if __name__ == '__main__': main()

"""DataLoader throughput of the mask-aware pipelines against a plain fastai (ImageBlock, ImageBlock) pipeline.

Fair by construction:
- the same files (the sample dataset at 256 px; the plain-folder row reads its `ground_truth/` as a photo folder),
  the same item augmentation (resize 286, random crop 256, flip), the same batch size and the same number of items
  per measurement (checked);
- rounds are interleaved and rotated: every round runs every pipeline once, each round in a new order, so a busy
  moment on the machine hits all of them alike; each measurement is `--epochs` passes after an untimed warm-up pass
  (worker start-up included, as in training); the best of `--rounds` is reported;
- torch runs `--threads` intra-op threads in the main process (default 1, like DataLoader workers). Batch
  transforms (IntToFloatTensor, BlankHoles, Normalize) run there, on the CPU here (on a GPU in training): with
  torch's default of one thread per core, plus the workers, plus any other job, the cores are oversubscribed and
  the big tensor ops of the batch transforms stall. The inpaint pipelines do several times more of that work in
  the main process than plain fastai (mask to float, blanking, Normalize on two images), so they lose most. That is
  what made the old version of this script (2 workers on 2 cores, torch's default threads) report 0.49-0.72x for
  "random holes + normalize" on a busy machine while single-threaded runs found 0.90-0.96x: same code, same load,
  OMP_NUM_THREADS=1 gave 0.85x and the default 0.53x. `--threads 0 --workers 2` reproduces the old conditions;
- like-for-like: "plain fastai + Normalize" is the baseline of the rows that normalize.

Also prints each pipeline's CPU cost per image in one process (items vs batch transforms, no workers), which does not
depend on how busy the machine is, and the load average before and after.

    python benchmarks/data_throughput.py [--n 128] [--bs 16] [--epochs 3] [--rounds 3] [--workers 1] [--threads 1]

Measured 2026-11-26 with the defaults, 2 CPU cores, one of them busy with another job (load average 1.9-2.5):
plain fastai 98.3 images/s; inpaint_dls 0.97x, + random holes 0.93x, plain photo folder 0.93x; with Normalize,
against plain fastai + Normalize (79.3 images/s): random holes 0.99x, plain photo folder 1.01x. CPU cost per image:
plain fastai 7.6 ms items + 0.4 ms batch transforms; inpaint_dls 6.3-6.5 ms (the input and the target are one
decode) + 1.0-2.0 ms.
"""
import argparse, os, tempfile, time
from pathlib import Path
import pandas as pd, torch
from fastai.vision.all import DataBlock, ImageBlock, ColReader, ColSplitter, Normalize
from inpaint_nb.data import make_sample_dataset, load_split, inpaint_dls, mask_aug_tfms

def plain_fastai(df, size, normalize, **kw):
    "fastai's own `(ImageBlock, ImageBlock)` pipeline on the damaged image -> ground truth, same augmentation"
    return DataBlock(blocks=(ImageBlock, ImageBlock), get_x=ColReader('image'), get_y=ColReader('ground_truth'),
                     splitter=ColSplitter('is_valid'), item_tfms=mask_aug_tfms(size),
                     batch_tfms=[Normalize.from_stats([0.5]*3, [0.5]*3)] if normalize else None).dataloaders(df, **kw)

def pipelines(path, size, **kw):
    "name -> DataLoaders, all training on the `n` images of `path/train` and validating on `path/valid`"
    df = pd.concat([load_split(path/'train').assign(is_valid=False), load_split(path/'valid').assign(is_valid=True)], ignore_index=True)
    ours = lambda src=path/'train', **k: inpaint_dls(src, valid=path/'valid', size=size, **k, **kw)
    photos = path/'train'/'ground_truth'  # the same files, as a plain photo folder: holes drawn, not read
    return {'plain fastai (ImageBlock, ImageBlock)': plain_fastai(df, size, False, **kw),
            'inpaint_dls (CSV boxes)': ours(),
            'inpaint_dls + random holes': ours(random_holes=True),
            'inpaint_dls on a plain photo folder': ours(photos),
            'plain fastai + Normalize': plain_fastai(df, size, True, **kw),
            'inpaint_dls + random holes + normalize': ours(random_holes=True, normalize=True),
            'inpaint_dls on a plain photo folder + normalize': ours(photos, normalize=True)}

def timed_passes(dl, epochs):
    "(items, seconds) over `epochs` full passes of `dl`, after an untimed warm-up pass"
    for _ in dl: pass
    n, t0 = 0, time.perf_counter()
    for _ in range(epochs):
        for b in dl: n += len(b[0])
    return n, time.perf_counter() - t0

def cpu_cost(dl, n_batches=4):
    "Milliseconds per image spent on items (decode, augmentation, collate) and on batch transforms, in this process"
    idxs = list(range(min(n_batches, len(dl.dataset)//dl.bs)*dl.bs))
    t0 = time.perf_counter()
    bs = [dl.do_batch([dl.do_item(i) for i in idxs[k:k+dl.bs]]) for k in range(0, len(idxs), dl.bs)]
    t1 = time.perf_counter()
    for b in bs: dl.after_batch(b)
    t2 = time.perf_counter()
    return (t1-t0)/len(idxs)*1e3, (t2-t1)/len(idxs)*1e3

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=128, help='training images')
    p.add_argument('--bs', type=int, default=16)
    p.add_argument('--size', type=int, default=256)
    p.add_argument('--epochs', type=int, default=3, help='timed passes per measurement')
    p.add_argument('--rounds', type=int, default=3, help='interleaved rounds; the best of each pipeline is reported')
    p.add_argument('--workers', type=int, default=1, help='DataLoader worker processes (keep small on a shared machine)')
    p.add_argument('--threads', type=int, default=1, help="torch threads in the main process; 0: torch's default (one per core)")
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    path = make_sample_dataset(Path(tempfile.gettempdir())/f'inpaint_nb_bench_{a.n}', n_train=a.n, n_valid=16, n_test=0, size=a.size)
    load0 = os.getloadavg()
    pipes = pipelines(path, a.size, bs=a.bs, num_workers=a.workers, device=torch.device('cpu'))
    names = list(pipes)
    best, items = {n: 0. for n in names}, {}
    for r in range(a.rounds):  # interleaved and rotated
        for name in names[r % len(names):] + names[:r % len(names)]:
            items[name], secs = timed_passes(pipes[name].train, a.epochs)
            best[name] = max(best[name], items[name]/secs)
    assert len(set(items.values())) == 1, f"pipelines saw different numbers of items: {items}"
    cost = {n: min(cpu_cost(pipes[n].train) for _ in range(2)) for n in names}  # best of 2, per column
    load1 = os.getloadavg()
    base = {n: names[0] if 'ormal' not in n else 'plain fastai + Normalize' for n in names}
    df = pd.DataFrame([(n, round(best[n], 1), round(best[n]/best[base[n]], 3), round(cost[n][0], 2), round(cost[n][1], 2))
                       for n in names], columns=['pipeline', 'images/s', 'vs plain fastai', 'item ms/img', 'batch tfms ms/img'])
    print(f"{a.n} train images ({next(iter(items.values()))} per measurement), {a.size}px, bs {a.bs}, {a.workers} worker(s), "
          f"torch threads {torch.get_num_threads()}, {a.epochs} epoch(s) x best of {a.rounds} interleaved rounds; "
          f"{os.cpu_count()} cores, load average {load0[0]:.2f} before, {load1[0]:.2f} after")
    print("'vs plain fastai': against plain fastai + Normalize for the rows that normalize; ms/img: CPU cost in one process, no workers")
    print(df.to_string(index=False))

if __name__ == '__main__': main()

"""GPU speed and memory of the models at full size (256x256, the paper's widths). Prints tables; needs CUDA.

Usage: python benchmarks/gpu.py [--bs 16] [--size 256] [--reps 20] [--sections layer pconv pix2pix infer]

Sections (each a table; times are CUDA-synchronised medians of `--reps` interleaved rounds after warm-up):
- `layer`   forward + backward of one 3x3 layer, 64 -> 64 channels, batch 16, 256x256: `nn.Conv2d` against
            `PartialConv2d` (two random 75x75-scaled holes per image), in float32 and under fp16 autocast.
- `pconv`   one training step (forward, `PConvLoss('rmse')`, backward, Adam) of the paper-size `PConvUNet`
            (width 1, 25.8 M parameters) against the same U-Net with plain convolutions: float32, fp16 autocast
            with a `GradScaler` (what fastai's `to_fp16` does), and fp16 + channels_last. Training images/s and
            peak GPU memory.
- `pix2pix` one Pix2Pix iteration (a critic step and a generator step, as fastai's `GANTrainer` alternates them)
            of `unet_256` + the 70x70 PatchGAN at width 1, float32 and fp16 autocast: iterations/s, images/s and
            peak memory.
- `infer`   inference images/s at 256x256 (batch `--bs`): PConv U-Net, Pix2Pix generator (float32 and fp16
            autocast), and `pyramid_fill` on the GPU.

The data are random tensors already on the GPU, so the tables measure the models, not the data pipeline.
"""
import argparse, sys, time
from pathlib import Path
import numpy as np, pandas as pd, torch, torch.nn as nn
sys.path.insert(0, str(Path(__file__).parent))
from pconv_speed import plain_unet, hole_mask   # the plain-convolution twin of the U-Net and the hole masks
from inpaint_nb.pconv import PartialConv2d, PConvUNet, PConvLoss
from inpaint_nb.pix2pix import UnetGenerator, PatchDiscriminator, GANCriterion, masked_l1, init_pix2pix
from inpaint_nb.baselines import pyramid_fill

DEV = 'cuda'   # `--device cpu` only checks that the script runs (tiny sizes)

def _sync():
    if DEV == 'cuda': torch.cuda.synchronize()

def cuda_timed(fns:dict, reps:int, warmup:int=3) -> dict:
    "Median seconds and peak GPU memory (GiB) of each function, timed in interleaved rounds"
    peak = {}
    for k, f in fns.items():
        if DEV == 'cuda': torch.cuda.synchronize(); torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()
        for _ in range(warmup): f()
        _sync(); peak[k] = torch.cuda.max_memory_allocated()/2**30 if DEV == 'cuda' else float('nan')
    ts = {k: [] for k in fns}
    for _ in range(reps):
        for k, f in fns.items():
            _sync(); t = time.perf_counter(); f(); _sync()
            ts[k].append(time.perf_counter() - t)
    return {k: (float(np.median(v)), peak[k]) for k, v in ts.items()}

def layer(bs, size, reps, ch=64):
    torch.manual_seed(0)
    x = torch.randn(bs, ch, size, size, device=DEV, requires_grad=True)
    valid = (1 - hole_mask(bs, size)).to(DEV)
    conv, pc = nn.Conv2d(ch, ch, 3, padding=1).to(DEV), PartialConv2d(ch, ch, 3, padding=1).to(DEV)
    g = torch.randn(bs, ch, size, size, device=DEV)
    def step(f, amp):
        def run():
            with torch.autocast(DEV, dtype=torch.float16, enabled=amp):
                out = f(); out = out[0] if isinstance(out, tuple) else out
            out.backward(g.to(out.dtype)); x.grad = None
        return run
    fns = {f'{n} {"fp16" if amp else "fp32"}': step(f, amp) for amp in (False, True)
           for n, f in (('nn.Conv2d', lambda: conv(x)), ('PartialConv2d', lambda: pc(x, valid)))}
    r = cuda_timed(fns, reps)
    rows = [dict(variant=k, ms=t*1e3, vs_conv=t/r[k.replace('PartialConv2d', 'nn.Conv2d')][0], peak_gib=m) for k, (t, m) in r.items()]
    print(f"\nLayer forward+backward: batch {bs}, {ch}->{ch}, 3x3, {size}x{size}")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f'{v:.3f}'))

def pconv(bs, size, reps):
    torch.manual_seed(0)
    img, hole = torch.rand(bs, 3, size, size, device=DEV), hole_mask(bs, size).to(DEV)
    fns = {}
    for net_name, make in (('PConvUNet', lambda: PConvUNet(size, width=1.)), ('plain U-Net', lambda: plain_unet(size, 1.))):
        for mode in ('fp32', 'fp16', 'fp16 + channels_last'):
            net = make().to(DEV)
            cl = mode.endswith('channels_last')
            if cl: net = net.to(memory_format=torch.channels_last)
            lf, opt = PConvLoss('rmse').use_model(net), torch.optim.Adam(net.parameters(), lr=1e-4)
            scaler, amp = torch.amp.GradScaler(DEV, enabled=mode != 'fp32'), mode != 'fp32'
            x = (img*(1 - hole)).contiguous(memory_format=torch.channels_last) if cl else img*(1 - hole)
            def step(net=net, lf=lf, opt=opt, scaler=scaler, amp=amp, x=x, plain=net_name != 'PConvUNet'):
                with torch.autocast(DEV, dtype=torch.float16, enabled=amp):
                    out = net(x, hole)
                    loss = lf(out, img, out, hole) if plain else lf(out, img)
                scaler.scale(loss).backward(); scaler.step(opt); scaler.update(); opt.zero_grad(set_to_none=True)
            fns[f'{net_name} {mode}'] = step
    r = cuda_timed(fns, reps)
    rows = [dict(network=k, step_ms=t*1e3, train_img_s=bs/t, vs_plain=t/r[k.replace('PConvUNet', 'plain U-Net')][0], peak_gib=m)
            for k, (t, m) in r.items()]
    print(f"\nPConv U-Net training step (forward, rmse loss, backward, Adam), width 1, {size}x{size}, batch {bs}")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f'{v:.3f}'))

def pix2pix(bs, size, reps):
    torch.manual_seed(0)
    y = torch.rand(bs, 3, size, size, device=DEV)*2 - 1
    m = hole_mask(bs, size).to(DEV); x = torch.where(m.bool(), -1., y)
    fns = {}
    for amp in (False, True):
        gen = init_pix2pix(UnetGenerator(size, width=1.)).to(DEV); crit = init_pix2pix(PatchDiscriminator(width=1.)).to(DEV)
        og, oc = (torch.optim.Adam(n.parameters(), lr=2e-4, betas=(0.5, 0.999)) for n in (gen, crit))
        gan, scaler = GANCriterion('vanilla'), torch.amp.GradScaler(DEV, enabled=amp)
        def it(gen=gen, crit=crit, og=og, oc=oc, gan=gan, scaler=scaler, amp=amp):
            with torch.autocast(DEV, dtype=torch.float16, enabled=amp):   # critic step
                fake = gen(x, m).detach()
                ld = (gan(crit(x, m, y), True) + gan(crit(x, m, fake), False))/2
            scaler.scale(ld).backward(); scaler.step(oc); oc.zero_grad(set_to_none=True)
            with torch.autocast(DEV, dtype=torch.float16, enabled=amp):   # generator step
                fake = gen(x, m)
                lg = gan(crit(x, m, fake), True) + 100*masked_l1(fake.float(), y, m)
            scaler.scale(lg).backward(); scaler.step(og); scaler.update(); og.zero_grad(set_to_none=True); crit.zero_grad(set_to_none=True)
        fns[f'unet_256 + PatchGAN {"fp16" if amp else "fp32"}'] = it
    r = cuda_timed(fns, reps)
    rows = [dict(model=k, iter_ms=t*1e3, iters_s=1/t, img_s=bs/t, peak_gib=mem) for k, (t, mem) in r.items()]
    print(f"\nPix2Pix iteration (critic step + generator step), width 1, {size}x{size}, batch {bs}")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f'{v:.3f}'))

def infer(bs, size, reps):
    torch.manual_seed(0)
    img, hole = torch.rand(bs, 3, size, size, device=DEV), hole_mask(bs, size).to(DEV)
    x = img*(1 - hole)
    pc, gen = PConvUNet(size, width=1.).to(DEV).eval(), UnetGenerator(size, width=1.).to(DEV).eval()
    def run(f, amp):
        def go():
            with torch.no_grad(), torch.autocast(DEV, dtype=torch.float16, enabled=amp): f()
        return go
    fns = {f'{n} {"fp16" if amp else "fp32"}': run(f, amp) for amp in (False, True)
           for n, f in (('PConv U-Net', lambda: pc(x, hole)), ('Pix2Pix generator', lambda: gen(x*2 - 1, hole)))}
    fns['pyramid fill fp32'] = run(lambda: pyramid_fill(x, hole), False)
    r = cuda_timed(fns, reps)
    rows = [dict(model=k, batch_ms=t*1e3, img_s=bs/t, peak_gib=mem) for k, (t, mem) in r.items()]
    print(f"\nInference at {size}x{size}, batch {bs} (no grad; images already on the GPU)")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f'{v:.3f}'))

SECTIONS = dict(layer=layer, pconv=pconv, pix2pix=pix2pix, infer=infer)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--bs', type=int, default=16); p.add_argument('--size', type=int, default=256)
    p.add_argument('--reps', type=int, default=20); p.add_argument('--sections', nargs='*', default=list(SECTIONS), choices=list(SECTIONS))
    p.add_argument('--device', default='cuda', choices=['cuda', 'cpu'], help='cpu: a smoke test of the script itself (use a small --size)')
    a = p.parse_args(); DEV = a.device
    if DEV == 'cuda' and not torch.cuda.is_available(): raise SystemExit("benchmarks/gpu.py needs a CUDA GPU (or --device cpu for a smoke test)")
    torch.backends.cudnn.benchmark = True
    print(f"{torch.cuda.get_device_name() if DEV == 'cuda' else 'CPU'}, torch {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}")
    for s in a.sections: SECTIONS[s](a.bs, a.size, a.reps)

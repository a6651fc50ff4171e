"""Speed of `PartialConv2d` and of a `PConvUNet` training step on this machine (CPU by default). Prints a table.

Usage: python benchmarks/pconv_speed.py [--threads 2] [--reps 15] [--bs 8] [--size 128] [--unet-size 256] [--unet-bs 2] [--widths 1 0.25]

1. Layer: forward + backward of one 3x3 layer, 64 -> 64 channels, batch 8, 128x128 (padding 1), random hole mask:
   - `nn.Conv2d` (the floor: a plain convolution of the same shape),
   - `PartialConv2d` (single-channel window sums, ones-kernel buffer),
   - the naive formulation (NVIDIA's reference code path: a full `(out, in, k, k)` convolution of ones over a
     mask with one channel per input channel, recomputed on every call).
   Targets of issue 4: >= 1.5x faster than naive, <= 1.2x the plain convolution.
2. Network: one training step (forward, `PConvLoss('rmse')`, backward, Adam step) of `PConvUNet` at 256x256 against
   the same U-Net with every partial convolution replaced by a plain convolution of the same shape.

The machine may be shared: the variants are timed in interleaved rounds (A B C A B C ...) and the table gives medians
of wall time and of process CPU time (CPU time / threads estimates the wall time on an idle machine).
`OMP_WAIT_POLICY=PASSIVE` is set unless given: with spinning OpenMP threads a loaded machine is many times slower.
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import argparse, time, warnings
import numpy as np, pandas as pd, torch, torch.nn as nn, torch.nn.functional as F
from inpaint_nb.pconv import PartialConv2d, PConvUNet, PConvLoss

class NaivePartialConv2d(nn.Conv2d):
    "NVIDIA's reference formulation: multi-channel mask, full `(out, in, k, k)` mask convolution on every call"
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weight_mask_updater = torch.ones(self.out_channels, self.in_channels, *self.kernel_size)
        self.slide_winsize = self.weight_mask_updater.shape[1]*self.weight_mask_updater.shape[2]*self.weight_mask_updater.shape[3]
    def forward(self, x, mask):
        with torch.no_grad():
            update_mask = F.conv2d(mask, self.weight_mask_updater, None, self.stride, self.padding, self.dilation, 1)
            mask_ratio = self.slide_winsize/(update_mask + 1e-8)
            update_mask = torch.clamp(update_mask, 0, 1)
            mask_ratio = torch.mul(mask_ratio, update_mask)
        raw = super().forward(torch.mul(x, mask))
        b = self.bias.view(1, self.out_channels, 1, 1)
        out = torch.mul(torch.mul(raw - b, mask_ratio) + b, update_mask)
        return out, update_mask

class _PlainConv(nn.Module):
    "A plain convolution standing in for a `PartialConv2d`: masks are only carried along (subsampled) for shapes"
    def __init__(self, pc):
        super().__init__()
        self.conv = nn.Conv2d(pc.in_channels, pc.out_channels, pc.kernel_size, pc.stride, pc.padding, bias=pc.bias is not None)
    def forward(self, x, m):
        if isinstance(x, (list, tuple)): x, m = torch.cat(x, 1), m[0]
        s = self.conv.stride[0]
        return self.conv(x), m[..., ::s, ::s]

def plain_unet(size, width):
    "`PConvUNet(size, width)` with plain convolutions"
    net = PConvUNet(size, width=width)
    for blk in [*net.encoder, *net.decoder]: blk.conv = _PlainConv(blk.conv)
    return net

def interleaved(fns:dict, reps:int, warmup:int=2):
    "Median wall and CPU seconds of each function, timed in interleaved rounds"
    for _ in range(warmup):
        for f in fns.values(): f()
    wall, cpu = {k: [] for k in fns}, {k: [] for k in fns}
    for _ in range(reps):
        for k, f in fns.items():
            t, c = time.perf_counter(), time.process_time(); f()
            wall[k].append(time.perf_counter() - t); cpu[k].append(time.process_time() - c)
    return {k: (float(np.median(wall[k])), float(np.median(cpu[k]))) for k in fns}

def hole_mask(bs, size, seed=0):
    "Hole masks with two random square holes of ~29% of the side (75 px at 256), 1 = hole"
    g = torch.Generator().manual_seed(seed); m = torch.zeros(bs, 1, size, size); s = round(size*75/256)
    for i in range(bs):
        for _ in range(2):
            x, y = torch.randint(0, size - s, (2,), generator=g).tolist(); m[i, :, y:y+s, x:x+s] = 1
    return m

def layer_bench(bs, size, ch, reps):
    torch.manual_seed(0)
    x = torch.randn(bs, ch, size, size, requires_grad=True)
    valid = 1 - hole_mask(bs, size)
    valid_c = valid.expand(-1, ch, -1, -1).contiguous()  # the naive formulation takes one mask per channel
    plain, pconv, naive = nn.Conv2d(ch, ch, 3, padding=1), PartialConv2d(ch, ch, 3, padding=1), NaivePartialConv2d(ch, ch, 3, padding=1)
    pconv.load_state_dict(plain.state_dict()); naive.load_state_dict(plain.state_dict())
    with torch.no_grad(): test = (pconv(x, valid)[0] - naive(x, valid_c)[0]).abs().max().item()
    assert test < 1e-4, f"PartialConv2d and the naive formulation disagree by {test}"
    g = torch.randn(bs, ch, size, size)
    def step(f):
        def run():
            out = f(); (out[0] if isinstance(out, tuple) else out).backward(g); x.grad = None
        return run
    return interleaved({'nn.Conv2d': step(lambda: plain(x)), 'PartialConv2d': step(lambda: pconv(x, valid)),
                        'naive (full mask conv)': step(lambda: naive(x, valid_c))}, reps)

def unet_bench(size, width, bs, reps):
    torch.manual_seed(0)
    img, hole = torch.rand(bs, 3, size, size), hole_mask(bs, size)
    fns = {}
    for name, net in [(f'PConvUNet w={width:g}', PConvUNet(size, width=width)), (f'plain U-Net w={width:g}', plain_unet(size, width))]:
        lf, opt = PConvLoss('rmse').use_model(net), torch.optim.Adam(net.parameters(), lr=1e-4)
        def step(net=net, lf=lf, opt=opt):
            out = net(img*(1 - hole), hole)
            loss = lf(out, img) if isinstance(net.encoder[0].conv, PartialConv2d) else lf(out, img, out, hole)
            loss.backward(); opt.step(); opt.zero_grad()
        fns[name] = step
    return interleaved(fns, reps, warmup=1)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--reps', type=int, default=15, help='timed rounds per layer variant')
    p.add_argument('--bs', type=int, default=8); p.add_argument('--size', type=int, default=128); p.add_argument('--ch', type=int, default=64)
    p.add_argument('--unet-size', type=int, default=256); p.add_argument('--unet-bs', type=int, default=2)
    p.add_argument('--widths', type=float, nargs='*', default=[1., 0.25], help='U-Net widths to time (none: skip the network)'); p.add_argument('--unet-reps', type=int, default=5)
    a = p.parse_args()
    warnings.filterwarnings('ignore')
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, {a.threads} CPU thread(s), OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}, load average {os.getloadavg()[0]:.1f}\n")
    res = layer_bench(a.bs, a.size, a.ch, a.reps)
    base = res['nn.Conv2d']; pc = res['PartialConv2d']
    df = pd.DataFrame([dict(variant=k, wall_ms=w*1e3, cpu_ms=c*1e3, wall_vs_conv=w/base[0], cpu_vs_conv=c/base[1],
                            pconv_speedup_wall=w/pc[0], pconv_speedup_cpu=c/pc[1]) for k, (w, c) in res.items()])
    print(f"Layer forward+backward: batch {a.bs}, {a.ch}->{a.ch}, 3x3, {a.size}x{a.size} (median of {a.reps} interleaved rounds)")
    print(df.to_string(index=False, float_format=lambda v: f'{v:.2f}'))
    nv = res['naive (full mask conv)']
    print(f"\nPartialConv2d vs naive: {nv[0]/pc[0]:.2f}x faster (wall), {nv[1]/pc[1]:.2f}x (CPU)   [target >= 1.5x]")
    print(f"PartialConv2d vs nn.Conv2d: {pc[0]/base[0]:.2f}x the time (wall), {pc[1]/base[1]:.2f}x (CPU)   [target <= 1.2x]\n")
    rows = []
    if not a.widths: raise SystemExit
    for w in a.widths:
        r = unet_bench(a.unet_size, w, a.unet_bs, a.unet_reps)
        (pn, (pw, pcpu)), (qn, (qw, qcpu)) = r.items()
        rows += [dict(network=pn, step_s=pw, cpu_s=pcpu, vs_plain_wall=pw/qw, vs_plain_cpu=pcpu/qcpu),
                 dict(network=qn, step_s=qw, cpu_s=qcpu, vs_plain_wall=1., vs_plain_cpu=1.)]
    print(f"Training step (forward, rmse loss, backward, Adam) at {a.unet_size}x{a.unet_size}, batch {a.unet_bs} (median of {a.unet_reps})")
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f'{v:.3f}'))

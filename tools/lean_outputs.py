"""Keep notebook outputs lean: figures at a modest size, photo-like ones as JPEG, third-party import warnings dropped.

Saved outputs are what the docs site and the README show, and what every clone downloads. Figures saved at twice
the screen resolution are scaled to at most `MAX_W` pixels wide; a figure of photos saved as PNG costs 0.3-1.5 MB,
as JPEG (quality 80) a fraction of that. Plots with few colours stay PNG (JPEG would blur their lines). Run it
after executing notebooks, before `nbdev_clean`:

    python tools/lean_outputs.py [NOTEBOOK ...]     # default: every notebook under nbs/
"""
import base64, io, json, sys
from pathlib import Path
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
MIN_PNG = 40_000   # bytes: smaller PNGs are left alone
MAX_W = 1100       # pixels: wider figures are scaled down
DROP = ('`torch.jit.script` is deprecated', 'Downloading: "https://download.pytorch.org')   # third-party stderr (a warning silenced since, a download attempt the tests no longer make)

def _is_photo(im): return im.convert('RGB').getcolors(maxcolors=4096) is None   # PIL gives None past 4096 colours

def lean(path):
    "Rewrite the notebook at `path`; returns (bytes before, bytes after)"
    raw = Path(path).read_text(); nb = json.loads(raw)
    for c in nb['cells']:
        outs = []
        for o in c.get('outputs', []):
            if o.get('output_type') == 'stream' and o.get('name') == 'stderr' and any(d in ''.join(o['text']) for d in DROP): continue
            png = o.get('data', {}).get('image/png')
            if png and len(png)*3//4 > MIN_PNG:
                im = Image.open(io.BytesIO(base64.b64decode(png)))
                if im.width > MAX_W: im = im.resize((MAX_W, round(im.height*MAX_W/im.width)), Image.LANCZOS)
                buf, kind = io.BytesIO(), 'image/png'
                if _is_photo(im): im.convert('RGB').save(buf, 'JPEG', quality=80, optimize=True); kind = 'image/jpeg'
                else: im.save(buf, 'PNG', optimize=True)
                if buf.tell() < len(png)*3//4:
                    o['data'] = {(kind if k == 'image/png' else k): (base64.b64encode(buf.getvalue()).decode() if k == 'image/png' else v)
                                 for k, v in o['data'].items()}
            outs.append(o)
        if 'outputs' in c: c['outputs'] = outs
    new = json.dumps(nb, indent=1, ensure_ascii=False) + '\n'
    Path(path).write_text(new)
    return len(raw.encode()), len(new.encode())

if __name__ == '__main__':
    nbs = [Path(p) for p in sys.argv[1:]] or sorted((ROOT/'nbs').rglob('*.ipynb'))
    tb = ta = 0
    for p in nbs:
        b, a = lean(p); tb += b; ta += a
        if a != b: print(f"{p.relative_to(ROOT) if p.is_absolute() else p}: {b/1e6:.2f} MB -> {a/1e6:.2f} MB")
    print(f"all: {tb/1e6:.2f} MB -> {ta/1e6:.2f} MB")

"""Run every notebook through nbdev's docs processors (what Quarto renders), without Quarto.

`nbdev_proc_nbs` first calls nbdev 2's `_ensure_quarto`: with no `quarto` on the PATH it downloads Quarto and then
runs `pip install -e` of the checkout. In CI that is a network attempt and a reinstall on every run, and on a
developer's machine it can silently re-point an editable install. Processing needs neither, so this calls the
processing step, `nbdev.quarto.proc_nbs`, directly (into `_proc/`, as `nbdev_proc_nbs` does).

Usage: python tools/proc_nbs.py [--force]
"""
import sys
from nbdev.config import get_config
from nbdev.quarto import proc_nbs

if __name__ == '__main__':
    cache = proc_nbs(get_config().nbs_path, force='--force' in sys.argv[1:])
    print(f"processed into {cache}")

#!/usr/bin/env bash
# Every GPU check of the package in one go, on a machine with one CUDA GPU and the package importable:
#   1. nbdev_test with the `cuda` cells, and the `slow` cells of 03-06 (the CPU recipes, run on the GPU);
#   2. benchmarks/gpu.py (layer, PConv U-Net training, Pix2Pix iteration, inference: speed and peak memory);
#   3. `inpaint_nb demo` on the GPU within DEMO_MIN minutes;
#   4. benchmarks/gpu_recipes.py: the full-size recipes (256 px, width 1) within FULL_MIN minutes.
# Logs (7 files) and a tarball of the leaderboards and plots go to OUT; the run folders themselves to WORK.
# Each step has its own time limit, so a failing step still leaves the others' results. With PAR=1 the demo
# and the full-size recipes train at the same time (one GPU, each feeding it from its own CPU core): a short
# device lease buys both twice the minutes, at the price of sharing the card.
# Usage: [PAR=1] bash benchmarks/gpu_session.sh [OUT=gpu_out] [DEMO_MIN=10] [FULL_MIN=10] [STEPS="test bench demo full"]
set -u
out=$(realpath -m "${1:-gpu_out}"); demo_min=${2:-10}; full_min=${3:-10}; steps=${4:-test bench demo full}
work=$(realpath -m "${WORK:-$out.work}"); par=${PAR:-0}
mkdir -p "$out" "$work"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} OMP_WAIT_POLICY=PASSIVE PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore::FutureWarning
py=${PYTHON:-python3}
sec() { python3 -c "print(int($1*60*1.25 + ${2:-60}))"; }   # a step's limit: its budget + 25% + evaluation time

{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  $py -c "import sys, torch, fastai, inpaint_nb; print('python', sys.version.split()[0], '| torch', torch.__version__, 'CUDA', torch.version.cuda, '| fastai', fastai.__version__, '| inpaint_nb', inpaint_nb.__version__)"
} 2>&1 | tee "$out/env.txt"

if [[ " $steps " == *" test "* ]]; then
  t0=$SECONDS
  ( timeout ${TEST_S:-240} nbdev_test --flags cuda --skip_file_re '^([_.]|0[3-6]_)' --timing \
      > "$out/test_cuda.log" 2>&1; echo "exit $?" >> "$out/test_cuda.log" ) &
  ( timeout ${TEST_S:-240} nbdev_test --flags "cuda slow" --file_re '^0[3-6]_' --timing \
      > "$out/test_cuda_slow.log" 2>&1; echo "exit $?" >> "$out/test_cuda_slow.log" ) &
  wait
  echo "::: tests: $((SECONDS - t0)) s"; tail -n 3 "$out"/test_cuda*.log
fi
if [[ " $steps " == *" bench "* ]]; then
  timeout ${BENCH_S:-150} $py benchmarks/gpu.py > "$out/gpu_bench.log" 2>&1; echo "exit $?" >> "$out/gpu_bench.log"
  cat "$out/gpu_bench.log"
fi
demo_step() {
  timeout $(sec $demo_min) $py -m inpaint_nb.cli demo --out "$work/demo" --minutes $demo_min > "$out/demo.log" 2>&1
  echo "exit $?" >> "$out/demo.log"
}
full_step() {
  timeout $(sec $full_min 90) $py benchmarks/gpu_recipes.py --out "$work/full" --minutes $full_min > "$out/full.log" 2>&1
  echo "exit $?" >> "$out/full.log"
}
[[ " $steps " == *" demo "* ]] && { if [[ $par == 1 ]]; then demo_step & else demo_step; fi; }
[[ " $steps " == *" full "* ]] && full_step
wait
for f in demo full; do [[ -f "$out/$f.log" ]] && grep -E '^\[demo\]|^ *[a-z0-9 +-]+ +0\.[0-9]+ |^exit' "$out/$f.log" | head -30; done
# leaderboards, plots and run logs (no checkpoints, no data) in one file
( cd "$work" && tar czf "$out/results.tgz" --exclude='*.pth' --exclude='data' demo full 2>/dev/null ); ls -la "$out"

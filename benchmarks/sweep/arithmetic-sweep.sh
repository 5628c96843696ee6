#!/usr/bin/env bash
# The arithmetic demo's settings, measured: each variant changes one thing (or combines the winners) from the same
# seeded cold start, trains for --minutes of asynchronous GRPO and is scored on the held-out set. Variants run one
# after the other (they share the machine's cores); one whose summary.json exists is not run again, so an interrupted
# sweep continues where it stopped. Results: OUT/results.tsv and OUT/results.md (the table README quotes).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: benchmarks/sweep/arithmetic-sweep.sh [--minutes M] [--seed N] [--out DIR] [--only NAME[,NAME...]] [--list]

  --minutes M   GRPO minutes per variant (default 3)
  --seed N      the seed of every run and cold start (default 1)
  --out DIR     where runs and results go (default runs/sweep)
  --only NAMES  run just these variants (comma-separated; see --list)
  --list        print the variants and exit
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
minutes=3
seed=1
out="runs/sweep"
only=""
list=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --only) only=",$2,"; shift 2 ;;
    --list) list=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "arithmetic-sweep: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
command -v jq >/dev/null || { echo "arithmetic-sweep: needs jq" >&2; exit 69; }

# Every variant starts from the settings below (the defaults before this sweep), whatever the defaults are now, so
# the table stays comparable; a variant's overrides come after them and win.
base_opts="-Daha.optimizer.learning-rate=1e-4 -Daha.grpo.beta=0.04 -Daha.grpo.aggregation=SEQUENCE_MEAN \
 -Daha.train.group-size=8 -Daha.train.batch-groups=8 -Daha.sampling.temperature=1.0 -Daha.train.max-staleness=2 \
 -Daha.train.sync=off -Daha.train.eval-every=0"

# name | what it changes | -D overrides | cold-start SFT steps
variants=(
  "base|the defaults before this sweep: lr 1e-4, beta 0.04, sequence mean, G 8 x 8 groups, T 1.0, staleness 2||400"
  "lr-3e-4|learning rate 3e-4|-Daha.optimizer.learning-rate=3e-4|400"
  "lr-1e-3|learning rate 1e-3|-Daha.optimizer.learning-rate=1e-3|400"
  "beta-0|no KL term, no reference forward (DAPO)|-Daha.grpo.beta=0|400"
  "token-mean|token-level loss (DAPO)|-Daha.grpo.aggregation=TOKEN_MEAN|400"
  "g4-b16|G 4, 16 groups a step|-Daha.train.group-size=4 -Daha.train.batch-groups=16|400"
  "g16-b4|G 16, 4 groups a step|-Daha.train.group-size=16 -Daha.train.batch-groups=4|400"
  "b4|4 groups a step (half the batch)|-Daha.train.batch-groups=4|400"
  "temp-0.7|sampling temperature 0.7 (the evaluations sample at it too)|-Daha.sampling.temperature=0.7|400"
  "stale-4|max-staleness 4|-Daha.train.max-staleness=4|400"
  "sync|synchronous: staleness 0, a barrier each step|-Daha.train.sync=on -Daha.train.max-staleness=0|400"
  "cold-600|cold start of 600 SFT steps|-Daha.train.cold-start.steps=600|600"
  "cold-1000|cold start of 1000 SFT steps|-Daha.train.cold-start.steps=1000|1000"
  "cold-1000-beta-0|cold start of 1000 SFT steps and no KL term|-Daha.train.cold-start.steps=1000 -Daha.grpo.beta=0|1000"
)
# More variants, without editing this file: AHA_SWEEP_EXTRA="name|change|-D...|sft steps;..."
if [[ -n "${AHA_SWEEP_EXTRA:-}" ]]; then
  IFS=';' read -r -a extra <<<"$AHA_SWEEP_EXTRA"
  variants+=("${extra[@]}")
fi

if [[ $list == 1 ]]; then
  for v in "${variants[@]}"; do IFS='|' read -r name what _ _ <<<"$v"; printf '%-12s %s\n' "$name" "$what"; done
  exit 0
fi

aha="$root/deploy/bin/aha"
mkdir -p "$out"
# The held-out evaluations use 4 samples a prompt (pass@1 is unbiased for any k; 8 only narrows it) to keep the
# sweep's time in training.
common="$base_opts -Daha.train.eval-k=4"

cold_start() { # steps -> checkpoint folder, made once per length and seed
  local steps="$1" dir="$out/cold-start-$1-seed-$seed"
  if [[ ! -f "$dir/.done" ]]; then
    echo "== cold start: $steps SFT steps, seed $seed" >&2
    local t0=$SECONDS
    "$aha" sft --task arithmetic --steps "$steps" --seed "$seed" --out "$dir" >"$out/cold-start-$steps.log" 2>&1
    echo $((SECONDS - t0)) >"$dir/.done"
  fi
  echo "$dir"
}

for v in "${variants[@]}"; do
  IFS='|' read -r name what overrides steps <<<"$v"
  [[ -n "$only" && "$only" != *",$name,"* ]] && continue
  run="$out/$name"
  if [[ -f "$run/summary.json" ]]; then
    echo "== $name: done before, kept"
    continue
  fi
  init="$(cold_start "$steps")"
  echo "== $name: $what ($minutes min)"
  rm -rf "$run"
  if ! AHA_JAVA_OPTS="$common $overrides" "$aha" train --task arithmetic --minutes "$minutes" --seed "$seed" \
      --init "$init" --out "$run" >"$out/$name.log" 2>&1; then
    echo "   failed: see $out/$name.log" >&2
    continue
  fi
  jq -r '"   pass@1 \(.initial_pass1) -> \(.final_pass1), \(.steps) steps, \(.groups_per_second*100|round/100) groups/s"' \
    "$run/summary.json"
done

# One row per finished variant. Train accuracy is the mean over the last 20 steps of the batches' own accuracy;
# seconds to 0.7 is the first step at which that running mean reached 0.7 (null: not reached).
{
  printf 'variant\tchange\tsft_steps\tsft_seconds\tinitial_pass1\tfinal_pass1\tsteps\tgroups_per_s\ttrain_acc_last20\tseconds_to_train_acc_0.7\n'
  for v in "${variants[@]}"; do
    IFS='|' read -r name what _ steps <<<"$v"
    s="$out/$name/summary.json"
    [[ -f "$s" ]] || continue
    sft=$(cat "$out/cold-start-$steps-seed-$seed/.done" 2>/dev/null || echo "")
    acc=$(jq -s '[.[] | select(.accuracy != null)] | .[-20:] | (map(.accuracy) | add / length)' "$out/$name/metrics.jsonl")
    t07=$(jq -s '[.[] | select(.accuracy != null)] as $s | [range(19; $s|length) as $i
          | select(($s[$i-19:$i+1] | map(.accuracy) | add / 20) >= 0.7) | $s[$i].wall_seconds] | first // null' \
          "$out/$name/metrics.jsonl")
    jq -r --arg n "$name" --arg w "$what" --arg st "$steps" --arg sft "$sft" --arg acc "$acc" --arg t "$t07" \
      '[$n, $w, $st, $sft, (.initial_pass1*1000|round/1000), (.final_pass1*1000|round/1000), .steps,
        (.groups_per_second*100|round/100), ($acc|tonumber*1000|round/1000),
        (if $t == "null" then "-" else ($t|tonumber|round) end)] | @tsv' "$s"
  done
} >"$out/results.tsv"
{
  echo "| variant | change | cold start (SFT steps, s) | pass@1 cold start → after ${minutes} min | steps | groups/s | train accuracy (last 20 steps) | s to train accuracy 0.7 |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  tail -n +2 "$out/results.tsv" | while IFS=$'\t' read -r n w st sft i f steps g acc t; do
    echo "| $n | $w | $st, ${sft}s | $i → **$f** | $steps | $g | $acc | $t |"
  done
} >"$out/results.md"
cat "$out/results.md"

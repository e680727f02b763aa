#!/usr/bin/env bash
# The model card's comparison table (Markdown) from the JSON reports of tools/recipes/shapes-eval.sh: one row per
# report, in the order given. Usage: tools/recipes/eval-table.sh EVAL_DIR "row-file|label" ...
set -euo pipefail
dir="$1"; shift
echo "| row | images | colour | shape | binding | count | size | spatial | all-correct | Fréchet (floor) | s/image |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for spec in "$@"; do
  f="$dir/${spec%%|*}.json"; label="${spec#*|}"
  [[ -f "$f" ]] || { echo "missing $f" >&2; exit 1; }
  jq -r --arg name "$label" '
    def two: (. * 100 | round) as $n | "\($n / 100 | floor).\($n % 100 | tostring | if length < 2 then "0" + . else . end)";
    .metrics as $m | def a($k): $m[$k].accuracy | two;
    "| \($name) | \($m.colour.total) | \(a("colour")) | \(a("shape")) | \(a("binding")) | \(a("count")) | \(a("size"))"
    + " | \(a("spatial")) | \(a("all-correct")) | \(.frechet.distance | two) (\(.frechet.floor | two))"
    + " | \(.seconds_per_image | two) |"' "$f"
done

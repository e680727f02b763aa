# Shared by the recipes (sourced).
# last RUN: the newest checkpoint folder of a training run
last() { ls -d "$1"/checkpoints/step-* | sort -t- -k2 -n | tail -1; }
# export_ema CHECKPOINT DST: a model folder holding the checkpoint's EMA weights as its transformer/ (and as its
# text_encoder/ when the run trained the encoder; the optimizer state left out), written aside and renamed into
# place; an existing DST is kept
export_ema() {
  [[ -d "$2" ]] && return
  rm -rf "$2.tmp"
  cp -rL "$1" "$2.tmp"
  rm -rf "$2.tmp/transformer" "$2.tmp/trainer"
  mv "$2.tmp/transformer_ema" "$2.tmp/transformer"
  if [[ -d "$2.tmp/text_encoder_ema" ]]; then
    rm -rf "$2.tmp/text_encoder"
    mv "$2.tmp/text_encoder_ema" "$2.tmp/text_encoder"
  fi
  mv "$2.tmp" "$2"
}

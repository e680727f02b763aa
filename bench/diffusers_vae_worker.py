"""diffusers side of vae-vs-diffusers.sh: same line protocol as VaeDecodeWorker ("decode" -> "SECONDS MEAN MEAN_ABS").
Loads DIR (config.json + diffusion_pytorch_model.safetensors, written by the Java worker) and DIR/latent.safetensors."""
import sys, time

import torch
from diffusers import AutoencoderKL
from safetensors.torch import load_file

vae = AutoencoderKL.from_pretrained(sys.argv[1], torch_dtype=torch.float32).eval()
z = load_file(sys.argv[1] + '/latent.safetensors')['latent']
print(f'ready diffusers-{__import__("diffusers").__version__}-torch-{torch.__version__}-{torch.get_num_threads()}threads', flush=True)
with torch.inference_mode():
    for line in sys.stdin:
        if line.strip() != 'decode':
            continue
        t0 = time.perf_counter()
        img = vae.decode(z).sample
        s = time.perf_counter() - t0
        print(f'{s:.4f} {img.mean().item():.6f} {img.abs().mean().item():.6f}', flush=True)

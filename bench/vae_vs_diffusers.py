"""Driver of vae-vs-diffusers.sh: interleaved rounds of one untiled VAE decode in dimba4j (Java) and in diffusers
(PyTorch CPU) on the same synthetic SDXL weights and latent; prints medians and both outputs' mean / mean |x|
(they should agree to a few digits: same weights, same input). Usage: vae_vs_diffusers.py JAVA JAR PYTHON DIR LATENT ROUNDS."""
import os, statistics, subprocess, sys

java, jar, python, wdir, latent, rounds = sys.argv[1:7]
rounds = int(rounds)
here = os.path.dirname(os.path.abspath(__file__))


def start(name, cmd):
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    hello = p.stdout.readline().split()
    if not hello or hello[0] != 'ready':
        sys.exit(f'{name} worker did not start (see its messages above)')
    return {'name': name, 'proc': p, 'label': hello[1] if len(hello) > 1 else '?', 'secs': [], 'stats': None}


# the Java worker first: it writes the weights and the latent the diffusers worker loads
workers = [start('dimba4j', [java, '--add-modules', 'jdk.incubator.vector', '--enable-native-access=ALL-UNNAMED',
                             os.environ.get('JAVA_XMX', '-Xmx6g'), '-cp', jar, 'org.dimba4j.bench.vae.VaeDecodeWorker', wdir, latent])]
workers.append(start('diffusers', [python, os.path.join(here, 'diffusers_vae_worker.py'), wdir]))
load_before = os.getloadavg()[0]
for r in range(rounds + 1):  # round 0 warms both up (JIT, allocator) and is not counted
    order = workers[r % 2:] + workers[:r % 2]
    for w in order:
        w['proc'].stdin.write('decode\n')
        w['proc'].stdin.flush()
        sec, mean, mabs = map(float, w['proc'].stdout.readline().split())
        if r > 0:
            w['secs'].append(sec)
        w['stats'] = (mean, mabs)
    print(f'round {r}/{rounds} done' + (' (warm-up)' if r == 0 else ''), file=sys.stderr, flush=True)
for w in workers:
    w['proc'].stdin.close()
    w['proc'].wait()

px = int(latent) * 8
print(f'VAE decode {px}x{px} (latent [1, 4, {latent}, {latent}], synthetic SDXL weights, f32, untiled), '
      f'{rounds} interleaved rounds after one warm-up, load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after')
for w in workers:
    s = w['secs']
    print(f"{w['name']} ({w['label']}): median {statistics.median(s):.2f} s, min {min(s):.2f}, max {max(s):.2f}; "
          f"output mean {w['stats'][0]:.6f}, mean |x| {w['stats'][1]:.6f}")
ours, theirs = (statistics.median(w['secs']) for w in workers)
print(f'ratio dimba4j / diffusers: {ours / theirs:.2f}x')

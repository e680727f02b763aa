"""Driver of block-vs-official.sh: one Dimba block forward at Dimba-L/512 shapes (batch 2, 1024 tokens, 300 caption
tokens), dimba4j (DimbaBlockWorker) and the official code on PyTorch CPU (tools/fixtures/dimba/block_speed.py), in
interleaved rounds (who goes first rotates), medians of the per-round medians.
Usage: block_vs_official.py JAVA JAR PYTHON DIR THREADS [ROUNDS]."""
import os, statistics, subprocess, sys

java, jar, python, work, threads = sys.argv[1:6]
rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 5
here = os.path.dirname(os.path.abspath(__file__))
script = os.path.join(here, '..', 'tools', 'fixtures', 'dimba', 'block_speed.py')
# per round: the Java worker times every block of 1 forward of a depth-2 model (2 blocks); Python times 2 block forwards
workers = []
for name, cmd in [('dimba4j', [java, '--add-modules', 'jdk.incubator.vector', '--enable-native-access=ALL-UNNAMED', '-Xmx6g',
                               f'-Ddimba.threads={threads}', '-cp', jar, 'org.dimba4j.bench.pipeline.DimbaBlockWorker', work, '2', '0']),
                  ('official', [python, script, '--serve', '--threads', threads])]:
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    while True:  # skip anything printed before the worker is ready
        line = p.stdout.readline()
        if not line:
            sys.exit(f'{name} worker exited before it was ready')
        if line.startswith('ready'):
            break
    workers.append((name, p, line.split()[1] if len(line.split()) > 1 else ''))
load_before = os.getloadavg()
secs = {name: [] for name, _, _ in workers}
for r in range(rounds):
    order = workers[r % 2:] + workers[:r % 2]
    for name, p, _ in order:
        p.stdin.write('1\n' if name == 'dimba4j' else '2\n')
        p.stdin.flush()
        secs[name].append(float(p.stdout.readline()))
    print(f'round {r + 1}/{rounds}: ' + ', '.join(f'{n} {secs[n][-1]:.3f} s' for n in secs), file=sys.stderr, flush=True)
for _, p, _ in workers:
    p.stdin.close()
    p.wait()
ours, off = statistics.median(secs['dimba4j']), statistics.median(secs['official'])
print(f'Dimba block forward (DimbaBlock + Mamba layer), Dimba-L/512, batch 2, 1024 tokens, 300 caption tokens, '
      f'{threads} threads, {rounds} interleaved rounds; load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after')
print(f'dimba4j {ours:.3f} s | official ({workers[1][2]}) {off:.3f} s | dimba4j is {off / ours:.2f}x as fast')

"""Driver of matmul-vs-numpy.sh: interleaves rounds of dimba4j (Java) and NumPy/OpenBLAS f32 matmuls and prints
medians. Usage: matmul_vs_numpy.py JAVA JAR PYTHON [ROUNDS]."""
import os, statistics, subprocess, sys, time

java, jar, python = sys.argv[1:4]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 9
here = os.path.dirname(os.path.abspath(__file__))
# (M, K, N, reps): the two square-ish figures, then the Dimba-L linears (tokens x hidden by the qkv/MLP weights)
shapes = [(1024, 1024, 1024, 7), (1024, 1152, 4608, 3), (2048, 1152, 3456, 3), (2048, 1152, 4608, 3), (300, 4096, 1152, 5)]


def start(name, cmd, env=None):
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    hello = p.stdout.readline().split()
    return {'name': name, 'proc': p, 'label': hello[1] if len(hello) > 1 else '?'}


threads = os.environ.get('BENCH_THREADS')  # e.g. 1: both sides single-threaded (less sensitive to a busy machine)
jvm_threads = ([f'-Ddimba.threads={threads}'] if threads else []) + os.environ.get('DIMBA_JAVA_OPTS', '').split()  # e.g. -Ddimba.gemm.kc=192
np_env = dict(os.environ, OPENBLAS_NUM_THREADS=threads) if threads else dict(os.environ)
workers = [
    start('dimba4j', [java, '--add-modules', 'jdk.incubator.vector', '-Xmx4g', *jvm_threads, '-cp', jar, 'org.dimba4j.bench.MatmulWorker']),
    start('numpy (default)', [python, os.path.join(here, 'numpy_worker.py')], np_env),
    start('numpy (SkylakeX)', [python, os.path.join(here, 'numpy_worker.py')], dict(np_env, OPENBLAS_CORETYPE='SkylakeX')),
]
pause = float(os.environ.get('BENCH_PAUSE', '0.5'))  # seconds between requests
load_before = os.getloadavg()[0]
gflops = {(w['name'], s[:3]): [] for w in workers for s in shapes}
for r in range(rounds):
    order = workers[r % len(workers):] + workers[:r % len(workers)]  # rotate who goes first
    for m, k, n, reps in shapes:
        for w in order:
            # OpenBLAS's idle threads spin for a while after a call (and the JVM's pool briefly too): without a pause the
            # next worker shares the cores with them, and on 2 threads whoever follows a NumPy worker loses up to 2x
            time.sleep(pause)
            w['proc'].stdin.write(f'{m} {k} {n} {reps}\n')
            w['proc'].stdin.flush()
            sec = float(w['proc'].stdout.readline())
            gflops[(w['name'], (m, k, n))].append(2.0 * m * k * n / sec / 1e9)
    print(f'round {r + 1}/{rounds} done', file=sys.stderr, flush=True)
for w in workers:
    w['proc'].stdin.close()
    w['proc'].wait()

print(f'f32 matmul, {rounds} interleaved rounds, median GFLOP/s ({threads or os.cpu_count()} threads, '
      f'load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)')
print('workers: ' + ', '.join(f"{w['name']} = {w['label']}" for w in workers))
for m, k, n, _ in shapes:
    med = {w['name']: statistics.median(gflops[(w['name'], (m, k, n))]) for w in workers}
    ours = med['dimba4j']
    print(f'M={m} K={k} N={n}: dimba4j {ours:.1f} | numpy default {med["numpy (default)"]:.1f} (ratio {ours / med["numpy (default)"]:.2f}x)'
          f' | numpy SkylakeX {med["numpy (SkylakeX)"]:.1f} (ratio {ours / med["numpy (SkylakeX)"]:.2f}x)')

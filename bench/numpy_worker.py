"""NumPy side of matmul-vs-numpy.sh: same line protocol as MatmulWorker ("M K N REPS" -> median seconds)."""
import ctypes, glob, os, sys, time

import numpy as np


def corename():
    for lib in glob.glob(os.path.join(os.path.dirname(np.__file__), '..', 'numpy.libs', '*openblas*')):
        so = ctypes.CDLL(lib)
        for name in ('scipy_openblas_get_corename64_', 'scipy_openblas_get_corename', 'openblas_get_corename'):
            f = getattr(so, name, None)
            if f is not None:
                f.restype = ctypes.c_char_p
                return f().decode()
    return 'unknown'


inputs = {}
print('ready numpy-' + np.__version__ + '-' + corename(), flush=True)
for line in sys.stdin:
    p = line.split()
    if len(p) != 4:
        continue
    m, k, n, reps = map(int, p)
    key = (m, k, n)
    if key not in inputs:
        rng = np.random.default_rng(1)
        inputs[key] = (rng.standard_normal((m, k), dtype=np.float32), rng.standard_normal((k, n), dtype=np.float32))
        for _ in range(3):
            inputs[key][0] @ inputs[key][1]
    a, b = inputs[key]
    s = []
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        s.append(time.perf_counter() - t0)
    s.sort()
    print(s[reps // 2], flush=True)

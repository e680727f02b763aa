package org.dimba4j.io.torch;

import org.dimba4j.kernels.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The globals a checkpoint pickle may name, as {@code torch.load(weights_only=True)} allows: tensor rebuild
 * functions, storage types, and plain containers. Any other name (os.system, builtins.eval, subprocess.*, ...) is
 * refused when the GLOBAL opcode is read, before anything is applied or any storage is touched. Applying an allowed
 * global is implemented here in Java; nothing from the pickle is ever executed.
 */
final class TorchGlobals {
    private TorchGlobals() {}

    enum Kind {
        REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE, REBUILD_FROM_TYPE_V2,
        TENSOR_TYPE, STORAGE_TYPE, DTYPE_VALUE, DEVICE, ORDERED_DICT, DICT, LIST, TUPLE, SET, FROZENSET, CODECS_ENCODE, TORCH_SIZE
    }

    private static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("DoubleStorage", DType.F64),
            Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    /** torch dtype objects, which training scripts sometimes store beside the weights (inert values here). */
    private static final java.util.Set<String> DTYPES = java.util.Set.of("float32", "float", "float16", "half", "bfloat16",
            "float64", "double", "int64", "long", "int32", "int", "int16", "short", "int8", "uint8", "bool");

    private static final Map<String, Kind> ALLOWED = Map.ofEntries(
            Map.entry("torch.device", Kind.DEVICE),
            Map.entry("torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2),
            Map.entry("torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR),
            Map.entry("torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER),
            Map.entry("torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE),
            Map.entry("torch._tensor._rebuild_from_type_v2", Kind.REBUILD_FROM_TYPE_V2),
            Map.entry("torch.Tensor", Kind.TENSOR_TYPE),
            Map.entry("torch.nn.parameter.Parameter", Kind.TENSOR_TYPE),
            Map.entry("torch.Size", Kind.TORCH_SIZE),
            Map.entry("collections.OrderedDict", Kind.ORDERED_DICT),
            Map.entry("builtins.dict", Kind.DICT), Map.entry("builtins.list", Kind.LIST),
            Map.entry("builtins.tuple", Kind.TUPLE), Map.entry("builtins.set", Kind.SET),
            Map.entry("builtins.frozenset", Kind.FROZENSET),
            Map.entry("_codecs.encode", Kind.CODECS_ENCODE));

    /** The allowlisted global {@code module.name}, or an exception naming it. */
    static Py.Global resolve(String module, String name, String where) {
        String m = module.equals("__builtin__") ? "builtins" : module; // protocol-2 pickles use Python 2 names
        String full = m + "." + name;
        if (m.equals("torch") && STORAGES.containsKey(name)) return new Py.Global(Kind.STORAGE_TYPE, full);
        if (m.equals("torch") && DTYPES.contains(name)) return new Py.Global(Kind.DTYPE_VALUE, full);
        Kind k = ALLOWED.get(full);
        if (k == null) {
            throw new TorchCheckpointException(where + ": refusing global '" + module + "." + name
                    + "': only tensors and plain containers may be loaded (like torch.load(weights_only=True))");
        }
        return new Py.Global(k, full);
    }

    static DType storageDType(Py.Global g) {
        return STORAGES.get(g.name().substring("torch.".length()));
    }

    /** Applies an allowlisted callable to its argument tuple (REDUCE / NEWOBJ). */
    static Object apply(Py.Global f, Py.Tuple args, String where) {
        List<Object> a = args.items();
        return switch (f.kind()) {
            case REBUILD_TENSOR_V2, REBUILD_TENSOR -> rebuildTensor(a, f.kind() == Kind.REBUILD_TENSOR ? 4 : 6, where);
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                arity(f, a, f.kind() == Kind.REBUILD_PARAMETER ? 3 : 4, where);
                if (!(a.get(0) instanceof Py.TensorRef t)) throw bad(where, f.name() + " of a non-tensor");
                yield t;
            }
            case REBUILD_FROM_TYPE_V2 -> { // (func, new_type, args, state): a tensor of a tensor subclass
                arity(f, a, 4, where);
                if (!(a.get(0) instanceof Py.Global func) || !(a.get(1) instanceof Py.Global type) || type.kind() != Kind.TENSOR_TYPE
                        || !(a.get(2) instanceof Py.Tuple inner)) {
                    throw bad(where, f.name() + " with unexpected arguments");
                }
                yield apply(func, inner, where);
            }
            case ORDERED_DICT, DICT -> {
                Py.Dict d = new Py.Dict();
                if (a.size() > 1) throw bad(where, f.name() + " takes at most one argument");
                if (a.size() == 1) {
                    if (a.get(0) instanceof Map<?, ?> m) d.putAll(m);
                    else for (Object pair : items(a.get(0), f, where)) {
                        if (!(pair instanceof Py.Tuple t) || t.items().size() != 2) throw bad(where, f.name() + " of a non-pair");
                        d.put(Unpickler.key(t.items().get(0), where), t.items().get(1));
                    }
                }
                yield d;
            }
            case LIST -> new ArrayList<>(a.isEmpty() ? List.of() : items(a.get(0), f, where));
            case TUPLE, TORCH_SIZE -> Unpickler.tuple(a.isEmpty() ? List.of() : items(a.get(0), f, where));
            case SET, FROZENSET -> new Py.Set(new ArrayList<>(a.isEmpty() ? List.of() : items(a.get(0), f, where)));
            case CODECS_ENCODE -> { // how protocol 2 pickles bytes: _codecs.encode(str, "latin1")
                arity(f, a, 2, where);
                if (!(a.get(0) instanceof String s) || !(a.get(1) instanceof String enc)
                        || !(enc.equals("latin1") || enc.equals("latin-1"))) {
                    throw bad(where, f.name() + " supports only (str, 'latin1')");
                }
                yield s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            case DEVICE -> { // torch.device("cuda", 0) -> "cuda:0": only a name is kept
                if (a.isEmpty() || a.size() > 2 || !(a.get(0) instanceof String type) || (a.size() == 2 && !(a.get(1) instanceof Long))) {
                    throw bad(where, f.name() + " takes (type[, index])");
                }
                yield a.size() == 2 ? type + ":" + a.get(1) : type;
            }
            case TENSOR_TYPE, STORAGE_TYPE, DTYPE_VALUE -> throw bad(where, "'" + f.name() + "' cannot be called");
        };
    }

    private static List<Object> items(Object o, Py.Global f, String where) {
        if (o instanceof List<?> l) return new ArrayList<>(l);
        if (o instanceof Py.Tuple t) return t.items();
        if (o instanceof Py.Set s) return s.items();
        throw bad(where, f.name() + " of " + Unpickler.typeName(o));
    }

    private static void arity(Py.Global f, List<Object> a, int n, String where) {
        if (a.size() != n) throw bad(where, f.name() + " takes " + n + " arguments, got " + a.size());
    }

    /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private static Py.TensorRef rebuildTensor(List<Object> a, int minArgs, String where) {
        if (a.size() < minArgs || a.size() > 7) throw bad(where, "tensor rebuild with " + a.size() + " arguments");
        if (!(a.get(0) instanceof Py.StorageRef s)) throw bad(where, "tensor rebuild without a storage");
        long offset = nonNegative(a.get(1), "storage offset", where);
        if (!(a.get(2) instanceof Py.Tuple size) || !(a.get(3) instanceof Py.Tuple stride) || size.items().size() != stride.items().size()) {
            throw bad(where, "tensor rebuild needs size and stride tuples of one length");
        }
        int rank = size.items().size();
        int[] sz = new int[rank];
        long[] st = new long[rank];
        for (int i = 0; i < rank; i++) {
            long d = nonNegative(size.items().get(i), "size", where);
            if (d > Integer.MAX_VALUE) throw bad(where, "tensor dimension " + d + " exceeds " + Integer.MAX_VALUE);
            sz[i] = (int) d;
            st[i] = nonNegative(stride.items().get(i), "stride", where);
        }
        return new Py.TensorRef(s, offset, sz, st);
    }

    private static long nonNegative(Object o, String what, String where) {
        if (!(o instanceof Long v) || v < 0) throw bad(where, "tensor " + what + " " + o + " is not a non-negative integer");
        return v;
    }

    private static TorchCheckpointException bad(String where, String what) {
        return new TorchCheckpointException(where + ": " + what);
    }
}

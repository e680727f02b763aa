package org.dimba4j.io.torch;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted pickle machine for checkpoint data ({@code data.pkl}), like {@code torch.load(weights_only=True)}:
 * it understands the data opcodes of protocols 0-5 (containers, numbers, strings, memo), resolves globals only
 * through {@link TorchGlobals}' allowlist, and turns persistent ids into {@link Py.StorageRef}s. Opcodes that
 * build arbitrary objects (INST, OBJ, NEWOBJ_EX, EXT*, out-of-band buffers) are refused. Every length is checked
 * against the bytes left before anything is allocated, so a hostile pickle costs at most its own size in memory.
 */
final class Unpickler {
    private static final Object MARK = new Object();

    private final byte[] in;
    private final String where;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(byte[] in, String where) {
        this.in = in;
        this.where = where;
    }

    /** Unpickles {@code data}; {@code where} names it in errors (e.g. "model.pt: archive/data.pkl"). */
    static Object load(byte[] data, String where) {
        return new Unpickler(data, where).run();
    }

    private Object run() {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { int v = u8(); if (v > 5) throw bad(at, "pickle protocol " + v + " is newer than 5"); }
                case 0x95 -> { long n = le(8); if (n < 0 || n > in.length - pos) throw bad(at, "frame of " + n + " bytes runs past the end"); }
                case '.' -> {
                    if (stack.size() != 1 || !marks.isEmpty()) throw bad(at, "STOP with " + stack.size() + " values on the stack");
                    return pop(at);
                }
                case '(' -> { marks.add(stack.size()); stack.add(MARK); }
                case '0' -> pop(at);
                case '1' -> popMark(at);
                case '2' -> push(peek(at));
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) (int) le(4));
                case 'K' -> push((long) u8());
                case 'M' -> push(le(2));
                case 0x8a -> push(longN(at, u8()));
                case 0x8b -> push(longN(at, length(at, 4)));
                case 'G' -> push(ByteBuffer.wrap(bytes(at, 8)).order(ByteOrder.BIG_ENDIAN).getDouble());
                case 'I' -> push(textInt(at, line(at)));
                case 'L' -> { String s = line(at); push(textInt(at, s.endsWith("L") ? s.substring(0, s.length() - 1) : s)); }
                case 'F' -> {
                    try {
                        push(Double.parseDouble(line(at)));
                    } catch (NumberFormatException e) {
                        throw bad(at, "FLOAT that is not a number");
                    }
                }
                case 'X' -> push(utf8(at, bytes(at, length(at, 4))));
                case 0x8c -> push(utf8(at, bytes(at, u8())));
                case 0x8d -> push(utf8(at, bytes(at, length(at, 8))));
                case 'T' -> push(new String(bytes(at, length(at, 4)), StandardCharsets.ISO_8859_1));
                case 'U' -> push(new String(bytes(at, u8()), StandardCharsets.ISO_8859_1));
                case 'B' -> push(bytes(at, length(at, 4)));
                case 'C' -> push(bytes(at, u8()));
                case 0x8e -> push(bytes(at, length(at, 8)));
                case ')' -> push(tuple(List.of()));
                case 0x85, 0x86, 0x87 -> {
                    int n = op - 0x84;
                    if (stackAboveMark() < n) throw bad(at, "TUPLE" + n + " on a short stack");
                    List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
                    stack.subList(stack.size() - n, stack.size()).clear();
                    push(tuple(items));
                }
                case 't' -> push(tuple(popMark(at)));
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark(at)));
                case 'a' -> { Object v = pop(at); list(at, peek(at)).add(v); }
                case 'e' -> { List<Object> items = popMark(at); list(at, peek(at)).addAll(items); }
                case '}' -> push(new Py.Dict());
                case 'd' -> { Py.Dict d = new Py.Dict(); putAll(at, d, popMark(at)); push(d); }
                case 's' -> { Object v = pop(at), k = pop(at); dict(at, peek(at)).put(key(k, where), v); }
                case 'u' -> { List<Object> items = popMark(at); putAll(at, dict(at, peek(at)), items); }
                case 0x8f -> push(new Py.Set(new ArrayList<>()));
                case 0x90 -> {
                    List<Object> items = popMark(at);
                    if (!(peek(at) instanceof Py.Set s)) throw bad(at, "ADDITEMS on " + typeName(peek(at)));
                    s.items().addAll(items);
                }
                case 0x91 -> push(new Py.Set(new ArrayList<>(popMark(at))));
                case 'q' -> memo.put((long) u8(), peek(at));
                case 'r' -> memo.put(le(4) & 0xffffffffL, peek(at));
                case 'p' -> memo.put(textIndex(at), peek(at));
                case 0x94 -> memo.put((long) memo.size(), peek(at));
                case 'h' -> push(memoGet(at, u8()));
                case 'j' -> push(memoGet(at, le(4) & 0xffffffffL));
                case 'g' -> push(memoGet(at, textIndex(at)));
                case 'c' -> { String module = line(at); push(TorchGlobals.resolve(module, line(at), where + " at byte " + at)); }
                case 0x93 -> {
                    Object name = pop(at), module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) throw bad(at, "STACK_GLOBAL of non-strings");
                    push(TorchGlobals.resolve(m, n, where + " at byte " + at));
                }
                case 'R', 0x81 -> {
                    Object args = pop(at), f = pop(at);
                    if (!(f instanceof Py.Global g)) throw bad(at, "call of " + typeName(f) + ", not an allowed global");
                    if (!(args instanceof Py.Tuple t)) throw bad(at, "call of " + g.name() + " without an argument tuple");
                    push(TorchGlobals.apply(g, t, where + " at byte " + at));
                }
                case 'b' -> build(at, pop(at), peek(at));
                case 'Q' -> push(persistentLoad(at, pop(at)));
                default -> throw bad(at, "unsupported pickle opcode 0x" + Integer.toHexString(op)
                        + (op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : "") + " (only data opcodes are allowed)");
            }
        }
    }

    /** BUILD sets an object's state: allowed only as a no-op on dicts (OrderedDict._metadata) and tensors. */
    private void build(int at, Object state, Object obj) {
        if (!(obj instanceof Py.Dict || obj instanceof Py.TensorRef)) throw bad(at, "BUILD on " + typeName(obj));
        if (!(state == null || state instanceof Py.Dict || state instanceof Py.Tuple)) throw bad(at, "BUILD with state " + typeName(state));
    }

    /** torch's persistent id: ('storage', storage_type, key, location, numel). */
    private Object persistentLoad(int at, Object pid) {
        if (!(pid instanceof Py.Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))
                || !(t.items().get(1) instanceof Py.Global g) || g.kind() != TorchGlobals.Kind.STORAGE_TYPE
                || !(t.items().get(2) instanceof String key) || !(t.items().get(4) instanceof Long numel) || numel < 0) {
            throw bad(at, "persistent id is not ('storage', <torch storage type>, key, location, numel): " + describe(pid));
        }
        return new Py.StorageRef(key, TorchGlobals.storageDType(g), numel);
    }

    static Py.Tuple tuple(List<Object> items) {
        return new Py.Tuple(Collections.unmodifiableList(new ArrayList<>(items)));
    }

    /** A dict key: only hashable plain values, so hostile (recursive, mutable) keys are never hashed. */
    static Object key(Object k, String where) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger || k instanceof Double || k instanceof Boolean) {
            return k;
        }
        if (k instanceof Py.Tuple t && t.items().stream().allMatch(x -> x == null || x instanceof String || x instanceof Long
                || x instanceof Double || x instanceof Boolean)) {
            return k;
        }
        throw new TorchCheckpointException(where + ": unsupported dict key of type " + typeName(k));
    }

    private void putAll(int at, Py.Dict d, List<Object> kv) {
        if (kv.size() % 2 != 0) throw bad(at, "odd number of items for a dict");
        for (int i = 0; i < kv.size(); i += 2) d.put(key(kv.get(i), where), kv.get(i + 1));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(int at, Object o) {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw bad(at, "APPEND to " + typeName(o));
    }

    private Py.Dict dict(int at, Object o) {
        if (o instanceof Py.Dict d) return d;
        throw bad(at, "SETITEM on " + typeName(o));
    }

    static String typeName(Object o) {
        if (o == null) return "None";
        if (o instanceof Py.Global g) return "global " + g.name();
        if (o == MARK) return "a mark";
        return o.getClass().getSimpleName();
    }

    /** A shallow description (never toString of hostile, possibly self-referencing containers). */
    private static String describe(Object o) {
        if (o instanceof Py.Tuple t) {
            return "(" + String.join(", ", t.items().stream().map(x -> x instanceof String s ? "'" + s + "'" : typeName(x)).toList()) + ")";
        }
        return typeName(o);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private int stackAboveMark() {
        return stack.size() - (marks.isEmpty() ? 0 : marks.getLast() + 1);
    }

    private Object pop(int at) {
        if (stackAboveMark() <= 0) {
            throw bad(at, "pop from an empty stack" + (marks.isEmpty() ? "" : " (above a mark)"));
        }
        return stack.removeLast();
    }

    private Object peek(int at) {
        if (stackAboveMark() <= 0) throw bad(at, "stack is empty");
        return stack.getLast();
    }

    private List<Object> popMark(int at) {
        if (marks.isEmpty()) throw bad(at, "no mark on the stack");
        int m = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object memoGet(int at, long i) {
        if (!memo.containsKey(i)) throw bad(at, "memo key " + i + " was never stored");
        return memo.get(i);
    }

    private int u8() {
        if (pos >= in.length) throw bad(pos, "pickle ends without STOP (truncated?)");
        return in[pos++] & 0xff;
    }

    private long le(int n) {
        byte[] b = bytes(pos, n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | (b[i] & 0xff);
        return v;
    }

    /** A length field that must fit in the bytes left (so no allocation exceeds the pickle). */
    private int length(int at, int width) {
        long n = le(width);
        if (width == 4) n &= 0xffffffffL;
        if (n < 0 || n > in.length - pos) throw bad(at, "length " + Long.toUnsignedString(n) + " runs past the end of the pickle");
        return (int) n;
    }

    private byte[] bytes(int at, long n) {
        if (n < 0 || n > in.length - pos) throw bad(at, n + " bytes run past the end of the pickle (truncated?)");
        byte[] b = java.util.Arrays.copyOfRange(in, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    private String line(int at) {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') pos++;
        if (pos >= in.length) throw bad(at, "unterminated text argument");
        return new String(in, start, pos++ - start, StandardCharsets.ISO_8859_1);
    }

    private String utf8(int at, byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw bad(at, "string is not valid UTF-8");
        }
    }

    private Object longN(int at, int n) {
        byte[] b = bytes(at, n);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = b[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object textInt(int at, String s) {
        if (s.equals("00")) return Boolean.FALSE;
        if (s.equals("01")) return Boolean.TRUE;
        try {
            BigInteger v = new BigInteger(s.trim());
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        } catch (NumberFormatException e) {
            throw bad(at, "INT that is not a number");
        }
    }

    private long textIndex(int at) {
        try {
            long v = Long.parseLong(line(at).trim());
            if (v < 0) throw bad(at, "negative memo index");
            return v;
        } catch (NumberFormatException e) {
            throw bad(at, "memo index that is not a number");
        }
    }

    private TorchCheckpointException bad(int at, String what) {
        return new TorchCheckpointException(where + " at byte " + at + ": " + what);
    }
}

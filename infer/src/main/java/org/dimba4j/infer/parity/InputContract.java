package org.dimba4j.infer.parity;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a set of named input tensors against a component's {@link TensorSpec}s: every required tensor
 * present, nothing extra, each shape consistent with the symbols bound so far. Every failure is one line that
 * names the tensor, the expected shape (symbols shown with their bound values) and the actual shape.
 */
public final class InputContract {
    private final String component;
    private final List<TensorSpec> specs;
    private final Map<String, Integer> bound = new LinkedHashMap<>();

    /**
     * @param component  the component name, for messages
     * @param specs      the inputs in contract order
     * @param fixed      symbols whose value the model decides (e.g. C = caption_channels); may be empty
     */
    public InputContract(String component, List<TensorSpec> specs, Map<String, Integer> fixed) {
        this.component = component;
        this.specs = List.copyOf(specs);
        this.bound.putAll(fixed);
    }

    /** Validates {@code inputs} (name -> tensor) and returns the values every symbol took. */
    public Map<String, Integer> check(Map<String, Tensor> inputs, String source) {
        Set<String> known = new TreeSet<>();
        for (TensorSpec s : specs) known.add(s.name());
        for (String name : inputs.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unexpected input tensor '" + name + "' "
                        + shapeStr(inputs.get(name).shape()) + " in " + source + ": " + component + " takes "
                        + names());
            }
        }
        for (TensorSpec s : specs) {
            Tensor t = inputs.get(s.name());
            if (t == null) {
                if (s.optional()) continue;
                throw new IllegalArgumentException("input tensor '" + s.name() + "' is missing from " + source
                        + ": " + component + " expects " + s.name() + " " + expected(s) + " " + s.dtypeName()
                        + " (found " + (inputs.isEmpty() ? "no tensors" : String.join(", ", inputs.keySet())) + ")");
            }
            checkOne(s, t, source);
        }
        return Map.copyOf(bound);
    }

    private void checkOne(TensorSpec s, Tensor t, String source) {
        DType dt = t.dtype();
        boolean integral = switch (dt) {
            case I64, I32, I16, I8, U8, BOOL -> true;
            default -> false;
        };
        // ids and masks: any integer or bool tensor (a torch bool mask is common); floats: any float width, and
        // integers for a vector of scalars (timestep: torch.tensor([500]) is I64, and the official model takes it)
        boolean okType = s.integer() ? integral : dt.isFloatingPoint() || (integral && s.dims().size() == 1);
        if (!okType) {
            throw new IllegalArgumentException("input tensor '" + s.name() + "' in " + source + " is " + dt
                    + ", expected " + s.dtypeName() + (s.integer() ? " (or I32)" : " (or F16/BF16/F64)"));
        }
        int[] shape = t.shape();
        String exp = expected(s);
        if (shape.length != s.dims().size()) {
            throw new IllegalArgumentException(mismatch(s, exp, shape, source, "rank " + shape.length
                    + " instead of " + s.dims().size()));
        }
        for (int i = 0; i < shape.length; i++) {
            String d = s.dims().get(i);
            int divisor = s.divisibleBy().get(i);
            if (isNumber(d)) {
                if (shape[i] != Integer.parseInt(d)) {
                    throw new IllegalArgumentException(mismatch(s, exp, shape, source, "dimension " + i + " is "
                            + shape[i] + ", expected " + d));
                }
            } else if (bound.containsKey(d) && bound.get(d) != shape[i]) {
                throw new IllegalArgumentException(mismatch(s, exp, shape, source, d + " is " + bound.get(d)
                        + " but dimension " + i + " is " + shape[i]));
            } else {
                bound.putIfAbsent(d, shape[i]);
            }
            if (shape[i] % divisor != 0) {
                throw new IllegalArgumentException(mismatch(s, exp, shape, source, "dimension " + i + " ("
                        + d + " = " + shape[i] + ") must be a multiple of " + divisor));
            }
        }
    }

    private String mismatch(TensorSpec s, String expected, int[] actual, String source, String why) {
        return "input tensor '" + s.name() + "' in " + source + " has shape " + shapeStr(actual) + ", expected "
                + expected + ": " + why;
    }

    /** The expected shape with the symbols bound so far filled in, e.g. {@code [B=2, L=16]}. */
    private String expected(TensorSpec s) {
        List<String> parts = new ArrayList<>();
        for (String d : s.dims()) {
            parts.add(isNumber(d) || !bound.containsKey(d) ? d : d + "=" + bound.get(d));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private String names() {
        List<String> n = new ArrayList<>();
        for (TensorSpec s : specs) n.add(s.optional() ? s.name() + " (optional)" : s.name());
        return String.join(", ", n);
    }

    private static boolean isNumber(String d) {
        return !d.isEmpty() && d.chars().allMatch(Character::isDigit);
    }

    private static String shapeStr(int[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
        return b.append(']').toString();
    }
}

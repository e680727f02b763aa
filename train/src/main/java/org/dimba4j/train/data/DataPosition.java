package org.dimba4j.train.data;

/**
 * Where a run is in its data: the epoch and how many examples of that epoch's permutation were already read.
 * With the seed and the data size this decides every later example, so it is all a checkpoint needs to store.
 */
public record DataPosition(long epoch, int offset) {
    public static final DataPosition START = new DataPosition(0, 0);

    public DataPosition {
        if (epoch < 0 || offset < 0) throw new IllegalArgumentException("data position " + epoch + "/" + offset + " is negative");
    }

    /** "epoch:offset", as train.json and trainer state store it. */
    @Override
    public String toString() {
        return epoch + ":" + offset;
    }

    public static DataPosition parse(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("data position '" + s + "' is not epoch:offset");
        try {
            return new DataPosition(Long.parseLong(s.substring(0, colon)), Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("data position '" + s + "' is not epoch:offset", e);
        }
    }
}

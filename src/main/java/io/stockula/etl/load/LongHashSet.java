package io.stockula.etl.load;

/** An open-addressing set of longs: remembers 64-bit key hashes of a run (8 bytes a key, no boxing). */
public final class LongHashSet {

    private static final long EMPTY = 0L;
    private long[] slots;
    private int size;
    private boolean hasZero;

    public LongHashSet() {
        this(2048);
    }

    public LongHashSet(int expected) {
        slots = new long[Integer.highestOneBit(Math.max(16, expected) * 4 - 1)];
    }

    /** Adds the value; returns false if it was already present. */
    public boolean add(long v) {
        if (v == EMPTY) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        return insert(slots, v);
    }

    private boolean insert(long[] table, long v) {
        int mask = table.length - 1;
        int i = (int) (v ^ (v >>> 32)) & mask;
        while (table[i] != EMPTY) {
            if (table[i] == v) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = v;
        if (table == slots) {
            size++;
        }
        return true;
    }

    /** Removes the value; returns false if it was not present (backward-shift deletion keeps probing intact). */
    public boolean remove(long v) {
        if (v == EMPTY) {
            boolean had = hasZero;
            hasZero = false;
            return had;
        }
        int mask = slots.length - 1;
        int i = (int) (v ^ (v >>> 32)) & mask;
        while (slots[i] != v) {
            if (slots[i] == EMPTY) {
                return false;
            }
            i = (i + 1) & mask;
        }
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
            long w = slots[j];
            int home = (int) (w ^ (w >>> 32)) & mask;
            // w may move into the hole when its home is not cyclically inside (hole, j]
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = w;
                hole = j;
            }
        }
        slots[hole] = EMPTY;
        size--;
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        for (long v : old) {
            if (v != EMPTY) {
                insert(slots, v);
            }
        }
    }

    public void forEach(java.util.function.LongConsumer action) {
        if (hasZero) {
            action.accept(EMPTY);
        }
        for (long v : slots) {
            if (v != EMPTY) {
                action.accept(v);
            }
        }
    }

    public boolean contains(long v) {
        if (v == EMPTY) {
            return hasZero;
        }
        int mask = slots.length - 1;
        int i = (int) (v ^ (v >>> 32)) & mask;
        while (slots[i] != EMPTY) {
            if (slots[i] == v) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    public int size() {
        return size + (hasZero ? 1 : 0);
    }
}

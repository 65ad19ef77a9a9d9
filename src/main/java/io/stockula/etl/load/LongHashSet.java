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

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        for (long v : old) {
            if (v != EMPTY) {
                insert(slots, v);
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

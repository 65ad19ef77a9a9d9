package io.stockula.etl.ops;

/**
 * A failure that comes from Kafka (unreachable, refusing our credentials, a topic it does not have) rather than from
 * the data or the database: commands end with their own exit code and a line naming Kafka's reason, not Camel's
 * wrapper ("Multicast processing failed ...").
 */
public final class KafkaFailure {

    private KafkaFailure() {
    }

    /** The first Kafka client exception in the cause chain, or null. */
    public static Throwable find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.KafkaException) {
                return t;
            }
        }
        return null;
    }

    /** "Kafka refused or did not answer (SaslAuthenticationException): ..." for a Kafka failure, else the message. */
    public static String describe(Throwable e) {
        Throwable k = find(e);
        if (k == null) {
            return e == null ? null : e.getMessage();
        }
        Throwable root = k;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // e.g. "Failed to construct kafka producer" says less than its cause (a keystore that cannot be read)
        String because = root == k || root.getMessage() == null || String.valueOf(k.getMessage()).contains(root.getMessage())
                ? "" : ": " + root.getMessage();
        return "Kafka refused or did not answer (" + k.getClass().getSimpleName() + "): " + k.getMessage() + because;
    }
}

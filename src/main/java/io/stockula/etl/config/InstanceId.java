package io.stockula.etl.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The name of this runtime among several: {@code stockula.instance-id} (STOCKULA_INSTANCE_ID, e.g. a pod or container
 * name), or {@code <hostname>-<pid>} when it is empty, which is unique on one machine and across machines. Quartz's
 * clustered job store keys this runtime's check-ins and fired ticks by it, and metrics carry it as their runtime tag.
 */
public final class InstanceId {

    /** Quartz stores the instance id in VARCHAR(200) columns, and a label value should stay short too. */
    static final int MAX_LENGTH = 120;

    private InstanceId() {
    }

    public static String of(EtlSettings s) {
        String configured = s.get("stockula.instance-id");
        return configured != null ? configured.trim() : hostAndPid(hostname(), ProcessHandle.current().pid());
    }

    static String hostAndPid(String host, long pid) {
        String h = host == null || host.isBlank() ? "localhost" : host.trim();
        String suffix = "-" + pid;
        if (h.length() + suffix.length() > MAX_LENGTH) {
            h = h.substring(0, MAX_LENGTH - suffix.length());
        }
        return h + suffix;
    }

    private static String hostname() {
        String env = System.getenv("HOSTNAME"); // set in containers (the container id or pod name), no DNS needed
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}

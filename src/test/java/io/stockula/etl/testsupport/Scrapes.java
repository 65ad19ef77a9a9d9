package io.stockula.etl.testsupport;

/** Prometheus text as a single runtime's tests read it: without the {@code runtime} label every series carries. */
public final class Scrapes {

    private Scrapes() {
    }

    public static String withoutRuntime(String scrape) {
        return scrape.replaceAll("runtime=\"[^\"]*\",?", "").replace(",}", "}").replace("{}", "");
    }
}

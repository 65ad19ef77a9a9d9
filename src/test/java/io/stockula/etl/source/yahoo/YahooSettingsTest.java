package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockula.etl.config.EtlSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YahooSettingsTest {

    @Test
    void defaultsAreAGoodClient() {
        YahooSettings s = YahooSettings.from(EtlSettings.load(null, Map.of()));
        assertThat(s.requestsPerSecond()).isEqualTo(1.0);
        assertThat(s.concurrency()).isEqualTo(2);
        assertThat(s.query2Url()).isEqualTo("https://query2.finance.yahoo.com");
        assertThat(s.fcUrl()).isEqualTo("https://fc.yahoo.com");
        assertThat(s.userAgent()).startsWith("Mozilla/5.0");
        assertThat(s.intervals()).containsExactly("1d");
        assertThat(s.initialPause()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.symbols()).isEmpty();
    }

    @Test
    void symbolListsAreNormalizedAndChecked() {
        assertThat(YahooSettings.symbols(" aapl, msft ^gspc,,BTC-USD eurusd=x aapl"))
                .containsExactly("AAPL", "MSFT", "^GSPC", "BTC-USD", "EURUSD=X");
        assertThatThrownBy(() -> YahooSettings.symbols("AAPL,NOT A/SYMBOL")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> YahooSettings.intervals("1d,5h")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5h");
        assertThat(YahooSettings.intervals("1d, 1h")).containsExactly("1d", "1h");
    }

    @Test
    void optionableSymbolsExcludeFxFuturesAndCrypto() {
        assertThat(Universe.looksOptionable("AAPL")).isTrue();
        assertThat(Universe.looksOptionable("BRK-B")).isTrue();
        assertThat(Universe.looksOptionable("EURUSD=X")).isFalse();
        assertThat(Universe.looksOptionable("ES=F")).isFalse();
        assertThat(Universe.looksOptionable("BTC-USD")).isFalse();
    }
}

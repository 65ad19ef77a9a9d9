package io.stockula.etl.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SymbolRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"AAPL", "BRK-B", "BRK.B", "^GSPC", "BTC-USD", "EURUSD=X", "GS2C.DE", "FXAIX", "ES=F", "^IRX", "0700.HK"})
    void acceptsTheRealUniverse(String symbol) {
        assertThat(SymbolRules.isValid(SymbolRules.normalize(symbol))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "NOT A SYMBOL", "AA$PL", "-ABC", "A/B", "TOOLONGTOOLONGTOOLONGTOOLONG"})
    void rejectsWhatIsNoTicker(String symbol) {
        assertThat(SymbolRules.isValid(SymbolRules.normalize(symbol))).isFalse();
    }

    @org.junit.jupiter.api.Test
    void normalisesBeforeValidating() {
        assertThat(SymbolRules.normalize("  brk-b ")).isEqualTo("BRK-B");
        assertThat(SymbolRules.normalize(" ")).isNull();
        assertThat(SymbolRules.normalize(null)).isNull();
    }
}

package io.stockula.etl.transform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void validJsonIsKeptAsIsWithoutARawCopy() {
        JsonText.Parsed p = JsonText.parse("{\"longName\": \"Apple Inc.\", \"marketCap\": 3194468958208, \"beta\": 1.211}");
        assertThat(p.jsonb()).isEqualTo("{\"longName\":\"Apple Inc.\",\"marketCap\":3194468958208,\"beta\":1.211}");
        assertThat(p.raw()).isNull();
    }

    @Test
    void nanAndInfinityBecomeNullAndTheOriginalIsKept() {
        String text = "{\"trailingPE\": NaN, \"beta\": Infinity, \"x\": [-Infinity, 1.5]}";
        JsonText.Parsed p = JsonText.parse(text);
        assertThat(p.jsonb()).isEqualTo("{\"trailingPE\":null,\"beta\":null,\"x\":[null,1.5]}");
        assertThat(p.raw()).isEqualTo(text);
    }

    @Test
    void truncatedOrTrailingGarbageIsInvalid() {
        assertThat(JsonText.parse("{\"longName\": \"Trunc")).isNull();
        assertThat(JsonText.parse("{\"a\": 1} extra")).isNull();
        assertThat(JsonText.parse("")).isNull();
    }
}

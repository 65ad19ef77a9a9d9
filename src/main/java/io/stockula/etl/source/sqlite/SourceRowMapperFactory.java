package io.stockula.etl.source.sqlite;

import java.sql.ResultSetMetaData;
import java.util.Map;
import org.apache.camel.component.sql.DefaultRowMapperFactory;
import org.springframework.jdbc.core.RowMapper;

/**
 * camel-sql's rowMapperFactory for the SQLite readers: column names are read once per query (not per row)
 * and rows become {@link SourceRow}s.
 */
public final class SourceRowMapperFactory extends DefaultRowMapperFactory {

    @Override
    public RowMapper<?> newColumnRowMapper() {
        return new RowMapper<Map<String, Object>>() {
            private Map<String, Integer> index;
            private int width;

            @Override
            public Map<String, Object> mapRow(java.sql.ResultSet rs, int rowNum) throws java.sql.SQLException {
                if (index == null) {
                    ResultSetMetaData md = rs.getMetaData();
                    width = md.getColumnCount();
                    String[] names = new String[width];
                    for (int i = 0; i < width; i++) {
                        names[i] = md.getColumnLabel(i + 1).toLowerCase();
                    }
                    index = SourceRow.indexOf(names);
                }
                Object[] values = new Object[width];
                for (int i = 0; i < width; i++) {
                    values[i] = rs.getObject(i + 1);
                }
                return new SourceRow(index, values);
            }
        };
    }
}

package org.instructforge.shared.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gives a service the embedded PostgreSQL when no external database is configured, so the run command
 * works with no setup. With {@code DB_URL} (or {@code spring.datasource.url}) set, this backs off and
 * Spring Boot's own DataSource configuration connects to that server.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isBlank()")
@EnableConfigurationProperties(EmbeddedDatabaseProperties.class)
public class EmbeddedDatabaseConfiguration {

    @Bean
    DataSource dataSource(EmbeddedDatabaseProperties properties) {
        EmbeddedPostgres postgres = EmbeddedPostgres.obtain(properties);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.username());
        config.setPassword(postgres.password());
        config.setPoolName("embedded-postgres");
        config.setMaximumPoolSize(20);
        // As spring.datasource.hikari.connection-timeout for an external server: while the database restarts, a
        // request fails within seconds instead of holding its thread for Hikari's default 30 s.
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }
}

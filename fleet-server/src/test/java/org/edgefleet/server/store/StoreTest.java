package org.edgefleet.server.store;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that runs once on SQLite and once on PostgreSQL, each time with a new, empty database
 * passed as a {@link DatabaseConfig} parameter ({@link StoreBackends}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(StoreBackends.class)
public @interface StoreTest {}

package org.edgefleet.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/** Runs a {@link StoreTest} on each database the stores support, with a fresh database each time. */
final class StoreBackends implements TestTemplateInvocationContextProvider {

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return true;
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    return Stream.of(new Backend(Dialect.SQLITE), new Backend(Dialect.POSTGRESQL));
  }

  private static final class Backend implements TestTemplateInvocationContext {
    private final Dialect dialect;

    Backend(Dialect dialect) {
      this.dialect = dialect;
    }

    @Override
    public String getDisplayName(int invocationIndex) {
      return dialect.name().toLowerCase();
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(new FreshDatabase(dialect));
    }
  }

  /** Makes the invocation's database, and deletes a SQLite one afterwards. */
  private static final class FreshDatabase implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final Dialect dialect;
    private Path sqliteDir;
    private DatabaseConfig config;

    FreshDatabase(Dialect dialect) {
      this.dialect = dialect;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
      if (dialect == Dialect.POSTGRESQL) {
        PostgresCluster.ensureStarted(context);
        config = PostgresCluster.newDatabase();
      } else {
        sqliteDir = Files.createTempDirectory("store-test-");
        config = DatabaseConfig.sqlite(sqliteDir.resolve("fleet.db"));
      }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
      if (sqliteDir != null) {
        try (Stream<Path> files = Files.walk(sqliteDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
      return p.getParameter().getType() == DatabaseConfig.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext context) {
      return config;
    }
  }
}

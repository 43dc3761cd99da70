package org.edgefleet.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every curl example of the REST API in README.md and docs/ sends an API token when the route
 * needs one (the {@link AccessTable} decides): copied as written, an example must not answer 401.
 */
class DocumentedCurlTest {

  private static final Path ROOT = Path.of("..");
  // The server's /metrics, not the agent's local /v1/metrics.
  private static final Pattern PATH = Pattern.compile("(/api/v1/[^\\s'\"?]*|(?<!/v1)/metrics)(?=[\\s'\"?]|$)");
  private static final Pattern METHOD = Pattern.compile("-X\\s*([A-Z]+)");

  @Test
  void everyCurlOfARouteThatNeedsATokenSendsOne() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Path file : files) {
      for (String command : curlCommands(Files.readAllLines(file))) {
        Matcher path = PATH.matcher(command);
        if (!path.find()) {
          continue; // not the server's REST API (the agent's local API, for one)
        }
        checked++;
        Matcher m = METHOD.matcher(command);
        HttpMethod method = HttpMethod.valueOf(m.find() ? m.group(1) : command.matches(".*\\s(-d|--data\\S*)\\s.*") ? "POST" : "GET");
        String concrete = path.group(1).replaceAll("\\{[^}]+}|\\$\\{?[A-Za-z_]+}?|<[^>]+>|…", "x");
        Optional<AccessTable.Match> rule = AccessTable.match(method, concrete);
        boolean exempt = rule.isPresent() && rule.get().rule().exemption() != null;
        if (!exempt && !command.toLowerCase(Locale.ROOT).contains("authorization: bearer")) {
          missing.add(ROOT.relativize(file) + ": " + command);
        }
      }
    }
    assertThat(checked).as("curl examples of the REST API found").isGreaterThan(10);
    assertThat(missing).as("curl examples without 'Authorization: Bearer'").isEmpty();
  }

  @Test
  void anExampleWithoutATokenIsFound() {
    List<String> commands = curlCommands(List.of("curl -X PUT localhost:8080/api/v1/cohorts/eu \\", "  -d '{}'",
        "curl localhost:8080/api/v1/health"));
    assertThat(commands).containsExactly("curl -X PUT localhost:8080/api/v1/cohorts/eu -d '{}'", "curl localhost:8080/api/v1/health");
    assertThat(AccessTable.match(HttpMethod.PUT, "/api/v1/cohorts/eu").orElseThrow().rule().exemption()).isNull();
    assertThat(AccessTable.match(HttpMethod.GET, "/api/v1/health").orElseThrow().rule().exemption()).isNotNull();
  }

  /** Each curl command, its continuation lines joined. */
  private static List<String> curlCommands(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = null;
    for (String line : lines) {
      String t = line.strip();
      if (current == null) {
        int at = t.indexOf("curl ");
        if (at < 0) {
          continue;
        }
        current = new StringBuilder(t.substring(at));
      } else {
        current.append(' ').append(t);
      }
      if (current.toString().endsWith("\\")) {
        current.setLength(current.length() - 1);
        while (current.length() > 0 && current.charAt(current.length() - 1) == ' ') {
          current.setLength(current.length() - 1);
        }
      } else {
        out.add(current.toString());
        current = null;
      }
    }
    return out;
  }
}

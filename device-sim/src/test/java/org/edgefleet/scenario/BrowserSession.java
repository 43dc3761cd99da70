package org.edgefleet.scenario;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the system's packages (Debian chromium and chromium-driver), driven
 * through its own chromedriver: nothing is downloaded. Without them a local run skips with the
 * reason; under CI=true it fails, since CI installs both (.ci/run).
 */
final class BrowserSession implements AutoCloseable {

  static final Dimension LAPTOP = new Dimension(1280, 860);
  static final Dimension PHONE = new Dimension(390, 844);
  private static final List<Path> BROWSERS = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
  private static final List<Path> DRIVERS = List.of(Path.of("/usr/bin/chromedriver"), Path.of("/usr/lib/chromium/chromedriver"));

  final ChromeDriver driver;
  private final Path screenshots;

  private BrowserSession(ChromeDriver driver, Path screenshots) {
    this.driver = driver;
    this.screenshots = screenshots;
  }

  /** Starts Chromium, or skips (locally) or fails (CI) the test when it is not installed. */
  static BrowserSession start(Path profileDir, Path screenshots) throws IOException {
    Path browser = BROWSERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
    Path driverBinary = DRIVERS.stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (browser == null || driverBinary == null) {
      String why = "the dashboard's browser test needs Chromium and its driver (apt-get install chromium chromium-driver);"
          + " not found at " + BROWSERS + " / " + DRIVERS;
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    ChromeOptions options = new ChromeOptions().setBinary(browser.toFile()).addArguments("--headless=new", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + Files.createDirectories(profileDir));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
        .usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    driver.manage().window().setSize(LAPTOP);
    return new BrowserSession(driver, Files.createDirectories(screenshots));
  }

  void size(Dimension d) {
    driver.manage().window().setSize(d);
  }

  /** Saves what the window shows as {@code name}.png. */
  Path screenshot(String name) throws IOException {
    Path out = screenshots.resolve(name + ".png");
    Files.write(out, driver.getScreenshotAs(OutputType.BYTES));
    return out;
  }

  /** Whether the page is wider than the window (a layout that breaks on a phone). */
  boolean overflowsHorizontally() {
    Object r = driver.executeScript("return document.documentElement.scrollWidth > window.innerWidth + 1;");
    return Boolean.TRUE.equals(r);
  }

  @Override
  public void close() {
    driver.quit();
  }
}

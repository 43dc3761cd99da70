package org.edgefleet.agent.sampling;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.edgefleet.agent.update.AtomicFiles;
import org.edgefleet.protocol.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes of samples sent today (UTC) per model version, kept in a file of the data dir so that a
 * restart does not hand out the day's budget a second time. A new day starts every count at zero.
 * Not thread-safe: runs on the agent loop.
 */
final class DailyBudget {

  private static final Logger log = LoggerFactory.getLogger(DailyBudget.class);

  /** What the file holds: the day the counts belong to and the bytes per "model/version". */
  record Spent(LocalDate day, Map<String, Long> bytes) {}

  private final Path file;
  private LocalDate day;
  private final Map<String, Long> spent = new HashMap<>();

  DailyBudget(Path file) {
    this.file = file;
    try {
      Spent s = Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<Spent>() {});
      if (s.day() != null && s.bytes() != null) {
        day = s.day();
        spent.putAll(s.bytes());
      }
    } catch (NoSuchFileException e) {
      // first start: nothing spent
    } catch (IOException | RuntimeException e) {
      // An unreadable file must not reopen the budget: today counts as spent in full.
      log.warn("event=sampling_budget_unreadable file={} reason=\"{}\" action=no_samples_today", file, e.getMessage());
      day = null;
      spent.put(EXHAUSTED, Long.MAX_VALUE);
    }
  }

  private static final String EXHAUSTED = "*";

  /**
   * Charges {@code bytes} to the version's budget of the day {@code now} falls in, if they fit
   * within {@code limit}; returns whether they did (and were charged).
   */
  boolean tryCharge(String key, long bytes, long limit, Instant now) {
    LocalDate today = now.atOffset(ZoneOffset.UTC).toLocalDate();
    if (spent.containsKey(EXHAUSTED)) {
      if (day == null) {
        day = today; // the day the unreadable file was found in stays closed
      }
      if (!today.isAfter(day)) {
        return false;
      }
    }
    if (day == null || today.isAfter(day)) {
      day = today;
      spent.clear();
    }
    // A clock stepped back to an earlier day keeps charging the latest day: budgets never reopen.
    long used = spent.getOrDefault(key, 0L);
    if (bytes > limit - used) {
      return false;
    }
    spent.put(key, used + bytes);
    try {
      AtomicFiles.write(file, Json.write(new Spent(day, spent)));
    } catch (IOException e) {
      // Not saved: send nothing rather than risk sending the same bytes again after a restart.
      spent.put(key, used);
      log.warn("event=sampling_budget_not_saved file={} reason=\"{}\"", file, e.getMessage());
      return false;
    }
    return true;
  }
}

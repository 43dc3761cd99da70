package org.edgefleet.server.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a listing in key order, and the key of its last item when more follow: the next page
 * starts after it, so paging neither repeats nor skips items that were there all along.
 */
public record Page<T>(List<T> items, Optional<String> nextAfter) {

  public Page {
    items = List.copyOf(items);
  }

  /** A page from up to {@code limit + 1} items fetched in key order; the extra one says that more follow. */
  public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> key) {
    if (fetched.size() <= limit) {
      return new Page<>(fetched, Optional.empty());
    }
    List<T> items = fetched.subList(0, limit);
    return new Page<>(items, Optional.of(key.apply(items.get(limit - 1))));
  }

  public <R> Page<R> map(Function<T, R> f) {
    return new Page<>(items.stream().map(f).toList(), nextAfter);
  }
}

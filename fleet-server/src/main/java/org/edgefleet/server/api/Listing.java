package org.edgefleet.server.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.edgefleet.server.store.Page;

/** The body of a listing: the page's items under their name, and {@code next} unless it is the last page. */
final class Listing {

  private Listing() {}

  static Map<String, Object> of(String name, Page<?> page, String kind) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(name, page.items());
    String next = Query.next(kind, page);
    if (next != null) {
      body.put("next", next);
    }
    return body;
  }
}

package org.edgefleet.server.config;

import java.util.Objects;

/**
 * One server setting: its name (also the command-line flag, {@code --name}), its type, its default
 * and one line saying what it does. Every setting is listed in {@link Settings#ALL} and in
 * docs/configuration.md.
 *
 * @param elementType the element type of a list-valued setting, else null
 * @param defaultValue the value when nothing is set; null means "not set" (e.g. no external broker)
 */
public record Setting<T>(String name, Class<?> type, Class<?> elementType, T defaultValue, String description) {

  public Setting {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(type, "type must not be null");
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException("setting " + name + " needs a description");
    }
  }

  static <T> Setting<T> of(String name, Class<T> type, T defaultValue, String description) {
    return new Setting<>(name, type, null, defaultValue, description);
  }

  public String flag() {
    return "--" + name;
  }

  @SuppressWarnings("unchecked")
  T cast(Object value) {
    if (value != null && !(type.isInstance(value))) {
      throw new IllegalArgumentException(name + " must be a " + type.getSimpleName() + ", was " + value.getClass().getSimpleName());
    }
    return (T) value;
  }
}

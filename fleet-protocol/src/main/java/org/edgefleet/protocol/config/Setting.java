package org.edgefleet.protocol.config;

import java.util.List;
import java.util.Objects;

/**
 * One setting: its name (the key in a config file, or the flag {@code --name} on a command line),
 * its type, its default and one line saying what it does. A component lists its settings in one
 * {@code Settings.ALL}-style list, which docs/configuration.md and docs/agent.md mirror.
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

  public static <T> Setting<T> of(String name, Class<T> type, T defaultValue, String description) {
    return new Setting<>(name, type, null, defaultValue, description);
  }

  public static <E> Setting<List<E>> listOf(String name, Class<E> elementType, List<E> defaultValue, String description) {
    return new Setting<>(name, List.class, elementType, defaultValue, description);
  }

  public String flag() {
    return "--" + name;
  }

  /** {@code value} as this setting's type, or an exception naming the setting and both types. */
  @SuppressWarnings("unchecked")
  public T cast(Object value) {
    if (value != null && !(type.isInstance(value))) {
      throw new IllegalArgumentException(name + " must be a " + type.getSimpleName() + ", was " + value.getClass().getSimpleName());
    }
    return (T) value;
  }
}

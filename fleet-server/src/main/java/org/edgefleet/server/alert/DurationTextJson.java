package org.edgefleet.server.alert;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Duration;
import org.edgefleet.protocol.config.DurationText;

/** Writes a duration as the text a rule is written in (30s, 2m, 1h), so a rule reads back as it was sent. */
final class DurationTextJson extends StdSerializer<Duration> {

  DurationTextJson() {
    super(Duration.class);
  }

  @Override
  public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
    gen.writeString(DurationText.format(value));
  }
}

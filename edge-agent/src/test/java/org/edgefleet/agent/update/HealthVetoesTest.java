package org.edgefleet.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthVetoesTest {

  @TempDir Path dir;

  @Test
  void aVetoOutlivesARestartAndNamesOnlyThatVersion() throws IOException {
    HealthVetoes first = new HealthVetoes(dir);
    assertThat(first.isVetoed("m", 2)).isFalse();
    first.veto("m", 2);
    first.veto("m", 2);
    HealthVetoes again = new HealthVetoes(dir);
    assertThat(again.isVetoed("m", 2)).isTrue();
    assertThat(again.isVetoed("m", 3)).isFalse();
    assertThat(again.isVetoed("other", 2)).isFalse();
  }

  @Test
  void aCorruptFileIsRefusedWithWhatToDo() throws IOException {
    Files.writeString(dir.resolve("health-vetoes.json"), "{\"m\": \"two\"}");
    assertThatThrownBy(() -> new HealthVetoes(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("health-vetoes.json is corrupt").hasMessageContaining("delete it");
  }
}

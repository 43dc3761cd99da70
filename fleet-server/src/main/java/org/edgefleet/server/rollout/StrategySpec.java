package org.edgefleet.server.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.SlotRole;
import org.edgefleet.server.FleetException;

/**
 * A rollout's plan as the operator asked for it and as it is stored: the strategy, its stages (the
 * shares only grow, a stage may keep its share to switch the earlier stages' devices to the active
 * role, and the last covers the whole cohort), its gates and whether an operator must approve each
 * promotion. A request names a strategy alone ({@code "canary"}: 1, 10, 50, 100 % with ten
 * minutes' bake) or gives the whole object. Blue-green, shadow and A/B plan their own two stages
 * (the version in its role, then active everywhere) from their options ({@code blueGreen},
 * {@code shadow}, {@code ab}); only the options of the plan's kind may be given.
 */
public record StrategySpec(Strategy kind, List<StageSpec> stages, GateSpec gates, boolean manualApproval,
    BlueGreenSpec blueGreen, ShadowSpec shadow, AbSpec ab) {

  static final int MAX_STAGES = 20;
  static final List<StageSpec> DEFAULT_CANARY = List.of(new StageSpec(1, 600, null), new StageSpec(10, 600, null),
      new StageSpec(50, 600, null), new StageSpec(100, 600, null));
  public static final StrategySpec ALL_AT_ONCE = new StrategySpec(Strategy.ALL_AT_ONCE, List.of(new StageSpec(100, 0, null)),
      GateSpec.DEFAULT, false);
  private static final Set<String> FIELDS = Set.of("kind", "stages", "gates", "manualApproval", "blueGreen", "shadow", "ab");

  public StrategySpec {
    stages = List.copyOf(stages);
    if (stages.isEmpty() || stages.size() > MAX_STAGES) {
      throw FleetException.invalid("bad_stages", "\"stages\" must hold 1 to " + MAX_STAGES + " stages, held " + stages.size());
    }
    for (int i = 1; i < stages.size(); i++) {
      StageSpec before = stages.get(i - 1);
      StageSpec stage = stages.get(i);
      boolean switchesRole = stage.basisPoints() == before.basisPoints() && before.role() != SlotRole.ACTIVE
          && stage.role() == SlotRole.ACTIVE;
      if (stage.basisPoints() <= before.basisPoints() && !switchesRole) {
        throw FleetException.invalid("bad_stages", "stage " + (i + 1) + " covers " + stage.percent()
            + " %, not more than stage " + i + " (" + before.percent() + " %): stages only grow");
      }
    }
    if (!stages.get(stages.size() - 1).isWhole()) {
      throw FleetException.invalid("bad_stages", "the last stage must cover 100 % of the cohort, covers "
          + stages.get(stages.size() - 1).percent() + " %");
    }
    if (kind == Strategy.ALL_AT_ONCE && stages.size() != 1) {
      throw FleetException.invalid("bad_stages", "all-at-once has one stage; use \"kind\": \"canary\" for stages");
    }
    if ((kind == Strategy.ALL_AT_ONCE || kind == Strategy.CANARY) && stages.stream().anyMatch(st -> st.role() != SlotRole.ACTIVE)) {
      throw FleetException.invalid("bad_stages", kind.wireName() + " stages are active; for another role use \"kind\": "
          + "\"blue-green\" (candidate), \"shadow\" or \"ab\" (arm)");
    }
    checkOptions(kind, Strategy.BLUE_GREEN, blueGreen, "blueGreen");
    checkOptions(kind, Strategy.SHADOW, shadow, "shadow");
    checkOptions(kind, Strategy.AB, ab, "ab");
    gates = gates == null ? GateSpec.DEFAULT : gates;
  }

  /** A canary or all-at-once plan. */
  public StrategySpec(Strategy kind, List<StageSpec> stages, GateSpec gates, boolean manualApproval) {
    this(kind, stages, gates, manualApproval, null, null, null);
  }

  private static void checkOptions(Strategy kind, Strategy owner, Object options, String field) {
    if ((kind == owner) != (options != null)) {
      throw FleetException.invalid("bad_strategy", kind == owner ? "a " + kind.wireName() + " plan needs \"" + field + "\""
          : "\"" + field + "\" belongs to a " + owner.wireName() + " plan, not " + kind.wireName());
    }
  }

  /** The two stages of a blue-green, shadow or A/B plan: the version in its role, then active on the whole cohort. */
  static List<StageSpec> planned(Strategy kind, BlueGreenSpec blueGreen, ShadowSpec shadow) {
    return switch (kind) {
      case BLUE_GREEN -> List.of(new StageSpec(100, 0, SlotRole.CANDIDATE), new StageSpec(100, blueGreen.bakeSeconds(),
          SlotRole.ACTIVE));
      case SHADOW -> List.of(new StageSpec(shadow.percent(), 0, SlotRole.SHADOW), new StageSpec(100, 0, SlotRole.ACTIVE));
      case AB -> List.of(new StageSpec(100, 0, SlotRole.ARM), new StageSpec(100, 0, SlotRole.ACTIVE));
      case ALL_AT_ONCE, CANARY -> throw new IllegalArgumentException(kind + " plans no stages of its own");
    };
  }

  /** The plan of a request's {@code strategy}: absent, a name, or an object. */
  public static StrategySpec parse(JsonNode node) {
    if (node == null || node.isNull()) {
      return ALL_AT_ONCE;
    }
    if (node.isTextual()) {
      Strategy kind = Strategy.parse(node.asText());
      return switch (kind) {
        case ALL_AT_ONCE -> ALL_AT_ONCE;
        case CANARY -> new StrategySpec(kind, DEFAULT_CANARY, GateSpec.DEFAULT, false);
        case BLUE_GREEN -> withOptions(kind, null, GateSpec.DEFAULT, false, BlueGreenSpec.DEFAULT, null, null);
        case SHADOW -> withOptions(kind, null, GateSpec.DEFAULT, false, null, ShadowSpec.DEFAULT, null);
        case AB -> throw FleetException.invalid("bad_ab", "an \"ab\" plan needs its sample size declared up front: "
            + "{\"kind\": \"ab\", \"ab\": {\"plannedPerArm\": 1000}}");
      };
    }
    if (!node.isObject()) {
      throw FleetException.invalid("bad_strategy", "\"strategy\" must be a name (\"canary\") or an object with \"kind\"");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw FleetException.invalid("bad_strategy", "\"strategy\" has unknown field \"" + name + "\"; known: " + FIELDS);
      }
    }
    Strategy kind = Strategy.parse(node.path("kind").asText(null));
    GateSpec gates = node.has("gates") ? read(node.get("gates"), GateSpec.class, "gates") : GateSpec.DEFAULT;
    JsonNode approval = node.path("manualApproval");
    if (!approval.isMissingNode() && !approval.isBoolean()) {
      throw FleetException.invalid("bad_strategy", "\"manualApproval\" must be true or false");
    }
    List<StageSpec> stages = node.has("stages") ? stages(node.get("stages")) : null;
    if (kind == Strategy.ALL_AT_ONCE || kind == Strategy.CANARY) {
      for (String field : List.of("blueGreen", "shadow", "ab")) {
        if (node.has(field)) {
          throw FleetException.invalid("bad_strategy", "\"" + field + "\" does not apply to a " + kind.wireName() + " plan");
        }
      }
      return new StrategySpec(kind, stages != null ? stages : kind == Strategy.CANARY ? DEFAULT_CANARY : ALL_AT_ONCE.stages(),
          gates, approval.asBoolean(false));
    }
    BlueGreenSpec blueGreen = kind == Strategy.BLUE_GREEN ? options(node, "blueGreen", BlueGreenSpec.class, BlueGreenSpec.DEFAULT)
        : refused(node, "blueGreen", kind);
    ShadowSpec shadow = kind == Strategy.SHADOW ? options(node, "shadow", ShadowSpec.class, ShadowSpec.DEFAULT)
        : refused(node, "shadow", kind);
    AbSpec ab = kind == Strategy.AB ? options(node, "ab", AbSpec.class, null) : refused(node, "ab", kind);
    return withOptions(kind, stages, gates, approval.asBoolean(false), blueGreen, shadow, ab);
  }

  // The stages of these kinds follow from their options; stages given (as the stored form has them) must be those.
  private static StrategySpec withOptions(Strategy kind, List<StageSpec> stages, GateSpec gates, boolean manualApproval,
      BlueGreenSpec blueGreen, ShadowSpec shadow, AbSpec ab) {
    if (kind == Strategy.AB && ab == null) {
      throw FleetException.invalid("bad_ab", "an \"ab\" plan needs \"ab\" with its sample size declared up front, e.g. "
          + "{\"plannedPerArm\": 1000} or {\"outcomeSd\": 1.0, \"minEffect\": 0.1}");
    }
    List<StageSpec> planned = planned(kind, blueGreen, shadow);
    if (stages != null && !stages.equals(planned)) {
      throw FleetException.invalid("bad_stages", "a " + kind.wireName() + " plan makes its own stages; leave out \"stages\" and "
          + "set its options in \"" + switch (kind) {
            case BLUE_GREEN -> "blueGreen";
            case SHADOW -> "shadow";
            default -> "ab";
          } + "\"");
    }
    return new StrategySpec(kind, planned, gates, manualApproval, blueGreen, shadow, ab);
  }

  private static <T> T options(JsonNode node, String field, Class<T> type, T otherwise) {
    return node.has(field) ? read(node.get(field), type, field) : otherwise;
  }

  private static <T> T refused(JsonNode node, String field, Strategy kind) {
    if (node.has(field)) {
      throw FleetException.invalid("bad_strategy", "\"" + field + "\" does not apply to a " + kind.wireName() + " plan");
    }
    return null;
  }

  private static List<StageSpec> stages(JsonNode node) {
    if (!node.isArray()) {
      throw FleetException.invalid("bad_stages", "\"stages\" must be an array of {\"percent\": 10, \"bakeSeconds\": 600}");
    }
    if (node.size() > MAX_STAGES) {
      throw FleetException.invalid("bad_stages", "\"stages\" must hold 1 to " + MAX_STAGES + " stages, held " + node.size());
    }
    List<StageSpec> out = new ArrayList<>();
    for (JsonNode s : node) {
      out.add(read(s, StageSpec.class, "stages"));
    }
    return out;
  }

  // Strict: a misspelt gate must not pass silently as its default.
  private static <T> T read(JsonNode node, Class<T> type, String field) {
    try {
      return Json.mapper().readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(node);
    } catch (IOException | IllegalArgumentException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof FleetException fe) {
          throw fe;
        }
      }
      if (e instanceof MismatchedInputException m) {
        // Its message names Java classes; the path names what the operator wrote.
        StringBuilder path = new StringBuilder(field);
        m.getPath().forEach(ref -> path.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]"));
        if (m instanceof UnrecognizedPropertyException u) {
          throw FleetException.invalid("bad_strategy", "\"" + path + "\" is not a known field; known: " + u.getKnownPropertyIds());
        }
        throw FleetException.invalid("bad_strategy", "\"" + path + "\" has the wrong JSON type (a number, an object...): see "
            + "the plan's fields in the API reference");
      }
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw FleetException.invalid("bad_strategy", "\"" + field + "\" is not valid: " + why);
    }
  }

  /** Stored form. */
  String toJson() {
    return Json.writeString(this);
  }

  static StrategySpec fromJson(String json) {
    return parse(Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), JsonNode.class));
  }
}

package org.edgefleet.agent.localapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.Prediction;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.InputTooLargeException;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.edgefleet.protocol.tensor.numpy.NumpyArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API under {@code /v1} (docs/local-api.md). Runs on a worker. {@code predict} goes through
 * {@link EdgeAgent#predict}, the call in-process applications make, so the agent's checks,
 * metrics and telemetry see these calls like any other.
 */
final class Routes {

  private static final Logger log = LoggerFactory.getLogger(Routes.class);
  private static final String PREFIX = "/v1/";

  private final EdgeAgent agent;
  private final LocalApiSettings settings;
  private final LocalApiCounters counters;

  Routes(EdgeAgent agent, LocalApiSettings settings, LocalApiCounters counters) {
    this.agent = agent;
    this.settings = settings;
    this.counters = counters;
  }

  HttpResponse handle(RequestHead request, byte[] body) {
    try {
      return route(request, body);
    } catch (ApiError e) {
      return HttpResponse.error(e, false);
    } catch (RuntimeException e) {
      log.warn("event=local_api_request_failed method={} reason={}", request.method(), e.toString(), e);
      return HttpResponse.error(new ApiError(500, "internal", "the agent failed on this request: " + e), false);
    }
  }

  private HttpResponse route(RequestHead request, byte[] body) throws ApiError {
    String target = request.target();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String method = request.method();
    if (!path.startsWith(PREFIX)) {
      throw noRoute(path);
    }
    List<String> segments = segments(path.substring(PREFIX.length()));
    String first = segments.get(0);
    if (segments.size() == 1 && (first.equals("health") || first.equals("metrics") || first.equals("models"))) {
      requireMethod(method, "GET", path);
      return switch (first) {
        case "health" -> HttpResponse.json(200, health());
        case "metrics" -> HttpResponse.of(HttpResponse.PROMETHEUS,
            PrometheusText.render(agent, counters).getBytes(StandardCharsets.UTF_8));
        default -> HttpResponse.json(200, Map.of("models", models()));
      };
    }
    if (first.equals("models") && segments.size() == 2) {
      requireMethod(method, "GET", path);
      return HttpResponse.json(200, model(segments.get(1)));
    }
    if (first.equals("models") && segments.size() == 3 && segments.get(2).equals("predict")) {
      requireMethod(method, "POST", path);
      return predict(segments.get(1), request, body);
    }
    throw noRoute(path);
  }

  private static void requireMethod(String method, String allowed, String path) throws ApiError {
    if (!method.equals(allowed)) {
      throw ApiError.methodNotAllowed(method, path, allowed);
    }
  }

  private Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("status", "ok");
    h.put("deviceId", agent.deviceId());
    h.put("agentVersion", EdgeAgent.VERSION);
    h.put("connected", agent.isConnected());
    h.put("models", new TreeSet<>(agent.activeModels()));
    return h;
  }

  private List<Map<String, Object>> models() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String name : new TreeSet<>(agent.activeModels())) {
      agent.activeManifest(name).ifPresent(m -> out.add(describe(m)));
    }
    return out;
  }

  private Map<String, Object> model(String name) throws ApiError {
    return describe(agent.activeManifest(name).orElseThrow(() -> unknownModel(name)));
  }

  /** A model as the manifest of its active version has it: specs exactly as declared (-1: dynamic). */
  private static Map<String, Object> describe(Manifest m) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", m.name());
    d.put("activeVersion", m.version());
    d.put("format", m.format());
    d.put("inputs", m.inputs());
    d.put("outputs", m.outputs());
    d.put("description", m.description());
    return d;
  }

  /**
   * An npz body's arrays, read by the project's one NumPy reader. Refused as sent rather than
   * narrowed: float64 would lose precision the caller did not ask to lose.
   */
  private static Map<String, Tensor> npzInputs(byte[] body, long maxUnpackedBytes) throws ApiError {
    List<NumpyArray> arrays;
    try {
      arrays = Npz.read("the npz body", body, maxUnpackedBytes);
    } catch (InputTooLargeException e) {
      throw new ApiError(413, "body_too_large", e.getMessage() + " (localApi.maxBodyBytes)");
    } catch (IOException e) {
      throw ApiError.badRequest("malformed_npz", e.getMessage());
    }
    for (NumpyArray a : arrays) {
      if (a.narrowed()) {
        throw ApiError.badRequest("bad_dtype", "input '" + RequestHead.printable(a.name()) + "' is '" + a.sourceDtype()
            + "', which a model input cannot hold exactly: send x.astype(np.float32)");
      }
    }
    return Npz.tensors(arrays);
  }

  private HttpResponse predict(String model, RequestHead request, byte[] body) throws ApiError {
    String type = mediaType(request.header("content-type"));
    Map<String, Tensor> inputs = switch (type) {
      case HttpResponse.JSON -> TensorJson.readInputs(body);
      case HttpResponse.NPZ -> npzInputs(body, settings.maxBodyBytes());
      default -> throw new ApiError(415, "unsupported_media_type", "Content-Type '" + RequestHead.printable(type)
          + "' is not taken here: send application/json or application/x-npz");
    };
    boolean npzOut = wantsNpz(request.header("accept"));
    Prediction p;
    try {
      p = agent.predict(model, inputs);
    } catch (PredictionException e) {
      throw switch (e.reason()) {
        case NO_ACTIVE_MODEL -> unknownModel(model);
        case INPUT_MISMATCH -> ApiError.badRequest("input_mismatch", e.getMessage());
        case INFERENCE_FAILED -> new ApiError(500, "inference_failed", e.getMessage());
      };
    }
    if (npzOut) {
      return HttpResponse.of(HttpResponse.NPZ, Npz.toBytes(p.outputs()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", p.model());
    out.put("version", p.version());
    out.put("outputs", p.outputs());
    return HttpResponse.json(200, out);
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  private static boolean wantsNpz(String accept) {
    return accept != null && accept.toLowerCase(Locale.ROOT).contains(HttpResponse.NPZ);
  }

  private ApiError unknownModel(String name) {
    return ApiError.notFound("unknown_model", "no version of model '" + RequestHead.printable(name)
        + "' is active on this device (active: " + new TreeSet<>(agent.activeModels()) + ")");
  }

  private static ApiError noRoute(String path) {
    return ApiError.notFound("no_route", "nothing is served at '" + RequestHead.printable(path)
        + "' (see GET /v1/models, /v1/models/{name}, POST /v1/models/{name}/predict, GET /v1/health, /v1/metrics)");
  }

  /** Path segments, percent-decoded as UTF-8 (a '+' stays a '+': this is a path, not a form). */
  static List<String> segments(String path) throws ApiError {
    List<String> out = new ArrayList<>();
    for (String raw : path.split("/", -1)) {
      out.add(percentDecode(raw));
    }
    return out;
  }

  private static String percentDecode(String s) throws ApiError {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
      if (lo < 0) {
        throw ApiError.badRequest("malformed_path", "the path has a bad percent escape at '"
            + RequestHead.printable(s.substring(i)) + "'");
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("malformed_path", "a path segment is not UTF-8 once percent-decoded");
    }
  }
}

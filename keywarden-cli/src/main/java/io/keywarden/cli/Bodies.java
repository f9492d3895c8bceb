package io.keywarden.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Builds request bodies from options: only the options given become fields. */
final class Bodies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CommandSpec spec;
  private final ObjectNode body = JSON.createObjectNode();

  Bodies(CommandSpec spec) {
    this.spec = spec;
  }

  Bodies put(String field, String value) {
    if (value != null) {
      body.put(field, value);
    }
    return this;
  }

  Bodies put(String field, Integer value) {
    if (value != null) {
      body.put(field, value);
    }
    return this;
  }

  Bodies put(String field, Boolean value) {
    if (value != null) {
      body.put(field, value);
    }
    return this;
  }

  Bodies list(String field, List<String> values) {
    if (values != null) {
      ArrayNode a = body.putArray(field);
      values.stream().map(String::strip).filter(v -> !v.isEmpty()).forEach(a::add);
    }
    return this;
  }

  /** {@code value} as a time, or JSON null for {@code none}. */
  Bodies timeOrNone(String field, String value) {
    if (value != null) {
      if (value.equals("none")) {
        body.putNull(field);
      } else {
        body.put(field, value);
      }
    }
    return this;
  }

  /** {@code value} as a number of days, or the string {@code none} (as the API takes it). */
  Bodies daysOrNone(String field, String option, String value) {
    if (value != null) {
      if (value.equals("none")) {
        body.put(field, "none");
      } else {
        try {
          body.put(field, Integer.parseInt(value));
        } catch (NumberFormatException e) {
          throw usage(option + " must be a number of days or none, not '" + value + "'");
        }
      }
    }
    return this;
  }

  /** {@code json} as a JSON object. */
  Bodies object(String field, String option, String json) {
    if (json != null) {
      JsonNode n;
      try {
        n = JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw usage(option + " must be a JSON object such as '{\"team\":\"infra\"}'");
      }
      if (n == null || !n.isObject()) {
        throw usage(option + " must be a JSON object such as '{\"team\":\"infra\"}'");
      }
      body.set(field, n);
    }
    return this;
  }

  boolean isEmpty() {
    return body.isEmpty();
  }

  ObjectNode json() {
    return body;
  }

  /** A usage error (exit code 2) of this command. */
  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}

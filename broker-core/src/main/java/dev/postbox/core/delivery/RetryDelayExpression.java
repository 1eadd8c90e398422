package dev.postbox.core.delivery;

import dev.postbox.core.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code Upstash-Retry-Delay} expression (docs/api.md#retries): milliseconds computed from
 * {@code retried}, the number of retries already performed. Numbers, {@code + - * /}, unary minus,
 * parentheses and pow, exp, sqrt, abs, floor, ceil, round, min, max. Parsed once (our own recursive
 * descent — no script engine); evaluation is a tree walk. Immutable and thread-safe.
 */
public final class RetryDelayExpression {
  private static final String HEADER = "Upstash-Retry-Delay";

  private interface Node {
    double eval(double retried);
  }

  private final String source;
  private final Node root;

  private RetryDelayExpression(String source, Node root) {
    this.source = source;
    this.root = root;
  }

  public static RetryDelayExpression parse(String source) {
    if (source == null || source.isBlank()) {
      throw new InvalidRequestException("invalid " + HEADER + ": empty expression");
    }
    Parser p = new Parser(source);
    Node n = p.expression();
    p.skipSpace();
    if (!p.atEnd()) {
      throw p.error("unexpected '" + p.peek() + "'");
    }
    return new RetryDelayExpression(source, n);
  }

  public String source() {
    return source;
  }

  /** The delay in ms before the next retry, clamped to [0, 1 day]. */
  public long delayMillis(int retried) {
    double v = root.eval(retried);
    if (Double.isNaN(v) || v <= 0) {
      return 0;
    }
    if (v >= ExponentialBackoff.MAX_DELAY_MILLIS) {
      return ExponentialBackoff.MAX_DELAY_MILLIS;
    }
    return Math.round(v);
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    InvalidRequestException error(String what) {
      return new InvalidRequestException(
          "invalid " + HEADER + " \"" + s + "\": " + what + " at position " + (pos + 1));
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    char peek() {
      return s.charAt(pos);
    }

    boolean eat(char c) {
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    Node expression() {
      Node left = term();
      while (true) {
        if (eat('+')) {
          Node l = left;
          Node r = term();
          left = x -> l.eval(x) + r.eval(x);
        } else if (eat('-')) {
          Node l = left;
          Node r = term();
          left = x -> l.eval(x) - r.eval(x);
        } else {
          return left;
        }
      }
    }

    Node term() {
      Node left = unary();
      while (true) {
        if (eat('*')) {
          Node l = left;
          Node r = unary();
          left = x -> l.eval(x) * r.eval(x);
        } else if (eat('/')) {
          Node l = left;
          Node r = unary();
          left = x -> l.eval(x) / r.eval(x);
        } else {
          return left;
        }
      }
    }

    Node unary() {
      if (eat('-')) {
        Node n = unary();
        return x -> -n.eval(x);
      }
      if (eat('+')) {
        return unary();
      }
      return primary();
    }

    Node primary() {
      skipSpace();
      if (atEnd()) {
        throw error("unexpected end of expression");
      }
      char c = peek();
      if (c == '(') {
        pos++;
        Node n = expression();
        if (!eat(')')) {
          throw error("missing ')'");
        }
        return n;
      }
      if (Character.isDigit(c) || c == '.') {
        int start = pos;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
          pos++;
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
          int save = pos;
          pos++;
          if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
            pos++;
          }
          if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
              pos++;
            }
          } else {
            pos = save;
          }
        }
        String num = s.substring(start, pos);
        try {
          double v = Double.parseDouble(num);
          return x -> v;
        } catch (NumberFormatException e) {
          pos = start;
          throw error("bad number '" + num + "'");
        }
      }
      if (Character.isLetter(c) || c == '_') {
        int start = pos;
        while (pos < s.length()
            && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
          pos++;
        }
        String name = s.substring(start, pos);
        if (name.equals("retried")) {
          return x -> x;
        }
        if (!eat('(')) {
          pos = start;
          throw error("unknown identifier '" + name + "' (only 'retried' is defined)");
        }
        List<Node> args = new ArrayList<>();
        if (!eat(')')) {
          do {
            args.add(expression());
          } while (eat(','));
          if (!eat(')')) {
            throw error("missing ')' after arguments of " + name);
          }
        }
        return function(name, args, start);
      }
      throw error("unexpected '" + c + "'");
    }

    private Node function(String name, List<Node> a, int at) {
      int arity;
      Node n;
      switch (name) {
        case "pow":
          arity = 2;
          n = a.size() == 2 ? x -> Math.pow(a.get(0).eval(x), a.get(1).eval(x)) : null;
          break;
        case "min":
          arity = 2;
          n = a.size() == 2 ? x -> Math.min(a.get(0).eval(x), a.get(1).eval(x)) : null;
          break;
        case "max":
          arity = 2;
          n = a.size() == 2 ? x -> Math.max(a.get(0).eval(x), a.get(1).eval(x)) : null;
          break;
        case "exp":
          arity = 1;
          n = a.size() == 1 ? x -> Math.exp(a.get(0).eval(x)) : null;
          break;
        case "sqrt":
          arity = 1;
          n = a.size() == 1 ? x -> Math.sqrt(a.get(0).eval(x)) : null;
          break;
        case "abs":
          arity = 1;
          n = a.size() == 1 ? x -> Math.abs(a.get(0).eval(x)) : null;
          break;
        case "floor":
          arity = 1;
          n = a.size() == 1 ? x -> Math.floor(a.get(0).eval(x)) : null;
          break;
        case "ceil":
          arity = 1;
          n = a.size() == 1 ? x -> Math.ceil(a.get(0).eval(x)) : null;
          break;
        case "round":
          arity = 1;
          n = a.size() == 1 ? x -> (double) Math.round(a.get(0).eval(x)) : null;
          break;
        default:
          pos = at;
          throw error(
              "unknown function '"
                  + name
                  + "' (known: pow, exp, sqrt, abs, floor, ceil, round, min, max)");
      }
      if (n == null) {
        pos = at;
        throw error(name + " takes " + arity + " argument" + (arity == 1 ? "" : "s"));
      }
      return n;
    }
  }
}

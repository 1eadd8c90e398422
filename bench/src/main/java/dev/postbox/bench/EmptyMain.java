package dev.postbox.bench;

/** The baseline of the startup figure: a JVM that starts, runs nothing and exits. */
public final class EmptyMain {
  private EmptyMain() {}

  public static void main(String[] args) {}
}

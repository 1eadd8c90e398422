package dev.postbox.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link PostboxTest}: starts an in-process Postbox in test mode on a
 * free port with a temporary data directory the first time a test class needs it, hands it to
 * parameters of type {@link Postbox}, and stops it (deleting the directory) when the class is done.
 * Nested classes share their enclosing class's server.
 */
public final class PostboxExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostboxExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Postbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext owner = classContext(context);
    try {
      return owner
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(Postbox.class, k -> Postbox.start(), Postbox.class);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("could not start Postbox: " + e.getMessage(), e);
    }
  }

  /** The outermost class context: one server per top-level test class. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    ExtensionContext outermostClass = null;
    while (c != null) {
      if (c.getTestClass().isPresent() && c.getTestMethod().isEmpty()) {
        outermostClass = c;
      }
      c = c.getParent().orElse(null);
    }
    return outermostClass != null ? outermostClass : context.getRoot();
  }
}

package dev.postbox.app;

import dev.postbox.core.tenant.SigningKeys;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The production tenant's credentials: with {@code --token} set, the dev-server users are off and
 * only this token is accepted; its signing keys are given here or generated once and stored.
 */
public final class ProductionTenant {
  @Option(
      names = "--token",
      description =
          "production token; setting it turns the four dev-server users off (unset: dev mode)")
  String token;

  @Option(
      names = "--current-signing-key",
      description =
          "signing key of the production tenant, at least 32 characters (unset: generated once,"
              + " stored)")
  String currentSigningKey;

  @Option(
      names = "--next-signing-key",
      description = "next signing key of the production tenant (unset: generated once, stored)")
  String nextSigningKey;

  /** The configured signing keys, or null when they are to be generated (or read back). */
  public SigningKeys signingKeys() {
    return currentSigningKey == null ? null : new SigningKeys(currentSigningKey, nextSigningKey);
  }

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (token != null && token.isBlank()) {
      problems.add("--token must not be blank");
    }
    if ((currentSigningKey == null) != (nextSigningKey == null)) {
      problems.add("give both --current-signing-key and --next-signing-key, or neither");
    }
    if (currentSigningKey != null && token == null) {
      problems.add("signing keys are for the production tenant: also give --token");
    }
    for (String k : new String[] {currentSigningKey, nextSigningKey}) {
      if (k != null && k.length() < 32) {
        problems.add("signing keys must be at least 32 characters");
        break;
      }
    }
    return problems;
  }
}

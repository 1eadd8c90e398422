package dev.postbox.core.tenant;

import java.util.List;

/**
 * The official QStash dev server's fixed users (public constants of the SDK's dev mode), so apps
 * configured for it work against Postbox with no change. Their keys never rotate.
 */
public final class DevTenants {
  private DevTenants() {}

  public static final Tenant DEFAULT_USER =
      new Tenant(
          "defaultUser",
          "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=",
          new SigningKeys("sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r", "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs"),
          true);

  public static final List<Tenant> ALL =
      List.of(
          DEFAULT_USER,
          new Tenant(
              "testUser1",
              "eyJVc2VySUQiOiJ0ZXN0VXNlcjEiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
              new SigningKeys(
                  "sig_7GVPjvuwsfqF65iC8fSrs1dfYruM", "sig_5NoELc3EFnZn4DVS5bDs2Nk4b7Ua"),
              true),
          new Tenant(
              "testUser2",
              "eyJVc2VySUQiOiJ0ZXN0VXNlcjIiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
              new SigningKeys(
                  "sig_6jWGaWRxHsw4vMSPJprXadyvrybF", "sig_7qHbvhmahe5GwfePDiS5Lg3pi6Qx"),
              true),
          new Tenant(
              "testUser3",
              "eyJVc2VySUQiOiJ0ZXN0VXNlcjMiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
              new SigningKeys(
                  "sig_5T8FcSsynBjn9mMLBsXhpacRovJf", "sig_7GFR4YaDshFcqsxWRZpRB161jguD"),
              true));
}

package com.example.broker.http.api;

import com.example.broker.core.tenant.Tenants;

/** The QStash v2 routes this server answers (§2.7), in one table. */
public final class BrokerApi {
  private BrokerApi() {}

  public static Routes routes(
      Tenants tenants,
      PublishEndpoint publish,
      MessageEndpoints messages,
      LogEndpoints logs,
      DlqEndpoints dlq,
      KeyEndpoints keys) {
    return new Routes(tenants)
        .add("POST", "publish/**", false, publish::publish)
        .add("GET", "messages/{id}", true, messages::get)
        .add("DELETE", "messages/{id}", true, messages::cancel)
        .add("DELETE", "messages", true, messages::cancelMany)
        .add("GET", "events", true, logs::list)
        .add("GET", "logs", true, logs::list)
        .add("GET", "dlq", true, dlq::list)
        .add("DELETE", "dlq", true, dlq::deleteMany)
        .add("POST", "dlq/retry", true, dlq::retryMany)
        .add("POST", "dlq/retry/{id}", true, dlq::retry)
        .add("GET", "dlq/{id}", true, dlq::get)
        .add("DELETE", "dlq/{id}", true, dlq::delete)
        .add("GET", "keys", false, keys::get)
        .add("POST", "keys/rotate", true, keys::rotate);
  }
}

package dev.postbox.http.server;

import java.util.concurrent.CompletableFuture;

/**
 * Answers one request. Contract: completes the future exactly once; a {@code BrokerException}
 * (thrown or as the future's failure) becomes an error response in one place, {@code
 * ErrorResponses}.
 */
@FunctionalInterface
public interface ApiHandler {
  CompletableFuture<ApiResponse> handle(ApiRequest request) throws Exception;
}

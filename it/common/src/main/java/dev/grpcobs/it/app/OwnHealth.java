package dev.grpcobs.it.app;

import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * The application's own health service, from grpc-services, with a service only it knows about:
 * the agent must leave it in charge.
 */
final class OwnHealth {

  static final String OWN_SERVICE = "app.OwnHealthOnly";

  private OwnHealth() {}

  static BindableService service() {
    HealthStatusManager manager = new HealthStatusManager();
    manager.setStatus(OWN_SERVICE, HealthCheckResponse.ServingStatus.SERVING);
    return manager.getHealthService();
  }
}

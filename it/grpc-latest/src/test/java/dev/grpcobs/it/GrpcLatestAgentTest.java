package dev.grpcobs.it;

/** The agent suite on the latest supported gRPC version. */
class GrpcLatestAgentTest extends AgentSuite {

  @Override
  protected String grpcVersion() {
    return System.getProperty("grpc.version.expected");
  }
}

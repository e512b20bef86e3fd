package dev.grpcobs.it;

/** The agent suite on the oldest supported gRPC version. */
class GrpcOldestAgentTest extends AgentSuite {

  @Override
  protected String grpcVersion() {
    return System.getProperty("grpc.version.expected");
  }
}

package dev.grpcobs.it;

/** The agent suite on the middle supported gRPC version. */
class GrpcMiddleAgentTest extends AgentSuite {

  @Override
  protected String grpcVersion() {
    return System.getProperty("grpc.version.expected");
  }
}

package dev.grpcobs.it.tracing;

/** The agent's traces on the latest supported gRPC version. */
class GrpcLatestTracingTest extends TracingSuite {}

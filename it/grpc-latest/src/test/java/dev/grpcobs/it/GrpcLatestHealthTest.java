package dev.grpcobs.it;

/** Health exposure on the latest supported gRPC version. */
class GrpcLatestHealthTest extends HealthSuite {}

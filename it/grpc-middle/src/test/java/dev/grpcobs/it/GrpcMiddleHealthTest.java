package dev.grpcobs.it;

/** Health exposure on the middle supported gRPC version. */
class GrpcMiddleHealthTest extends HealthSuite {}

package dev.grpcobs.it;

/** Health exposure on the oldest supported gRPC version. */
class GrpcOldestHealthTest extends HealthSuite {}

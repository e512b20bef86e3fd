package dev.grpcobs.it;

/** Agent start-up in hostile set-ups, on the oldest supported gRPC version. */
class GrpcOldestStartupTest extends StartupSuite {}

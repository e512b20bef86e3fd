package dev.grpcobs.it;

/** Agent start-up in hostile set-ups, on the latest supported gRPC version. */
class GrpcLatestStartupTest extends StartupSuite {}

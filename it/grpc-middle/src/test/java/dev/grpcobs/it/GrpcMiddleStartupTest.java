package dev.grpcobs.it;

/** Agent start-up in hostile set-ups, on the middle supported gRPC version. */
class GrpcMiddleStartupTest extends StartupSuite {}

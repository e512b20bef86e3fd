package dev.grpcobs.it.logs;

/** The agent's request logs on the latest supported gRPC version. */
class GrpcLatestLogsTest extends LogsSuite {}
